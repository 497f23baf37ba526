#include "stages/cells.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "models/text.h"

namespace qikan {
namespace {

std::u32string U(std::string_view utf8) { return ToU32(utf8); }

// A page of lines set on a grid: line k holds `cells[k]` glyphs (black squares 36 px, one every
// 40 px) and is read as `texts[k]`, one word over its ink.
OcrPage GridPage(cv::Mat& gray, const std::vector<int>& cells,
                 const std::vector<std::string>& texts) {
  gray = cv::Mat(80 * static_cast<int>(cells.size()) + 80, 1400, CV_8UC1, cv::Scalar(255));
  OcrPage page{.width = gray.cols, .height = gray.rows};
  OcrBlock block;
  for (size_t k = 0; k < cells.size(); ++k) {
    const int y = 40 + 80 * static_cast<int>(k);
    for (int c = 0; c < cells[k]; ++c) gray(cv::Rect(100 + 40 * c, y, 36, 36)).setTo(0);
    OcrLine line;
    line.words.push_back({.text = texts[k], .box = {100, y, 40 * cells[k] - 4, 36}, .confidence = 90});
    line.RebuildFromWords();
    block.lines.push_back(line);
  }
  page.blocks.push_back(block);
  return page;
}

// Five lines of 27 cells read right and one read with a character more (拱墅区人大和常委会…):
// only that one is long. A line read a character short (its cell held a glyph OCR dropped, or
// a line broken early and justified) is not.
TEST(Cells, ALineReadWithACharacterMoreThanItsInkHasCellsIsFound) {
  const std::string right = "拱墅区人大常委会聚焦营商环境优化提升工作为推动进一步制";  // 27
  const std::string longer = "拱墅区人大和常委会聚焦营商环境优化提升工作为推动进一步制";  // 28
  const std::string shorter = "拱墅区人大常委会聚焦营商环境优化提升工作为推动进一步";  // 26
  ASSERT_EQ(StripWhitespace(ToU32(right)).size(), 27u);
  cv::Mat gray;
  const OcrPage page =
      GridPage(gray, {27, 27, 27, 27, 27, 27, 27}, {right, right, longer, right, shorter, right, right});
  const auto found = FindLinesReadLong(gray, page, 36, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 2u);
  EXPECT_NEAR(found[0].excess, 1.0, 0.15);
  // Lines holding a Latin letter or a quote (set narrower by some faces) are not measured; nor
  // are pages with too few lines to know their cell.
  const std::string quoted = "拱墅区人大“和”常委会聚焦营商环境优化提升工作为推动进一";
  const std::string latin = "拱墅区人大A常委会聚焦营商环境优化提升工作为推动进一步制";
  const OcrPage marks =
      GridPage(gray, {27, 27, 27, 27, 27, 27, 27}, {right, quoted, latin, right, right, right, right});
  EXPECT_TRUE(FindLinesReadLong(gray, marks, 36, {}).empty());
  const OcrPage few = GridPage(gray, {27, 27, 27}, {right, longer, right});
  EXPECT_TRUE(FindLinesReadLong(gray, few, 36, {}).empty());
}

// The character the other models all leave out at one place goes; where they disagree, or only
// one other model read the line, nothing does.
TEST(Cells, TheCharacterNoOtherModelReadsIsTheOneTooMany) {
  const std::u32string text = U("拱墅区人大和常委会聚焦营商环境优化提升工作");
  const auto extra =
      CharacterNoOtherReads(text, {U("拱坐区人大常委会聚焦营商环境优化提升工作"),
                                   U("拱墅区人大常委会肾焦营商环境优化提升工作")});
  ASSERT_TRUE(extra.has_value());
  EXPECT_EQ(*extra, 5u);
  EXPECT_EQ(text[*extra], U'和');
  // A model that reads the full-width comma as ",": the same mark.
  const std::u32string comma = U("行法定职责，和努力为打造人");
  const auto in_comma = CharacterNoOtherReads(comma, {U("行法定职责,努力为打造人"), U("行法定职责，努力为打造人")});
  ASSERT_TRUE(in_comma.has_value());
  EXPECT_EQ(comma[*in_comma], U'和');
  // One other reading alone: no majority.
  EXPECT_FALSE(CharacterNoOtherReads(text, {U("拱墅区人大常委会聚焦营商环境优化提升工作")}));
  // The two leave out different characters.
  EXPECT_FALSE(CharacterNoOtherReads(text, {U("拱墅区人大和常委会聚焦营商环境优化提升作"),
                                            U("拱墅区人大常委会聚焦营商环境优化提升工作")}));
  // A reading far from the line (noise) is no witness.
  EXPECT_FALSE(CharacterNoOtherReads(text, {U("拱墅区人大常委会聚焦营商环境优化提升工作"),
                                            U("Vns71YRR28nGRT7常委会聚焦")}));
}

}  // namespace
}  // namespace qikan
