#include "stages/scale.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <opencv2/imgproc.hpp>
#include <set>
#include <string>
#include <vector>

#include "models/text.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

using testing::DrawTextPage;
using testing::RotatePage;
using testing::SeedProseLines;
using testing::TextPageSpec;

// The truth: the median ink height of the prose's Han characters, each drawn alone.
double TrueGlyphHeight(int em) {
  static std::map<int, double> cache;
  if (auto it = cache.find(em); it != cache.end()) return it->second;
  const std::u32string prose = ToU32(SeedProseLines(1, 400)[0]);
  std::set<char32_t> seen;
  std::vector<int> heights;
  for (char32_t ch : prose) {
    if (ch == U'，' || ch == U'。' || ch == U'、' || !seen.insert(ch).second) continue;
    TextPageSpec spec{.lines = {ToUtf8(std::u32string(1, ch))},
                      .glyph_px = em,
                      .width = 3 * em,
                      .height = 3 * em,
                      .margin = em};
    heights.push_back(cv::boundingRect(DrawTextPage(spec) < 128).height);
  }
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  return cache[em] = heights[heights.size() / 2];
}

// A page of body text at `em`, on a canvas of 200 dpi A4.
cv::Mat BodyPage(int em, int lines = 100) {
  TextPageSpec spec{.glyph_px = em, .width = 1654, .height = 2339, .margin = 140};
  spec.lines = SeedProseLines(lines, (spec.width - 2 * spec.margin) / em);
  return DrawTextPage(spec);
}

class GlyphHeightTest : public ::testing::TestWithParam<int> {};

TEST_P(GlyphHeightTest, WithinTenPercentOfTheInkHeight) {
  const int em = GetParam();
  const double truth = TrueGlyphHeight(em);
  const ScaleEstimate scale = EstimateScale(BodyPage(em), ScaleOptions{});
  EXPECT_NEAR(scale.glyph_height_px, truth, 0.1 * truth);
  EXPECT_GE(scale.glyphs, 20);
}

TEST_P(GlyphHeightTest, SlightSkewAndGreyNoisyScan) {
  const int em = GetParam();
  const double truth = TrueGlyphHeight(em);
  cv::Mat grey;
  RotatePage(BodyPage(em), 1.0).convertTo(grey, CV_8U, 0.6, 80);
  cv::Mat noise(grey.size(), CV_8UC1);
  cv::randn(noise, 0, 10);
  cv::add(grey, noise, grey);
  EXPECT_NEAR(EstimateScale(grey, ScaleOptions{}).glyph_height_px, truth, 0.1 * truth);
}

INSTANTIATE_TEST_SUITE_P(EmSizes, GlyphHeightTest, ::testing::Values(20, 30, 44, 63),
                         [](const auto& info) { return "em" + std::to_string(info.param); });

TEST(ScaleTest, FactorBringsGlyphsToTheTarget) {
  const ScaleOptions options;
  const ScaleEstimate small = EstimateScale(BodyPage(20), options);
  EXPECT_NEAR(small.factor, options.target_glyph_px / small.glyph_height_px, 1e-9);
  EXPECT_GT(small.factor, 1.5);

  const cv::Mat enlarged = ApplyScale(BodyPage(20), small);
  EXPECT_NEAR(enlarged.cols, 1654 * small.factor, 1);
  EXPECT_NEAR(EstimateScale(enlarged, options).glyph_height_px, options.target_glyph_px,
              options.tolerance * options.target_glyph_px);

  const ScaleEstimate large = EstimateScale(BodyPage(63), options);
  EXPECT_LT(large.factor, 0.7);
  const cv::Mat shrunk = ApplyScale(BodyPage(63), large);
  EXPECT_NEAR(EstimateScale(shrunk, options).glyph_height_px, options.target_glyph_px,
              options.tolerance * options.target_glyph_px);
}

TEST(ScaleTest, NearTheTargetThePageIsLeftAsItIs) {
  const cv::Mat page = BodyPage(38);  // ink about 36 px
  const ScaleEstimate scale = EstimateScale(page, ScaleOptions{});
  EXPECT_GT(scale.glyph_height_px, 0);
  EXPECT_EQ(scale.factor, 1);
  EXPECT_EQ(ApplyScale(page, scale).data, page.data);
}

TEST(ScaleTest, FactorIsClamped) {
  const ScaleEstimate scale = EstimateScale(BodyPage(20), ScaleOptions{.max_factor = 1.5});
  EXPECT_EQ(scale.factor, 1.5);
  const ScaleEstimate shrink = EstimateScale(BodyPage(63), ScaleOptions{.min_factor = 0.8});
  EXPECT_EQ(shrink.factor, 0.8);
}

TEST(ScaleTest, TooFewGlyphsKeepFactorOne) {
  TextPageSpec spec{.lines = {"人大代表"}, .glyph_px = 20, .width = 1654, .height = 2339};
  const ScaleEstimate scale = EstimateScale(DrawTextPage(spec), ScaleOptions{});
  EXPECT_LT(scale.glyphs, 20);
  EXPECT_EQ(scale.factor, 1);
}

TEST(ScaleTest, BodyTextOutweighsAHeadline) {
  cv::Mat page = BodyPage(30);
  TextPageSpec headline{
      .lines = SeedProseLines(2, 15), .glyph_px = 80, .width = 1654, .height = 420, .margin = 60};
  DrawTextPage(headline).copyTo(page(cv::Rect(0, 0, 1654, 420)));
  EXPECT_NEAR(EstimateScale(page, ScaleOptions{}).glyph_height_px, TrueGlyphHeight(30),
              0.1 * TrueGlyphHeight(30));
}

TEST(ScaleTest, PagesWithoutTextAreLeftAlone) {
  const cv::Mat blank(2339, 1654, CV_8UC1, cv::Scalar(255));
  cv::Mat blotches(2339, 1654, CV_8UC1);
  cv::randu(blotches, 0, 256);
  cv::GaussianBlur(blotches, blotches, {0, 0}, 4);
  cv::normalize(blotches, blotches, 0, 255, cv::NORM_MINMAX);
  for (const cv::Mat& page : {blank, blotches}) {
    const ScaleEstimate scale = EstimateScale(page, ScaleOptions{});
    EXPECT_EQ(scale.glyph_height_px, 0);
    EXPECT_EQ(scale.factor, 1);
    EXPECT_EQ(ApplyScale(page, scale).data, page.data);
  }
}

}  // namespace
}  // namespace qikan
