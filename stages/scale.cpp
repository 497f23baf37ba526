#include "stages/scale.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "stages/image.h"

namespace qikan {
namespace {

// Below this ink/paper difference a page has nothing printed on it (see deskew.cpp).
constexpr int kMinContrast = 48;

// Glyphs shorter than this cannot be read at any scale; a peak there is speckle or halftone.
constexpr int kMinGlyphPx = 8;
// Larger than these fractions of the page a component is a picture, a rule or the frame.
constexpr double kMaxGlyphHeightFraction = 0.1;
constexpr double kMaxGlyphWidthFraction = 0.25;
// Solid blobs (speckle, bullets, dark corners) are never a Han glyph, whose strokes leave most
// of its box white.
constexpr double kMaxFill = 0.85;

// Heights are collected in bins 4% wide; the glyph height is the median of the components
// within kPeakBand of the strongest bin. On generated text pages, clean or degraded, the band
// holds half or more of the height-weighted components; on blotchy noise a tenth. Below
// kMinPeakShare the page shows no body text.
constexpr double kBinRatio = 1.04;
constexpr double kPeakBand = 0.12;
constexpr double kMinPeakShare = 0.25;

constexpr int kMinGlyphs = 20;

// True when the darkest 0.2% of the page stand clearly below the paper (the extremes alone may
// be one dust speck).
bool HasInk(const cv::Mat& gray8) {
  std::array<int, 256> hist{};
  for (int r = 0; r < gray8.rows; ++r) {
    const uchar* row = gray8.ptr<uchar>(r);
    for (int c = 0; c < gray8.cols; ++c) ++hist[row[c]];
  }
  auto level_at = [&](double fraction) {
    const double wanted = fraction * static_cast<double>(gray8.total());
    double seen = 0;
    int level = 0;
    while (level < 255 && (seen += hist[level]) < wanted) ++level;
    return level;
  };
  return level_at(0.95) - level_at(0.002) >= kMinContrast;
}

// Heights of the components that could be whole glyphs or full-height parts of one.
std::vector<int> CandidateHeights(const cv::Mat& gray8) {
  cv::Mat binary;
  cv::threshold(gray8, binary, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S);
  const int max_height = static_cast<int>(kMaxGlyphHeightFraction * gray8.rows);
  const int max_width = static_cast<int>(kMaxGlyphWidthFraction * gray8.cols);
  std::vector<int> heights;
  for (int i = 1; i < count; ++i) {
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT);
    const int y = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const bool touches_border = x == 0 || y == 0 || x + w == gray8.cols || y + h == gray8.rows;
    if (touches_border || h < kMinGlyphPx || h > max_height || w > max_width) continue;
    if (area > kMaxFill * w * h) continue;
    heights.push_back(h);
  }
  return heights;
}

struct HeightPeak {
  double height = 0;
  int members = 0;
  double share = 0;  // of the height-weighted components
};

// Han text is mostly whole glyphs and left/right halves of glyphs, which all span the glyph's
// full height; strokes, dots and top/bottom parts scatter below it. So the body text shows as
// the strongest peak of the height distribution, each component weighted by its height so the
// many small pieces do not outvote the glyphs.
HeightPeak FindHeightPeak(const std::vector<int>& heights) {
  if (heights.empty()) return {};
  const double log_ratio = std::log(kBinRatio);
  auto bin_of = [&](int h) { return static_cast<int>(std::lround(std::log(h) / log_ratio)); };
  const int max_bin = bin_of(*std::max_element(heights.begin(), heights.end())) + 2;
  std::vector<double> weight(max_bin + 1, 0);
  double total = 0;
  for (int h : heights) {
    weight[bin_of(h)] += h;
    total += h;
  }

  int best_bin = 0;
  double best = -1;
  for (int b = 1; b < max_bin; ++b) {
    const double smoothed = weight[b - 1] + 2 * weight[b] + weight[b + 1];
    if (smoothed > best) best = smoothed, best_bin = b;
  }
  const double centre = std::pow(kBinRatio, best_bin);
  std::vector<int> members;
  double in_band = 0;
  for (int h : heights) {
    if (std::abs(h - centre) > kPeakBand * centre) continue;
    members.push_back(h);
    in_band += h;
  }
  if (members.empty()) return {};
  std::nth_element(members.begin(), members.begin() + members.size() / 2, members.end());
  return {.height = static_cast<double>(members[members.size() / 2]),
          .members = static_cast<int>(members.size()),
          .share = in_band / total};
}

}  // namespace

ScaleEstimate EstimateScale(const cv::Mat& gray, const ScaleOptions& options) {
  if (gray.empty()) return {};
  const cv::Mat gray8 = ToGray8(gray);
  if (!HasInk(gray8)) return {};
  const HeightPeak peak = FindHeightPeak(CandidateHeights(gray8));
  if (peak.share < kMinPeakShare) return {};

  ScaleEstimate estimate{.glyph_height_px = peak.height, .factor = 1, .glyphs = peak.members};
  const bool near_target = std::abs(peak.height - options.target_glyph_px) <=
                           options.tolerance * options.target_glyph_px;
  if (peak.members >= kMinGlyphs && !near_target) {
    estimate.factor =
        std::clamp(options.target_glyph_px / peak.height, options.min_factor, options.max_factor);
  }
  return estimate;
}

cv::Mat ApplyScale(const cv::Mat& gray, const ScaleEstimate& scale) {
  if (gray.empty() || scale.factor == 1 || scale.factor <= 0) return gray;
  // INTER_AREA averages the pixels a shrunk one covers, so thin strokes fade instead of breaking;
  // enlarging wants a smooth interpolant, and cubic keeps stroke edges sharper than linear.
  const int interpolation = scale.factor < 1 ? cv::INTER_AREA : cv::INTER_CUBIC;
  const cv::Size size(std::max(1, static_cast<int>(std::lround(gray.cols * scale.factor))),
                      std::max(1, static_cast<int>(std::lround(gray.rows * scale.factor))));
  cv::Mat out;
  cv::resize(gray, out, size, 0, 0, interpolation);
  return out;
}

}  // namespace qikan
