#include "stages/cleanup.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "stages/image.h"

namespace qikan {
namespace {

// The background is estimated on a page reduced this many times: a closing over a 2 em window
// at full size costs ~10x more and finds the same slowly varying paper.
constexpr int kBackgroundReduction = 4;

cv::Mat Background(const cv::Mat& gray8, double window_px) {
  cv::Mat small;
  cv::resize(gray8, small,
             cv::Size(std::max(1, gray8.cols / kBackgroundReduction),
                      std::max(1, gray8.rows / kBackgroundReduction)),
             0, 0, cv::INTER_AREA);
  const int k = std::max(3, static_cast<int>(window_px / kBackgroundReduction) | 1);
  cv::Mat closed;
  cv::morphologyEx(small, closed, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(k, k)));
  cv::blur(closed, closed, cv::Size(k, k));
  cv::Mat background;
  cv::resize(closed, background, gray8.size(), 0, 0, cv::INTER_LINEAR);
  return background;
}

// How far the paper's level varies over the page: the 95th minus the 5th percentile of the
// background. Measured on scaled pages: clean 300 dpi scans 0, office scans 4-6, scans with
// uneven light and a dark lid edge 19-37.
int Unevenness(const cv::Mat& background) {
  std::array<int, 256> hist{};
  for (int r = 0; r < background.rows; r += kBackgroundReduction) {
    const uchar* row = background.ptr<uchar>(r);
    for (int c = 0; c < background.cols; c += kBackgroundReduction) ++hist[row[c]];
  }
  int total = 0;
  for (const int n : hist) total += n;
  auto level_at = [&](double fraction) {
    int seen = 0, level = 0;
    while (level < 255 && (seen += hist[static_cast<size_t>(level)]) < fraction * total) ++level;
    return level;
  };
  return level_at(0.95) - level_at(0.05);
}

// ink / paper, 255 where the page is paper.
cv::Mat DivideBackground(const cv::Mat& gray8, const cv::Mat& background) {
  cv::Mat out(gray8.size(), CV_8UC1);
  for (int r = 0; r < gray8.rows; ++r) {
    const uchar* g = gray8.ptr<uchar>(r);
    const uchar* b = background.ptr<uchar>(r);
    uchar* o = out.ptr<uchar>(r);
    for (int c = 0; c < gray8.cols; ++c) {
      const int paper = std::max<int>(b[c], 1);
      o[c] = static_cast<uchar>(std::min(255, g[c] * 255 / paper));
    }
  }
  return out;
}

// Levels at or above paper_level x 255 become white, the rest stretched to keep ink black.
cv::Mat PaperToWhite(const cv::Mat& gray8, double paper_level) {
  const double top = std::clamp(paper_level, 0.1, 1.0) * 255;
  cv::Mat lut(1, 256, CV_8UC1);
  for (int v = 0; v < 256; ++v) {
    lut.at<uchar>(v) = static_cast<uchar>(std::min(255.0, std::round(v * 255 / top)));
  }
  cv::Mat out;
  cv::LUT(gray8, lut, out);
  return out;
}

// The page with the ink components `chosen(stats, i)` picks turned to paper (the page itself
// when it picks none); components are Otsu's ink, 8-connected. With `fringe_px`, the paper
// around them that far is made white too (not other ink): the grey a shadow fades through
// into the paper, which Otsu left out of it.
template <typename Chosen>
cv::Mat WhitenComponents(const cv::Mat& gray8, Chosen&& chosen, int fringe_px = 0) {
  cv::Mat ink;
  cv::threshold(gray8, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  std::vector<uchar> whiten(static_cast<size_t>(count), 0);
  bool any = false;
  for (int i = 1; i < count; ++i) {
    if (chosen(stats, i)) {
      whiten[static_cast<size_t>(i)] = 1;
      any = true;
    }
  }
  if (!any) return gray8;
  cv::Mat mask = LabelMask(labels, whiten);
  if (fringe_px > 0) {
    cv::Mat grown;
    cv::dilate(mask, grown,
               cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * fringe_px + 1, 2 * fringe_px + 1)));
    mask |= grown & (labels == 0);
  }
  cv::Mat out = gray8.clone();
  out.setTo(255, mask);
  return out;
}

cv::Mat RemoveSpeckle(const cv::Mat& gray8, double max_side_px) {
  return WhitenComponents(gray8, [&](const cv::Mat& stats, int i) {
    return std::max(stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)) <=
           max_side_px;
  });
}

// A dark edge touches the border along this fraction of the page's side at least, and is mostly
// solid (text touching the border never is).
constexpr double kMinEdgeRun = 0.33;
constexpr double kMinEdgeFill = 0.5;
// ... and no deeper into the page than this share of it: a band printed to the trim (a
// masthead's banner bled to the edge, its title reversed out of it) is no shadow.
constexpr double kMaxEdgeDepth = 0.12;

