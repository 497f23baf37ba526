#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qikan {

// UTF-8 helpers for the text we deliver. Chinese print puts no spaces between Han characters or
// around full-width punctuation; Tesseract's chi_sim inserts them, and we take them out again.

std::u32string ToU32(std::string_view utf8);
std::string ToUtf8(std::u32string_view text);
size_t Utf8Length(std::string_view utf8);

// Han ideographs, CJK and full-width punctuation, kana: characters that print without spaces.
bool IsCjk(char32_t c);

// Han ideographs alone: the unified ideographs, extension A, the compatibility ideographs and
// the supplementary planes' extensions (B onwards).
bool IsHan(char32_t c);

// A character to read, as against a mark: a Han character, or a Latin letter or digit.
bool IsCharacter(char32_t c);

// Whether `text` holds no character to read (IsCharacter): marks, brackets, symbols only. Such a
// word read at low confidence is a speck OCR took for a mark.
bool HoldsNoCharacter(std::u32string_view text);

// Removes white space that has a CJK character on either side; a space between two Latin words
// or digits ("GPS 70" stays, "AI 工具" becomes "AI工具") is kept when both neighbours are not CJK.
std::string RemoveCjkSpaces(std::string_view utf8);

// Print uses full-width punctuation between Chinese characters; OCR and typed sources mix in the
// ASCII forms. Converts , : ; ( ) ! ? and straight quotes to ，：；（）！？“” where a neighbour is
// CJK; digits and Latin text keep their half-width forms ("GPS", "2.7", "(0571)85250657").
std::string NormalizePunctuation(std::string_view utf8);

// A space, a tab, an ideographic space (U+3000) or a no-break space.
bool IsSpace(char32_t c);

// Removes all white space: the basis of whitespace-insensitive comparisons.
std::u32string StripWhitespace(std::u32string_view text);

// Levenshtein distance between code point sequences.
size_t EditDistance(std::u32string_view a, std::u32string_view b);

// The fewest edits that make `needle` a substring of `haystack` (its Levenshtein distance to the
// closest stretch of `haystack`): 0 when it is one.
size_t SubstringDistance(std::u32string_view needle, std::u32string_view haystack);

// A minimal edit script between `a` and `b`, in order: each step pairs a position of `a` with one
// of `b` (the same character or a substitution), or one side's position with kUnaligned (a
// character only that side has). Where several scripts are minimal, pairing is preferred, then
// a character of `a` alone.
inline constexpr size_t kUnaligned = static_cast<size_t>(-1);
struct AlignedPair {
  size_t a = kUnaligned;
  size_t b = kUnaligned;
};
std::vector<AlignedPair> AlignCharacters(std::u32string_view a, std::u32string_view b);

// Control characters are what a terminal obeys instead of printing (ESC starts a sequence that
// can retitle the window, recolour or move the cursor; C1's CSI does the same in one byte):
// C0 but tab and line feed, DEL, and U+0080-U+009F. The first one in `utf8` (line feed and tab
// count too unless `allow_line_breaks`), or nullopt.
std::optional<char32_t> FirstControlCharacter(std::string_view utf8, bool allow_line_breaks);
// `utf8` as it may be printed to a terminal: each control character (tab and line feed kept)
// and each byte that is not UTF-8 written out as \xNN or \u00NN, so what a reviewer typed or
// OCR produced is shown, never obeyed.
std::string ForTerminal(std::string_view utf8);

// "A < B" for a value found below a threshold, both with the threshold's decimals (the fewest,
// up to 3, that write it): the value is rounded down, so 89.96 below 90 reads "89 < 90" and
// 90.27 below 90.3 reads "90.2 < 90.3", never "90.0 < 90.0".
std::string BelowThreshold(double value, double threshold);

// Character error rate of `hypothesis` against `truth`, ignoring all white space.
double CharacterErrorRate(std::string_view truth, std::string_view hypothesis);

}  // namespace qikan
