#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "tools/samplegen/fonts.h"
#include "tools/samplegen/layout.h"

namespace qikan::samplegen {

// Sets text into lines of glyphs with CJK line-breaking rules: no closing punctuation at a line
// start, no opening one at a line end, Latin runs kept whole, justified lines spread evenly.
// Lines come back with x in mm from their box's left edge and no baseline yet.

enum class Align { kJustify, kLeft, kCentre, kRight };

struct Spacing {
  double latin_space_em = 0.25;  // a space next to Latin text or digits
  double cjk_space_em = 0.5;     // a space between two CJK characters
  double tracking_em = 0;        // extra space after every character but the last
};

class LineSetter {
  struct Token;

 public:
  explicit LineSetter(FontSet& fonts) : fonts_(fonts) {}

  // `text` broken into lines of `width_mm`; the last line of a justified paragraph is set left.
  // `compress_colon` sets a full-width colon in half a cell, as headings have it.
  std::vector<TextLine> Paragraph(std::string_view text, FontRole role, double em_mm,
                                  double width_mm, double first_indent_em, double rest_indent_em,
                                  Align align, const Spacing& spacing = {},
                                  bool compress_colon = false);

  // A paragraph set one line at a time, each line as wide as the column it falls in: text
  // flowing on through columns of different widths.
  class Cursor {
   public:
    bool Done() const;

   private:
    friend class LineSetter;
    std::shared_ptr<const std::vector<Token>> tokens_;
    size_t next_ = 0;
    bool first_line_ = true;
    FontRole role_ = FontRole::kBody;
    double em_mm_ = 0;
    double first_indent_em_ = 0;
    double rest_indent_em_ = 0;
    Align align_ = Align::kLeft;
    Spacing spacing_;
  };
  Cursor Start(std::string_view text, FontRole role, double em_mm, double first_indent_em,
               double rest_indent_em, Align align, const Spacing& spacing = {},
               bool compress_colon = false);
  // The next line of `cursor`'s paragraph, broken as Paragraph breaks it at `width_mm`.
  TextLine NextLine(Cursor& cursor, double width_mm);

  // `text` on one line, aligned within `width_mm` (and overflowing it if too long).
  TextLine Line(std::string_view text, FontRole role, double em_mm, double width_mm, Align align,
                const Spacing& spacing = {});

 private:
  std::vector<Token> Tokenize(const std::u32string& text, FontRole role, const Spacing& spacing,
                              bool compress_colon);
  // One past the last token that fits on a line of `width_em` starting at `start` (at least one).
  static size_t FitEnd(const std::vector<Token>& tokens, size_t start, double width_em,
                       double tracking_em);
  // Where the line must break given that tokens[end] does not fit, by CJK line-breaking rules.
  static size_t BreakBefore(const std::vector<Token>& tokens, size_t start, size_t end);
  TextLine Place(const std::vector<Token>& tokens, size_t begin, size_t end, FontRole role,
                 double em_mm, double width_em, double indent_em, Align align,
                 const Spacing& spacing);

  FontSet& fonts_;
};

}  // namespace qikan::samplegen