// The grey a shadow fades through, in glyphs (tune t12 page 5: a fringe 40 px wide beside a
// removed edge was read as a line "|", and taken for a brief).
constexpr double kEdgeFringeEm = 1.0;

cv::Mat RemoveDarkEdges(const cv::Mat& gray8, double glyph_px) {
  const int fringe = static_cast<int>(std::lround(kEdgeFringeEm * glyph_px));
  return WhitenComponents(gray8, [&](const cv::Mat& stats, int i) {
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT);
    const int y = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const double fill = stats.at<int>(i, cv::CC_STAT_AREA) / static_cast<double>(w * h);
    const bool side = (x == 0 || x + w == gray8.cols) && h >= kMinEdgeRun * gray8.rows &&
                      w <= kMaxEdgeDepth * gray8.cols;
    const bool top_or_bottom = (y == 0 || y + h == gray8.rows) && w >= kMinEdgeRun * gray8.cols &&
                               h <= kMaxEdgeDepth * gray8.rows;
    return (side || top_or_bottom) && fill >= kMinEdgeFill;
  }, fringe);
}

// Sauvola: ink where the level is below mean x (1 + k (sd / 128 - 1)) of its window.
cv::Mat Sauvola(const cv::Mat& gray8, double window_px, double k) {
  const int w = std::max(3, static_cast<int>(window_px) | 1);
  cv::Mat f, mean, sq_mean;
  gray8.convertTo(f, CV_32F);
  cv::boxFilter(f, mean, CV_32F, cv::Size(w, w));
  cv::boxFilter(f.mul(f), sq_mean, CV_32F, cv::Size(w, w));
  cv::Mat out(gray8.size(), CV_8UC1);
  for (int r = 0; r < gray8.rows; ++r) {
    const float* v = f.ptr<float>(r);
    const float* m = mean.ptr<float>(r);
    const float* s2 = sq_mean.ptr<float>(r);
    uchar* o = out.ptr<uchar>(r);
    for (int c = 0; c < gray8.cols; ++c) {
      const double sd = std::sqrt(std::max(0.0, static_cast<double>(s2[c]) - m[c] * m[c]));
      const double threshold = m[c] * (1 + k * (sd / 128 - 1));
      o[c] = v[c] < threshold ? 0 : 255;
    }
  }
  return out;
}

}  // namespace

cv::Mat CleanPage(const cv::Mat& gray, const CleanupOptions& options) {
  cv::Mat page = ToGray8(gray);
  if (page.empty()) return page;
  if (options.remove_dark_edges) page = RemoveDarkEdges(page, options.glyph_px);
  if (options.normalize_background) {
    const cv::Mat background = Background(page, options.background_window_em * options.glyph_px);
    if (Unevenness(background) >= options.min_unevenness) page = DivideBackground(page, background);
  }
  if (options.paper_level > 0) page = PaperToWhite(page, options.paper_level);
  if (options.speckle_max_em > 0) page = RemoveSpeckle(page, options.speckle_max_em * options.glyph_px);
  if (options.sauvola_window_em > 0) {
    page = Sauvola(page, options.sauvola_window_em * options.glyph_px, options.sauvola_k);
  }
  return page;
}

CleanupOptions ParseCleanup(const std::string& spec, CleanupOptions options) {
  options.remove_dark_edges = options.normalize_background = false;
  options.paper_level = options.speckle_max_em = options.sauvola_window_em = 0;
  if (spec == "none" || spec.empty()) return options;
  std::istringstream items(spec);
  std::string item;
  while (std::getline(items, item, ',')) {
    const auto equals = item.find('=');
    const std::string name = item.substr(0, equals);
    const bool has_value = equals != std::string::npos;
    double value = 0;
    if (has_value) {
      try {
        value = std::stod(item.substr(equals + 1));
      } catch (const std::exception&) {
        throw std::invalid_argument("clean-up step " + name + ": not a number");
      }
    }
    if (name == "edges" && !has_value) {
      options.remove_dark_edges = true;
    } else if (name == "background") {
      options.normalize_background = true;
      if (has_value) options.background_window_em = value;
    } else if (name == "paper" && has_value) {
      options.paper_level = value;
    } else if (name == "speckle" && has_value) {
      options.speckle_max_em = value;
    } else if (name == "sauvola" && has_value) {
      options.sauvola_window_em = value;
    } else {
      throw std::invalid_argument("unknown clean-up step '" + item +
                                  "' (edges, background[=EM], paper=LEVEL, speckle=EM, sauvola=EM, none)");
    }
  }
  return options;
}

}  // namespace qikan
