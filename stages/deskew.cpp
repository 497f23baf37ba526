#include "stages/deskew.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "stages/image.h"

namespace qikan {
namespace {

// Below this ink/paper difference a page has nothing printed on it: Otsu would split the paper's
// own grain into "ink" and the projection search would chase noise.
constexpr int kMinContrast = 48;

// The analysis copy may be this much wider than DeskewOptions::analysis_width.
constexpr double kAnalysisWidthSlack = 1.25;

// Components smaller than this (analysis pixels) are speckle; a Han stroke at analysis scale is
// larger. Larger than the fractions below they are pictures, rules or frame, not text.
constexpr int kMinComponentArea = 6;
constexpr double kMaxComponentHeightFraction = 0.06;
constexpr double kMaxComponentWidthFraction = 0.25;

// A page needs this many text-like components before its profile peak means anything.
constexpr int kMinComponents = 40;

// The coarse pass scores every quarter degree on all the points, in four vertical strips so
// that columns whose lines are out of step cannot pull it to a wrong angle. (On every fourth
// point, as it was, the line-edge score of a page set in 楷体 is mostly the sample's noise,
// nearly flat over the range: a three-column page turned -0.17 degree scored 18-24 thousand from
// -10 to +10 with its peak at 4.25, and was turned 3.8 degrees the wrong way and read across its
// columns; an office page at -1.59 was left at 0.05. Every second or third point fails other
// pages; all of them cost no time that shows beside reading the page.) The confidence is still
// scored on every kSharpnessSampleStride-th point.
constexpr double kCoarseStepDegrees = 0.25;
constexpr int kSharpnessSampleStride = 4;
constexpr int kCoarseStrips = 4;

// The fine pass fits a parabola to the scores within this window, recentres and fits again.
constexpr double kFineHalfWindowDegrees = 0.2;
constexpr double kFineStepDegrees = 0.05;
constexpr int kFineIterations = 3;

// A white vertical run at least this many median component heights (and analysis pixels) wide
// separates columns. More columns than kMaxColumns is a table or noise, scored as one band.
constexpr double kMinGutterHeights = 1.0;
constexpr double kMinGutterPixels = 8;
constexpr int kMaxColumns = 8;

// Confidence comes from the peak sharpness: the score at the found angle over its median at
// whole degrees across the range. Generated text pages reach 1.7 and more (single columns 2 and
// more); speckle, noise and pictures stay below 1.06.
constexpr double kReferenceStepDegrees = 1.0;
constexpr double kNoiseSharpness = 1.1;
constexpr double kTextSharpness = 1.5;

// Shrinks by the smallest whole factor that brings the page to at most a quarter over `width`
// columns: INTER_AREA is several times faster for whole factors, and the exact analysis width
// does not matter.
cv::Mat Reduce(const cv::Mat& gray8, double width) {
  const int factor =
      width > 0 ? static_cast<int>(std::ceil(gray8.cols / (kAnalysisWidthSlack * width))) : 1;
  if (factor <= 1) return gray8;
  cv::Mat small;
  // Given as a ratio, not a size, so OpenCV sees the whole factor and takes its fast path.
  cv::resize(gray8, small, cv::Size(), 1.0 / factor, 1.0 / factor, cv::INTER_AREA);
  return small;
}

// Grey levels below which the given fractions of the pixels lie, from one histogram pass.
std::vector<int> Percentiles(const cv::Mat& gray8, std::initializer_list<double> fractions) {
  std::array<int, 256> hist{};
  for (int r = 0; r < gray8.rows; ++r) {
    const uchar* row = gray8.ptr<uchar>(r);
    for (int c = 0; c < gray8.cols; ++c) ++hist[row[c]];
  }
  std::vector<int> levels;
  for (double fraction : fractions) {
    const double wanted = fraction * static_cast<double>(gray8.total());
    double seen = 0;
    int level = 0;
    while (level < 255 && (seen += hist[level]) < wanted) ++level;
    levels.push_back(level);
  }
  return levels;
}

// A pseudo-random offset in [-0.5, 0.5) for a pixel position.
float Dither(int row, int column) {
  uint32_t h =
      static_cast<uint32_t>(row) * 0x9E3779B1u ^ static_cast<uint32_t>(column) * 0x85EBCA77u;
  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 12;
  return static_cast<float>(h & 0xFFFF) / 65536.0f - 0.5f;
}

struct TextInk {
  std::vector<cv::Point2f> points;  // centred on the page
  int components = 0;
  double median_height = 0;
};

// Ink pixels of the text-like components. Components touching the border are a scanner's dark
// edge or a cut-off picture, and would pull the profile to their own direction.
TextInk FindTextInk(const cv::Mat& small) {
  TextInk ink;
  const std::vector<int> levels = Percentiles(small, {0.002, 0.95});
  if (levels[1] - levels[0] < kMinContrast) return ink;
  cv::Mat binary;
  cv::threshold(small, binary, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);

  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S);
  const int max_height = static_cast<int>(kMaxComponentHeightFraction * small.rows) + 1;
  const int max_width = static_cast<int>(kMaxComponentWidthFraction * small.cols) + 1;
  std::vector<uchar> keep(count, 0);
  std::vector<int> heights;
  for (int i = 1; i < count; ++i) {
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT);
    const int y = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const bool touches_border = x == 0 || y == 0 || x + w == small.cols || y + h == small.rows;
    if (touches_border || area < kMinComponentArea || h > max_height || w > max_width) continue;
    keep[i] = 1;
    heights.push_back(h);
  }
  ink.components = static_cast<int>(heights.size());
  if (heights.empty()) return ink;
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  ink.median_height = heights[heights.size() / 2];

