#pragma once

#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"

namespace qikan {

// A second look at what page-level OCR read badly or not at all: lines whose glyphs are far
// larger than the body text (mastheads, large headings: chi_sim reads ~36 px glyphs best), lines
// read with low confidence, and ink no OCR line covers (a short right-aligned attribution or a
// folio that Tesseract's page layout dropped). Each region is cut out, set on a white margin,
// scaled to the model's glyph height and read on its own.
struct RereadOptions {
  double large_glyph_ratio = 1.8;  // vs the page's median line height
  // A line whose words stand this many times the body's glyph (BodyGlyphHeight) is a
  // heading: read again before lines of body text when a page has more doubtful lines than
  // `max_regions`.
  double heading_glyph_ratio = 1.5;
  float low_confidence = 80;
  // A line with this many consecutive words each read below `garbled_word_confidence` is
  // doubtful too, whatever its mean.
  float garbled_word_confidence = 30;
  int garbled_words = 2;
  // A doubtful line is read at each of these multiples of the model's glyph height and the most
  // confident reading kept: chi_sim's errors on one scale are often not its errors on another.
  std::vector<double> line_scales = {1.0, 1.25};
  double target_glyph_px = 36;
  // Ink no line covers is taken as text when read with at least this confidence, or when two
  // readings at different sizes agree (ConfirmedByAgreement) and each has at least
  // `confirm_confidence`: chi_sim reads a bracket fused with its neighbour ("（研究室）", a
  // closing attribution) at 40-50, and noise does not read the same characters twice.
  float unread_confidence = 50;
  float confirm_confidence = 25;
  double confirm_scale = 1.25;
  int margin_px = 32;
  int max_regions = 24;  // per page, to bound the cost of a noisy page
  double lost_end_gap = 0.6;  // glyphs between a line's end and a glyph it left out
  // A line read again over a glyph it left out keeps the new reading when the characters
  // that new glyph was read as have at least this confidence, and the rest of the line reads
  // as before but for this share of its characters.
  float lost_end_confidence = 60;
  double lost_end_changed = 0.1;
  // A word at either end of a line read with less confidence than this, standing further than
  // `stray_gap` glyph heights from the rest, is a mark on the paper (a dark scanner edge, a
  // speck in the margin) that OCR read as a character: "（钱塘区人大常委会办公室 徐佳琪）   自",
  // the 自 read at 0 in the page margin, 4 glyphs past the bracket.
  // In the page margin (a glyph or more outside where most lines begin and end: "（桐庐县人大
  // 常委会办公室 周颖）    国", 国 read at 56 on the dark edge) a word is a mark below this.
  float stray_confidence = 20;
  float margin_confidence = 60;
  double stray_gap = 2.0;
};

struct RereadRegion {
  Box box;                // in the page image
  double glyph_px = 0;    // height of its glyphs
  std::optional<Box> replaces;  // the box of the OCR line it would replace; none for ink no line covers
  float confidence = 0;         // of the line it would replace
  bool confirmed = false;       // read alike at two sizes: kept whatever its confidence
  // Where the new reading's words may stand: a word read outside it is ink of something else
  // (the next column, a mark past the margin) and is left out; the rest are cut to it.
  std::optional<Box> within;
  // The line read again with a glyph of ink past one of its ends (FindLostLineEnds): its new
  // reading is kept when it reads the line as before with a character or two more, read with
  // confidence, whatever the line's first confidence.
  bool extends = false;
};

// The printed （ and ）, and the forms OCR reads them as: ( 〈 《 and ) 〉 》.
bool OpensBracket(char32_t c);
bool ClosesBracket(char32_t c);

// The median height of a line's word boxes: its glyph height, which a box stretched by one tall
// mark does not show.
double MedianWordHeight(const OcrLine& line);

// The glyph size of the page's body: the median height of the lines read with some confidence.
// 0 when no line qualifies.
double BodyGlyphHeight(const OcrPage& page);

// The rows a line stands in: its words' box, the words OCR boxed more than `tall` times the
// line's median height left out of its height (a word read at 0 over a stretch of ink it could
// not read, boxed down over the next two rows). Its width is all its words'.
Box RowBox(const OcrLine& line, double tall = 1.8);

// A doubtful line's box is often only part of the line (chi_sim gives up on a widely spaced
// "（普  刊）"); the box widened to the ink of its row, bridging gaps of up to three glyphs.
Box WidenToRowInk(const cv::Mat& gray, const Box& box, double glyph);

// The line's rows (RowBox) widened to the ink of its row, but not over another line of the page
// beside it (the next column of a page of columns, read as lines of its own: a gutter is
// narrower than the gaps WidenToRowInk bridges).
Box WidenToOwnRowInk(const cv::Mat& gray, const OcrPage& page, const OcrLine& line, double glyph);

// Lines to read again: much larger than the body, or read with low confidence; at most
// `max_regions`, headings first. Smallest first, so a large masthead line cut later cannot
// swallow a small line inside its box.
std::vector<RereadRegion> FindLinesToReread(const cv::Mat& gray, const OcrPage& page,
                                            const RereadOptions& options);

// Lines whose row holds a glyph of ink just past an end, which no line covers: a character OCR
// left out of the line ("（拱墅区人大常委会办公" read with 室 printed after it, at a column's right
// edge, confidence 96). The region is the line's row widened over that glyph (`extends`). A
// stroke thinner or lower than half a glyph (a rule, a comma, a speck) is no glyph here, nor
// ink more than `lost_end_gap` glyphs from the line or followed by more ink within half a glyph.
std::vector<RereadRegion> FindLostLineEnds(const cv::Mat& gray, const OcrPage& page,
                                           const RereadOptions& options);

// Ink that no OCR line covers, grouped into lines. Look for it after the lines above were read
// again: their new boxes are tighter than the first reading's.
std::vector<RereadRegion> FindUnreadText(const cv::Mat& gray, const OcrPage& page,
                                         const RereadOptions& options);

// The region cut out on a white margin and scaled; `factor` and `origin` map its boxes back.
struct RegionImage {
  cv::Mat image;
  double factor = 1;
  cv::Point origin;  // page coordinates of the crop's (0,0) before scaling
  int margin = 0;    // the white set around the crop, on each side
  // For a cut whose wide gaps were closed (CloseWideGaps): the column of the scaled cut before
  // closing that each column of `image` comes from. Empty: the columns were not moved.
  std::vector<int> columns;
};
RegionImage CutRegion(const cv::Mat& gray, const RereadRegion& region, const RereadOptions& options,
                      double scale = 1.0);

// A box read in the cut, in page coordinates.
Box ToPage(const RegionImage& cut, const Box& box);

// A short line set letter-spaced ("（普    刊）", "目    录", a spaced heading) is one chi_sim
// cannot read: the gaps between its characters look like the ends of words, and it reads each
// piece as something else ("卉:卉)", "者刊"). The same cut with each white gap wider than
// `wide_gap` glyphs closed to `closed_gap` glyphs, read as a line set solid, reads true; its boxes
// map back over the gaps (RegionImage::columns). Nothing unless every glyph stands apart from the
// next by such a gap, or when its ink holds more than `max_cells` glyphs. A gap of a glyph or
// more is a full-width space at least: the white after a full-width comma (its ink a quarter of
// its cell) is less, and a body line's words and a column's lines are longer (an attribution's
// "办公室  徐佳琪" keeps the gap the parser reads).
struct CloseGapsOptions {
  double wide_gap = 1.0;
  double closed_gap = 0.25;
  double max_cells = 6;
  // Every wide gap closed, whatever the line's length and though some of its glyphs are set
  // solid: for an attribution's line, whose padded names ("斌  王晓燕  俞  斌）" in 楷体) chi_sim
  // reads as noise ("了了", "A") until their gaps are closed ("斌王晓燕俞斌)").
  bool every_gap = false;
};
std::optional<RegionImage> CloseWideGaps(const RegionImage& cut, double glyph_px,
                                         const CloseGapsOptions& options = {});

// Takes the stray words above out of their lines. Returns how many were taken out.
int DropStrayWords(OcrPage& page, const RereadOptions& options);

// Takes out the lines OCR read inside another line's rows, under its words, at less than half
// its height and with less confidence: on a 1-bit page of three columns chi_sim read a heading
// of 70 px glyphs and, over the lower third of the same ink, three lines 13 px tall of garbage
// ("人IE", "ha全时sn"), which a reading again widened to their row's ink read as garbage again
// and put in the heading's place. Returns how many were taken out.
int DropLinesInsideLines(OcrPage& page);

// Whether two readings of one region say the same: the same characters (brackets read as one
// another count as one, white space aside), at least two CJK characters among them, and each
// reading at least `options.confirm_confidence`.
bool ConfirmedByAgreement(const OcrPage& a, const OcrPage& b, const RereadOptions& options);

// Puts what was read in the region into the page: it replaces the line it was cut for, and the
// fragments of that line OCR made inside the region, when it reads with more confidence; text
// found in uncovered ink becomes a block of its own, placed in reading order by its top edge.
// Returns whether the page changed.
bool MergeRegion(OcrPage& page, const RereadRegion& region, const RegionImage& cut,
                 const OcrPage& read, const RereadOptions& options);

}  // namespace qikan
