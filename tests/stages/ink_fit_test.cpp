#include "stages/ink_fit.h"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <nlohmann/json.hpp>

#include "models/record.h"
#include "models/text.h"
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

// A letter-spaced attribution read again more surely with names short (tune2 t09 page 5:
// "(临安区人大常委会办公室孙人" at 87 for "（…办公室 孙 佳 俞 斌" at 77): short of the ink its
// first reading fitted. A reading a mark short is within the slack; a shorter reading of a line
// first read with more than its ink holds fits better. (tuning t24 page 5: "(临平区.人大和芝委会办公室"
// read again "(临平区人大常委会办公室", twelve characters whose ink measures fourteen cells, is no
// shorter than the ink: within a share of it.)
TEST(InkFit, AShorterReadingIsShortOfTheInkOnlyWhereTheLongerFittedIt) {
  testing::TextPageSpec spec;
  spec.height = 200;
  spec.margin = 60;
  const InkFitOptions options;
  // The ink a cell takes, as MeasurePageInk finds it on the page's lines set solid.
  spec.lines = testing::SeedProseLines(1, 20);
  const cv::Mat solid = testing::DrawTextPage(spec);
  const double cell = InkWidth(InkMask(solid), Box{0, 0, solid.cols, solid.rows}, 36, options) / 20;
  spec.lines = {"（临安区人大常委会办公室　孙　佳　俞　斌"};
  const cv::Mat page = testing::DrawTextPage(spec);
  const Box line{0, 0, page.cols, page.rows};
  const std::string as_read = "（临安区人大常委会办公室孙佳俞斌";
  EXPECT_TRUE(ReadsShortOfInk(page, line, 36, cell, as_read, "(临安区人大常委会办公室", options));
  // The names read, the printed （ read as ( : as long as the first reading.
  EXPECT_FALSE(ReadsShortOfInk(page, line, 36, cell, as_read, "(临安区人大常委会办公室孙佳俞斌", options));
  EXPECT_TRUE(ReadsShortOfInk(page, line, 36, cell, as_read, "（临安区人大常委会办公室", options));
  EXPECT_FALSE(ReadsShortOfInk(page, line, 36, cell, as_read, "临安区人大常委会办公室孙佳俞斌", options));
  EXPECT_FALSE(ReadsShortOfInk(page, line, 36, cell, "（临安区人大常委会办公室孙佳俞斌了了和孙人", as_read, options));
  // Not shorter: never short of the ink.
  EXPECT_FALSE(ReadsShortOfInk(page, line, 36, cell, as_read, "（临安区人大常委会办公室孙佳俞斌）", options));
  // A masthead's title, three body glyphs tall, is not measured in the body's cells (tune2 t04:
  // "杭州人大信和有蝗" read again "杭州人大信息").
  testing::TextPageSpec title;
  title.lines = {"杭州人大信息"};
  title.glyph_px = 108;
  title.height = 400;
  title.margin = 60;
  const cv::Mat masthead = testing::DrawTextPage(title);
  EXPECT_FALSE(ReadsShortOfInk(masthead, Box{0, 0, masthead.cols, masthead.rows}, 36, cell,
                               "杭州人大信和有蝗", "杭州人大信息", options));
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

// A lost line read again whole: the pieces of its row OCR read on their own go, even one that
// misread or lost a few of its characters (tune-office-ukai page 3 kept 双，助力工程建设“加速度”…
// beside the rescued 二是双线督办，助力工程建设“加速度”…); another line in the row's region stays.
TEST(InkFit, PiecesOfALostLineItsRereadingHoldsAreDropped) {
  auto line = [](const std::string& text, Box box) {
    return OcrLine{.text = text, .box = box, .confidence = 90,
                   .words = {OcrWord{.text = text, .box = box, .confidence = 90}}};
  };
  const std::string whole = "二是双线督办，助力工程建设“加速度”。创新建立“双挂";
  OcrPage page{.width = 2400, .height = 600};
  page.blocks.push_back(OcrBlock{.lines = {line("二是页", {450, 100, 140, 50})}});
  page.blocks.push_back(OcrBlock{.lines = {line("双，助力工程建设“加速度”。创新建立“双挂", {590, 100, 1570, 80})}});
  page.blocks.push_back(OcrBlock{.lines = {line("代表联络站", {1700, 110, 400, 50})}});
  page.blocks.push_back(OcrBlock{.lines = {line(whole, {450, 300, 1700, 80})}});  // below the region
  const Box region{400, 80, 1800, 120};
  const Box keep{450, 100, 140, 50};
  EXPECT_EQ(DropRepeatedPieces(page, region, keep, whole), 1);
  std::vector<std::string> left;
  for (const auto& block : page.blocks) {
    for (const auto& l : block.lines) left.push_back(l.text);
  }
  EXPECT_EQ(left, (std::vector<std::string>{"二是页", "代表联络站", whole}));
}

// OCR as chi_sim reads a drawn page: one word a character, each boxed over its cell.
OcrLine ReadAsDrawn(const testing::TextPageSpec& spec, int index, size_t chars) {
  const int step = static_cast<int>(spec.glyph_px * spec.line_spacing);
  const int top = spec.margin + spec.glyph_px + index * step - spec.glyph_px * 9 / 10;
  const std::u32string text = ToU32(spec.lines[static_cast<size_t>(index)]);
  OcrLine line{.confidence = 92};
  for (size_t k = 0; k < std::min(chars, text.size()); ++k) {
    const Box box{spec.margin + static_cast<int>(k) * spec.glyph_px, top, spec.glyph_px, spec.glyph_px};
    line.words.push_back(OcrWord{.text = ToUtf8(text.substr(k, 1)), .box = box, .confidence = 92});
  }
  line.RebuildFromWords();
  return line;
}

// Six drawn lines of 30 characters read as drawn, the third as `third` reads it.
struct DrawnPage {
  testing::TextPageSpec spec;
  cv::Mat gray;
  OcrPage page;
};
DrawnPage SixLinesRead(const std::function<OcrLine(const testing::TextPageSpec&)>& third) {
  DrawnPage out;
  out.spec.lines = testing::SeedProseLines(6, 30);
  out.spec.height = 800;
  out.gray = testing::DrawTextPage(out.spec);
  out.page = OcrPage{.width = out.gray.cols, .height = out.gray.rows};
  for (int i = 0; i < 6; ++i) {
    const OcrLine line = i == 2 ? third(out.spec) : ReadAsDrawn(out.spec, i, 30);
    out.page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
  }
  return out;
}

// A body line OCR read two thirds of, then gave up on: one word at 0 boxed over the rest of the
// line and down over the next two rows (tune-office-ukai page 3: "ee" over 17 glyphs of 楷体).
// Its text fills more than half its ink, and its box is as tall as a heading's; it is lost all
// the same, and the region read again is its own row.
TEST(InkFit, ALineWithABlotOverItsEndIsLost) {
  const auto [spec, gray, page] = SixLinesRead([](const testing::TextPageSpec& spec) {
    OcrLine line = ReadAsDrawn(spec, 2, 19);
    const Box& last = line.words.back().box;
    line.words.push_back(OcrWord{.text = "ee",
                                 .box = {last.Right() + 4, last.y, 10 * spec.glyph_px, 3 * spec.glyph_px},
                                 .confidence = 0});
    line.RebuildFromWords();
    return line;
  });
  const std::vector<LostLine> lost = FindLostLines(gray, page, LostLineOptions{});
  ASSERT_EQ(lost.size(), 1u);
  const Box& region = lost[0].region.box;
  const Box& row = page.blocks[2].lines[0].words.front().box;
  EXPECT_LT(region.height, 1.5 * spec.glyph_px);
  EXPECT_LT(std::abs(region.y - row.y), spec.glyph_px / 2);
  EXPECT_GT(region.width, 28 * spec.glyph_px);
  const Box& whole = page.blocks[2].lines[0].box;  // the line it replaces: blot and all
  EXPECT_EQ(lost[0].region.replaces->height, whole.height);
  EXPECT_EQ(lost[0].region.replaces->width, whole.width);
}

// A body line OCR read as two Latin letters at 11, boxed over its own row and the rows above and
// below (tune-degraded-200-ukai page 2: "Te" over 29 glyphs of 楷体, 115 px tall over 40 px
// glyphs): lost, measured at the body's glyph, and read again in its own row only.
TEST(InkFit, ALineOcrGuessedOverThreeRowsIsLostInItsOwnRow) {
  const auto [spec, gray, page] = SixLinesRead([](const testing::TextPageSpec& spec) {
    const Box row = ReadAsDrawn(spec, 2, 30).box;
    const int step = static_cast<int>(spec.glyph_px * spec.line_spacing);
    const Box guess{row.x + 20, row.y - step + 10, row.width - 40, 2 * step + row.height - 20};
    return OcrLine{.text = "Te", .box = guess, .confidence = 11,
                   .words = {OcrWord{.text = "Te", .box = guess, .confidence = 11}}};
  });
  const std::vector<LostLine> lost = FindLostLines(gray, page, LostLineOptions{});
  ASSERT_EQ(lost.size(), 1u);
  const Box& region = lost[0].region.box;
  const Box drawn = ReadAsDrawn(spec, 2, 30).box;
  EXPECT_NEAR(lost[0].region.glyph_px, spec.glyph_px, 0.2 * spec.glyph_px);
  EXPECT_LT(region.height, 1.5 * spec.glyph_px);
  EXPECT_LT(std::abs((region.y + region.height / 2) - (drawn.y + drawn.height / 2)), spec.glyph_px / 2);
}

// A body line OCR read at 92 but past a stretch of it: 11 characters of 30 not read between two
// words (tune-office-ukai page 3: "积极推动构建“[规范化场站+标准化配送”]体系", the line still
// filling more than half its ink). The stretch is ink no word covers: the line is lost.
TEST(InkFit, ALineWithAHoleOfUnreadInkBetweenItsWordsIsLost) {
  const auto [spec, gray, page] = SixLinesRead([](const testing::TextPageSpec& spec) {
    OcrLine line = ReadAsDrawn(spec, 2, 30);
    line.words.erase(line.words.begin() + 10, line.words.begin() + 21);
    line.RebuildFromWords();
    return line;
  });
  const std::vector<LostLine> lost = FindLostLines(gray, page, LostLineOptions{});
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].region.replaces->y, page.blocks[2].lines[0].box.y);
  EXPECT_GT(lost[0].ink.Fit(), LostLineOptions{}.short_fit) << "not lost for its fit alone";
  EXPECT_NEAR(lost[0].hole_cells, 11, 2);
}

