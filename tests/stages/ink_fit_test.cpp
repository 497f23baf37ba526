#include "stages/ink_fit.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <nlohmann/json.hpp>

#include "models/record.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

OcrPage Reading(const std::string& text, float confidence = 90) {
  OcrLine line{.text = text, .box = {0, 0, 100, 36}, .confidence = confidence,
               .words = {OcrWord{.text = text, .box = {0, 0, 100, 36}, .confidence = confidence}}};
  return OcrPage{.width = 100, .height = 36, .blocks = {OcrBlock{.box = line.box, .lines = {line}}}};
}

TEST(InkFit, TextCellsCountHanWholeAndLatinHalf) {
  const InkFitOptions options;
  EXPECT_DOUBLE_EQ(TextCells("人大常委会", options), 5);
  EXPECT_DOUBLE_EQ(TextCells("ar", options), 1);
  EXPECT_DOUBLE_EQ(TextCells("GPS 70，定位", options), 1.5 + 1 + 1 + 2);
}

TEST(InkFit, InkOfADrawnLineIsAboutItsCharacterCount) {
  for (const int chars : {10, 30}) {
    testing::TextPageSpec spec;
    spec.lines = testing::SeedProseLines(1, chars);
    spec.height = 400;
    const cv::Mat page = testing::DrawTextPage(spec);
    const cv::Mat ink = InkMask(page);
    const double cells = InkWidth(ink, Box{0, 0, page.cols, page.rows}, 36, InkFitOptions{}) / 36;
    EXPECT_NEAR(cells, chars, 0.15 * chars) << chars;
  }
}

TEST(InkFit, RulesAboveAndBelowALineAreNoInk) {
  // A colophon set between two rules: the rules run the page's width within the line's row, and
  // every column between them would count as ink from one end of the row to the other.
  testing::TextPageSpec spec;
  spec.lines = testing::SeedProseLines(1, 10);
  spec.height = 400;
  cv::Mat page = testing::DrawTextPage(spec);
  const cv::Mat ink_only = InkMask(page);
  int top = page.rows, bottom = 0;
  for (int y = 0; y < page.rows; ++y) {
    if (cv::countNonZero(ink_only.row(y)) > 0) top = std::min(top, y), bottom = y;
  }
  cv::line(page, {20, top - 4}, {page.cols - 20, top - 4}, cv::Scalar(0), 2);
  cv::line(page, {20, bottom + 4}, {page.cols - 20, bottom + 4}, cv::Scalar(0), 2);
  const Box row{0, top - 8, page.cols, bottom - top + 16};
  const InkFitOptions options;
  EXPECT_GT(InkWidth(InkMask(page), row, 36, options) / 36, 35);  // the rules' whole length
  EXPECT_NEAR(InkWidth(InkMask(page, 36), row, 36, options) / 36, 10, 1.5);
}

// The page's ink grid: the text's cells set, a rule drawn down the page beside it not, and the
// grid comes back whole from the archive's JSON in the coordinates of the boxes (here the page
// was read at twice its size).
TEST(InkFit, TheInkGridHoldsTheTextAndNoRule) {
  testing::TextPageSpec spec;
  spec.lines = testing::SeedProseLines(3, 10);
  spec.height = 600;
  cv::Mat page = testing::DrawTextPage(spec);
  const cv::Mat ink_only = InkMask(page);
  cv::Rect text = cv::boundingRect(ink_only);
  const int rule_x = text.x + text.width + 60;
  cv::line(page, {rule_x, 10}, {rule_x, page.rows - 10}, cv::Scalar(0), 3);
  const InkGrid grid = MeasureInkGrid(page, 36, 2.0);
  ASSERT_FALSE(grid.Empty());
  EXPECT_DOUBLE_EQ(grid.cell, 6 / 2.0);
  const int cell = 6;
  auto inked_in = [&](int x0, int x1) {
    int n = 0;
    for (int r = 0; r < grid.rows; ++r) {
      for (int c = x0 / cell; c <= x1 / cell; ++c) n += grid.At(c, r);
    }
    return n;
  };
  EXPECT_GT(inked_in(text.x, text.x + text.width), 0.3 * (text.width / cell) * (text.height / cell));
  EXPECT_EQ(inked_in(rule_x - 3, rule_x + 3), 0);
  // Without taking rules out, that column is ink.
  EXPECT_GT(cv::countNonZero(InkMask(page, 36).col(rule_x)), page.rows / 2);

  const InkGrid back = nlohmann::json(grid).get<InkGrid>();
  EXPECT_EQ(back.columns, grid.columns);
  EXPECT_EQ(back.rows, grid.rows);
  EXPECT_DOUBLE_EQ(back.cell, grid.cell);
  EXPECT_EQ(back.inked, grid.inked);
  EXPECT_TRUE(nlohmann::json(nlohmann::json(InkGrid{})).get<InkGrid>().Empty());
}

TEST(InkFit, TheReadingThatFitsTheInkIsChosen) {
  const LostLineOptions options;
  // 20 cells of ink: "ar" (1 cell), a half reading (9), a whole one (20), a doubled one (40).
  const std::vector<OcrPage> readings = {
      Reading("ar", 88), Reading("市人大常委会按照省委", 95),
      Reading("市人大常委会按照省委对省会城市勇挑大梁", 70),
      Reading("市人大常委会按照省委对省会城市勇挑大梁市人大常委会按照省委对省会城市勇挑大梁", 99)};
  EXPECT_EQ(ChooseFittingReading(readings, 20, options), 2u);
  EXPECT_TRUE(FitsInk(readings[2], 20, options));
  EXPECT_FALSE(FitsInk(readings[0], 20, options));
  // None fits: the line is left as read. Nor does noise read as letters, nor a guess.
  EXPECT_EQ(ChooseFittingReading({readings[0], readings[1]}, 20, options), 0u);
  EXPECT_EQ(ChooseFittingReading({readings[0], Reading("Se eg由省，Vns71YRR28nGRT7ab", 80)}, 14,
                                 options),
            0u);
  EXPECT_EQ(ChooseFittingReading({readings[0], Reading("市人大常委会按照省委对省会城市勇挑大梁", 40)},
                                 20, options),
            0u);
}

}  // namespace
}  // namespace qikan
