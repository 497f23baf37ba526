#include "stages/cleanup.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/support/text_page.h"

namespace qikan {
namespace {

using testing::DrawTextPage;
using testing::SeedProseLines;
using testing::TextPageSpec;

cv::Mat Page() {
  TextPageSpec spec;
  spec.lines = SeedProseLines(8, 34);
  spec.height = 900;
  return DrawTextPage(spec);
}

// Fraction of pixels darker than `level` inside `area`.
double DarkShare(const cv::Mat& gray, const cv::Rect& area, int level = 128) {
  cv::Mat dark;
  cv::threshold(gray(area), dark, level - 1, 255, cv::THRESH_BINARY_INV);
  return cv::countNonZero(dark) / static_cast<double>(area.area());
}

// Each step alone, on top of every step off.
CleanupOptions Off() { return ParseCleanup("none"); }

TEST(Cleanup, EveryStepOffReturnsThePageAsItIs) {
  const cv::Mat page = Page();
  const cv::Mat out = CleanPage(page, Off());
  EXPECT_EQ(out.data, page.data);
}

TEST(Cleanup, EdgesAndBackgroundLeaveACleanPageAsItIs) {
  const cv::Mat page = Page();
  CleanupOptions options;
  options.remove_dark_edges = options.normalize_background = true;
  options.speckle_max_em = 0;
  const cv::Mat out = CleanPage(page, options);
  EXPECT_EQ(cv::norm(out, page, cv::NORM_INF), 0);
}

TEST(Cleanup, DarkEdgesAreOnByDefault) {
  EXPECT_TRUE(CleanupOptions{}.remove_dark_edges);
}

TEST(Cleanup, ABannerPrintedToTheTrimIsNoDarkEdge) {
  // A masthead band bled to the top edge, 15% of the page deep, its title reversed out of it:
  // kept. The lid's shadow down the left side, 40 px wide, goes.
  cv::Mat page = Page();
  const cv::Rect banner(0, 0, page.cols, page.rows * 15 / 100);
  page(banner).setTo(30);
  cv::putText(page, "TITLE", {400, banner.height - 30}, cv::FONT_HERSHEY_SIMPLEX, 3, cv::Scalar(255), 8);
  page(cv::Rect(0, banner.height + 10, 40, page.rows - banner.height - 10)).setTo(40);
  CleanupOptions options = Off();
  options.remove_dark_edges = true;
  const cv::Mat out = CleanPage(page, options);
  EXPECT_GT(DarkShare(out, cv::Rect(0, 5, page.cols, 20)), 0.9);
  EXPECT_LT(DarkShare(out, cv::Rect(5, banner.height + 100, 30, 400)), 0.02);
}

TEST(Cleanup, TheGreyADarkEdgeFadesThroughGoesWithIt) {
  // The lid's shadow, 40 px of near black fading to the paper over 30 px of grey that Otsu
  // leaves out of it: chi_sim read the grey left behind as a line "|" (tune t12 page 5).
  cv::Mat page = Page();
  for (int c = 0; c < 70; ++c) {
    const int level = c < 40 ? 30 : 140 + 3 * (c - 40);
    page(cv::Rect(c, 0, 1, page.rows)).setTo(level);
  }
  CleanupOptions options = Off();
  options.remove_dark_edges = true;
  const cv::Mat out = CleanPage(page, options);
  EXPECT_GT(cv::mean(out(cv::Rect(0, 0, 70, page.rows)))[0], 250);
  // the text beside it keeps its ink
  const cv::Rect text(160, 140, 1330, 500);
  EXPECT_NEAR(DarkShare(out, text), DarkShare(Page(), text), 0.01);
}

TEST(Cleanup, EdgesAndBackgroundWhitenADarkEdgeAndUnevenLightButKeepTheInk) {
  const cv::Mat clean = Page();
  cv::Mat scan;
  clean.convertTo(scan, CV_32F);
  // light falling off to 55% at the bottom right, and a dark lid edge 60 px wide on the left
  for (int r = 0; r < scan.rows; ++r) {
    for (int c = 0; c < scan.cols; ++c) {
      const double falloff = 1 - 0.45 * (static_cast<double>(r) / scan.rows) *
                                     (static_cast<double>(c) / scan.cols);
      scan.at<float>(r, c) = static_cast<float>(scan.at<float>(r, c) * falloff);
      if (c < 60) scan.at<float>(r, c) = 40;
    }
  }
  scan.convertTo(scan, CV_8U);
  CleanupOptions options = Off();
  options.normalize_background = true;
  const cv::Rect edge(5, 100, 50, 700);
  // the background alone leaves an edge narrower than its window
  EXPECT_GT(DarkShare(CleanPage(scan, options), edge), 0.2);
  options.remove_dark_edges = true;
  const cv::Mat out = CleanPage(scan, options);
  const cv::Rect corner(1300, 700, 200, 150);  // dim paper, below the text
  EXPECT_GT(DarkShare(scan, edge), 0.9);
  EXPECT_LT(DarkShare(out, edge), 0.02);
  EXPECT_GT(cv::mean(out(corner))[0], 245);
  EXPECT_LT(cv::mean(scan(corner))[0], 180);
  // the text keeps its ink
  const cv::Rect text(160, 140, 1330, 500);
  EXPECT_NEAR(DarkShare(out, text), DarkShare(clean, text), 0.25 * DarkShare(clean, text));
}

TEST(Cleanup, PaperLevelFadesFaintPrintAndKeepsBlackInk) {
  cv::Mat page = Page();
  cv::rectangle(page, cv::Rect(20, 20, 100, 100), cv::Scalar(215), cv::FILLED);  // bleed-through
  CleanupOptions options = Off();
  options.paper_level = 0.8;
  const cv::Mat out = CleanPage(page, options);
  EXPECT_EQ(cv::mean(out(cv::Rect(20, 20, 100, 100)))[0], 255);
  EXPECT_EQ(out.at<uchar>(0, 0), 255);
  double lo = 0;
  cv::minMaxLoc(out, &lo);
  EXPECT_LT(lo, 10);
}

TEST(Cleanup, SpeckleGoesGlyphsStay) {
  const cv::Mat clean = Page();
  cv::Mat dusty = clean.clone();
  cv::RNG rng(3);
  for (int i = 0; i < 400; ++i) {
    cv::circle(dusty, cv::Point(rng.uniform(0, dusty.cols), rng.uniform(0, dusty.rows)), 1,
               cv::Scalar(0), cv::FILLED);
  }
  CleanupOptions options = Off();
  options.speckle_max_em = 0.1;
  const cv::Mat out = CleanPage(dusty, options);
  const cv::Rect margin(0, 0, 150, dusty.rows);
  EXPECT_GT(DarkShare(dusty, margin), 0.0005);
  EXPECT_EQ(DarkShare(out, margin), 0);
  const cv::Rect text(160, 140, 1330, 500);
  EXPECT_GT(DarkShare(out, text), 0.9 * DarkShare(clean, text));
}

TEST(Cleanup, SauvolaLeavesOnlyBlackAndWhite) {
  CleanupOptions options = Off();
  options.sauvola_window_em = 1.5;
  const cv::Mat out = CleanPage(Page(), options);
  for (int r = 0; r < out.rows; r += 7) {
    for (int c = 0; c < out.cols; c += 7) {
      const int v = out.at<uchar>(r, c);
      ASSERT_TRUE(v == 0 || v == 255) << r << "," << c;
    }
  }
}

TEST(Cleanup, ParsesStepsAndRefusesUnknownOnes) {
  const CleanupOptions options = ParseCleanup("edges,background=3,paper=0.85,speckle=0.08");
  EXPECT_TRUE(options.remove_dark_edges);
  EXPECT_TRUE(options.normalize_background);
  EXPECT_DOUBLE_EQ(options.background_window_em, 3);
  EXPECT_DOUBLE_EQ(options.paper_level, 0.85);
  EXPECT_DOUBLE_EQ(options.speckle_max_em, 0.08);
  EXPECT_EQ(options.sauvola_window_em, 0);
  const CleanupOptions none = ParseCleanup("none", options);
  EXPECT_FALSE(none.normalize_background);
  EXPECT_FALSE(none.remove_dark_edges);
  EXPECT_EQ(none.paper_level, 0);
  EXPECT_THROW(ParseCleanup("sharpen"), std::invalid_argument);
  EXPECT_THROW(ParseCleanup("paper=x"), std::invalid_argument);
}

}  // namespace
}  // namespace qikan
