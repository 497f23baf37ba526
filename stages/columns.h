#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"
#include "stages/ocr.h"
#include "stages/reread.h"

namespace qikan {

// Bands of columns found on the image, for the pages where Tesseract's own page segmentation
// reads a line of one column and its neighbour as one line: it does so when the columns are only
// a few lines tall (a two-column tail above a full-width colophon), where its tab-stop search
// finds no gutter, and on pages of three narrow columns, whose rows it joins across both gutters
// (a line boxed two rows tall, read as garbage). On the image a gutter is plain: a strip of
// white at least an em wide, several lines tall, with text close by on both sides of it. Found
// as such strips of white on a grid of the page's ink (not by rows of text across the page: the
// rows of columns under headings at different heights do not line up).
struct ColumnOptions {
  double glyph_px = 36;        // body glyph height of the page given (the scaled page)
  double min_gutter_em = 1.0;  // the strip is at least this wide
  double min_band_em = 4.0;    // ... and this tall (three lines of text)
  // Each column of a band of n keeps at least this share of the text's width, over n: a half of
  // 0.6 for two (so the gap between a TOC's column names and its titles is no gutter), a third
  // for three.
  double min_column_share = 0.6;
  int min_two_sided_lines = 3;  // lines with text on both sides of the strip
  // A band is read again by columns when a line of it runs across a gutter, or was read below
  // this confidence: Tesseract's page segmentation mistakes in narrow columns that leave each
  // line inside its column (a line boxed four rows tall, read "家人了" at 12).
  float doubtful_confidence = 50;
  double min_kept_chars = 0.9;
  // ... and read this much less surely, where the page's reading ran a line across a gutter
  // and the columns' reading reads no line below `across_min_line_confidence`.
  double across_confidence_slack = 5;
  float across_min_line_confidence = 40;
};

struct ColumnGutter {
  int left = 0;  // the white strip's columns, [left, right)
  int right = 0;
};

struct ColumnBand {
  int top = 0;      // rows of the band's lines, in the image
  int bottom = 0;   // exclusive
  std::vector<ColumnGutter> gutters;  // left to right
  int text_left = 0;     // the text's extent across the page
  int text_right = 0;
};

// Bands of consecutive text lines that share a gutter, top to bottom.
std::vector<ColumnBand> FindColumnBands(const cv::Mat& gray, const ColumnOptions& options);

// Whether `page` (read from the same image) has a line running across one of the band's gutters.
bool ReadAcrossGutter(const OcrPage& page, const ColumnBand& band, const ColumnOptions& options);

// Whether `page` has a line inside the band read below options.doubtful_confidence.
bool ReadBadlyInBand(const OcrPage& page, const ColumnBand& band, const ColumnOptions& options);

// Reads the band's columns as separate images (each as one column of text) and, when that reads
// as many characters (options.min_kept_chars) at least as surely as the page's reading of the
// band, puts them in place of every line of `page` inside the band (the columns' blocks left to
// right, where the first of the replaced blocks stood) and returns true. Boxes stay in the
// coordinates of `gray`.
bool ReadBandByColumns(const cv::Mat& gray, const ColumnBand& band, OcrEngine& engine,
                       const ColumnOptions& options, OcrPage& page);

// A region to read again whose row lies in a band of columns is kept to its column (of the line
// it replaces, or of its own middle), and so is its reading (RereadRegion::within): widened to
// the ink of its row, a line of the middle column took in both others' ("镇一憩库…”情况报告
// 制度试点，将该项“全rr" for 情况报告制度试点，将该项).
void KeepToColumn(RereadRegion& region, const std::vector<ColumnBand>& bands);

}  // namespace qikan
