#include "stages/deskew.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <tuple>

#include "tests/support/text_page.h"

namespace qikan {
namespace {

using testing::DrawTextPage;
using testing::RotatePage;
using testing::SeedProseLines;
using testing::TextPageSpec;

// A full A4 page of body text at `dpi`, with a 3.7 mm em as in the newsletter.
const cv::Mat& A4Page(int dpi) {
  static std::map<int, cv::Mat> pages;
  auto [it, added] = pages.try_emplace(dpi);
  if (added) {
    TextPageSpec spec;
    spec.glyph_px = static_cast<int>(std::lround(3.7 / 25.4 * dpi));
    spec.width = static_cast<int>(8.27 * dpi);
    spec.height = static_cast<int>(11.69 * dpi);
    spec.margin = static_cast<int>(0.8 * dpi);
    const int chars_per_line = (spec.width - 2 * spec.margin) / spec.glyph_px;
    const int lines =
        (spec.height - 2 * spec.margin) / static_cast<int>(spec.glyph_px * spec.line_spacing) + 1;
    spec.lines = SeedProseLines(lines, chars_per_line);
    it->second = DrawTextPage(spec);
  }
  return it->second;
}

bool SameImage(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

class SkewAccuracyTest : public ::testing::TestWithParam<std::tuple<int, double>> {};

TEST_P(SkewAccuracyTest, FindsTheAngleTheTextWasTurnedBy) {
  const auto [dpi, degrees] = GetParam();
  const SkewEstimate skew = EstimateSkew(RotatePage(A4Page(dpi), degrees), DeskewOptions{});
  EXPECT_NEAR(skew.degrees, degrees, 0.1);
  EXPECT_GT(skew.confidence, 0.5);
}

INSTANTIATE_TEST_SUITE_P(
    Resolutions, SkewAccuracyTest,
    ::testing::Combine(::testing::Values(150, 200, 300, 400),
                       ::testing::Values(-10.0, -7.3, -2.0, -0.6, 0.0, 0.35, 1.5, 4.2, 9.9)),
    [](const auto& info) {
      const int dpi = std::get<0>(info.param);
      const double degrees = std::get<1>(info.param);
      const int hundredths = static_cast<int>(std::lround(std::abs(degrees) * 100));
      char name[48];
      std::snprintf(name, sizeof name, "%ddpi_%s%d_%02ddeg", dpi, degrees < 0 ? "minus_" : "",
                    hundredths / 100, hundredths % 100);
      return std::string(name);
    });

TEST(DeskewTest, BlankPagesAreLeftAlone) {
  const cv::Mat white(3508, 2480, CV_8UC1, cv::Scalar(255));
  cv::Mat grey(3508, 2480, CV_8UC1);
  cv::randn(grey, 215, 6);  // paper grain of a grey scan
  for (const cv::Mat& page : {white, grey}) {
    const SkewEstimate skew = EstimateSkew(page, DeskewOptions{});
    EXPECT_LT(skew.confidence, 0.2);
    EXPECT_EQ(skew.degrees, 0);
    EXPECT_TRUE(SameImage(ApplyDeskew(page, skew), page));
  }
}

TEST(DeskewTest, NoiseOnlyPagesAreLeftAlone) {
  std::mt19937 rng(11);
  cv::Mat speckle(3508, 2480, CV_8UC1, cv::Scalar(255));
  for (int i = 0; i < 20000; ++i) {
    const cv::Rect dot(static_cast<int>(rng() % 2470), static_cast<int>(rng() % 3498),
                       1 + static_cast<int>(rng() % 5), 1 + static_cast<int>(rng() % 5));
    speckle(dot) = 0;
  }
  cv::Mat salt_and_pepper(3508, 2480, CV_8UC1);
  cv::randu(salt_and_pepper, 0, 256);
  cv::threshold(salt_and_pepper, salt_and_pepper, 12, 255, cv::THRESH_BINARY);
  for (const cv::Mat& page : {speckle, salt_and_pepper}) {
    const SkewEstimate skew = EstimateSkew(page, DeskewOptions{});
    EXPECT_LT(skew.confidence, 0.2);
    EXPECT_EQ(skew.degrees, 0);
    EXPECT_TRUE(SameImage(ApplyDeskew(page, skew), page));
  }
}

TEST(DeskewTest, DarkScannerEdgeDoesNotPullTheAngle) {
  cv::Mat page = RotatePage(A4Page(300), 3.1);
  page(cv::Rect(0, 0, 120, page.rows)) = 0;
  const SkewEstimate skew = EstimateSkew(page, DeskewOptions{});
  EXPECT_NEAR(skew.degrees, 3.1, 0.1);
  EXPECT_GT(skew.confidence, 0.5);
}

TEST(DeskewTest, OneBitSpeckleOnTextIsIgnored) {
  cv::Mat page = RotatePage(A4Page(200), -2.7);
  cv::Mat noise(page.size(), CV_8UC1);
  cv::randu(noise, 0, 1000);
  page.setTo(0, noise < 10);
  cv::threshold(page, page, 128, 255, cv::THRESH_BINARY);
  const SkewEstimate skew = EstimateSkew(page, DeskewOptions{});
  EXPECT_NEAR(skew.degrees, -2.7, 0.1);
  EXPECT_GT(skew.confidence, 0.5);
}

// Columns whose lines are out of step would, scored across the whole width, favour the angle
// that lines them up with each other.
TEST(DeskewTest, ColumnsWithLinesOutOfStep) {
  const int width = 2480, height = 3508, margin = 200, gap = 60, columns = 3;
  const int column_width = (width - 2 * margin - (columns - 1) * gap) / columns;
  cv::Mat page(height, width, CV_8UC1, cv::Scalar(255));
  const int offsets[columns] = {0, 20, 45};
  for (int c = 0; c < columns; ++c) {
    TextPageSpec spec{.lines = SeedProseLines(60, column_width / 40),
                      .glyph_px = 40,
                      .width = column_width,
                      .height = height - 2 * margin - 50,
                      .margin = 0};
    DrawTextPage(spec).copyTo(page(
        cv::Rect(margin + c * (column_width + gap), margin + offsets[c], spec.width, spec.height)));
  }
  for (double degrees : {-6.1, 0.4, 3.7}) {
    const SkewEstimate skew = EstimateSkew(RotatePage(page, degrees), DeskewOptions{});
    EXPECT_NEAR(skew.degrees, degrees, 0.1) << "turned by " << degrees;
  }
}

// Body text set in 楷体 (AR PL UKai, the samples' other body font) at 300 dpi: one column across
// an A4 page, and three columns (an em's gutter) whose lines are out of step. The coarse search
// scored line edges on a sample of the points, which on 楷体 is mostly sampling noise: it turned
// such pages by degrees the wrong way (a three-column page level within 0.2 degree was read at
// 3.65, a page at -1.59 at 0.05), and the columns were read across.
const cv::Mat& KaiPage(int columns) {
  static std::map<int, cv::Mat> pages;
  auto [it, added] = pages.try_emplace(columns);
  if (!added) return it->second;
  const int width = 2480, height = 3508, margin = 240, glyph = 44, gap = glyph;
  const int column_width = (width - 2 * margin - (columns - 1) * gap) / columns;
  cv::Mat page(height, width, CV_8UC1, cv::Scalar(255));
  const int offsets[3] = {0, 27, 51};
  for (int c = 0; c < columns; ++c) {
    TextPageSpec spec{.lines = SeedProseLines(40, column_width / glyph),
                      .glyph_px = glyph,
                      .width = column_width,
                      .height = height - 2 * margin - 60,
                      .margin = 0,
                      .font = "/usr/share/fonts/truetype/arphic/ukai.ttc",
                      .font_index = 0};
    DrawTextPage(spec).copyTo(page(cv::Rect(margin + c * (column_width + gap),
                                            margin + offsets[c % 3], spec.width, spec.height)));
  }
  it->second = page;
  return it->second;
}

TEST(DeskewTest, KaishuPagesOfOneAndThreeColumns) {
  for (int columns : {1, 3}) {
    for (double degrees : {-1.6, -0.2, 0.4, 1.5, 3.0}) {
      const SkewEstimate skew = EstimateSkew(RotatePage(KaiPage(columns), degrees), DeskewOptions{});
      EXPECT_NEAR(skew.degrees, degrees, 0.15) << columns << " column(s) turned by " << degrees;
      EXPECT_GT(skew.confidence, 0.5) << columns << " column(s) turned by " << degrees;
    }
  }
}

TEST(DeskewTest, DeskewedPageReadsLevel) {
  // A grey scan: the corners turned in must take the paper's level, not white.
  cv::Mat grey;
  A4Page(300).convertTo(grey, CV_8U, 0.7, 50);
  const cv::Mat page = RotatePage(grey, -4.2);
  const SkewEstimate skew = EstimateSkew(page, DeskewOptions{});
  ASSERT_NEAR(skew.degrees, -4.2, 0.1);
  const cv::Mat level = ApplyDeskew(page, skew);
  EXPECT_EQ(level.size(), page.size());
  EXPECT_NEAR(EstimateSkew(level, DeskewOptions{}).degrees, 0, 0.1);
  EXPECT_NEAR(level.at<uchar>(2, 2), 228, 3);
  EXPECT_NEAR(level.at<uchar>(level.rows - 3, level.cols - 3), 228, 3);
}

TEST(DeskewTest, LowConfidenceLeavesTheAngleAtZero) {
  const cv::Mat page = RotatePage(A4Page(150), 2.0);
  const SkewEstimate skew = EstimateSkew(page, DeskewOptions{.min_confidence = 1.01});
  EXPECT_EQ(skew.degrees, 0);
  EXPECT_GT(skew.confidence, 0.5);  // still reported, for a review item
  EXPECT_TRUE(SameImage(ApplyDeskew(page, skew), page));
}

TEST(DeskewTest, TinyAnglesAreNotApplied) {
  const cv::Mat& page = A4Page(150);
  EXPECT_TRUE(SameImage(ApplyDeskew(page, SkewEstimate{.degrees = 0.04, .confidence = 1}), page));
  EXPECT_FALSE(SameImage(ApplyDeskew(page, SkewEstimate{.degrees = 0.5, .confidence = 1}), page));
}

}  // namespace
}  // namespace qikan