// The same stretch under a word OCR read at 0 ("，" boxed over six glyphs of “一乡镇一瓶库”):
// the blot covers nothing. Read at 92, the word would cover it, and the line is not lost.
TEST(InkFit, AWordReadAtZeroCoversNoInk) {
  for (const float confidence : {0.0f, 92.0f}) {
    const auto [spec, gray, page] = SixLinesRead([&](const testing::TextPageSpec& spec) {
      OcrLine line = ReadAsDrawn(spec, 2, 30);
      const Box from = line.words[10].box;
      const Box to = line.words[15].box;
      line.words.erase(line.words.begin() + 10, line.words.begin() + 16);
      line.words.insert(line.words.begin() + 10,
                        OcrWord{.text = "，",
                                .box = {from.x, from.y, to.Right() - from.x, from.height},
                                .confidence = confidence});
      line.RebuildFromWords();
      return line;
    });
    EXPECT_EQ(FindLostLines(gray, page, LostLineOptions{}).size(), confidence < 40 ? 1u : 0u)
        << confidence;
  }
}

// A line read whole has no hole, and neither has one set letter-spaced: its gaps hold no ink.
TEST(InkFit, WhiteBetweenWordsIsNoHole) {
  testing::TextPageSpec spec;
  spec.lines = {"办公室", "徐佳琪"};
  spec.height = 400;
  const cv::Mat gray = testing::DrawTextPage(spec);
  OcrPage page{.width = gray.cols, .height = gray.rows};
  // Both drawn lines read as one line of the first row, the second far to the right (where
  // no ink is): no word covers the stretch between them, and it is white.
  OcrLine line = ReadAsDrawn(spec, 0, 3);
  for (OcrWord word : line.words) {
    word.box.x += 12 * spec.glyph_px;
    line.words.push_back(word);
  }
  line.RebuildFromWords();
  page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
  page.blocks.push_back(OcrBlock{.box = line.box, .lines = {ReadAsDrawn(spec, 1, 3)}});
  for (const LostLine& lost : FindLostLines(gray, page, LostLineOptions{})) {
    EXPECT_LT(lost.hole_cells, LostLineOptions{}.hole_cells) << lost.region.box.x;
  }
  const auto [spec6, gray6, page6] = SixLinesRead(
      [](const testing::TextPageSpec& spec) { return ReadAsDrawn(spec, 2, 30); });
  EXPECT_TRUE(FindLostLines(gray6, page6, LostLineOptions{}).empty());
}

