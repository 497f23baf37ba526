// The vote over several readings of one line, on readings written out by hand: what wins, what a
// tie keeps, and that boxes come from the reading that carries the result.
#include "stages/vote.h"

#include <random>
#include <string>
#include <vector>

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
  // (Changed only in that 姐, held by half the readings, is no longer sure.)
  EXPECT_TRUE(voted.changed);
  EXPECT_FLOAT_EQ(voted.reading.blocks[0].lines[0].words[6].confidence, 49);
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

// tune office-2col-ukai p2: the tail of an attribution set letter-spaced in 楷体, "斌  王晓燕  俞  斌）",
// read whole by the reread with its gaps closed; each voter read the spaced cut as noise, and the
// medoid of noise, its shortest reading ")", replaced the line. Readings no other reading nearly
// agrees with elect nothing.
TEST(VoteReadings, ReadingsThatAgreeWithNoOtherLeaveTheLineAsRead) {
  const VotedLine voted =
      VoteReadings({Reading("斌王晓燕俞斌）"), Reading("了了"), Reading("奖三耽亲二条、天）"),
                    Reading("兰人C水坂仁D"), Reading("二毕赵一仁一D"), Reading("A"), Reading("2")});
  EXPECT_EQ(Text(voted.reading), "斌王晓燕俞斌）");
  EXPECT_FALSE(voted.changed);
  EXPECT_FALSE(voted.agreed);  // the page job reads the line again, its wide gaps closed
  // Readings alike still outvote a page reading none of them agrees with.
  const VotedLine agreed = VoteReadings({Reading("（办公室了了）"), Reading("（办公室唐方媛）"),
                                         Reading("A"), Reading("（办公室唐方媛）")});
  EXPECT_EQ(Text(agreed.reading), "（办公室唐方媛）");
  EXPECT_TRUE(agreed.agreed);
}

// tune2 t16: 方舟 read 方丹 by two readings of five, 方舟 by two, 方册 by one: the character
// stays as read, but a name decided by no majority is no sure name.
TEST(VoteReadings, ACharacterNoMajorityHoldsIsAsSureAsItsShare) {
  const VotedLine voted = VoteReadings({Reading("（办公室方丹）"), Reading("（办公室方舟）"),
                                        Reading("（办公室方丹）"), Reading("（办公室方册）"),
                                        Reading("（办公室方舟）")});
  EXPECT_EQ(Text(voted.reading), "（办公室方丹）");
  EXPECT_TRUE(voted.changed);
  const auto& words = voted.reading.blocks[0].lines[0].words;
  EXPECT_FLOAT_EQ(words[5].confidence, 40);  // 丹: 2 of 5
  EXPECT_FLOAT_EQ(words[4].confidence, 90);  // 方: all five
  // Three of five is a majority: no doubt added, nothing changed.
  const VotedLine clear = VoteReadings({Reading("（办公室方舟）"), Reading("（办公室方舟）"),
                                        Reading("（办公室方丹）"), Reading("（办公室方册）"),
                                        Reading("（办公室方舟）")});
  EXPECT_FALSE(clear.changed);
  EXPECT_FLOAT_EQ(clear.reading.blocks[0].lines[0].words[5].confidence, 90);
}

TEST(VoteSettled, MoreThanHalfOfThePlannedReadingsAlike) {
  const OcrPage right = Reading("（办公室唐方媛）");
  const OcrPage wrong = Reading("（办公室唐方姐）");
  EXPECT_FALSE(VoteSettled({right, right, right}, 7));        // 3 of 7: the other 4 could win
  EXPECT_TRUE(VoteSettled({right, right, right, right}, 7));  // 4 of 7
  EXPECT_TRUE(VoteSettled({right, wrong, right, wrong, right, right}, 7));
  EXPECT_FALSE(VoteSettled({right, wrong, right, wrong, right}, 7));
  EXPECT_TRUE(VoteSettled({right, right}, 3));
  // White space aside: a reading that splits a word still says the same characters.
  EXPECT_TRUE(VoteSettled({right, Reading("（办公室 唐方媛）"), right, right}, 7));
  // Readings that found nothing are no majority, however many.
  EXPECT_FALSE(VoteSettled({OcrPage{}, OcrPage{}, OcrPage{}, OcrPage{}}, 7));
}

