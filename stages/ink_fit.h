#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"
#include "stages/reread.h"

namespace qikan {

// How much text a line's ink holds, against how much OCR read in it. Chinese print sets every
// Han character and full-width mark on one square cell of the body's size, so a line's ink is
// worth about (its inked width / the glyph size) characters. chi_sim sometimes reads a whole
// line of 楷体 body as two or three Latin letters ("ar", "ws", "CS") at a confidence near the
// page's mean: 20-60 characters gone that no confidence shows, but the ink does.
struct InkFitOptions {
  // A column of the line counts as ink when its inked rows span at least this share of the
  // glyph height: leader dots, rules and the low full-width comma do not widen the line.
  double tall_ink = 0.35;
  // Inked columns this close (in glyph heights) are one stretch: the gaps inside and between
  // characters, not the spaces of an attribution's "（办公室  徐佳琪）".
  double bridge = 0.45;
  // A Han character or full-width mark is one cell; a Latin letter, digit or half-width mark
  // half a cell; white space nothing.
  double half_width = 0.5;
};

struct LineInk {
  double ink_cells = 0;   // inked width / glyph size
  double text_cells = 0;  // what the reading's characters would fill
  // text / ink: about 1 for a line read whole (punctuation makes it a little more).
  double Fit() const { return ink_cells > 0 ? text_cells / ink_cells : 1.0; }
};

// The cells a text fills: a CJK character one, any other character `half_width`.
double TextCells(std::string_view utf8, const InkFitOptions& options);

// A stroke this many glyphs long or longer is a rule: no character's stroke is.
inline constexpr double kRuleGlyphs = 4;

// The page's ink: 255 where dark (Otsu), as MeasureLineInk wants it. With `glyph_px`, the
// horizontal rules are taken out: inked runs along a row at least `rule_glyphs` glyphs long (no
// character's stroke is; a colophon set between two rules would otherwise count as ink from one
// end of its row to the other, every column spanning the height between the rules).
cv::Mat InkMask(const cv::Mat& gray, double glyph_px = 0, double rule_glyphs = kRuleGlyphs);

// The page's ink as a grid (models/ocr_page.h) of cells `cell_glyphs` of `glyph_px` wide, for the
// layout to check a white strip between OCR's boxes against: a cell is inked where ink (InkMask)
// covers `cell_share` of it, rules across and down the page left out. `scale` is the factor
// the boxes will be divided by (the grid's cell is given in their coordinates).
InkGrid MeasureInkGrid(const cv::Mat& gray, double glyph_px, double scale = 1.0,
                       double cell_glyphs = 1.0 / 6, double cell_share = 0.15);

// The width in pixels of the ink inside `box` of the page (`ink` from InkMask): the stretches of
// columns inked over at least `tall_ink` of `glyph_px`, gaps up to `bridge` included.
double InkWidth(const cv::Mat& ink, const Box& box, double glyph_px, const InkFitOptions& options);

// Whether a line read again as `reading` holds fewer characters than it was read with
// (`as_read`) and fits the ink of `box` (the line as read, in `gray`) worse by more than `slack`
// cells or `slack_share` of the ink's cells, whichever is more: a letter-spaced attribution "（临安区人大常委会办公室 孙 佳 俞 斌" read again more surely
// as "…办公室孙人" lost two names the ink still holds. The ink is measured as MeasurePageInk does
// (`glyph_px` the page's body glyph) in cells of `cell_px` (PageInk::cell_px), and only on a line
// of body text: a masthead's or heading's glyphs are not the body's cells (false).
bool ReadsShortOfInk(const cv::Mat& gray, const Box& box, double glyph_px, double cell_px,
                     std::string_view as_read, std::string_view reading,
                     const InkFitOptions& options, double slack = 1.0,
                     double slack_share = 0.12);

// Calls `stretch(first, last)` for each stretch of set columns in [from, to), gaps up to `bridge`
// columns wide included: its first and last set column.
template <typename F>
void ForEachStretch(const std::vector<uchar>& columns, int from, int to, int bridge, F&& stretch) {
  int start = -1, last = -1;
  for (int x = std::max(0, from); x < std::min(to, static_cast<int>(columns.size())); ++x) {
    if (!columns[static_cast<size_t>(x)]) continue;
    if (start >= 0 && x - last - 1 > bridge) {
      stretch(start, last);
      start = -1;
    }
    if (start < 0) start = x;
    last = x;
  }
  if (start >= 0) stretch(start, last);
}

// Per column of `box` (clipped to the page), whether its inked rows span `tall_ink` of the glyph.
std::vector<uchar> TallInkColumns(const cv::Mat& ink, const Box& box, double glyph_px,
                                  const InkFitOptions& options);

// The glyph size a line is measured at: its own when larger than the body's (a heading), else
// the body's (a line read as a few small Latin letters has small word boxes over large ink; a
// line no word of which was read at confidence 40 has boxes OCR guessed). With the page's `ink`
// (InkMask), a line whose boxes stand taller than the body's is measured by its words' ink.
double LineGlyph(const OcrLine& line, double body_glyph, const cv::Mat& ink = {});

// Every line of a page measured against its ink, in reading order (blocks, then lines).
struct MeasuredLine {
  Box box;  // the line's box widened to its row's ink, not over another line beside it
  double glyph_px = 0;
  double ink_px = 0;
  LineInk ink;  // in cells of the page's cell width
};
struct PageInk {
  // The ink one cell of text takes on this page: the median ink per cell of its lines read
  // whole and with confidence (a font, a scan or a letter spacing of its own is measured, not
  // assumed); the body glyph when too few lines qualify.
  double cell_px = 0;
  std::vector<MeasuredLine> lines;
  cv::Mat ink;  // the mask they were measured on (InkMask)
};
PageInk MeasurePageInk(const cv::Mat& gray, const OcrPage& page, const InkFitOptions& options);

struct LostLineOptions {
  InkFitOptions ink;
  // A line reads short when its text fills less than this share of its ink...
  double short_fit = 0.5;
  // ...and the ink holds at least this many cells (a short line read short loses little).
  double min_ink_cells = 4;
  // A line read as Latin letters alone (no Han) over Han-sized glyphs is as doubtful, at any
  // fit: chi_sim's body text is Han.
  int min_latin_letters = 1;
  // A line holding a blot (a word read below `blot_confidence` in a box `blot_cells` glyphs
  // wide or more a character: "ee" at 0 over 17 glyphs of 楷体, "，" at 0 over 6) is one OCR gave
  // up on a stretch of: lost when its text fills less than `fits_from` of its ink.
  float blot_confidence = 40;
  double blot_cells = 2.5;
  // A line with a hole, a stretch of ink between two of its words that no word covers (at
  // least `hole_cells` cells of ink in a gap `hole_glyphs` glyphs wide or more), is one OCR
  // read past a stretch of: "积极推动构建“[规范化场站+标准化配送”]体系" at 93 in 楷体, 11 characters
  // gone over 13 glyphs of ink and the line still filling 0.55 of it. (The white of a letter-
  // spaced attribution holds no ink.) Only where the text fills less than `hole_fit` of the
  // line's ink: a line read whole, whose word boxes OCR placed loosely, is not.
  double hole_glyphs = 1.5;
  double hole_cells = 2.0;
  double hole_fit = 0.95;
  // Before a line's first word or after its last, the hole is the ink that runs on from it up
  // to white this wide (glyphs): a gutter.
  double hole_gutter = 1.0;
  // A blot (as above, but `hole_blot_cells` glyphs wide a character) covers no ink of the line;
  // any other word covers its box, and at least `hole_pitch` glyphs a cell of its text.
  double hole_blot_cells = 4.0;
  double hole_pitch = 0.8;
  // ... and the line's ink exceeds what its words other than blots read by this share of the
  // hole at least.
  double hole_room = 0.5;
  // Each lost line is read at these multiples of the model's glyph height by the page's model,
  // then by each other model at 1.0, until a reading fits: its text fills between `fits_from`
  // and `fits_to` of the ink.
  std::vector<double> scales = {1.0, 1.25, 0.8};
  std::vector<std::string> other_models = {"chi_sim@npm-4.0.0", "HanS"};
  double fits_from = 0.75;
  double fits_to = 1.35;
  // A rereading replaces the line only when it fits at least this well (text / ink), reads with
  // at least this confidence and holds no more than this share of Latin letters (noise read
  // as "Vns71YRR28nGRT7" fits any ink).
  double keep_from = 0.65;
  float keep_confidence = 60;
  double keep_latin = 0.2;
  int max_lines = 12;  // per page, to bound the cost of a page read badly all over
};

struct LostLine {
  RereadRegion region;  // the line widened to its row's ink, at the body's glyph size
  LineInk ink;          // of the line as read
  double hole_cells = 0;  // its largest stretch of ink no word covers, in cells
  bool for_hole = false;  // lost for that hole alone (its text fits otherwise)
};

// Lines whose text cannot be what their ink says: far fewer characters than the ink holds, Latin
// letters alone over Han-sized glyphs, or a blot and fewer characters than the ink holds. `gray` is the page the OCR boxes refer to.
std::vector<LostLine> FindLostLines(const cv::Mat& gray, const OcrPage& page,
                                    const LostLineOptions& options);

// Whether a reading of a lost line fits its ink well enough to stop reading it again.
bool FitsInk(const OcrPage& reading, double ink_cells, const LostLineOptions& options);

// Of several readings of one lost line (readings[0] the page's own), the one whose text best
// fits the ink (|log fit| smallest; confidence breaks ties), or 0 when none fits at least
// `keep_from`. A reading must fit better than the page's own, or (for a line with a hole of
// `hole_cells`) fill half the hole more than it without going past `fits_to`: the ink of a
// line of "一" and quotes measures short, and its reading read whole fits it no closer.
size_t ChooseFittingReading(const std::vector<OcrPage>& readings, double ink_cells,
                            const LostLineOptions& options, double hole_cells = 0);

// Takes out of the page the lines (other than the one at `keep`) whose centre lies in `region`
// and whose text the rescued reading `text` already holds: a piece of the lost line's ink that
// the reread stage found uncovered and read on its own. Returns how many were taken out.
int DropRepeatedPieces(OcrPage& page, const Box& region, const Box& keep, std::string_view text);

}  // namespace qikan
