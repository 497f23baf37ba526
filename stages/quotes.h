#pragma once

#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"
#include "stages/ocr.h"
#include "stages/reread.h"

namespace qikan {

// chi_sim reading a whole page drops a quote set against a character ("“破痛点”。" read
// "“破痛点。", "“安全网”临安区" read "“安全网临安区"): about 20 of the 380 character errors of the
// clean, office and one-bit items of `scripts/bench-accuracy --set tune|tune2`, the most common
// single error there. The same line cut out and read alone reads the mark (4 of 5 such lines
// tried, at 1.0 or 1.25 of the model's glyph). A line whose quotes do not pair is read again
// alone, and a mark the new reading holds is put in only where it closes a quote the line left
// open (or opens one it closes), between the same two characters in both readings: nothing but
// that mark changes.
struct QuoteOptions {
  // The line is read at these multiples of the model's glyph height, until a reading supplies a
  // missing mark.
  std::vector<double> scales = {1.0, 1.25};
  int max_lines = 12;  // per page, to bound the cost of a page read badly all over
  // Lines set this much larger than the body (headings, contents) are read whatever the count.
  double heading_glyph = 1.2;
};

// A mark to put into a line's text (white space aside): `mark` goes before the character at
// `before` (the text's length: at its end).
struct MissingMark {
  size_t before = 0;
  char32_t mark = 0;
};

// Whether the double quotes of `text` do not pair: an opening one with no closing one after it
// on the line, or a closing one with none opening before it.
bool QuotesUnpaired(std::u32string_view text);

// The quotes `reading` holds that `text` lacks, where each closes a quote `text` leaves open
// (the last quote before it opens, and none closes after it) or opens one `text` closes with no
// opening (the next quote after it closes, and the last before it does not open), between
// characters that both readings share on either side (never at the line's ends). The
// mark's direction is the one the place needs: a model may read ” as “. Both texts without
// white space.
std::vector<MissingMark> MissingQuotes(std::u32string_view text, std::u32string_view reading);

// The quote `reading` holds at an end of the line that `text` lacks, where `text` needs one
// there: an opening mark before its first character when its first quote closes (a title that
// starts with a quote, “三张清单”推动…, read 三张清单”推动…), a closing one after its last when
// its last quote opens. The reading's mark must stand right beside the first (last) character,
// read alike. Whether print has the mark there, or the quote goes on from the line before (to
// the next), only the ink tells (QuoteInkAtEnd).
std::vector<MissingMark> MissingEndQuotes(std::u32string_view text, std::u32string_view reading);

// Whether the line's ink begins (mark.before == 0) or ends with a quote's: from its outer edge
// (looked for a glyph beyond OCR's box) inward, ink that all stands in the top of the em, a
// tenth to three quarters of a glyph wide and at most 0.4 glyph tall, before the first column of
// a character's ink lower in the row. A quote sits high in its cell; a quote that goes on from
// the line before (to the next) leaves the line's first (last) character there, the next
// column's character too. `glyph` is the line's glyphs' ink height.
bool QuoteInkAtEnd(const cv::Mat& gray, const OcrLine& line, const MissingMark& mark, double glyph);

// Whether the mark would stand in a printed gap of the line: white (no ink down the line's
// rows) as wide as the line's glyphs' ink is tall (`glyph`) or more, between the middles of the characters either side. A
// full-width space leaves a glyph of white and more; a quote leaves less, its ink filling part
// of its cell. chi_sim invents quotes in such gaps (the spaces between an attribution's names,
// between a contents line's column name and title: "办公室  楼倩倩  周文斌" read
// "办公室”楼倩倩“周文斌", in words read at 58-73), and reading the line again invents them too.
bool InAPrintedGap(const cv::Mat& gray, const OcrLine& line, const MissingMark& mark,
                   double glyph);

// Whether ink of a quote's shape stands between the middles of `left` and `right` (boxes on the
// line's row `row`): a stretch of columns with white either side (gaps inside it up to a tenth of
// a glyph bridged: a quote's two strokes), 0.1 to 0.75 glyph wide, whose ink all stands in the
// top of the em (ending within 0.45 glyph of the row's ink top) and is at most 0.4 glyph tall.
// A character's side has ink lower in the row, or joins the rest of it without white.
bool QuoteInkBetween(const cv::Mat& gray, const Box& row, const Box& left, const Box& right,
                     double glyph);

// Takes out of the line the double quotes chi_sim invented in a printed gap (InAPrintedGap: the
// white between a contents line's column name and its title, between an attribution's names:
// "立法动态  市人大…" read "立法动态”市人大…", "办公室 赵晨曦  楼倩倩" read "…赵晨曦”楼倩倩") where
// no quote's ink stands (QuoteInkBetween), and only when taking them out pairs quotes the line
// left unpaired (`opened_before`: a quote the line before leaves open goes on into this line;
// `closed_after`: one this line leaves open goes on into the next): a gap with a mark printed in
// it (a title that opens with a quote after its column name) keeps the mark. The fewest such
// marks that pair the line go. `body_glyph` is the ink height of the page's body glyphs; a line
// whose row of ink stands taller (a heading) is measured by its own. Returns how many were taken
// out.
int DropQuotesInPrintedGaps(const cv::Mat& gray, OcrLine& line, double body_glyph,
                            bool opened_before = false, bool closed_after = false);

// Puts `marks` into the line: each a word of its own after the word that ends with the character
// before it (a closing mark) or before the one that starts with the character after it (an
// opening one), inside that word where it falls within one. A mark's own word has a narrow box
// between its neighbours' starts: the layout orders a line's words by where their boxes start,
// and takes a word's ink from its box (a share of "点”"'s box would leave white where 点 is
// printed; a new reading's box for the mark is too loose to trust). The line keeps its box.
void InsertMarks(OcrLine& line, const std::vector<MissingMark>& marks);

// Gives back a full-width opening bracket chi_sim read as an opening quote or a backslash
// ("第13期“总第694期）", "第3期\\总第720期）": its ink stands in the right half of its em, as a
// quote's does). A quote opened inside brackets closes before them, so a closing bracket with no
// opening one before it on the line, preceded (within `reach` characters, no quote closing and
// no bracket between, no white wider than a glyph between their words: a line OCR read across a
// gutter holds another column's brackets) by an opening quote or a backslash, closes that mark:
// it was the bracket.
// Returns how many marks were mended.
int MendBracketsReadAsQuotes(OcrLine& line, size_t reach = 15);

// chi_sim drops the middle dot set in the white between two words ("通过“代表 · 局长面对面”"
// read "代表局长" or "代表'局长"; a name "阿依古丽·买买提" too): 20 of the 750 character errors of
// `scripts/bench-accuracy --set tune|tune2`. A small round mark alone at the middle of a line's
// row (its centre between 0.3 and 0.7 of the row's ink height down, 0.06 to 0.16 of it each way
// and round, white for 0.3 of it either side and above and below it), between two Han characters as OCR
// boxed them, is put back as "·"; a mark OCR read there as ".", "'" or "•" becomes "·". Returns
// how many dots were put back.
int PutBackMiddleDots(const cv::Mat& gray, OcrPage& page);

// Reads again alone each line of `page` whose quotes do not pair (with the line before and after
// in its block: a quote that goes on across a wrap pairs) and puts in the quotes the new reading
// supplies (MissingQuotes), but not in a printed gap (InAPrintedGap), and those at its ends
// where the ink holds a quote (MissingEndQuotes, QuoteInkAtEnd). `gray` is
// the page the boxes refer to, `glyph_px` the height of its body glyphs' ink there
// (ScaleEstimate). Returns how many marks went in.
int RepairQuotes(const cv::Mat& gray, double glyph_px, OcrEngine& engine,
                 const RereadOptions& reread, const QuoteOptions& options, OcrPage& page);

}  // namespace qikan
