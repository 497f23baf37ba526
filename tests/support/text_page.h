#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace qikan::testing {

// Draws Chinese text lines onto a white A4-proportioned page, the way the samples look, so image
// tests can know their truth without binary fixtures.
struct TextPageSpec {
  std::vector<std::string> lines;
  int glyph_px = 36;        // em size of the font in pixels
  int width = 1654;         // A4 at 200 dpi
  int height = 2339;
  int margin = 160;
  double line_spacing = 1.8;
  std::string font = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
  int font_index = 2;       // Noto Serif CJK SC in the collection
};

cv::Mat DrawTextPage(const TextPageSpec& spec);

// Rotates counter-clockwise by `degrees` about the centre, filling with white.
cv::Mat RotatePage(const cv::Mat& gray, double degrees);

// Some lines of the seed issue's prose, for pages that look like the newsletter.
std::vector<std::string> SeedProseLines(int count, int chars_per_line);

// The absolute path of a file in the source tree, or in the build tree (the qikan binary is
// BinaryPath("pipeline/qikan")): $QIKAN_SOURCE_DIR / $QIKAN_BINARY_DIR when set, else the trees
// the tests were built from.
std::string SourcePath(const std::string& relative);
std::string BinaryPath(const std::string& relative);

}  // namespace qikan::testing
