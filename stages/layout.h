#pragma once

#include <string>
#include <vector>

#include "models/ocr_page.h"
#include "models/record.h"

namespace qikan {

struct LayoutOptions {
  // Lines matching this (PCRE2) at the top or bottom of a page are page numbers, not text.
  std::string page_number_pattern = R"(^[—–\-一－_~·•\s]*\d{1,3}[—–\-一－_~·•\s]*$)";
  double furniture_band = 0.09;  // fraction of the page height searched for page furniture
  // A gap between words of at least this many glyph heights is a printed space.
  double space_gap = 0.45;
};

// A line of text in reading order with the geometry the structure parser reads. Distances are in
// units of the issue's body glyph height, so they mean the same at any resolution.
struct LayoutLine {
  int page = 0;    // 1-based
  int page_line = 0;  // its index among its page's lines of text (IssueLayout::page_lines)
  int column = 0;  // 0: the page's full width; 1, 2: left and right column of a two-column band
  std::string text;         // no spaces between CJK characters, punctuation normalized
  std::string spaced_text;  // the same with one space wherever print leaves a visible gap
  std::vector<std::string> segments;  // parts separated by gaps of at least a glyph
  std::vector<OcrWord> words;         // as OCR read them, left to right
  Box box;
  float confidence = 0;
  double glyph_ratio = 1;  // this line's glyph height over the body glyph height
  double indent = 0;       // left edge minus the left edge of its text column
  double right_gap = 0;    // right edge of its text column minus the line's right edge
  double space_before = 0;  // vertical gap to the previous line of the same column; -1 at a page top
  double glyph_px = 0;      // the body glyph height in pixels, the unit of the distances above
  int column_left = 0;      // the text column's left edge in pixels
  bool Centred() const;
};

struct IssueLayout {
  std::vector<LayoutLine> lines;
  double body_glyph_px = 0;  // median glyph height of the issue's text
  int removed_furniture = 0;  // page numbers and running headers taken out
  // Each page's text in reading order, a line per line, page furniture included (it is printed
  // on the page): the page text an archive delivers.
  std::vector<std::string> page_texts;
  // Each page's lines of text, as page_texts has them, with the OCR words each was read from;
  // page furniture has the role header or footer.
  std::vector<std::vector<PageLine>> page_lines;
};

// The delivered text of some words of a line: CJK spaces removed, punctuation normalized, OCR's
// bracket confusions mended.
std::string WordsText(const std::vector<OcrWord>& words);

// Puts the OCR lines of an issue's pages into reading order (one or two columns, full-width
// lines such as headings splitting the columns), takes out page numbers and running headers, and
// measures each line against its text column.
IssueLayout AnalyzeLayout(const std::vector<OcrPage>& pages, const LayoutOptions& options);

}  // namespace qikan