// Ink under another line's words is no hole, even where that line's box reaches over this one's
// start (so that this line's row is widened over it): a contents page's column name read as a
// line of its own beside its title ("要闻速递" before "拱墅区：梓桐镇…", read again as one line
// "要闻速递”拱墅区…" and the column name lost to the parser).
TEST(InkFit, AnotherLinesWordsBesideALineAreNoHole) {
  const auto [spec, gray, page] = SixLinesRead([](const testing::TextPageSpec& spec) {
    return ReadAsDrawn(spec, 2, 30);
  });
  OcrPage split = page;
  const OcrLine whole = page.blocks[2].lines[0];
  OcrLine name = whole, title = whole;
  name.words.assign(whole.words.begin(), whole.words.begin() + 4);
  title.words.assign(whole.words.begin() + 4, whole.words.end());
  name.RebuildFromWords();
  title.RebuildFromWords();
  name.box.width += spec.glyph_px;  // over the title's first character
  split.blocks[2].lines = {name};
  split.blocks.insert(split.blocks.begin() + 3, OcrBlock{.box = title.box, .lines = {title}});
  for (const LostLine& lost : FindLostLines(gray, split, LostLineOptions{})) {
    ADD_FAILURE() << "lost: " << lost.region.replaces->x << " hole " << lost.hole_cells;
  }
}