  // Each point is dithered within its pixel row: otherwise at exactly 0 degrees all points sit
  // at the same phase of the profile bins and the pixel grid itself adds a spike or a dip to the
  // score. The dither is a hash of the position, so any sample of the points is dithered as
  // evenly as all of them (a running sequence turns into a slow ramp, a fake tilt, when sampled).
  const float cx = small.cols / 2.0f;
  const float cy = small.rows / 2.0f;
  for (int r = 0; r < labels.rows; ++r) {
    const int* row = labels.ptr<int>(r);
    for (int c = 0; c < labels.cols; ++c) {
      if (row[c] == 0 || !keep[row[c]]) continue;
      ink.points.emplace_back(c - cx, r - cy + Dither(r, c));
    }
  }
  return ink;
}

struct ProfileScore {
  double squares = 0;      // sum of squares of the row counts: how much the ink bunches into rows
  double differences = 0;  // sum of squared row-to-row differences: how sharp the line edges are
};

// Horizontal projections of the points turned clockwise by an angle, one projection per band
// (vertical strip or text column). Each point is split between its two nearest rows so the
// scores vary smoothly with the angle.
class ProfileScorer {
 public:
  ProfileScorer(const std::vector<cv::Point2f>& points, const std::vector<int>& band_of_point,
                int bands, double half_extent)
      : points_(points), offset_(static_cast<float>(half_extent) + 2) {
    const int stride = static_cast<int>(2 * offset_) + 4;
    rows_ = static_cast<size_t>(stride) * bands;
    bins_.resize(rows_ * kLanes);
    band_start_.reserve(points.size());
    for (int band : band_of_point) band_start_.push_back(band * stride);
  }

  ProfileScore Score(double degrees) {
    const double radians = degrees * std::numbers::pi / 180;
    const float sin_a = static_cast<float>(std::sin(radians));
    const float cos_a = static_cast<float>(std::cos(radians));
    std::fill(bins_.begin(), bins_.end(), 0.0f);
    // Neighbouring points mostly fall into the same row; giving consecutive points separate
    // lanes of the histogram keeps each addition from waiting for the previous one's store.
    for (size_t i = 0; i < points_.size(); ++i) {
      const float y = points_[i].y * cos_a + points_[i].x * sin_a + offset_;
      const int row = static_cast<int>(y);
      const float upper = y - static_cast<float>(row);
      float* bin = &bins_[(band_start_[i] + row) * kLanes + (i % kLanes)];
      bin[0] += 1 - upper;
      bin[kLanes] += upper;
    }
    // Bands are stored end to end with empty rows around each, so one pass serves them all.
    ProfileScore score;
    double previous = 0;
    for (size_t r = 0; r < rows_; ++r) {
      const float* lanes = &bins_[r * kLanes];
      const double b = static_cast<double>(lanes[0]) + lanes[1] + lanes[2] + lanes[3];
      const double d = b - previous;
      score.squares += b * b;
      score.differences += d * d;
      previous = b;
    }
    return score;
  }

 private:
  static constexpr size_t kLanes = 4;
  const std::vector<cv::Point2f>& points_;
  float offset_;
  size_t rows_ = 0;
  std::vector<int> band_start_;
  std::vector<float> bins_;
};

