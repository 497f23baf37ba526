#pragma once

#include <opencv2/core.hpp>

namespace qikan {

struct DeskewOptions {
  double max_degrees = 10;         // search range, both ways
  double min_confidence = 0.3;     // below this the page is left as it is
  double analysis_width = 1200;    // the page is estimated on a copy scaled to this width
};

struct SkewEstimate {
  double degrees = 0;     // counter-clockwise rotation of the text lines; positive = rising to the right
  double confidence = 0;  // 0 (no text found) .. 1
};

SkewEstimate EstimateSkew(const cv::Mat& gray, const DeskewOptions& options);
// Rotates the page so its text lines are level; the canvas keeps its size, new corners are white.
cv::Mat ApplyDeskew(const cv::Mat& gray, const SkewEstimate& skew);

}  // namespace qikan
