#include "stages/orientation.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "stages/image.h"

namespace qikan {
namespace {

// Components whose larger side lies in this range of ems are glyphs or glyph parts; smaller is
// speckle and punctuation dots, larger is a picture, a rule, a heading or a dark scanner edge.
constexpr double kMinGlyphEm = 0.2;
constexpr double kMaxGlyphEm = 1.6;
// Solid blobs (speckle, bullets) are never a Han glyph, whose strokes leave most of its box white.
constexpr double kMaxFill = 0.85;
// Lines of the sample are this many ems apart (body leading of the newsletters is 1.5-1.9).
constexpr double kSampleLinePitchEm = 1.8;

// Which way the lines run shows at least as plainly with glyphs half as tall, at about a quarter
// of the cost: the geometry is measured on the page halved (a whole factor, OpenCV's fast path
// for INTER_AREA) while its glyphs stay at least this tall. At the model's 36 px they measure
// 18 px; the gap between glyphs of a line (a tenth of an em) stays under the bridge, the leading
// between lines over it. Measured on the 87 pages of the throughput corpus and the samples, and
// 34 of them turned a quarter: every page the full size decided was decided alike, and the four
// it left undecided (pages 6 and 7 of the degraded 200 dpi sample, upright and turned, the
// turned two then read sideways) were decided right.
constexpr double kMinMeasuredGlyphPx = 16;

// The page's ink as a mask of glyph-sized components only, with their count.
cv::Mat GlyphMask(const cv::Mat& gray8, double glyph_px, int* glyphs) {
  cv::Mat binary;
  cv::threshold(gray8, binary, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S);
  const double min_side = kMinGlyphEm * glyph_px;
  const double max_side = kMaxGlyphEm * glyph_px;
  std::vector<uchar> keep(static_cast<size_t>(count), 0);
  *glyphs = 0;
  for (int i = 1; i < count; ++i) {
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT);
    const int y = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const bool touches_border = x == 0 || y == 0 || x + w == gray8.cols || y + h == gray8.rows;
    const int side = std::max(w, h);
    if (touches_border || side < min_side || side > max_side) continue;
    if (area > kMaxFill * w * h) continue;
    keep[static_cast<size_t>(i)] = 255;
    ++*glyphs;
  }
  return LabelMask(labels, keep);
}

int PiecesAfterBridging(const cv::Mat& mask, cv::Size kernel) {
  cv::Mat closed;
  cv::morphologyEx(mask, closed, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, kernel));
  cv::Mat labels;
  return cv::connectedComponents(closed, labels, 8, CV_32S) - 1;
}

}  // namespace