std::vector<int> EqualStrips(const std::vector<cv::Point2f>& points, int strips,
                             double half_width) {
  std::vector<int> band;
  band.reserve(points.size());
  for (const cv::Point2f& p : points) {
    const int s = static_cast<int>((p.x / half_width + 1) / 2 * strips);
    band.push_back(std::clamp(s, 0, strips - 1));
  }
  return band;
}

// Splits the page at the white gutters between text columns, seen in the vertical projection
// of the points levelled by `degrees`. Scoring each column on its own keeps columns whose lines
// are out of step from favouring the angle that lines them up with each other.
std::vector<int> ColumnBands(const std::vector<cv::Point2f>& points, double degrees,
                             double half_extent, double min_gutter, int* bands) {
  const double radians = degrees * std::numbers::pi / 180;
  const double sin_a = std::sin(radians);
  const double cos_a = std::cos(radians);
  const int size = static_cast<int>(2 * half_extent) + 1;
  std::vector<int> column_of_point;
  column_of_point.reserve(points.size());
  std::vector<int> hist(size, 0);
  for (const cv::Point2f& p : points) {
    const int column =
        std::clamp(static_cast<int>(p.x * cos_a - p.y * sin_a + half_extent), 0, size - 1);
    column_of_point.push_back(column);
    ++hist[column];
  }
  // A heading or a stray mark may cross a gutter; a few percent of a text column's ink does not
  // close it.
  const auto first = std::find_if(hist.begin(), hist.end(), [](int n) { return n > 0; });
  const auto last = std::find_if(hist.rbegin(), hist.rend(), [](int n) { return n > 0; }).base();
  const double mean = static_cast<double>(points.size()) / std::max<ptrdiff_t>(1, last - first);
  const double gutter_level = 0.03 * mean;

  std::vector<int> band_of_column(size, 0);
  int band = 0;
  int run = 0;
  bool seen_ink = false;
  for (int x = 0; x < size; ++x) {
    if (hist[x] <= gutter_level) {
      ++run;
    } else {
      if (seen_ink && run >= min_gutter) ++band;
      run = 0;
      seen_ink = true;
    }
    band_of_column[x] = band;
  }
  *bands = band + 1;
  if (*bands > kMaxColumns) {
    *bands = 1;
    std::fill(column_of_point.begin(), column_of_point.end(), 0);
    return column_of_point;
  }
  for (int& column : column_of_point) column = band_of_column[column];
  return column_of_point;
}

// Vertex of the least-squares parabola through samples at -n..n steps, in steps from the
// middle, limited to the sampled span. Fitting the whole window rather than the top three
// samples keeps small bumps of the score (the content of a few lines) from moving the answer.
double QuadraticVertex(const std::vector<double>& ys) {
  const int n = static_cast<int>(ys.size()) / 2;
  double st2 = 0, st4 = 0, sy = 0, sty = 0, st2y = 0;
  for (int i = -n; i <= n; ++i) {
    const double t = i;
    const double y = ys[i + n];
    st2 += t * t;
    st4 += t * t * t * t;
    sy += y;
    sty += t * y;
    st2y += t * t * y;
  }
  const double count = static_cast<double>(ys.size());
  const double slope = sty / st2;
  const double curvature = (st2y - st2 / count * sy) / (st4 - st2 * st2 / count);
  if (curvature >= 0) return slope > 0 ? n : -n;
  return std::clamp(-slope / (2 * curvature), -1.0 * n, 1.0 * n);
}

std::vector<cv::Point2f> EveryNth(const std::vector<cv::Point2f>& points, size_t n) {
  std::vector<cv::Point2f> sample;
  sample.reserve(points.size() / n + 1);
  for (size_t i = 0; i < points.size(); i += n) sample.push_back(points[i]);
  return sample;
}

double CoarseSearch(const std::vector<cv::Point2f>& sample, double half_width, double half_extent,
                    double max_degrees) {
  ProfileScorer scorer(sample, EqualStrips(sample, kCoarseStrips, half_width), kCoarseStrips,
                       half_extent);
  double best_degrees = 0;
  double best_score = -1;
  const int steps = static_cast<int>(std::ceil(max_degrees / kCoarseStepDegrees));
  for (int i = -steps; i <= steps; ++i) {
    const double degrees = i * kCoarseStepDegrees;
    const double score = scorer.Score(degrees).differences;
    if (score > best_score) best_score = score, best_degrees = degrees;
  }
  return best_degrees;
}

