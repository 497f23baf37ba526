#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"

namespace qikan {

// Chinese body text is set on a grid: every Han character and full-width mark takes one cell of
// the same width, so a line set solid in Han holds as many characters as its ink is cells wide.
// Debian's chi_sim now and then reads a character that is not printed into such a line, inside
// a phrase it expects ("拱墅区人大常委会" read "拱墅区人大和常委会" at 84, "营商环境、快递" read
// "营商环境、人快递"): about 40 of the 572 character errors of the accuracy tuning sets, which
// neither the line's confidence nor its ink fit (stages/ink_fit.h: one cell in 27) shows. Measured
// against the page's own cell width, such a line holds a character more than its ink has cells
// (the clean 300 dpi tuning pages: lines read right within 0.05 of a cell, those lines 0.9-1.0
// over). A line broken early and justified holds fewer characters than its cells, never more.
struct CellFitOptions {
  int min_chars = 6;           // shorter lines are not measured
  int min_lines = 5;           // lines measured before the page's cell width is trusted
  double pad_glyphs = 0.5;     // ink looked for this far past the line's box, either side
  double body_glyphs = 1.15;   // lines whose boxes stand taller than this many body glyphs
                               // (headings, a contents page) are another size: not measured
  double excess_from = 0.75;   // a line read at least this many cells long...
  double excess_to = 1.4;      // ...and less than this: one character too many
  int max_lines = 8;           // per page, to bound the cost of a page read badly all over
};

struct LineReadLong {
  size_t block = 0, line = 0;  // where it is in the page
  double excess = 0;           // the reading's characters less the ink's cells
};

// The lines of `page` set solid in Han (every character Han or one of ，。、；：！？, Han at both
// ends, the body's size) whose reading holds about one character more than their ink is cells
// wide. The cell is the page's median, over those lines, of ink width / (characters - 0.1) (a
// glyph's ink fills about nine tenths of its cell). `gray` is the page the boxes refer to;
// `glyph_px` its body glyphs' ink height there.
std::vector<LineReadLong> FindLinesReadLong(const cv::Mat& gray, const OcrPage& page,
                                            double glyph_px, const CellFitOptions& options);

// The character of `text` that every other reading of the line leaves out, at the same place:
// two readings or more, each aligned to `text` (white space aside) with no more edits than a
// fifth of its characters, all of them reading one position of it as nothing. None when they do
// not all agree on one position (a reading that drops another character as well still counts).
// The readings' half-width marks between CJK characters are taken as the full-width ones
// (NormalizePunctuation): npm's chi_sim reads "，" as ",".
std::optional<size_t> CharacterNoOtherReads(std::u32string_view text,
                                            const std::vector<std::u32string>& others);

}  // namespace qikan
