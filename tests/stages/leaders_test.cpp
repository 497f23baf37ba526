#include "stages/leaders.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "models/text.h"
#include "tests/support/shared_engine.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

std::string Dots(int cells) {
  std::string s;
  for (int k = 0; k < cells; ++k) s += "…";
  return s;
}

// A contents page as the newsletter sets one: titles, a wrapped title's last characters, each
// with dot leaders to its page; a column name and a body line without.
const std::vector<std::string>& ContentsLines() {
  static const std::vector<std::string> lines = {
      "立法动态",
      "桐庐县：西兴街道“三维发力”助力优化营商环",
      "境" + Dots(30) + "2",
      "多措并举助力打造“青年留杭第一区”" + Dots(12) + "3",
      "工作简讯",
      "3则" + Dots(29) + "4",
  };
  return lines;
}

cv::Mat ContentsPage() {
  return testing::DrawTextPage(
      {.lines = ContentsLines(), .glyph_px = 36, .height = 560, .margin = 60});
}

TEST(Leaders, FindsEachRunOfDotsAndCountsItsCells) {
  const auto runs = FindLeaders(ContentsPage(), 0.9 * 36);
  ASSERT_EQ(runs.size(), 3u);
  // Three dots a cell, the run's ends within a cell of what was drawn.
  EXPECT_NEAR(runs[0].dots, 3 * 30, 3);
  EXPECT_NEAR(runs[1].dots, 3 * 12, 3);
  EXPECT_NEAR(runs[2].dots, 3 * 29, 3);
  EXPECT_NEAR(runs[0].cells, 30, 1);
  EXPECT_NEAR(runs[1].cells, 12, 1);
  EXPECT_NEAR(runs[2].cells, 29, 1);
  EXPECT_LT(runs[0].box.y, runs[1].box.y);
  EXPECT_LT(runs[1].box.y, runs[2].box.y);
  for (const auto& run : runs) EXPECT_LE(run.box.height, 0.3 * 36);
}

// Leaders set as periods on the baseline or as middle dots, one a cell: a run too, whatever
// the glyph; and the dots at the foot of characters (灬 in 焦燃点) are none.
TEST(Leaders, PeriodsAndMiddleDotsAreLeadersAndTheFootOfACharacterIsNot) {
  std::string periods, middots;
  for (int k = 0; k < 20; ++k) periods += "．";
  for (int k = 0; k < 20; ++k) middots += "·";
  const cv::Mat gray = testing::DrawTextPage(
      {.lines = {"强化监督助推筑牢燃气安全网" + periods + "3", "聚焦燃点照热然煎熊焦燕烈",
                 "多措并举助力打造青年留杭第一区" + middots + "4"},
       .glyph_px = 36, .height = 360, .margin = 60});
  const auto runs = FindLeaders(gray, 0.9 * 36);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_NEAR(runs[0].dots, 20, 2);
  EXPECT_NEAR(runs[1].dots, 20, 2);
  // Full-width periods: one dot a cell. Middle dots are set narrow, closer than a cell: the
  // cells are the ems they fill.
  EXPECT_EQ(runs[0].cells, runs[0].dots);
  EXPECT_NEAR(runs[1].cells, runs[1].dots * runs[1].pitch / 36, 1);
  EXPECT_LT(runs[0].box.y, 60 + 36 * 1.8 / 2);  // the first line's, not the second's
}

TEST(Leaders, AScreenOfDotsIsNoLeaders) {
  // A halftone's dots stand in rows above and below one another.
  cv::Mat gray(400, 800, CV_8UC1, cv::Scalar(255));
  for (int y = 100; y < 300; y += 12) {
    for (int x = 100; x < 700; x += 12) cv::circle(gray, {x, y}, 2, cv::Scalar(0), cv::FILLED);
  }
  EXPECT_TRUE(FindLeaders(gray, 36).empty());
}

TEST(Leaders, AnEllipsisReadRightIsLeftAsRead) {
  const cv::Mat gray = testing::DrawTextPage(
      {.lines = {"他说：“我们还要继续努力" + Dots(2) + "”大家都笑了"}, .glyph_px = 36,
       .height = 160, .margin = 60});
  OcrPage page{.width = gray.cols, .height = gray.rows};
  OcrLine line;
  line.words = {{.text = "他说：“我们还要继续努力", .box = {60, 60, 430, 36}, .confidence = 95},
                {.text = Dots(2), .box = {490, 60, 72, 36}, .confidence = 95},
                {.text = "”大家都笑了", .box = {562, 60, 216, 36}, .confidence = 95}};
  line.RebuildFromWords();
  page.blocks.push_back({.box = line.box, .lines = {line}});
  class NoEngine : public OcrEngine {
   public:
    OcrPage Recognize(const cv::Mat&, Segmentation) override {
      ADD_FAILURE() << "a line read right was read again";
      return {};
    }
  } engine;
  EXPECT_EQ(ReadLeaderLines(gray, engine, RereadOptions{}, LeaderOptions{}, page), 0);
  EXPECT_EQ(page.blocks[0].lines[0].text, line.text);
}

class LeadersOcr : public testing::SharedEngineTest {};

// The real engine: the page reading makes characters of long leaders and loses the title's end
// or the page with them; each line read again without its dots reads title, leaders and page.
TEST_F(LeadersOcr, ContentsLinesReadAgainWithoutTheirDots) {
  const cv::Mat gray = ContentsPage();
  OcrPage page = Engine().Recognize(gray);
  const std::string before = page.Text();
  const int changed = ReadLeaderLines(gray, Engine(), RereadOptions{}, LeaderOptions{}, page);
  const std::string after = page.Text();
  int read_before = 0;
  for (const int k : {2, 3, 5}) {
    const std::string& line = ContentsLines()[static_cast<size_t>(k)];
    read_before += before.find(line) != std::string::npos;
    EXPECT_NE(after.find(line), std::string::npos) << line << "\nbefore:\n" << before
                                                   << "\nafter:\n" << after;
  }
  // The page reading did not read them so: the lines were read again.
  EXPECT_LT(read_before, 3) << before;
  EXPECT_GT(changed, 0);
}

}  // namespace
}  // namespace qikan