double Refine(const std::vector<cv::Point2f>& points, const std::vector<int>& bands, int band_count,
              double half_extent, double degrees) {
  ProfileScorer scorer(points, bands, band_count, half_extent);
  const int half_steps = static_cast<int>(std::lround(kFineHalfWindowDegrees / kFineStepDegrees));
  std::vector<double> ys(2 * half_steps + 1);
  for (int iteration = 0; iteration < kFineIterations; ++iteration) {
    for (int i = -half_steps; i <= half_steps; ++i) {
      ys[i + half_steps] = scorer.Score(degrees + i * kFineStepDegrees).differences;
    }
    const double shift = QuadraticVertex(ys);
    degrees += shift * kFineStepDegrees;
    // Near the window's centre the fit is as good as a recentred one would be.
    if (std::abs(shift) < 0.25 * half_steps) break;
  }
  return degrees;
}

// How far the sum of squares at the found angle stands above its median over the search range,
// scored per column like the refinement. Line edges located the angle; the sum of squares,
// smoother and less moved by speckle, says whether there are lines at all.
double PeakSharpness(const std::vector<cv::Point2f>& sample, const std::vector<int>& bands,
                     int band_count, double half_extent, double degrees, double max_degrees) {
  ProfileScorer scorer(sample, bands, band_count, half_extent);
  std::vector<double> reference;
  const int steps = static_cast<int>(std::ceil(max_degrees / kReferenceStepDegrees));
  for (int i = -steps; i <= steps; ++i) {
    const double angle = i * kReferenceStepDegrees;
    if (std::abs(angle - degrees) >= kReferenceStepDegrees) {
      reference.push_back(scorer.Score(angle).squares);
    }
  }
  if (reference.empty()) return 1;
  std::nth_element(reference.begin(), reference.begin() + reference.size() / 2, reference.end());
  const double median = reference[reference.size() / 2];
  return median > 0 ? scorer.Score(degrees).squares / median : 1;
}

double Confidence(double sharpness, int components) {
  const double peak =
      std::clamp((sharpness - kNoiseSharpness) / (kTextSharpness - kNoiseSharpness), 0.0, 1.0);
  const double amount =
      std::clamp(static_cast<double>(components) / (2.0 * kMinComponents), 0.0, 1.0);
  return peak * amount;
}

}  // namespace

SkewEstimate EstimateSkew(const cv::Mat& gray, const DeskewOptions& options) {
  if (gray.empty()) return {};
  const cv::Mat small = Reduce(ToGray8(gray), options.analysis_width);
  const TextInk ink = FindTextInk(small);
  if (ink.components < kMinComponents) return {};

  const double half_extent = std::hypot(small.cols, small.rows) / 2;
  const double coarse =
      CoarseSearch(ink.points, small.cols / 2.0, half_extent, options.max_degrees);

  int band_count = 1;
  const std::vector<int> bands =
      ColumnBands(ink.points, coarse, half_extent,
                  std::max(kMinGutterPixels, kMinGutterHeights * ink.median_height), &band_count);
  const double degrees = std::clamp(Refine(ink.points, bands, band_count, half_extent, coarse),
                                    -options.max_degrees, options.max_degrees);
  // The peak's sharpness is a ratio of sums of squares, which a sample measures as well as all.
  const std::vector<cv::Point2f> sample = EveryNth(ink.points, kSharpnessSampleStride);
  std::vector<int> sample_bands;
  for (size_t i = 0; i < bands.size(); i += kSharpnessSampleStride) {
    sample_bands.push_back(bands[i]);
  }
  const double sharpness =
      PeakSharpness(sample, sample_bands, band_count, half_extent, degrees, options.max_degrees);
  SkewEstimate estimate{.degrees = degrees, .confidence = Confidence(sharpness, ink.components)};
  if (estimate.confidence < options.min_confidence) estimate.degrees = 0;
  return estimate;
}

cv::Mat ApplyDeskew(const cv::Mat& gray, const SkewEstimate& skew) {
  if (gray.empty() || std::abs(skew.degrees) < kMinDeskewDegrees) return gray;
  // A grey scan's paper is not 255: filling the new corners with its own level keeps them from
  // reading as a bright frame to the binarizer of the next stage.
  const double paper =
      Percentiles(ToGray8(gray), {0.9})[0] * (gray.depth() == CV_16U ? 257.0 : 1.0);
  const cv::Point2f centre(gray.cols / 2.0f, gray.rows / 2.0f);
  const cv::Mat rotation = cv::getRotationMatrix2D(centre, -skew.degrees, 1.0);
  cv::Mat out;
  cv::warpAffine(gray, out, rotation, gray.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar::all(paper));
  return out;
}

}  // namespace qikan
