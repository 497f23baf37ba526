#include "stages/folio.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/support/fake_ocr.h"
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
  // Found alike whatever the glyph measured (the breaks a dash may have are closed over a width
  // that follows it, and an even width once moved the bars a pixel off their ink: the dash's own
  // ink then stood beside the digits as text, and 12 folios of the tuning sets were lost).
  for (const double glyph : {30.0, 31.0, 33.0, 34.0, 37.0}) {
    const auto again = FindFolio(page, glyph, {});
    ASSERT_TRUE(again.has_value()) << glyph;
    EXPECT_EQ(again->left_dash.x, shape->left_dash.x) << glyph;
    EXPECT_EQ(again->right_dash.Right(), shape->right_dash.Right()) << glyph;
  }
}

TEST_F(FolioTest, HairlineDashesAreFound) {
  // 楷体 (AR PL UKai) draws its dashes as hairlines: at 300 dpi brought down to the model's
  // glyph size they are a pixel thick and step from one row to the next (35 px wide over 2 rows,
  // 35 px of ink: half their box), as on the tuning set's 楷体 pages, whose folios all went
  // unread.
  cv::Mat page = ProsePage("");
  const int top = 2339 - 200;
  Paste(page, "4", {page.cols / 2 - kEm, top});  // the digit from the centre rightwards
  const int row = top + kEm + kEm / 2;  // the digit's middle (Paste sets it an em down)
  for (const int x : {page.cols / 2 - kEm - kEm / 2, page.cols / 2 + kEm}) {
    cv::line(page, {x, row}, {x + kEm / 2, row}, cv::Scalar(0), 1, cv::LINE_4);
    cv::line(page, {x + kEm / 2 + 1, row + 1}, {x + kEm, row + 1}, cv::Scalar(0), 1, cv::LINE_4);
  }
  const auto shape = FindFolio(page, kGlyphPx, {});
  ASSERT_TRUE(shape.has_value());
  EXPECT_EQ(shape->left_dash.height, 2);
  const auto read = ReadFolio(page, *shape, Digits(), {});
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->text, "—4—");
}

TEST(FolioShapeTest, AFleckOnTheFoliosRowLeavesItAFolio) {
  // An old 1-bit scan has flecks of noise: one of 2 x 4 px at the page's edge, on the folio's row,
  // is no text beside the dashes.
  cv::Mat page = ProsePage("— 17 —");
  const auto clean = FindFolio(page, kGlyphPx, {});
  ASSERT_TRUE(clean.has_value());
  const int row = clean->left_dash.y;
  cv::rectangle(page, cv::Rect(page.cols - 60, row - 2, 2, 4), cv::Scalar(0), cv::FILLED);
  const auto shape = FindFolio(page, kGlyphPx, {});
  ASSERT_TRUE(shape.has_value());
  EXPECT_EQ(shape->digits.x, clean->digits.x);
}

TEST(FolioShapeTest, AScansDarkEdgeDownThePageLeavesItAFolio) {
  // The lid's shadow down the side of a degraded scan crosses every row, the folio's too: it is
  // no text beside the dashes (every folio of the tuning set's degraded items went unread).
  cv::Mat page = ProsePage("— 17 —");
  cv::rectangle(page, cv::Rect(0, 0, 40, page.rows), cv::Scalar(20), cv::FILLED);
  const auto shape = FindFolio(page, kGlyphPx, {});
  ASSERT_TRUE(shape.has_value());
  EXPECT_GT(shape->digits.y, 2339 - 200);
}

