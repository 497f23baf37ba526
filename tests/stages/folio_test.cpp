#include "stages/folio.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "tests/support/text_page.h"

namespace qikan {
namespace {

using testing::DrawTextPage;
using testing::SeedProseLines;
using testing::TextPageSpec;

constexpr int kEm = 36;
// Ink height of the body's Han glyphs at that em (what the scale stage measures).
constexpr double kGlyphPx = 32;

// One line drawn on its own and pasted onto `page` with its top-left at `at`.
void Paste(cv::Mat& page, const std::string& text, cv::Point at) {
  TextPageSpec spec{.lines = {text}, .glyph_px = kEm, .width = 10 * kEm, .height = 3 * kEm,
                    .margin = kEm};
  const cv::Mat line = DrawTextPage(spec);
  line.copyTo(page(cv::Rect(at.x, at.y, line.cols, line.rows)));
}

// A page of prose with `folio` centred under it (none when empty).
cv::Mat ProsePage(const std::string& folio, int folio_top = 2339 - 200) {
  TextPageSpec spec{.lines = SeedProseLines(18, 34), .glyph_px = kEm};
  cv::Mat page = DrawTextPage(spec);
  if (!folio.empty()) Paste(page, folio, {page.cols / 2 - 3 * kEm, folio_top});
  return page;
}

bool Inside(const Box& inner, const Box& outer) {
  return inner.x >= outer.x && inner.y >= outer.y && inner.Right() <= outer.Right() &&
         inner.Bottom() <= outer.Bottom();
}

class FolioTest : public ::testing::Test {
 protected:
  static OcrEngine& Digits() {
    OcrEngine* engine = FolioDigitsEngine("eng");
    if (!engine) throw std::runtime_error("Tesseract's eng model is not installed");
    return *engine;
  }
};

TEST(FolioShapeTest, FindsTheDashesAndTheDigitsBetweenThem) {
  const cv::Mat page = ProsePage("— 17 —");
  const auto shape = FindFolio(page, kGlyphPx, {});
  ASSERT_TRUE(shape.has_value());
  EXPECT_LT(shape->left_dash.Right(), shape->digits.x);
  EXPECT_LT(shape->digits.Right(), shape->right_dash.x);
  EXPECT_GT(shape->digits.y, 2339 - 200);
  EXPECT_NEAR(shape->digits.height, 0.75 * kEm, 0.2 * kEm);
  // Dashes are level bars an em or so wide, a stroke thick.
  EXPECT_GT(shape->left_dash.width, kEm / 2);
  EXPECT_LE(shape->left_dash.height, 0.2 * kGlyphPx);
}

TEST(FolioShapeTest, AFolioAtTheTopIsFoundToo) {
  TextPageSpec spec{.lines = SeedProseLines(10, 34), .glyph_px = kEm, .margin = 400};
  cv::Mat page = DrawTextPage(spec);
  Paste(page, "— 4 —", {page.cols / 2 - 3 * kEm, 120});
  const auto shape = FindFolio(page, kGlyphPx, {});
  ASSERT_TRUE(shape.has_value());
  EXPECT_LT(shape->digits.y, 400);
}

TEST(FolioShapeTest, NoFolioOnAPageWithoutOne) {
  EXPECT_FALSE(FindFolio(ProsePage(""), kGlyphPx, {}).has_value());
}

TEST(FolioShapeTest, DashesInsideALineOfTextAreNoFolio) {
  // Prose with dashes around a number, in the bottom margin: text on the row, not a folio.
  cv::Mat page = ProsePage("");
  Paste(page, "全市 — 3 — 个", {page.cols / 2 - 3 * kEm, 2339 - 200});
  EXPECT_FALSE(FindFolio(page, kGlyphPx, {}).has_value());
  // Nor a lone dash pair with a Han character between them.
  cv::Mat other = ProsePage("— 三 —");
  EXPECT_FALSE(FindFolio(other, kGlyphPx, {}).has_value());
}

TEST_F(FolioTest, ReadsTheNumberAndWritesTheDashes) {
  for (const std::string number : {"3", "17", "128"}) {
    const cv::Mat page = ProsePage("— " + number + " —");
    const auto shape = FindFolio(page, kGlyphPx, {});
    ASSERT_TRUE(shape.has_value()) << number;
    const auto line = ReadFolio(page, *shape, Digits(), {});
    ASSERT_TRUE(line.has_value()) << number;
    EXPECT_EQ(line->text, "—" + number + "—");
    ASSERT_EQ(line->words.size(), 3u);
    EXPECT_EQ(line->words[1].text, number);
    EXPECT_EQ(line->words[0].text, "—");
    EXPECT_GE(line->confidence, 60);
    EXPECT_TRUE(Inside(line->words[1].box, line->box));
  }
}

TEST_F(FolioTest, AnUnreadableNumberGivesNoLine) {
  // Marks of digit size between the dashes that are no digits at all: nothing is invented.
  cv::Mat page = ProsePage("");
  const int top = 2339 - 200;
  Paste(page, "— 飞 —", {page.cols / 2 - 3 * kEm, top});
  FolioShape shape{.left_dash = {}, .digits = {}, .right_dash = {}, .glyph_px = kGlyphPx};
  // Shape built by hand around the Han character (FindFolio itself rejects it as too wide).
  shape.digits = Box{.x = page.cols / 2 - 3 * kEm + kEm + kEm, .y = top + kEm / 4,
                     .width = 3 * kEm / 2, .height = kEm};
  EXPECT_FALSE(ReadFolio(page, shape, Digits(), {}).has_value());
}

TEST(FolioEngineTest, AModelThatIsNotInstalledGivesNoReader) {
  EXPECT_EQ(FolioDigitsEngine("no_such_model"), nullptr);
  EXPECT_EQ(FolioDigitsEngine("no_such_model"), nullptr);  // and says so once, not per page
}

TEST(PlaceFolioTest, ReplacesAMisreadingOnItsRowAndKeepsReadingOrder) {
  const Box body{.x = 100, .y = 100, .width = 1000, .height = 40};
  const Box misread{.x = 560, .y = 1510, .width = 60, .height = 30};
  OcrPage page{.width = 1200,
               .height = 1600,
               .blocks = {OcrBlock{.box = body, .lines = {OcrLine{.text = "正文", .box = body}}},
                          OcrBlock{.box = misread,
                                   .lines = {OcrLine{.text = "13一", .box = misread}}}}};
  const OcrLine folio{.text = "—13—",
                      .box = Box{.x = 520, .y = 1505, .width = 150, .height = 32},
                      .confidence = 95};
  PlaceFolio(page, folio);
  ASSERT_EQ(page.blocks.size(), 2u);
  EXPECT_EQ(page.blocks[0].lines[0].text, "正文");
  ASSERT_EQ(page.blocks[1].lines.size(), 1u);
  EXPECT_EQ(page.blocks[1].lines[0].text, "—13—");
}

TEST(PlaceFolioTest, AFolioAboveTheTextComesFirst) {
  const Box body{.x = 100, .y = 300, .width = 1000, .height = 40};
  OcrPage page{.width = 1200,
               .height = 1600,
               .blocks = {OcrBlock{.box = body, .lines = {OcrLine{.text = "正文", .box = body}}}}};
  PlaceFolio(page, OcrLine{.text = "—4—", .box = Box{.x = 520, .y = 80, .width = 150, .height = 32}});
  ASSERT_EQ(page.blocks.size(), 2u);
  EXPECT_EQ(page.blocks[0].lines[0].text, "—4—");
  EXPECT_EQ(page.blocks[1].lines[0].text, "正文");
}

}  // namespace
}  // namespace qikan
