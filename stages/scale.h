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
  // Median ink height of body-text glyphs; 0 when no body text was found.
  double glyph_height_px = 0;
  double factor = 1;  // 1 also when fewer than 20 glyphs were found
  int glyphs = 0;     // how many glyphs (full-height glyph components) the estimate rests on
};

// Measures the body text's glyph height as the strongest peak of the heights of the page's ink
// components: Han glyphs and their left/right halves span the full height, so they pile up there,
// while strokes, dots, specks, headings and pictures scatter. Best run on a deskewed page.
ScaleEstimate EstimateScale(const cv::Mat& gray, const ScaleOptions& options);
// Resizes by scale.factor (INTER_AREA to shrink, INTER_CUBIC to enlarge); factor 1 returns the
// input itself.
cv::Mat ApplyScale(const cv::Mat& gray, const ScaleEstimate& scale);

}  // namespace qikan