TEST(FolioShapeTest, DashesWornIntoPiecesAreFound) {
  // A worn or 1-bit scan's hairline dash comes apart in pieces a few pixels apart, none of them a
  // dash's width (an old 1-bit page's right dash: two pieces 10 px apart at 36 px glyphs).
  const cv::Mat clean_page = ProsePage("— 17 —");
  const auto clean = FindFolio(clean_page, kGlyphPx, {});
  ASSERT_TRUE(clean.has_value());
  cv::Mat page = clean_page.clone();
  for (const Box& dash : {clean->left_dash, clean->right_dash}) {
    for (int x = dash.x + 10; x < dash.Right() - 4; x += 18) {
      page(cv::Rect(x, dash.y - 2, 8, dash.height + 4)).setTo(255);
    }
  }
  const auto shape = FindFolio(page, kGlyphPx, {});
  ASSERT_TRUE(shape.has_value());
  EXPECT_NEAR(shape->left_dash.x, clean->left_dash.x, 2);
  EXPECT_NEAR(shape->right_dash.Right(), clean->right_dash.Right(), 2);
  EXPECT_EQ(shape->digits.x, clean->digits.x);
}

TEST(FolioShapeTest, ADigitsStrokeComeApartStaysWithTheDigits) {
  // The top of a worn "7" apart from its body: a mark too small for a digit, in the digit's
  // columns, is a piece of it and not text on the row.
  const cv::Mat clean_page = ProsePage("— 7 —");
  const auto clean = FindFolio(clean_page, kGlyphPx, {});
  ASSERT_TRUE(clean.has_value());
  cv::Mat page = clean_page.clone();
  const Box& digit = clean->digits;
  page(cv::Rect(digit.x, digit.y + 6, digit.width, 3)).setTo(255);
  const auto shape = FindFolio(page, kGlyphPx, {});
  ASSERT_TRUE(shape.has_value());
  EXPECT_EQ(shape->digits.y, digit.y);
  EXPECT_EQ(shape->digits.height, digit.height);
  // The same mark beside the digits, between them and a dash, is no piece of them.
  cv::Mat other = clean_page.clone();
  other(cv::Rect(clean->left_dash.Right() + 4, digit.y, 6, 6)).setTo(0);
  EXPECT_FALSE(FindFolio(other, kGlyphPx, {}).has_value());
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

// Reads each cut as the next of its script's readings ("" for nothing read).
class ScriptedDigits : public OcrEngine {
 public:
  explicit ScriptedDigits(std::vector<std::string> script) : script_(std::move(script)) {}
  using OcrEngine::Recognize;
  OcrPage Recognize(const cv::Mat& image, Segmentation) override {
    std::string text = next_ < script_.size() ? script_[next_] : "";
    ++next_;
    OcrPage page{.width = image.cols, .height = image.rows};
    if (text.empty()) return page;
    float confidence = 95;  // "5@26": read at 26
    if (const size_t at = text.find('@'); at != std::string::npos) {
      confidence = std::stof(text.substr(at + 1));
      text.resize(at);
    }
    OcrLine line{.words = {OcrWord{.text = text, .box = {0, 0, image.cols, image.rows},
                                   .confidence = confidence}}};
    line.RebuildFromWords();
    page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
    return page;
  }

 private:
  std::vector<std::string> script_;
  size_t next_ = 0;
};

TEST(FolioReadTest, ASizeThatReadsNothingHasNoSayAndOneThatReadsOtherDigitsHas) {
  // The digits model reads a lone digit at one size and nothing at the next (a 楷体 folio "— 2 —"
  // read "" at 0.8 and 1.0 of the model's glyph and "2" from 1.25 up): two sizes alike and none
  // against make the number; one alone, or two against two, do not.
  const cv::Mat page = ProsePage("— 2 —");
  const auto shape = FindFolio(page, kGlyphPx, {});
  ASSERT_TRUE(shape.has_value());
  auto read = [&](std::vector<std::string> script) {
    ScriptedDigits engine(std::move(script));
    const auto line = ReadFolio(page, *shape, engine, {});
    return line ? line->text : std::string("(none)");
  };
  EXPECT_EQ(read({"", "", "2", "2", "2"}), "—2—");
  EXPECT_EQ(read({"5", "5", "", "9", ""}), "—5—");
  EXPECT_EQ(read({"", "", "", "2", ""}), "(none)");
  EXPECT_EQ(read({"5", "9", "", "5", "9"}), "(none)");
  EXPECT_EQ(read({"", "", "", "", ""}), "(none)");
  // Each size has a say as sure as it read: a colour page's 5 outweighs two guesses at 2, and
  // an office page's "5" at 96 with two more at 0 is 5.
  EXPECT_EQ(read({"5@96", "2@26", "5@96", "3@0", "2@26"}), "—5—");
  EXPECT_EQ(read({"5@96", "5@0", "", "5@0", ""}), "—5—");
  // None of them sure enough: none.
  EXPECT_EQ(read({"5@40", "5@40", "", "", ""}), "(none)");
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

namespace qikan {
namespace {

// The masthead's publisher and date, "杭州市人大常委会研究室编 " + `date`, drawn on a strip.
cv::Mat DrawnDateLine(const std::string& date) {
  return DrawTextPage(TextPageSpec{.lines = {"杭州市人大常委会研究室编 " + date}, .glyph_px = kEm,
                                   .width = 1400, .height = 200, .margin = 60});
}

// A masthead date whose day chi_sim read "1]1]" at 36 (the generated degraded seed): the word is
// read again by the digits model and comes out 11, its line with it; a confident word and a
// word that is no number stay as they were.
TEST(RereadNumbers, ANumberReadWithLittleConfidenceIsReadAgainByTheDigitsModel) {
  const cv::Mat image = DrawnDateLine("2025年7月11日");
  // Where print put the 11: measured from the drawn glyphs' columns of ink.
  cv::Mat ink;
  cv::threshold(image, ink, 128, 255, cv::THRESH_BINARY_INV);
  std::vector<int> columns;
  for (int x = 0; x < ink.cols; ++x) {
    if (cv::countNonZero(ink.col(x)) > 0) columns.push_back(x);
  }
  ASSERT_FALSE(columns.empty());
  // Runs of ink columns: glyphs. The date's glyphs are the last nine: 2 0 2 5 年 7 月 1 1 日
  // (digits may touch, so the 11 is found between 月 and 日: the second and third runs from
  // the right end).
  std::vector<std::pair<int, int>> runs;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (runs.empty() || columns[i] > runs.back().second + 1) runs.push_back({columns[i], columns[i]});
    runs.back().second = columns[i];
  }
  ASSERT_GE(runs.size(), 4u);
  const int day_right = runs[runs.size() - 2].second;
  int day_left = runs[runs.size() - 2].first;
  if (runs[runs.size() - 3].second - runs[runs.size() - 3].first < kEm / 2) {
    day_left = runs[runs.size() - 3].first;  // the two 1s stand apart
  }
  const Box day{day_left, 60, day_right - day_left + 1, kEm};
  OcrPage page{.width = image.cols, .height = image.rows};
  OcrLine line{.words = {OcrWord{.text = "年", .box = {day_left - 200, 60, 30, kEm}, .confidence = 90},
                         OcrWord{.text = "1]1]", .box = day, .confidence = 36},
                         OcrWord{.text = "2025", .box = {day_left - 400, 60, 70, kEm}, .confidence = 93}}};
  line.RebuildFromWords();
  page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
  OcrEngine* digits = FolioDigitsEngine("eng");
  ASSERT_NE(digits, nullptr);
  EXPECT_EQ(RereadNumbers(image, kGlyphPx, *digits, FolioOptions{}, page), 1);
  const OcrLine& read = page.blocks[0].lines[0];
  EXPECT_EQ(read.words[1].text, "11");
  EXPECT_GE(read.words[1].confidence, FolioOptions{}.min_confidence);
  EXPECT_EQ(read.words[0].text, "年");
  EXPECT_EQ(read.words[2].text, "2025");
  EXPECT_NE(read.text.find("11"), std::string::npos);
  EXPECT_EQ(read.text.find("]"), std::string::npos);
}

// The runs of ink columns of a drawn line, left to right: its glyphs, where they stand apart.
std::vector<std::pair<int, int>> InkRuns(const cv::Mat& image) {
  cv::Mat ink;
  cv::threshold(image, ink, 128, 255, cv::THRESH_BINARY_INV);
  std::vector<std::pair<int, int>> runs;
  for (int x = 0; x < ink.cols; ++x) {
    if (cv::countNonZero(ink.col(x)) == 0) continue;
    if (runs.empty() || x > runs.back().second + 1) runs.push_back({x, x});
    runs.back().second = x;
  }
  return runs;
}

// The day of "2024年11月11日" read "1" at 89, its box over only one of the two 1s (a 1 is
// narrow): no confidence says so, the ink between 月 and 日 does. The digits model reads the ink
// again and the word comes out 11; the month, read right, is left alone.
TEST(CheckNumbersByInk, ADayWhoseInkHoldsTwoDigitsWhereOneWasReadIsReadAgain) {
  const cv::Mat image = DrawnDateLine("2024年11月11日");
  const auto runs = InkRuns(image);
  ASSERT_GE(runs.size(), 8u);
  // From the right: 日, 1, 1, 月, 1, 1, 年 (the 1s narrow and apart).
  const size_t n = runs.size();
  auto box = [&](size_t first, size_t last) {
    return Box{runs[first].first, 60, runs[last].second - runs[first].first + 1, kEm};
  };
  for (const size_t one : {n - 2, n - 3, n - 5, n - 6}) {
    ASSERT_LT(runs[one].second - runs[one].first, kEm / 3) << "run " << one << " is no 1";
  }
  OcrPage page{.width = image.cols, .height = image.rows};
  OcrLine line{.words = {OcrWord{.text = "年", .box = box(n - 7, n - 7), .confidence = 90},
                         OcrWord{.text = "11", .box = box(n - 6, n - 5), .confidence = 92},
                         OcrWord{.text = "月", .box = box(n - 4, n - 4), .confidence = 93},
                         OcrWord{.text = "1", .box = box(n - 2, n - 2), .confidence = 89},
                         OcrWord{.text = "日", .box = box(n - 1, n - 1), .confidence = 90}}};
  line.RebuildFromWords();
  page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
  OcrEngine* digits = FolioDigitsEngine("eng");
  ASSERT_NE(digits, nullptr);
  EXPECT_EQ(CheckNumbersByInk(image, kGlyphPx, *digits, FolioOptions{}, page), 1);
  const OcrLine& read = page.blocks[0].lines[0];
  EXPECT_EQ(read.words[3].text, "11");
  EXPECT_GE(read.words[3].confidence, FolioOptions{}.min_confidence);
  EXPECT_EQ(read.words[1].text, "11");
  EXPECT_EQ(read.words[1].confidence, 92);
  EXPECT_EQ(read.text, "年11月11日");
}

// A date's day read as no number: "2018年11月：日" (the 1 read as a colon and boxed with 日, order12
// o01) and "2017年3月人4日" (21 read 人 and 4, dev d18). The ink between 月 and 日 is read again by
// the digits model; its digits replace what chi_sim read there, and 日 keeps its own box. A slot
// of sure digits is left alone.
TEST(RereadDateSlots, ADaysDigitsReadAsOtherCharactersAreReadAgain) {
  OcrEngine* digits = FolioDigitsEngine("eng");
  ASSERT_NE(digits, nullptr);
  for (const std::string day : {"1", "21"}) {
    const cv::Mat image = DrawnDateLine("2018年11月" + day + "日");
    const auto runs = InkRuns(image);
    const size_t n = runs.size();
    ASSERT_GE(n, 4u);
    auto box = [&](size_t first, size_t last) {
      return Box{runs[first].first, 60, runs[last].second - runs[first].first + 1, kEm};
    };
    // From the right: 日, the day's digit runs (1 or 2), 月.
    const size_t day_runs = day == "1" ? 1 : 2;
    const size_t yue = n - 2 - day_runs;
    OcrLine line;
    line.words = {OcrWord{.text = "年", .box = box(yue - 3, yue - 3), .confidence = 90},
                  OcrWord{.text = "11", .box = box(yue - 2, yue - 1), .confidence = 92},
                  OcrWord{.text = "月", .box = box(yue, yue), .confidence = 93}};
    if (day == "1") {
      line.words.push_back(OcrWord{.text = "：日", .box = box(n - 2, n - 1), .confidence = 68});
    } else {
      line.words.push_back(OcrWord{.text = "人", .box = box(n - 3, n - 3), .confidence = 51});
      line.words.push_back(OcrWord{.text = "4", .box = box(n - 2, n - 2), .confidence = 57});
      line.words.push_back(OcrWord{.text = "日", .box = box(n - 1, n - 1), .confidence = 86});
    }
    line.RebuildFromWords();
    OcrPage page{.width = image.cols, .height = image.rows};
    page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
    EXPECT_EQ(RereadDateSlots(image, kGlyphPx, *digits, FolioOptions{}, page), 1) << day;
    const OcrLine& read = page.blocks[0].lines[0];
    EXPECT_EQ(read.text, "年11月" + day + "日");
    ASSERT_EQ(read.words.size(), 5u) << day;
    EXPECT_EQ(read.words[3].text, day);
    EXPECT_GE(read.words[3].confidence, FolioOptions{}.min_confidence);
    EXPECT_EQ(read.words[4].text, "日");
    EXPECT_LE(read.words[4].box.x, box(n - 1, n - 1).x);
    // Read right, it is read no more.
    EXPECT_EQ(RereadDateSlots(image, kGlyphPx, *digits, FolioOptions{}, page), 0) << day;
  }
}

// "第 9 期" on a degraded scan: OCR boxed 期 20 px wide over its 40 px glyph, and the left stroke
// of 期 stands between the 9 and that box, digit-sized, its foot 9 px above the 9's. It is no
// digit the 9's reading left out; a second digit on the 9's baseline is.
TEST(CountDigitMarks, AMarkOffTheReadDigitsBaselineIsNoDigit) {
  cv::Mat ink(120, 300, CV_8UC1, cv::Scalar(0));
  const int g = static_cast<int>(kGlyphPx);
  const cv::Rect nine(100, 40, g / 2, g * 4 / 5);
  cv::rectangle(ink, nine, cv::Scalar(255), cv::FILLED);
  const cv::Rect stroke(nine.br().x + 10, nine.y - 4, g / 5, nine.height - 5);
  cv::rectangle(ink, stroke, cv::Scalar(255), cv::FILLED);
  const Box span{80, 20, 120, 80};
  const Box read{nine.x, nine.y, nine.width, nine.height};
  EXPECT_EQ(CountDigitMarks(ink, span, kGlyphPx), 2);  // without the reading's baseline
  EXPECT_EQ(CountDigitMarks(ink, span, kGlyphPx, nullptr, &read), 1);
  // A digit OCR left out beside it, on its baseline, still counts.
  cv::rectangle(ink, stroke, cv::Scalar(0), cv::FILLED);
  cv::rectangle(ink, cv::Rect(nine.br().x + 6, nine.y, g / 2, nine.height), cv::Scalar(255), cv::FILLED);
  EXPECT_EQ(CountDigitMarks(ink, span, kGlyphPx, nullptr, &read), 2);
}

// The month of "2024年11月" read "1": a reader of digits that reads the ink 11 mends the word;
// one that finds no digits there leaves "1" at no confidence, for the parser to flag. Fewer
// marks than digits read tell nothing (digits touch at low resolutions): "111" is left alone.
TEST(CheckNumbersByInk, AReadingTheDigitsModelCannotConfirmIsLeftInDoubt) {
  TextPageSpec spec{.lines = {"2024年11月"}, .glyph_px = kEm, .width = 600, .height = 200,
                    .margin = 60};
  const cv::Mat image = DrawTextPage(spec);
  const auto runs = InkRuns(image);
  ASSERT_GE(runs.size(), 4u);
  const size_t n = runs.size();
  auto box = [&](size_t i) {
    return Box{runs[i].first, 60, runs[i].second - runs[i].first + 1, kEm};
  };
  cv::Mat ink;
  cv::threshold(image, ink, 128, 255, cv::THRESH_BINARY_INV);
  const Box span{runs[n - 4].second + 1, 40, runs[n - 1].first - runs[n - 4].second - 1, 2 * kEm};
  ASSERT_EQ(CountDigitMarks(ink, span, kGlyphPx), 2);
  auto page_reading = [&](const std::string& month) {
    OcrPage page{.width = image.cols, .height = image.rows};
    OcrLine line{.words = {OcrWord{.text = "年", .box = box(n - 4), .confidence = 90},
                           OcrWord{.text = month, .box = box(n - 2), .confidence = 88},
                           OcrWord{.text = "月", .box = box(n - 1), .confidence = 93}}};
    line.RebuildFromWords();
    page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
    return page;
  };
  std::atomic<int> calls = 0;
  OcrPage mended = page_reading("1");
  testing::FakeEngine eleven(&calls, {"11"});
  EXPECT_EQ(CheckNumbersByInk(image, kGlyphPx, eleven, FolioOptions{}, mended), 1);
  EXPECT_EQ(mended.blocks[0].lines[0].text, "年11月");
  OcrPage doubted = page_reading("1");
  testing::FakeEngine no_digits(&calls, {"月"});
  EXPECT_EQ(CheckNumbersByInk(image, kGlyphPx, no_digits, FolioOptions{}, doubted), 1);
  EXPECT_EQ(doubted.blocks[0].lines[0].words[1].text, "1");
  EXPECT_EQ(doubted.blocks[0].lines[0].words[1].confidence, FolioOptions{}.ink_disagrees_confidence);
  OcrPage more = page_reading("111");
  EXPECT_EQ(CheckNumbersByInk(image, kGlyphPx, eleven, FolioOptions{}, more), 0);
  EXPECT_EQ(more.blocks[0].lines[0].words[1].text, "111");
}

// The day of "2025年7月18日" read "13" at 60 by chi_sim and 18 by the digits model: two readers,
// two numbers of as many digits, and neither is trusted (the digits model reads some faces' 6 as
// 5 at 95: "641" read right at 67 had become 541 in the catalog, silently). The word keeps
// chi_sim's digits at a confidence the parser flags.
TEST(RereadNumbers, TwoReadersThatDisagreeOnTheDigitsLeaveTheNumberToCheck) {
  const cv::Mat image = DrawnDateLine("2025年7月18日");
  const auto runs = InkRuns(image);
  ASSERT_GE(runs.size(), 4u);
  const size_t n = runs.size();
  // From the right: 日, then the day's digits (apart or touching), then 月.
  const size_t first = runs[n - 3].second - runs[n - 3].first < kEm / 2 ? n - 3 : n - 2;
  const Box day{runs[first].first, 60, runs[n - 2].second - runs[first].first + 1, kEm};
  OcrPage page{.width = image.cols, .height = image.rows};
  OcrLine line{.words = {OcrWord{.text = "13", .box = day, .confidence = 60},
                         OcrWord{.text = "日", .box = {day.Right() + 5, 60, kEm, kEm}, .confidence = 90}}};
  line.RebuildFromWords();
  page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
  OcrEngine* digits = FolioDigitsEngine("eng");
  ASSERT_NE(digits, nullptr);
  // The digits model does read the day 18: a word of look-alike marks takes its reading.
  OcrPage marks = page;
  marks.blocks[0].lines[0].words[0].text = "1]8";
  EXPECT_EQ(RereadNumbers(image, kGlyphPx, *digits, FolioOptions{}, marks), 1);
  EXPECT_EQ(marks.blocks[0].lines[0].words[0].text, "18");

  EXPECT_EQ(RereadNumbers(image, kGlyphPx, *digits, FolioOptions{}, page), 1);
  const OcrWord& word = page.blocks[0].lines[0].words[0];
  EXPECT_EQ(word.text, "13");
  EXPECT_EQ(word.confidence, FolioOptions{}.readers_disagree_confidence);
  EXPECT_EQ(page.blocks[0].lines[0].text, "13日");
}

}  // namespace
}  // namespace qikan
