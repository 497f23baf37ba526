#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "stages/ocr.h"

namespace qikan {

// Which way up a page went through the scanner. Tesseract's OSD is weak on Chinese (its
// confidence on an upside-down chi_sim page is about 13), so the test is our own, in two steps:
//  1. text-line geometry decides whether the lines run across the image (0/180) or down it
//     (90/270): Han glyphs in a line stand a tenth of an em apart, lines most of an em, so
//     bridging small gaps along one axis merges whole lines, along the other it merges nothing;
//  2. recognition confidence on a sample of the text, read each way, decides the sign.
struct OrientationOptions {
  // Body glyph height of the page given (pages reach this stage scaled to the model's 36 px).
  double glyph_px = 36;
  // Gaps up to this fraction of an em are bridged: wider than the space between glyphs of a
  // line and within a glyph, narrower than the leading between lines (0.3 em or more in print).
  double bridge_em = 0.25;
  // Bridging along the lines must leave at least this many times fewer pieces than bridging
  // across them before the page's lines are taken to run that way.
  double min_ratio = 2.0;
  int min_glyphs = 40;  // fewer glyph-sized components: no opinion, the page stays as it is
  // The sample read each way: about this many lines of this many glyphs, from the densest text.
  int sample_lines = 7;
  int sample_glyphs = 18;
  // A turned reading of the sample must beat the other by this much mean word confidence.
  float min_confidence_gain = 10;
};

enum class LineDirection { kUnknown, kAcross, kDown };

struct LineGeometry {
  LineDirection direction = LineDirection::kUnknown;
  int glyphs = 0;            // glyph-sized components the decision rests on
  int pieces_across = 0;     // components after bridging gaps along the rows
  int pieces_down = 0;       // ... along the columns
};

// Step 1 on an 8-bit grayscale page (measured on the page halved while its glyphs stay 16 px
// or taller).
LineGeometry MeasureLineGeometry(const cv::Mat& gray, const OrientationOptions& options);

// Turns a page `rotation` degrees clockwise (0, 90, 180 or 270).
cv::Mat TurnClockwise(const cv::Mat& gray, int rotation);

// The part of the page used in step 2: the window of the sample's size (lines running across
// or down as `direction` says) holding the most glyph-sized components. Empty when none.
cv::Rect SampleWindow(const cv::Mat& gray, LineDirection direction,
                      const OrientationOptions& options);

struct OrientationChoice {
  int rotation = 0;                 // degrees clockwise to turn the page upright
  std::vector<float> confidences;   // the sample's mean word confidence per candidate tried
};

// Step 2: reads the sample of `gray` turned by each candidate rotation and returns the most
// confident when it beats every other by min_confidence_gain, else `fallback`.
OrientationChoice ChooseRotation(const cv::Mat& gray, const cv::Rect& sample,
                                 const std::vector<int>& candidates, int fallback,
                                 OcrEngine& engine, const OrientationOptions& options);

struct OrientationEstimate {
  LineGeometry geometry;
  int rotation = 0;  // degrees clockwise to turn the page upright; 0 or 90/270 here
  std::vector<float> confidences;
};

// Both steps for pages whose lines run down the image; a page whose lines run across (or
// whose lines cannot be told) keeps rotation 0 here: 0 against 180 is settled by the page job,
// which reads the page anyway and turns it only when that reading is poor.
OrientationEstimate EstimateOrientation(const cv::Mat& gray, OcrEngine& engine,
                                        const OrientationOptions& options);

}  // namespace qikan
