#include "stages/ink_fit.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

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