LineGeometry MeasureLineGeometry(const cv::Mat& gray, const OrientationOptions& options) {
  LineGeometry geometry;
  cv::Mat gray8 = ToGray8(gray);
  if (gray8.empty()) return geometry;
  double glyph_px = options.glyph_px;
  if (glyph_px / 2 >= kMinMeasuredGlyphPx) {
    cv::Mat half;
    cv::resize(gray8, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
    gray8 = half;
    glyph_px /= 2;
  }
  const cv::Mat mask = GlyphMask(gray8, glyph_px, &geometry.glyphs);
  if (geometry.glyphs < options.min_glyphs) return geometry;
  const int bridge = std::max(2, static_cast<int>(std::lround(options.bridge_em * glyph_px)));
  geometry.pieces_across = PiecesAfterBridging(mask, cv::Size(bridge, 1));
  geometry.pieces_down = PiecesAfterBridging(mask, cv::Size(1, bridge));
  const double across = std::max(1, geometry.pieces_across);
  const double down = std::max(1, geometry.pieces_down);
  if (down >= options.min_ratio * across) geometry.direction = LineDirection::kAcross;
  if (across >= options.min_ratio * down) geometry.direction = LineDirection::kDown;
  return geometry;
}

cv::Mat TurnClockwise(const cv::Mat& gray, int rotation) {
  cv::Mat out;
  switch (((rotation % 360) + 360) % 360) {
    case 0: return gray;
    case 90: cv::rotate(gray, out, cv::ROTATE_90_CLOCKWISE); return out;
    case 180: cv::rotate(gray, out, cv::ROTATE_180); return out;
    case 270: cv::rotate(gray, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    default: throw std::invalid_argument("TurnClockwise: rotation must be a multiple of 90");
  }
}

cv::Rect SampleWindow(const cv::Mat& gray, LineDirection direction,
                      const OrientationOptions& options) {
  const cv::Mat gray8 = ToGray8(gray);
  if (gray8.empty()) return {};
  int glyphs = 0;
  const cv::Mat mask = GlyphMask(gray8, options.glyph_px, &glyphs);
  if (glyphs == 0) return {};
  // Along the lines and across them, in pixels, then as the page shows them.
  const int along = static_cast<int>(options.sample_glyphs * options.glyph_px);
  const int across = static_cast<int>(options.sample_lines * kSampleLinePitchEm * options.glyph_px);
  int width = direction == LineDirection::kDown ? across : along;
  int height = direction == LineDirection::kDown ? along : across;
  width = std::min(width, gray8.cols);
  height = std::min(height, gray8.rows);
  // Ink of glyph-sized components summed over each window (an integral image), searched at a
  // step of half an em.
  cv::Mat sums;
  cv::integral(mask, sums, CV_64F);
  const int step = std::max(1, static_cast<int>(options.glyph_px / 2));
  double best = -1;
  cv::Rect window;
  for (int y = 0; y + height <= gray8.rows; y += step) {
    for (int x = 0; x + width <= gray8.cols; x += step) {
      const double ink = sums.at<double>(y + height, x + width) - sums.at<double>(y, x + width) -
                         sums.at<double>(y + height, x) + sums.at<double>(y, x);
      if (ink > best) {
        best = ink;
        window = cv::Rect(x, y, width, height);
      }
    }
  }
  return window;
}

OrientationChoice ChooseRotation(const cv::Mat& gray, const cv::Rect& sample,
                                 const std::vector<int>& candidates, int fallback,
                                 OcrEngine& engine, const OrientationOptions& options) {
  OrientationChoice choice;
  choice.rotation = fallback;
  const cv::Mat gray8 = ToGray8(gray);
  const cv::Rect inside = sample & cv::Rect(0, 0, gray8.cols, gray8.rows);
  if (candidates.empty() || inside.empty()) return choice;
  const cv::Mat crop = gray8(inside).clone();
  for (const int rotation : candidates) {
    choice.confidences.push_back(engine.Recognize(TurnClockwise(crop, rotation)).MeanConfidence());
  }
  const auto best = std::max_element(choice.confidences.begin(), choice.confidences.end());
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto here = choice.confidences.begin() + static_cast<std::ptrdiff_t>(i);
    if (here != best && *best < *here + options.min_confidence_gain) return choice;
  }
  choice.rotation = candidates[static_cast<size_t>(best - choice.confidences.begin())];
  return choice;
}

OrientationEstimate EstimateOrientation(const cv::Mat& gray, OcrEngine& engine,
                                        const OrientationOptions& options) {
  OrientationEstimate estimate;
  estimate.geometry = MeasureLineGeometry(gray, options);
  if (estimate.geometry.direction != LineDirection::kDown) return estimate;
  // The lines run down the image: turned a quarter one way or the other. The sample is not read
  // as it stands: Tesseract takes a block of lines running down for vertical writing and turns
  // it itself, which reads one of the two quarter turns well and tells nothing. When neither
  // turn reads clearly better the page stays as it is.
  const cv::Rect sample = SampleWindow(gray, LineDirection::kDown, options);
  const OrientationChoice choice = ChooseRotation(gray, sample, {90, 270}, 0, engine, options);
  estimate.rotation = choice.rotation;
  estimate.confidences = choice.confidences;
  return estimate;
}

}  // namespace qikan