// Stopping once VoteSettled holds gives what the vote over every planned reading gives: the same
// characters, the same pivot (so the same words and boxes), the same change. Checked on random
// readings of an attribution, each either of two rival readings of the line (as models that
// disagree give them) with now and then a character of its own replaced, dropped or doubled:
// lines where one rival leads early and the other catches up are the ones a looser rule gets
// wrong.
TEST(VoteSettled, StoppingThereGivesWhatTheWholeVoteGives) {
  const std::u32string line = U"（建德市人大常委会办公室唐方媛）";
  const std::u32string look_alikes = U"〈《(姐和第訪莆";
  std::mt19937 random(20261128);
  std::uniform_real_distribution<double> chance(0, 1);
  auto misread = [&](const std::u32string& text, double rate) {
    std::u32string out;
    for (const char32_t c : text) {
      const double roll = chance(random);
      if (roll < rate / 3) continue;  // dropped
      out += roll < 2 * rate / 3 ? look_alikes[random() % look_alikes.size()] : c;
      if (roll > 1 - rate / 6) out += c;  // doubled
    }
    return out;
  };
  constexpr size_t kPlanned = 7;
  int settled_early = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::u32string rival[2] = {misread(line, 0.1), misread(line, 0.1)};
    const double second = chance(random);
    std::vector<OcrPage> all;
    for (size_t i = 0; i < kPlanned; ++i) {
      std::u32string text = rival[chance(random) < second ? 1 : 0];
      if (chance(random) < 0.2) text = misread(text, 0.1);
      all.push_back(Reading(ToUtf8(text), 100 + 7 * static_cast<int>(i)));
    }
    const VotedLine whole = VoteReadings(all);
    for (size_t k = 1; k < kPlanned; ++k) {
      const std::vector<OcrPage> first(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k));
      if (!VoteSettled(first, kPlanned)) continue;
      ++settled_early;
      const VotedLine early = VoteReadings(first);
      const std::string where = "trial " + std::to_string(trial) + ", " + std::to_string(k) + " read";
      ASSERT_EQ(Text(early.reading), Text(whole.reading)) << where;
      ASSERT_EQ(early.pivot, whole.pivot) << where;
      ASSERT_EQ(early.changed, whole.changed) << where;
      ASSERT_EQ(early.reading.blocks[0].lines[0].box.x, whole.reading.blocks[0].lines[0].box.x);
      break;
    }
  }
  EXPECT_GT(settled_early, 1000);  // the check above ran often enough to mean something
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

// A narrow column wraps an attribution ("（萧山区人大常委会办公室 蒋丽华 钱" / "程 俞 斌）", the
// second line set flush right): both lines are voted on. A bracket opened over a paragraph that
// goes on (no line under it closes it, or a sentence ends first) is not an attribution.
TEST(FindLinesToVote, TakesTheLinesOfAWrappedAttribution) {
  auto below = [](OcrPage& page, const std::string& text, int x, int dy) {
    OcrPage line = Reading(text, x);
    for (auto& l : line.blocks[0].lines) {
      l.box.y += dy;
      for (auto& word : l.words) word.box.y += dy;
      page.blocks[0].lines.push_back(l);
    }
  };
  OcrPage page = Reading("（萧山区人大常委会办公室蒋丽华钱", 100);
  below(page, "程俞斌）", 660, 50);
  page.blocks[0].lines.back().box.width += 100;  // its box takes in a mark past the margin
  below(page, "（一）加强代表联络站建设，推动代表", 100, 150);
  below(page, "履职。", 100, 200);
  below(page, "（滨江区人大常委会西兴街道工委于江", 100, 300);
  below(page, "代表联络站建设推动", 100, 350);
  below(page, "（拱墅区人大常委会办公室何", 100, 500);
  below(page, "办", 300, 530);  // a speck between two lines of it, read as a character
  page.blocks[0].lines.back().box.height = 10;
  page.blocks[0].lines.back().words[0].box.height = 10;
  below(page, "静）", 100, 560);
  below(page, "（拱墅区人大常委会办公室何", 100, 700);
  below(page, "静）", 100, 800);  // a paragraph's height under it: another block of text
  const auto regions = FindLinesToVote(page, LineVoteOptions{});
  ASSERT_EQ(regions.size(), 4u);
  EXPECT_EQ(Text(ReadingOfLine(page, regions[0])), "（萧山区人大常委会办公室蒋丽华钱");
  EXPECT_EQ(Text(ReadingOfLine(page, regions[1])), "程俞斌）");
  EXPECT_EQ(Text(ReadingOfLine(page, regions[2])), "（拱墅区人大常委会办公室何");
  EXPECT_EQ(regions[3].box.y, 610);
  // A voted reading stays within half a glyph of the line's words, whatever its box took in.
  ASSERT_TRUE(regions[1].within.has_value());
  EXPECT_EQ(regions[1].within->x, 660 - 20);
  EXPECT_EQ(regions[1].within->Right(), 660 + 4 * 40 - 4 + 20);
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
