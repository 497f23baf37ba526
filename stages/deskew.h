#pragma once

#include <opencv2/core.hpp>

namespace qikan {

struct DeskewOptions {
  double max_degrees = 10;      // search range, both ways
  double min_confidence = 0.3;  // below this the page is left as it is
  // The page is estimated on a copy shrunk by a whole factor to about this width (at most 25%
  // wider: 150 dpi A4 is kept as it is, 200 and 300 dpi are halved, 400 dpi divided by three).
  double analysis_width = 1200;
};

struct SkewEstimate {
  // Counter-clockwise rotation of the text lines (the angle cv::getRotationMatrix2D would take
  // to make this skew); positive = rising to the right.
  double degrees = 0;
  // 0 (no text found) .. 1; generated text pages score > 0.5, blank and noise pages < 0.2.
  double confidence = 0;
};

// Finds the angle of the text lines by projection profiles of the text-like ink (components
// touching the border, specks, pictures and rules left out), scored per text column.
// The decision to leave a page alone is made here, because ApplyDeskew sees no options: when
// the confidence is below options.min_confidence, degrees is 0 and the confidence is still
// reported, so the caller can raise an "uncertain skew" review item.
SkewEstimate EstimateSkew(const cv::Mat& gray, const DeskewOptions& options);

// Below this skew ApplyDeskew returns the page unchanged (what maps OCR boxes back onto the scan
// must know whether the page was turned).
inline constexpr double kMinDeskewDegrees = 0.05;

// Rotates the page by -skew.degrees so its text lines are level; the canvas keeps its size and the
// new corners take the paper's grey level. Below kMinDeskewDegrees the input is returned unchanged.
cv::Mat ApplyDeskew(const cv::Mat& gray, const SkewEstimate& skew);

}  // namespace qikan
