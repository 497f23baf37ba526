#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"
#include "stages/ocr.h"

namespace qikan {

// Two-column bands found on the image, for the pages where Tesseract's own page segmentation
// reads a line of the left column and its right neighbour as one line: it does so when the
// columns are only a few lines tall (a two-column tail above a full-width colophon), where its
// tab-stop search finds no gutter. On the image the gutter is plain: a white strip near the
// middle of the text that every line of the band leaves empty, with text on both sides of it.
struct ColumnOptions {
  double glyph_px = 36;        // body glyph height of the page given (the scaled page)
  double min_gutter_em = 1.0;  // the strip is at least this wide
  // ... and lies in the middle of the text: each side keeps at least this fraction of its width
  // (so the gap between a TOC's column names and its titles is no gutter).
  double min_side_fraction = 0.3;
  int min_two_sided_lines = 3;  // lines with text on both sides of the strip
};

struct ColumnBand {
  int top = 0;      // rows of the band's lines, in the image
  int bottom = 0;   // exclusive
  int gutter_left = 0;   // the white strip's columns, [gutter_left, gutter_right)
  int gutter_right = 0;
  int text_left = 0;     // the text's extent across the page
  int text_right = 0;
};

// Bands of consecutive text lines that share a gutter, top to bottom.
std::vector<ColumnBand> FindColumnBands(const cv::Mat& gray, const ColumnOptions& options);

// Whether `page` (read from the same image) has a line running across the band's gutter.
bool ReadAcrossGutter(const OcrPage& page, const ColumnBand& band, const ColumnOptions& options);

// Reads the band's two columns as separate images and puts what they read in place of every
// line of `page` inside the band (left column's blocks, then the right's, where the first of
// the replaced blocks stood). Boxes stay in the coordinates of `gray`.
void ReadBandByColumns(const cv::Mat& gray, const ColumnBand& band, OcrEngine& engine,
                       const ColumnOptions& options, OcrPage& page);

}  // namespace qikan
