#pragma once

#include <opencv2/core.hpp>

namespace qikan {

// chi_sim reads best when body glyphs are ~30-45 px tall: scale to the model, not to a dpi.
struct ScaleOptions {
  double target_glyph_px = 36;
  double min_factor = 0.3;
  double max_factor = 3.0;
  double tolerance = 0.12;  // within this fraction of the target the page is left as it is
};

struct ScaleEstimate {
  double glyph_height_px = 0;  // median height of body-text glyphs; 0 when none were found
  double factor = 1;
  int glyphs = 0;  // how many glyphs the estimate rests on
};

ScaleEstimate EstimateScale(const cv::Mat& gray, const ScaleOptions& options);
cv::Mat ApplyScale(const cv::Mat& gray, const ScaleEstimate& scale);

}  // namespace qikan
