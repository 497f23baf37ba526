#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/text.h"
#include "stages/quotes.h"
#include "tests/support/shared_engine.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

class QuotesOcr : public testing::SharedEngineTest {};

std::vector<OcrLine*> LinesOf(OcrPage& page) {
  std::vector<OcrLine*> lines;
  for (auto& block : page.blocks) {
    for (auto& line : block.lines) lines.push_back(&line);
  }
  return lines;
}

// The real engine reading a drawn line alone gives back the closing quote a page reading lost,
// and invents none for a quote that goes on to the next line.
TEST_F(QuotesOcr, ALineReadAloneGivesBackTheDroppedQuote) {
  testing::TextPageSpec spec{.lines = {"二是完善机制“破痛点”。立足企业需求，帮助解决问题",
                                       "上下联动，聚焦“工作体制机制落实和队伍建设"},
                             .glyph_px = 36, .height = 300, .margin = 60};
  const cv::Mat gray = testing::DrawTextPage(spec);
  OcrPage page = Engine().Recognize(gray);
  std::vector<OcrLine*> lines = LinesOf(page);
  ASSERT_EQ(lines.size(), 2u);
  // What the page reading of a scan does: the closing quote dropped.
  for (auto& word : lines[0]->words) {
    std::u32string text = ToU32(word.text);
    std::erase(text, U'”');
    word.text = ToUtf8(text);
  }
  lines[0]->RebuildFromWords();
  const std::string second = lines[1]->text;
  ASSERT_NE(lines[0]->text.find("破痛点。"), std::string::npos) << lines[0]->text;

  // Noto Serif's Han glyphs' ink is about 0.9 of the em drawn.
  EXPECT_EQ(RepairQuotes(gray, 0.9 * spec.glyph_px, Engine(), RereadOptions{}, QuoteOptions{}, page),
            1);
  EXPECT_NE(lines[0]->text.find("“破痛点”。"), std::string::npos) << lines[0]->text;
  EXPECT_EQ(lines[1]->text, second);
}

// A heading that starts with a quote and one that ends with one, each read without it (as the
// page reading of a scan reads them): each line read alone gives the mark back at its end, the
// ink there being a quote's.
TEST_F(QuotesOcr, AQuoteAtALinesEndIsGivenBackWhereItsInkIs) {
  testing::TextPageSpec spec{.lines = {"“三张清单”推动审议意见质量提升", "强化监督助推筑牢燃气“安全网”"},
                             .glyph_px = 44, .height = 320, .margin = 60};
  const cv::Mat gray = testing::DrawTextPage(spec);
  OcrPage page = Engine().Recognize(gray);
  std::vector<OcrLine*> lines = LinesOf(page);
  ASSERT_EQ(lines.size(), 2u);
  for (int k : {0, 1}) {
    OcrWord& word = k == 0 ? lines[0]->words.front() : lines[1]->words.back();
    std::u32string text = ToU32(word.text);
    std::erase(text, k == 0 ? U'“' : U'”');
    word.text = ToUtf8(text);
    lines[k]->RebuildFromWords();
  }
  ASSERT_TRUE(lines[0]->text.starts_with("三张")) << lines[0]->text;
  ASSERT_TRUE(lines[1]->text.ends_with("网")) << lines[1]->text;
  EXPECT_EQ(RepairQuotes(gray, 0.9 * spec.glyph_px, Engine(), RereadOptions{}, QuoteOptions{}, page), 2);
  EXPECT_TRUE(lines[0]->text.starts_with("“三张")) << lines[0]->text;
  EXPECT_TRUE(lines[1]->text.ends_with("网”")) << lines[1]->text;
}

}  // namespace
}  // namespace qikan
