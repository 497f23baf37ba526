#include "stages/orientation.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "models/text.h"
#include "pipeline/run/page_job.h"
#include "stages/deskew.h"
#include "stages/rasterize.h"
#include "stages/scale.h"
#include "tests/support/shared_engine.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

using testing::DrawTextPage;
using testing::SeedProseLines;
using testing::TextPageSpec;

// A newsletter-like page: 18 lines of seed prose at 36 px on A4 at 200 dpi.
const std::vector<std::string>& PageLines() {
  static const auto lines = SeedProseLines(18, 34);
  return lines;
}

const cv::Mat& UprightPage() {
  static const cv::Mat page = [] {
    TextPageSpec spec;
    spec.lines = PageLines();
    return DrawTextPage(spec);
  }();
  return page;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

// The scan of a page that went in turned `turn` degrees clockwise: turning it back upright
// takes (360 - turn) % 360 clockwise.
cv::Mat Scanned(int turn) { return TurnClockwise(UprightPage(), turn); }
int Upright(int turn) { return (360 - turn) % 360; }

TEST(LineGeometry, LinesRunAcrossAnUprightOrUpsideDownPage) {
  for (const int turn : {0, 180}) {
    const LineGeometry geometry = MeasureLineGeometry(Scanned(turn), OrientationOptions{});
    EXPECT_EQ(geometry.direction, LineDirection::kAcross) << turn;
    EXPECT_GT(geometry.glyphs, 400) << turn;
    // About one piece per line or clause against one or two per glyph (measured 754 vs 156).
    EXPECT_GT(geometry.pieces_down, 3 * geometry.pieces_across) << turn;
  }
}

TEST(LineGeometry, LinesRunDownAPageTurnedAQuarter) {
  for (const int turn : {90, 270}) {
    const LineGeometry geometry = MeasureLineGeometry(Scanned(turn), OrientationOptions{});
    EXPECT_EQ(geometry.direction, LineDirection::kDown) << turn;
    EXPECT_GT(geometry.pieces_across, 3 * geometry.pieces_down) << turn;
  }
}

TEST(LineGeometry, HoldsUnderSkewAndTightLeading) {
  TextPageSpec spec;
  spec.lines = SeedProseLines(24, 34);
  spec.line_spacing = 1.35;
  const cv::Mat tight = testing::RotatePage(DrawTextPage(spec), 2.5);
  EXPECT_EQ(MeasureLineGeometry(tight, {}).direction, LineDirection::kAcross);
  EXPECT_EQ(MeasureLineGeometry(TurnClockwise(tight, 90), {}).direction, LineDirection::kDown);
}

// Real scans: each page of the degraded sample (200 dpi, noisy, skewed), upright and turned a
// quarter, measured as the page job measures it (deskewed, then scaled to the model's glyph
// height). Measured at that size, page 7 turned (754 pieces across against 405 down: 1.86) and
// pages 6 and 7 upright (1.97 and 1.88 the other way) fell short of the ratio of 2 that decides,
// and page 7 was read sideways; measured on the page halved, every page decides.
TEST(LineGeometry, EveryPageOfTheDegradedSampleTellsWhichWayItsLinesRun) {
  const auto source = OpenScan("samples/seed-2025-05-degraded-200.pdf", RasterizeOptions{});
  ASSERT_EQ(source->PageCount(), 13);
  for (int index = 1; index <= source->PageCount(); ++index) {
    const cv::Mat page = source->Page(index).gray;
    for (const int turn : {0, 90}) {
      const cv::Mat scan = TurnClockwise(page, turn);
      const cv::Mat level = ApplyDeskew(scan, EstimateSkew(scan, DeskewOptions{}));
      const cv::Mat scaled = ApplyScale(level, EstimateScale(level, ScaleOptions{}));
      const LineGeometry geometry = MeasureLineGeometry(scaled, OrientationOptions{});
      EXPECT_EQ(geometry.direction, turn == 0 ? LineDirection::kAcross : LineDirection::kDown)
          << "page " << index << " turned " << turn << ": " << geometry.pieces_across
          << " pieces across, " << geometry.pieces_down << " down";
    }
  }
}

TEST(LineGeometry, NoOpinionOnABlankOrNoisyPage) {
  const cv::Mat blank(2339, 1654, CV_8UC1, cv::Scalar(255));
  EXPECT_EQ(MeasureLineGeometry(blank, {}).direction, LineDirection::kUnknown);
  cv::Mat noise(2339, 1654, CV_8UC1);
  cv::RNG rng(7);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
  EXPECT_EQ(MeasureLineGeometry(noise, {}).direction, LineDirection::kUnknown);
}

TEST(SampleWindow, LiesOnTheTextAndRunsAlongTheLines) {
  OrientationOptions options;
  const cv::Rect across = SampleWindow(Scanned(0), LineDirection::kAcross, options);
  EXPECT_GT(across.width, across.height);
  EXPECT_GE(across.x, 100);  // the text starts at the 160 px margin
  const cv::Rect down = SampleWindow(Scanned(90), LineDirection::kDown, options);
  EXPECT_GT(down.height, down.width);
}

TEST(TurnClockwise, QuarterTurnsSwapTheSidesAndFourMakeAWhole) {
  const cv::Mat page = Scanned(0);
  const cv::Mat quarter = TurnClockwise(page, 90);
  EXPECT_EQ(quarter.cols, page.rows);
  EXPECT_EQ(quarter.rows, page.cols);
  const cv::Mat whole = TurnClockwise(TurnClockwise(TurnClockwise(quarter, 90), 90), 90);
  EXPECT_EQ(cv::norm(whole, page, cv::NORM_INF), 0);
  EXPECT_THROW(TurnClockwise(page, 45), std::invalid_argument);
}

// Real Tesseract from here on.
class OrientationOcrTest : public testing::SharedEngineTest {};

TEST_F(OrientationOcrTest, TellsWhichQuarterTurnReadsTheText) {
  for (const int turn : {90, 270}) {
    const OrientationEstimate estimate = EstimateOrientation(Scanned(turn), Engine(), {});
    EXPECT_EQ(estimate.rotation, Upright(turn)) << turn;
    ASSERT_EQ(estimate.confidences.size(), 2u);
  }
}

TEST_F(OrientationOcrTest, LeavesAnUprightPageAloneWithoutReadingIt) {
  const OrientationEstimate estimate = EstimateOrientation(Scanned(0), Engine(), {});
  EXPECT_EQ(estimate.rotation, 0);
  EXPECT_TRUE(estimate.confidences.empty());  // geometry alone settled it
}

TEST_F(OrientationOcrTest, SampleReadsBetterTheRightWayUp) {
  OrientationOptions options;
  const cv::Mat upside_down = Scanned(180);
  const cv::Rect sample = SampleWindow(upside_down, LineDirection::kAcross, options);
  const OrientationChoice choice = ChooseRotation(upside_down, sample, {0, 180}, 0, Engine(), options);
  EXPECT_EQ(choice.rotation, 180);
  ASSERT_EQ(choice.confidences.size(), 2u);
  EXPECT_GT(choice.confidences[1], choice.confidences[0] + options.min_confidence_gain);
}

// The whole page job on a page scanned turned each way: turned upright, read, and the boxes and
// kept image are those of the upright page.
TEST_F(OrientationOcrTest, PageJobTurnsEachScanUprightAndReadsIt) {
  PageJobOptions options;
  options.image_jpeg_quality = 50;
  for (const int turn : {90, 180, 270}) {
    RasterPage raster;
    raster.index = 3;
    raster.dpi = 200;
    raster.gray = Scanned(turn);
    const PageResult result = ProcessPage(raster, Engine(), options);
    EXPECT_EQ(result.record.rotation, Upright(turn)) << turn;
    EXPECT_LT(CharacterErrorRate(Joined(PageLines()), result.record.text), 0.03)
        << turn << "\n" << result.record.text;
    EXPECT_EQ(result.record.width, UprightPage().cols) << turn;
    EXPECT_EQ(result.record.height, UprightPage().rows) << turn;
    EXPECT_EQ(result.ocr.width, UprightPage().cols) << turn;
    ASSERT_FALSE(result.ocr.blocks.empty()) << turn;
    // The first line read sits where the first line is drawn on the upright page (margin 160).
    const Box first = result.ocr.blocks.front().lines.front().box;
    EXPECT_NEAR(first.y, 160, 30) << turn;
    EXPECT_NEAR(first.x, 160, 30) << turn;
    const cv::Mat kept = cv::imdecode(
        std::vector<uchar>(result.image_jpeg.begin(), result.image_jpeg.end()), cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(kept.empty()) << turn;
    EXPECT_EQ(kept.size(), UprightPage().size()) << turn;
    // The kept image is the upright page, not the scan.
    cv::Mat difference;
    cv::absdiff(kept, UprightPage(), difference);
    EXPECT_LT(cv::mean(difference)[0], 6) << turn;
  }
}

}  // namespace
}  // namespace qikan
