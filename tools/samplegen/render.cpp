#include "tools/samplegen/render.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace qikan::samplegen {
namespace {

constexpr double kMmPerInch = 25.4;

cv::Scalar InkColour(Ink ink) {
  // Print ink is never quite black; the masthead red is a warm, slightly dull red (BGR).
  return ink == Ink::kRed ? cv::Scalar(38, 32, 196) : cv::Scalar(28, 28, 30);
}

}  // namespace

cv::Size PagePixels(const LayoutOptions& options, double dpi) {
  return {static_cast<int>(std::lround(options.page_width_mm / kMmPerInch * dpi)),
          static_cast<int>(std::lround(options.page_height_mm / kMmPerInch * dpi))};
}

cv::Mat RenderPage(const PageLayout& page, const LayoutOptions& options, double dpi,
                   FontSet& fonts) {
  const double px = dpi / kMmPerInch;
  cv::Mat bgr(PagePixels(options, dpi), CV_8UC3, cv::Scalar(255, 255, 255));
  for (const Rule& rule : page.rules) {
    const double half = rule.thickness_mm * px / 2;
    if (rule.y1_mm >= 0) {
      cv::rectangle(bgr,
                    cv::Point(static_cast<int>(std::lround(rule.x0_mm * px - half)),
                              static_cast<int>(std::lround(rule.y_mm * px))),
                    cv::Point(static_cast<int>(std::lround(rule.x0_mm * px + half)),
                              static_cast<int>(std::lround(rule.y1_mm * px))),
                    InkColour(rule.ink), cv::FILLED, cv::LINE_AA);
      continue;
    }
    cv::rectangle(bgr,
                  cv::Point(static_cast<int>(std::lround(rule.x0_mm * px)),
                            static_cast<int>(std::lround(rule.y_mm * px - half))),
                  cv::Point(static_cast<int>(std::lround(rule.x1_mm * px)),
                            static_cast<int>(std::lround(rule.y_mm * px + half))),
                  InkColour(rule.ink), cv::FILLED, cv::LINE_AA);
  }
  for (const TextLine& line : page.lines) {
    const cv::Scalar ink = InkColour(line.ink);
    for (const PlacedGlyph& g : line.glyphs) {
      fonts.Draw(bgr, g.role, g.code, g.em_mm * px, {g.x_mm * px, line.baseline_mm * px}, ink);
    }
  }
  return bgr;
}

}  // namespace qikan::samplegen
