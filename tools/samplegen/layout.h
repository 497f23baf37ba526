#pragma once

#include <string>
#include <vector>

#include "tools/samplegen/content.h"
#include "tools/samplegen/fonts.h"

namespace qikan::samplegen {

// Typesetting of an issue into A4 pages. Every length is in millimetres from the page's top-left
// corner, so one layout renders at any resolution.

enum class Ink { kBlack, kRed };

struct PlacedGlyph {
  char32_t code = 0;
  double x_mm = 0;  // origin: left end of the baseline
  FontRole role = FontRole::kBody;
  double em_mm = 0;
};

struct Rule {
  double x0_mm = 0;
  double x1_mm = 0;
  double y_mm = 0;  // centre of the stroke
  double thickness_mm = 0.3;
  Ink ink = Ink::kBlack;
  double y1_mm = -1;  // >= 0: a vertical rule at x0_mm from y_mm down to y1_mm
};

// One printed line; `text` is what it reads, in the truth's form.
struct TextLine {
  std::string text;
  double baseline_mm = 0;
  Ink ink = Ink::kBlack;
  std::vector<PlacedGlyph> glyphs;
};

struct PageLayout {
  int number = 0;               // 1-based
  std::vector<TextLine> lines;  // in reading order
  std::vector<Rule> rules;

  std::string Text() const;  // lines joined by '\n'
};

enum class ColumnMode { kSingle, kTwoColumn, kThreeColumn };

// How the contents list sets a column's name: on the first title's line (inline), alone on a
// bold line above its titles (stacked), or as 【name】 above them (banner); or no contents at
// all, the first article starting under the masthead (kNone).
enum class TocForm { kInline, kStacked, kBanner, kNone };

// Defaults follow the seed issue's print: a GB/T 9704-style text block of 156 x 225 mm with 28
// characters to the body line (about 16 pt, 三号), so the seed sets on about ten pages.
struct LayoutOptions {
  ColumnMode columns = ColumnMode::kSingle;
  double page_width_mm = 210;
  double page_height_mm = 297;
  double margin_left_mm = 27;
  double text_width_mm = 156;
  double text_top_mm = 37;
  double text_bottom_mm = 262;
  double page_number_baseline_mm = 276;
  int body_chars_per_line = 28;           // single column
  int column_chars_per_line = 18;         // each of two columns
  int narrow_column_chars_per_line = 12;  // each of three columns
  double column_gap_mm = 5;
  bool heading_span_columns = false;  // multi-column: headings inside a column, not across
  bool column_rule = false;           // a vertical rule in each gutter
  bool unequal_columns = false;       // 3:2 (two columns) or 4:3:3 (three)
  bool heading_align_left = false;
  bool folio_outer = false;  // page numbers at the outer edge: left on even pages, right on odd
  TocForm toc_form = TocForm::kInline;
  int toc_indent_chars = 2;       // stacked and banner forms
  bool toc_page_numbers = false;  // dot leaders and the start page after each title
  bool toc_label_bold = true;     // column names in bold, else in the titles' face
  double line_spacing = 1.68;     // body line pitch in ems
  int heading_chars_per_line = 22;
  bool toc_on_own_page = true;  // the seed's articles start on page 2
};

struct IssueLayout {
  std::vector<PageLayout> pages;
  Placement placement;
};

IssueLayout LayOutIssue(const IssueContent& content, const LayoutOptions& options, FontSet& fonts);

}  // namespace qikan::samplegen