// A body line whose word boxes OCR drew half as tall again as its glyphs (a degraded 楷体
// page's 将该项 boxed 59 px over 40 px of ink) is measured at the body's glyph, by its ink; a
// heading drawn larger, at its own.
TEST(InkFit, ALineOfTallBoxesOverBodyGlyphsIsMeasuredByItsInk) {
  const auto [spec, gray, page] = SixLinesRead([](const testing::TextPageSpec& spec) {
    OcrLine line = ReadAsDrawn(spec, 2, 30);
    for (auto& word : line.words) {
      word.box.y -= spec.glyph_px / 2;
      word.box.height += spec.glyph_px / 2;
    }
    line.RebuildFromWords();
    return line;
  });
  const OcrLine& tall = page.blocks[2].lines[0];
  const cv::Mat ink = InkMask(gray, spec.glyph_px);
  EXPECT_GT(LineGlyph(tall, spec.glyph_px), 1.3 * spec.glyph_px) << "by its boxes alone";
  EXPECT_DOUBLE_EQ(LineGlyph(tall, spec.glyph_px, ink), spec.glyph_px);

  testing::TextPageSpec large;
  large.lines = {"多措并举助力打造青年留杭第一区"};
  large.glyph_px = 64;
  large.height = 400;
  const cv::Mat heading = testing::DrawTextPage(large);
  const OcrLine title = ReadAsDrawn(large, 0, 15);
  EXPECT_NEAR(LineGlyph(title, spec.glyph_px, InkMask(heading, spec.glyph_px)), 64, 10);
}

// A line lost for a hole is replaced only by a reading that fits its ink better than the page's
// own, or that fills half the hole more (the ink of "一" and quotes measures short): not by one
// that reads no more of it.
TEST(InkFit, AReadingReplacesALineWithAHoleOnlyWhenItFillsIt) {
  const LostLineOptions options;
  const OcrPage own = Reading("动，民生工程落地，为群众拧紧燃气“安全", 89);  // 19 cells
  const OcrPage whole = Reading("动“一乡镇一瓶库”民生工程落地，为群众拧紧燃气“安全", 90);  // 26
  const OcrPage same = Reading("动，民生工程落地，为群众拧紧燃气“安金", 92);
  // Ink measured at 21 cells: the whole reading fits it worse (26/21) than the page's own.
  EXPECT_EQ(ChooseFittingReading({own, whole}, 21, options), 0u);
  EXPECT_EQ(ChooseFittingReading({own, whole}, 21, options, 3.4), 1u);
  EXPECT_EQ(ChooseFittingReading({own, same}, 21, options, 3.4), 0u);
  // Ink measured right (27 cells): it fits better, hole or not.
  EXPECT_EQ(ChooseFittingReading({own, whole}, 27, options), 1u);
}

}  // namespace
}  // namespace qikan
