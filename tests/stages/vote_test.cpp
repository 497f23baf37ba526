// The vote over several readings of one line, on readings written out by hand: what wins, what a
// tie keeps, and that boxes come from the reading that carries the result.
#include "stages/vote.h"

#include <gtest/gtest.h>

#include "models/text.h"

namespace qikan {
namespace {

// One line, one word per character, each character 40 px wide from `x`.
OcrPage Reading(const std::string& text, int x = 100, float confidence = 90) {
  OcrLine line;
  int left = x;
  for (const char32_t c : ToU32(text)) {
    line.words.push_back(OcrWord{.text = ToUtf8(std::u32string(1, c)),
                                 .box = Box{.x = left, .y = 50, .width = 36, .height = 40},
                                 .confidence = confidence});
    left += 40;
  }
  line.text = text;
  line.box = Box{.x = x, .y = 50, .width = left - x, .height = 40};
  line.confidence = confidence;
  return OcrPage{.width = 2000, .height = 3000, .blocks = {OcrBlock{.box = line.box, .lines = {line}}}};
}

std::string Text(const OcrPage& page) { return page.blocks.at(0).lines.at(0).text; }

TEST(VoteReadings, TheMajorityDecidesEachCharacter) {
  const VotedLine voted = VoteReadings({Reading("（办公室唐方姐）"), Reading("（办公室唐方媛）"),
                                        Reading("（办公室唐方媛）"), Reading("（办公室唐方媛）")});
  EXPECT_EQ(Text(voted.reading), "（办公室唐方媛）");
  EXPECT_TRUE(voted.changed);
}

TEST(VoteReadings, ATieKeepsWhatThePageReadAlready) {
  const VotedLine voted = VoteReadings({Reading("（办公室唐方姐）"), Reading("（办公室唐方媛）"),
                                        Reading("（办公室唐方媛）"), Reading("（办公室唐方姐）")});
  EXPECT_EQ(Text(voted.reading), "（办公室唐方姐）");
  EXPECT_FALSE(voted.changed);
}

TEST(VoteReadings, ATieKeepsThePagesCharacterEvenWhenAnotherReadingIsThePivot) {
  // Readings 1-3 agree on the gaps (”) the page's reading lacks, so one of them is the medoid;
  // each reads the first character differently, and the page's 萧 must survive the tie.
  const VotedLine voted =
      VoteReadings({Reading("（萧山区办公室杜国益史佳）"), Reading("（痕山区办公室”杜国益”史佳）"),
                    Reading("（莆山区办公室”杜国益”史佳）"), Reading("（菇山区办公室”杜国益”史佳）")});
  EXPECT_NE(voted.pivot, 0u);
  EXPECT_EQ(Text(voted.reading), "（萧山区办公室”杜国益”史佳）");
}

TEST(VoteReadings, NeverInsertsOrDeletesOnlyReplaces) {
  // One reading splits 颖 into two pieces (上颖); the others do not: nothing is added.
  const VotedLine voted = VoteReadings(
      {Reading("（办公室周上颖）"), Reading("（办公室周颖）"), Reading("（办公室周颖）")});
  EXPECT_EQ(Text(voted.reading), "（办公室周颖）");
  EXPECT_EQ(voted.pivot, 1u);
  EXPECT_TRUE(voted.changed);
}

TEST(VoteReadings, TheResultKeepsThePivotsWordsAndBoxes) {
  std::vector<OcrPage> readings = {Reading("（研究室）", 100), Reading("（研究室）", 500),
                                   Reading("（研究宝）", 900)};
  const VotedLine voted = VoteReadings(readings);
  EXPECT_EQ(voted.pivot, 0u);
  EXPECT_FALSE(voted.changed);
  const auto& words = voted.reading.blocks[0].lines[0].words;
  ASSERT_EQ(words.size(), 5u);
  EXPECT_EQ(words[3].text, "室");
  EXPECT_EQ(words[3].box.x, 220);
}

TEST(VoteReadings, AReadingThatFoundNothingDoesNotVote) {
  const VotedLine voted =
      VoteReadings({Reading("（研究室）"), OcrPage{}, OcrPage{}, Reading("（研究室）")});
  EXPECT_EQ(Text(voted.reading), "（研究室）");
  EXPECT_FALSE(voted.changed);
}

TEST(FindLinesToVote, TakesBracketedShortLinesOnly) {
  OcrPage page = Reading("〈建德市人大常委会办公室唐方姐)");
  OcrPage body = Reading("（一）加强代表联络站建设，推动代表履职。", 100);
  OcrPage open = Reading("（滨江区人大常委会西兴街道工委于江", 100);
  OcrPage title = Reading("《关于进一步规范审议意见书》", 100);
  for (OcrPage* other : {&body, &open, &title}) {
    for (auto& block : other->blocks) {
      for (auto& line : block.lines) {
        line.box.y += 100;
        for (auto& word : line.words) word.box.y += 100;
      }
      block.box.y += 100;
      page.blocks.push_back(block);
    }
  }
  const auto regions = FindLinesToVote(page, LineVoteOptions{});
  // The attribution and the bracketed title qualify; the sentence and the unclosed line do not.
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0].box.y, 50);
  EXPECT_NEAR(regions[0].glyph_px, 40, 0.5);
  ASSERT_TRUE(regions[0].replaces.has_value());
  EXPECT_EQ(Text(ReadingOfLine(page, regions[0])), "〈建德市人大常委会办公室唐方姐)");
}

TEST(NeedsOtherModels, ALineReadAlikeAndConfidentlyAtEverySizeIsLeftAsRead) {
  const LineVoteOptions options;
  EXPECT_FALSE(NeedsOtherModels({Reading("（办公室唐方媛）"), Reading("（办公室 唐方媛）"),
                                 Reading("（办公室唐方媛）")},
                                options));
}

TEST(NeedsOtherModels, ReadingsThatDifferOrADoubtfulWordAskTheOtherModels) {
  const LineVoteOptions options;
  EXPECT_TRUE(NeedsOtherModels({Reading("（办公室唐方姐）"), Reading("（办公室唐方姐）"),
                                Reading("（党公室唐方姐）")},
                               options));
  // 唐方姐 read alike at every size, but 姐 at 74 on the page: the case the other models mend.
  OcrPage page = Reading("（办公室唐方姐）");
  page.blocks[0].lines[0].words[6].confidence = 74;
  EXPECT_TRUE(NeedsOtherModels({page, Reading("（办公室唐方姐）"), Reading("（办公室唐方姐）")},
                               options));
}

}  // namespace
}  // namespace qikan
