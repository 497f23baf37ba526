#pragma once

#include <cstddef>
#include <vector>

#include "models/geometry.h"
#include "models/ocr_page.h"

namespace qikan {

// The regions of a Manhattan page from its ink and white space, in reading order: full-width
// bands top to bottom, and inside a band of columns each column top to bottom, left to right
// (a recursive XY-cut over the words OCR found). A band of columns is a run of rows that leave
// one white strip (the gutter) down their whole height, whatever separates the columns (a rule
// OCR does not read, or white only), with body text set to the gutter on both sides. Lengths
// are in units of the body glyph height.
struct RegionOptions {
  // Narrower white is the space between two glyphs (up to 0.65 glyph between OCR's tight boxes
  // at 200 dpi); OCR's boxes eat into gutters too (0.8 glyph left of rec3-office-2col's). A
  // gutter narrower than `wide_gutter` needs more lines (see min_band_lines).
  double min_gutter = 0.75;
  double wide_gutter = 1.0;
  double max_gutter = 5.0;  // wider is a gap between fields (colophon, TOC), not a gutter
  double min_column = 6.0;  // a column holds at least this much text across (a TOC's column
                            // names before their titles hold four or five)
  double min_column_ratio = 0.35;  // the narrower side of a gutter against the wider
  // Lines each side must have: the fuller side `min_band_lines`, the other at least 2 (the
  // tail of an article set in two columns: three lines and two). Behind a narrow gutter three
  // more, and three on the other side: a few rows of prose whose glyph gaps line up leave a
  // white strip as wide.
  int min_band_lines = 3;
  // Rows with words on both sides of a gutter and none across it, at least (the tail of an
  // article set in two columns has two).
  int min_flanked_rows = 2;
  // Most lines of a column run to its edge (justified), so a column's lines end at the gutter:
  // this share of each side's lines ends within `full_slack` of it.
  double full_share = 0.5;
  double full_slack = 1.5;
  // ... and start at its left edge, or a paragraph's indent in (centred headings and right-set
  // attributions are the few that do not): this share of each side's lines. A contents page's
  // titles start a column name's width in.
  double start_share = 0.6;
  double max_indent = 2.5;
  // A white strip most of whose rows end in a stop on its left (unless the page's other bands
  // have their gutter there) is the shoulder of full-width marks that line up (the colons of
  // "建德市：", "富阳区：" down a contents page, three rows of four and more), not a gutter.
  // Justified prose ends a line on a mark now and then: three of a short band's five did (tune2
  // t09 page 3), and at 0.5 its columns were read across.
  double max_stop_share = 0.6;
  double band_break = 2.5;  // white across the page this tall ends a band (above a colophon)
  // A band of columns (min_band_lines rows at least) goes on under white across it up to this
  // tall when each of its columns goes on below the white and the row below is no heading
  // across them: one column sets space above a heading or a brief set inside it, level with
  // the end of an article in the next, and the white of both at once can pass band_break.
  double column_break = 4.0;
  // A heading is centred in its column when the white left and right of it differ by less
  // than this (OCR's boxes of one heading's glyphs keep within a few pixels of their ink, but
  // a full-width mark that ends a line, "网”", inks only the first half of its em).
  double centre_slack = 1.0;
  double heading_height = 1.4;  // a row whose words stand this tall is a heading ...
  double heading_pitch = 1.25;  // ... and whose characters stand this far apart (pitch)
  // Marks (a quote, a speck OCR took for one) narrower than this may stand in a gutter in up to
  // a third of its rows, never its first or last.
  double mark_width = 0.6;
  // A word of marks and brackets only, read below this confidence, is a speck (RegionItem::speck):
  // show-through and dirt in a gutter read as "。", "〈" or "”" come at 3-30, a column's quotes
  // and stops at 60 and more.
  double max_speck_confidence = 40;
  // A character read at this confidence or more is print, however narrow OCR boxed it ("力"
  // boxed 10 by 22 px over an 80 px glyph at a heading's gutter edge, read at 91): it is never
  // taken for a mark standing in a gutter (a speck read "上" at 40 is).
  double sure_character_confidence = 80;
  // So is a word read below that confidence in a box far bigger than its characters (a blot):
  // taller than `blot_height` glyphs and wider than `blot_pitch` glyphs a character (Tesseract's
  // guess over white between rows and columns: 家人 boxed 4 glyphs by 10, read at 18; "se" 3 by
  // 16). Headings stand less tall and are read sure.
  double blot_height = 2.5;
  // A word's box this many times as tall as its line's (the median of its words'), in a line set
  // large (heading_height), stands in the line's rows when the rows are cut: OCR drew it down
  // into the next row.
  double tall_box = 1.8;
  double blot_pitch = 2.5;
  // With the page's ink (models/ocr_page.h InkGrid), a strip between OCR's boxes is a gutter
  // only where the ink leaves white this wide (glyph heights) down at least two thirds of the
  // band's rows, within `ink_slack` of the strip. OCR's boxes of a degraded 楷体 page are
  // narrower than its glyphs, and the white they leave between two characters lines up down
  // the rows of a justified paragraph as wide as a gutter; the ink between them leaves a tenth
  // or two of a glyph. (Rules are no ink in the grid; a mark or a speck stands in a third of
  // the rows at most.)
  double ink_gutter = 0.4;
  // With the page's ink, a strip over which most rows leave no more white than this times the
  // white between their own characters is letter spacing, no gutter: a contents page set
  // letter-spaced lines up the white between its titles' characters down the rows.
  double letter_spacing = 1.5;
  double ink_slack = 0.25;
  // A row set `spaced_height` times as tall as the row under it (its words' boxes), whose words
  // reach `spaced_reach` glyphs into a band's strip from both sides (or, each less than half a
  // glyph, as far together as twice that), and leave white there no
  // wider than `letter_spacing` times the white between its own words, is a line printed across
  // the strip: it ends the band (a heading over both columns, 1.14 times as tall as the body on
  // a clean 300 dpi page; the rows of a 1-bit page's columns, whose boxes leave white as wide
  // between their words, differ by a tenth at most).
  double spaced_reach = 0.1;
  double spaced_height = 1.1;
  // A row whose white above and below is each a glyph tall at least and `apart_gap` times as
  // tall as the white between the band's rows (rows of one line: no taller than
  // `apart_one_line` times their median) stands apart (a banner, a heading across the page): no
  // band of columns starts at it or goes on through it. (A banner between rules on a degraded
  // 200 dpi page: 2.0 times the white between the columns' lines under it, a heading across a
  // clean page 2.3 times; the rows of a 1-bit page's three columns, their boxes uneven, up to
  // 1.6 times.)
  double apart_gap = 1.8;
  double apart_one_line = 1.3;
};

// A word OCR read, and which of the page's lines holds it.
struct RegionItem {
  Box box;     // the ink of its text: marks at its ends taken off
  Box ocr_box;  // the box OCR gave it, marks included (empty: `box`)
  int line = 0;
  bool ends_with_stop = false;  // its text ends with a stop, comma, colon or closing mark
  bool mark = false;  // its text is only marks (quotes, stops), whatever OCR's box says
  int chars = 0;      // characters of its text in `box` (0: not known)
  bool rule = false;  // its text is a vertical bar: a piece of a rule OCR read (a mark too)
  // Its text opens with a bracket (（ ( 〈 《 〔 [, as OCR reads an attribution's) / closes with one.
  bool opens_bracket = false;
  bool closes_bracket = false;
  // Its text holds no character but marks and brackets, read at a confidence OCR gives dirt:
  // show-through or a speck in a gutter, never a column's print (RegionOptions::max_speck_confidence);
  // or it is a blot (RegionOptions::blot_height). A speck sets no row's white or height.
  bool speck = false;
  float confidence = 100;  // OCR's confidence in its text
};

// One region in reading order: the items it holds (indices into the items given) and the
// horizontal extent of its column. `column` is 0 for text across the page, 1, 2, 3… for the
// columns of a band, left to right.
struct TextRegion {
  std::vector<std::size_t> items;
  int left = 0;
  int right = 0;
  int column = 0;
};

// `ink`, when given, is the page's ink in the items' coordinates (see RegionOptions::ink_gutter).
std::vector<TextRegion> OrderRegions(const std::vector<RegionItem>& items, double unit,
                                     const RegionOptions& options, const InkGrid* ink = nullptr);

}  // namespace qikan
