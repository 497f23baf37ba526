#include "stages/quotes.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "models/text.h"

namespace qikan {
namespace {

std::u32string U(std::string_view utf8) { return ToU32(utf8); }

TEST(Quotes, UnpairedQuotesAreFoundOnTheLine) {
  EXPECT_FALSE(QuotesUnpaired(U("筑牢燃气“安全网”临安区")));
  EXPECT_FALSE(QuotesUnpaired(U("人大常委会聚焦营商环境")));
  EXPECT_TRUE(QuotesUnpaired(U("筑牢燃气“安全网临安区")));      // a closing quote lost
  EXPECT_TRUE(QuotesUnpaired(U("推动代表围绕三推两助”工作")));  // an opening one lost
  EXPECT_TRUE(QuotesUnpaired(U("办公室”楼倩倩”周文斌")));      // two closing
  EXPECT_TRUE(QuotesUnpaired(U("“淳味工坊“青屿创客营”")));     // two opening
}

// The page reading dropped the closing quote before 。; the line read alone holds it (and reads
// 足 as 尼: that is not taken).
TEST(Quotes, AClosingQuoteTheLineLeftOpenIsTakenFromTheNewReading) {
  const auto marks =
      MissingQuotes(U("二是完善机制“破痛点。立足企业"), U("二是完善机制“破痛点”。立尼企业"));
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0].before, 10u);
  EXPECT_EQ(marks[0].mark, U'”');
  // The other model reads the mark turned; the place decides its direction.
  const auto turned = MissingQuotes(U("服务“双提升。坚持"), U("服务“双提升“。坚持"));
  ASSERT_EQ(turned.size(), 1u);
  EXPECT_EQ(turned[0].mark, U'”');
  EXPECT_EQ(turned[0].before, 6u);
}

TEST(Quotes, AnOpeningQuoteBeforeAnUnopenedCloserIsTaken) {
  const auto marks = MissingQuotes(U("围绕三推两助”工作"), U("围绕“三推两助”工作"));
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0].before, 2u);
  EXPECT_EQ(marks[0].mark, U'“');
}

TEST(Quotes, NoMarkWhereTheLineDoesNotNeedOneOrTheNeighboursDiffer) {
  // The line's quotes pair already: a further mark is the new reading's own error.
  EXPECT_TRUE(MissingQuotes(U("“安全网”临安区"), U("“安全网”临”安区")).empty());
  // The characters after the place differ between the readings: no anchor.
  EXPECT_TRUE(MissingQuotes(U("“安全网临安区"), U("“安全网”監安区")).empty());
  // A quote that goes on to the next line, read alike: nothing to add.
  EXPECT_TRUE(MissingQuotes(U("上下联动，聚焦“工作体制"), U("上下联动，聚焦“工作体制")).empty());
  // Nothing at the line's ends: the mark may be the next column's, or the quote go on.
  EXPECT_TRUE(MissingQuotes(U("围绕构建“引"), U("围绕构建“引”")).empty());
  EXPECT_TRUE(MissingQuotes(U("推动审议”意见"), U("“推动审议”意见")).empty());
  // One opener is closed once, however many marks the new reading invents.
  EXPECT_EQ(MissingQuotes(U("“安全网临安区"), U("“安全网”临安”区")).size(), 1u);
}

// A mark whose place is known is a word of its own: the layout takes a word's ink from its box,
// and a share of "点”"'s box would leave white where 点 is printed.
TEST(Quotes, AMarkIsAWordOfItsOwnAndTheLineKeepsItsBox) {
  OcrLine line;
  int x = 100;
  for (const char* text : {"二是", "“破", "痛点", "。", "立足"}) {
    line.words.push_back({.text = text, .box = {x, 10, 60, 40}, .confidence = 90});
    x += 60;
  }
  line.RebuildFromWords();
  line.box = {90, 5, 900, 50};
  InsertMarks(line, {{.before = 6, .mark = U'”'}});
  EXPECT_EQ(line.text, "二是“破痛点”。立足");
  ASSERT_EQ(line.words.size(), 6u);
  EXPECT_EQ(line.words[2].text, "痛点");
  EXPECT_EQ(line.words[3].text, "”");
  // Between its neighbours' starts, where the layout orders words.
  EXPECT_GT(line.words[3].box.x, line.words[2].box.x);
  EXPECT_LE(line.words[3].box.x, line.words[4].box.x);
  EXPECT_EQ(line.box.width, 900);
  // An opening mark goes before the word it opens; inside a word, into its text.
  InsertMarks(line, {{.before = 2, .mark = U'“'}, {.before = 5, .mark = U'“'}});
  EXPECT_EQ(line.text, "二是““破痛“点”。立足");
  EXPECT_EQ(line.words[1].text, "“");
  EXPECT_GT(line.words[1].box.x, line.words[0].box.x);
  EXPECT_LE(line.words[1].box.x, line.words[2].box.x);
  EXPECT_EQ(line.words[3].text, "痛“点");
}

// A line of "characters" drawn on `gray` as black squares `width` wide and 40 tall from y 30,
// one at each x, each a word of its own.
OcrLine Squares(cv::Mat& gray, std::initializer_list<int> xs, int width) {
  OcrLine line;
  for (const int x : xs) {
    gray(cv::Rect(x, 30, width, 40)).setTo(0);
    line.words.push_back({.text = "字", .box = {x, 30, width, 40}, .confidence = 90});
  }
  line.RebuildFromWords();
  return line;
}

// Three "characters" (black squares, glyph 40): 20 px of white between the first two, 60 px
// between the last two. A mark goes between the first two, not into the wide white, unless a
// quote's ink stands in it.
TEST(Quotes, NoMarkInAPrintedGap) {
  cv::Mat gray(100, 400, CV_8UC1, cv::Scalar(255));
  const OcrLine line = Squares(gray, {20, 100, 220}, 60);
  EXPECT_FALSE(InAPrintedGap(gray, line, {.before = 1, .mark = U'”'}, 40));
  EXPECT_TRUE(InAPrintedGap(gray, line, {.before = 2, .mark = U'“'}, 40));
  gray(cv::Rect(175, 30, 10, 15)).setTo(0);  // a quote's ink in the white
  EXPECT_FALSE(InAPrintedGap(gray, line, {.before = 2, .mark = U'“'}, 40));
}

// A line of squares (glyph 40) with a wide white gap (160..260) between the second and the
// third; OCR read a quote in that white, a word of its own.
OcrLine SquaresWithAMarkInTheGap(cv::Mat& gray, std::string mark, std::string last = "字") {
  OcrLine line = Squares(gray, {20, 100, 260, 340}, 60);
  line.words.insert(line.words.begin() + 2,
                    OcrWord{.text = std::move(mark), .box = {195, 30, 20, 40}, .confidence = 60});
  line.words.back().text = std::move(last);
  line.RebuildFromWords();
  return line;
}

// chi_sim invents a quote in the white between a contents line's column name and its title
// ("立法动态  市人大…" read "立法动态”市人大…"), between an attribution's names. Where no quote's ink
// stands in the gap and the line's quotes pair without it, it goes; a quote printed there, or one
// the line's other quotes pair with, stays.
TEST(Quotes, AQuoteReadInTheWhiteOfAPrintedGapIsTakenOut) {
  cv::Mat gray(100, 500, CV_8UC1, cv::Scalar(255));
  OcrLine line = SquaresWithAMarkInTheGap(gray, "”");
  EXPECT_EQ(line.text, "字字”字字");
  EXPECT_EQ(DropQuotesInPrintedGaps(gray, line, 40), 1);
  EXPECT_EQ(line.text, "字字字字");
  EXPECT_EQ(line.words.size(), 4u);

  // The quote's ink in the gap, high in the row, its two strokes apart: it stays.
  cv::Mat printed(100, 500, CV_8UC1, cv::Scalar(255));
  OcrLine quoted = SquaresWithAMarkInTheGap(printed, "“", "”");
  printed(cv::Rect(228, 30, 5, 12)).setTo(0);
  printed(cv::Rect(236, 30, 5, 12)).setTo(0);
  EXPECT_TRUE(QuoteInkBetween(printed, quoted.box, quoted.words[1].box, quoted.words[3].box, 40));
  quoted.words.back().text = "字";  // unpaired: the line's closing quote lost
  quoted.RebuildFromWords();
  EXPECT_EQ(DropQuotesInPrintedGaps(printed, quoted, 40), 0);
  EXPECT_EQ(quoted.text, "字字“字字");
  // Ink as low in the row as a character's is no quote's.
  printed(cv::Rect(228, 50, 5, 15)).setTo(0);
  EXPECT_FALSE(QuoteInkBetween(printed, quoted.box, quoted.words[1].box, quoted.words[3].box, 40));

  // A quote in the gap that the line's other quote pairs with stays: "字字“字”" read whole.
  cv::Mat paired(100, 500, CV_8UC1, cv::Scalar(255));
  OcrLine opening = SquaresWithAMarkInTheGap(paired, "“", "”");
  EXPECT_EQ(DropQuotesInPrintedGaps(paired, opening, 40), 0);
  EXPECT_EQ(opening.text, "字字“字”");
  // A closing quote beside an opening one ("培育”“城乡", the line continuing a quote opened on
  // the page before): a pair of marks in a gap of their own, both stay.
  cv::Mat pair(100, 500, CV_8UC1, cv::Scalar(255));
  OcrLine marks = SquaresWithAMarkInTheGap(pair, "”");
  marks.words.insert(marks.words.begin() + 3, OcrWord{.text = "“", .box = {225, 30, 20, 40}});
  marks.words.back().text = "”";
  marks.RebuildFromWords();
  pair(cv::Rect(236, 30, 4, 12)).setTo(0);  // the opening quote's ink, right of its box's middle
  pair(cv::Rect(242, 30, 4, 12)).setTo(0);
  EXPECT_EQ(marks.text, "字字”“字”");
  EXPECT_EQ(DropQuotesInPrintedGaps(pair, marks, 40), 0);
  // A closing quote in the gap goes on from a quote the line before left open: it stays.
  OcrLine closing = SquaresWithAMarkInTheGap(paired, "”");
  EXPECT_EQ(DropQuotesInPrintedGaps(paired, closing, 40, /*opened_before=*/true), 0);
  EXPECT_EQ(closing.text, "字字”字字");
}

// A heading set larger: a quote's cell leaves white wider than a body glyph, and its ink is
// taller than a body quote's. The gap is measured at the row's own glyph: the quote stays.
TEST(Quotes, AQuoteOfALineSetLargerIsMeasuredByItsOwnGlyph) {
  cv::Mat gray(140, 600, CV_8UC1, cv::Scalar(255));
  OcrLine line;
  for (const int x : {20, 110, 270}) {
    gray(cv::Rect(x, 30, 70, 70)).setTo(0);  // glyphs 70 tall, the body's 40
    line.words.push_back({.text = "字", .box = {x, 30, 70, 70}, .confidence = 90});
  }
  // 80 px of white before the quote's ink (two strokes, 24 px tall: 0.6 of a body glyph).
  gray(cv::Rect(242, 30, 7, 24)).setTo(0);
  gray(cv::Rect(253, 30, 7, 24)).setTo(0);
  line.words.insert(line.words.begin() + 2, OcrWord{.text = "“", .box = {240, 30, 20, 70}});
  line.RebuildFromWords();
  EXPECT_EQ(line.text, "字字“字");
  EXPECT_EQ(DropQuotesInPrintedGaps(gray, line, 40), 0);
  EXPECT_EQ(line.text, "字字“字");
}

// A quote read at the start of a word in the gap (a line read across a gutter: "优化”全区" with
// "”全" one word): the word keeps its character's share of the box, not the white the mark was
// read in (the layout looks for the gutter between word boxes).
TEST(Quotes, AQuoteTakenOutOfAWordTakesItsShareOfTheBox) {
  cv::Mat gray(100, 500, CV_8UC1, cv::Scalar(255));
  OcrLine line = Squares(gray, {20, 100}, 60);
  gray(cv::Rect(260, 30, 60, 40)).setTo(0);
  line.words.push_back({.text = "”字", .box = {200, 30, 120, 40}, .confidence = 70});
  line.RebuildFromWords();
  EXPECT_EQ(DropQuotesInPrintedGaps(gray, line, 40), 1);
  ASSERT_EQ(line.words.size(), 3u);
  EXPECT_EQ(line.words[2].text, "字");
  EXPECT_EQ(line.words[2].box.x, 260);
  EXPECT_EQ(line.words[2].box.width, 60);

  // OCR's box of the word reaches over the next word: the word still starts before it.
  cv::Mat wide(100, 600, CV_8UC1, cv::Scalar(255));
  OcrLine over = Squares(wide, {20, 100}, 60);
  wide(cv::Rect(260, 30, 60, 40)).setTo(0);
  wide(cv::Rect(340, 30, 60, 40)).setTo(0);
  over.words.push_back({.text = "”字字", .box = {200, 30, 300, 40}, .confidence = 70});
  over.words.push_back({.text = "字", .box = {280, 30, 60, 40}, .confidence = 90});
  over.RebuildFromWords();
  EXPECT_EQ(DropQuotesInPrintedGaps(wide, over, 40), 1);
  EXPECT_EQ(over.text, "字字字字字");
  EXPECT_LT(over.words[2].box.x, over.words[3].box.x);
}

// Two quotes read in two gaps of an attribution ("办公室  楼倩倩  周文斌" read "办公室”楼倩倩“周文斌"):
// both go.
TEST(Quotes, QuotesReadInTheGapsBetweenNamesAreTakenOut) {
  cv::Mat gray(100, 600, CV_8UC1, cv::Scalar(255));
  OcrLine line = Squares(gray, {20, 180, 340}, 60);  // 100 px of white between each
  line.words.insert(line.words.begin() + 2, OcrWord{.text = "“", .box = {280, 30, 20, 40}});
  line.words.insert(line.words.begin() + 1, OcrWord{.text = "”", .box = {120, 30, 20, 40}});
  line.RebuildFromWords();
  EXPECT_EQ(line.text, "字”字“字");
  EXPECT_EQ(DropQuotesInPrintedGaps(gray, line, 40), 2);
  EXPECT_EQ(line.text, "字字字");
}

// "代表 · 局长" read "代表局长": a small round mark alone at the middle of the row, between two
// Han characters, is put back as a middle dot. A comma set as high (楷体's, taller than wide and
// larger), a full stop low in the row, or a dot with no Han character beside it is not.
TEST(MiddleDots, ADotAloneAtTheMiddleOfTheRowIsPutBack) {
  auto page_with = [](cv::Mat& gray, cv::Rect mark, std::vector<std::string> texts) {
    OcrLine line = Squares(gray, {20, 160, 240}, 60);  // 80 px of white between the first two
    for (size_t k = 0; k < texts.size(); ++k) line.words[k].text = texts[k];
    line.RebuildFromWords();
    gray(mark).setTo(0);
    OcrPage page{.width = gray.cols, .height = gray.rows};
    page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
    return page;
  };
  const std::vector<std::string> han = {"表", "局", "长"};
  cv::Mat gray(100, 400, CV_8UC1, cv::Scalar(255));
  OcrPage page = page_with(gray, cv::Rect(117, 48, 5, 5), han);
  EXPECT_EQ(PutBackMiddleDots(gray, page), 1);
  EXPECT_EQ(page.blocks[0].lines[0].text, "表·局长");

  cv::Mat comma(100, 400, CV_8UC1, cv::Scalar(255));
  page = page_with(comma, cv::Rect(116, 45, 8, 13), han);
  EXPECT_EQ(PutBackMiddleDots(comma, page), 0);
  cv::Mat stop(100, 400, CV_8UC1, cv::Scalar(255));
  page = page_with(stop, cv::Rect(117, 63, 5, 5), han);
  EXPECT_EQ(PutBackMiddleDots(stop, page), 0);
  cv::Mat digits(100, 400, CV_8UC1, cv::Scalar(255));
  page = page_with(digits, cv::Rect(117, 48, 5, 5), {"3", "5", "长"});
  EXPECT_EQ(PutBackMiddleDots(digits, page), 0);

  // The thick end of a serif 一 whose thin stroke a 150 dpi scan left grey: dark alone, but
  // joined to the stroke in the faint ink.
  cv::Mat serif(100, 400, CV_8UC1, cv::Scalar(255));
  page = page_with(serif, cv::Rect(117, 48, 5, 5), han);
  serif(cv::Rect(90, 49, 27, 3)).setTo(170);
  EXPECT_EQ(PutBackMiddleDots(serif, page), 0);

  // Read as another mark: that mark becomes the dot.
  cv::Mat read(100, 400, CV_8UC1, cv::Scalar(255));
  OcrLine line = Squares(read, {20, 160, 240}, 60);
  line.words[0].text = "表";
  line.words[1].text = "局";
  line.words[2].text = "长";
  line.words.insert(line.words.begin() + 1, OcrWord{.text = "'", .box = {110, 40, 12, 12}});
  line.RebuildFromWords();
  read(cv::Rect(117, 48, 5, 5)).setTo(0);
  OcrPage marked{.width = read.cols, .height = read.rows};
  marked.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
  EXPECT_EQ(PutBackMiddleDots(read, marked), 1);
  EXPECT_EQ(marked.blocks[0].lines[0].text, "表·局长");
}

// A title that starts with a quote read without it, one that ends with a quote read without
// it: the line read alone holds each mark at that end.
TEST(Quotes, AMarkAtALinesEndIsTakenWhereTheLineNeedsIt) {
  const auto opening = MissingEndQuotes(U("三张清单”推动审议意见质量提升"), U("“三张清单”推动审议意见质量提升"));
  ASSERT_EQ(opening.size(), 1u);
  EXPECT_EQ(opening[0].before, 0u);
  EXPECT_EQ(opening[0].mark, U'“');
  const auto closing = MissingEndQuotes(U("强化监督助推筑牢燃气“安全网"), U("强化监督助推筑牢燃气“安全网”"));
  ASSERT_EQ(closing.size(), 1u);
  EXPECT_EQ(closing[0].before, 14u);
  EXPECT_EQ(closing[0].mark, U'”');
  // The line's quotes pair: a mark at its end is the new reading's own.
  EXPECT_TRUE(MissingEndQuotes(U("“安全网”临安区"), U("“安全网”临安区”")).empty());
  // The line's last quote closes: no closing mark after it; its first opens: no opening one.
  EXPECT_TRUE(MissingEndQuotes(U("淳味工坊”青屿创客营"), U("淳味工坊”青屿创客营”")).empty());
  EXPECT_TRUE(MissingEndQuotes(U("上下联动，聚焦“工作体制"), U("“上下联动，聚焦“工作体制")).empty());
  // The characters beside the mark differ between the readings: no anchor.
  EXPECT_TRUE(MissingEndQuotes(U("围绕构建“引"), U("围绕构建“弓”")).empty());
}

// A line of three "characters" (black squares, glyph 40, from y 30); what stands after the last.
bool QuoteAfterLast(const cv::Rect& after) {
  cv::Mat gray(100, 400, CV_8UC1, cv::Scalar(255));
  const OcrLine line = Squares(gray, {20, 70, 120}, 40);
  if (!after.empty()) gray(after).setTo(0);
  return QuoteInkAtEnd(gray, line, {.before = 3, .mark = U'”'}, 40);
}

TEST(Quotes, OnlyAQuotesInkAtALinesEndMakesAMark) {
  EXPECT_TRUE(QuoteAfterLast(cv::Rect(165, 30, 12, 12)));   // a quote, high in its cell
  EXPECT_FALSE(QuoteAfterLast(cv::Rect()));                  // nothing: the quote goes on
  EXPECT_FALSE(QuoteAfterLast(cv::Rect(165, 30, 40, 40)));   // a character (the next column's)
  EXPECT_FALSE(QuoteAfterLast(cv::Rect(165, 48, 12, 4)));    // 一, in the middle of the row
  // The quote's ink in the last character's box (OCR boxed 网 over its quote): the ink is read.
  cv::Mat gray(100, 400, CV_8UC1, cv::Scalar(255));
  OcrLine line;
  gray(cv::Rect(20, 30, 40, 40)).setTo(0);
  gray(cv::Rect(65, 30, 12, 12)).setTo(0);
  line.words.push_back({.text = "安全网", .box = {20, 30, 40, 40}, .confidence = 90});
  line.words.push_back({.text = "网", .box = {65, 30, 12, 12}, .confidence = 41});
  line.RebuildFromWords();
  EXPECT_TRUE(QuoteInkAtEnd(gray, line, {.before = 4, .mark = U'”'}, 40));
  // At the start: a quote before the first character.
  gray(cv::Rect(0, 30, 14, 12)).setTo(0);
  EXPECT_TRUE(QuoteInkAtEnd(gray, line, {.before = 0, .mark = U'“'}, 40));
}

// An engine that counts the lines it is asked to read and reads each with the quote back.
class CountingEngine : public OcrEngine {
 public:
  OcrPage Recognize(const cv::Mat&, Segmentation) override {
    ++calls;
    return {};
  }
  int calls = 0;
};

// A quote that opens on one line of a block and closes on the next pairs across the wrap: neither
// line is read again. A line whose quote pairs with nothing is.
TEST(Quotes, AQuoteThatGoesOnAcrossAWrapSendsNoLineToBeReadAgain) {
  cv::Mat gray(400, 800, CV_8UC1, cv::Scalar(255));
  auto line_at = [](const std::string& text, int y) {
    OcrLine line;
    line.words.push_back({.text = text, .box = {20, y, 600, 40}, .confidence = 90});
    line.RebuildFromWords();
    return line;
  };
  OcrPage page{.width = 800, .height = 400};
  page.blocks.push_back(OcrBlock{.lines = {line_at("上下联动，聚焦“工作体制", 20), line_at("机制”落实和队伍建设", 80)}});
  CountingEngine engine;
  EXPECT_EQ(RepairQuotes(gray, 36, engine, RereadOptions{}, QuoteOptions{}, page), 0);
  EXPECT_EQ(engine.calls, 0);
  page.blocks.push_back(OcrBlock{.lines = {line_at("推动代表围绕三推两助”工作", 200)}});
  RepairQuotes(gray, 36, engine, RereadOptions{}, QuoteOptions{}, page);
  EXPECT_GT(engine.calls, 0);
}

// A full-width opening bracket read as a quote or a backslash: a closing bracket with no opening
// one before it closes the mark. A quote opened inside brackets closes before them, so the mark
// was the bracket.
TEST(Quotes, ABracketReadAsAQuoteIsGivenBackByTheBracketItOpens) {
  auto line_of = [](std::initializer_list<const char*> texts) {
    OcrLine line;
    int x = 100;
    for (const char* text : texts) {
      line.words.push_back({.text = text, .box = {x, 10, 60, 40}, .confidence = 90});
      x += 70;
    }
    line.RebuildFromWords();
    return line;
  };
  OcrLine masthead = line_of({"第", "13", "期", "“总", "第", "694", "期", ")"});
  EXPECT_EQ(MendBracketsReadAsQuotes(masthead), 1);
  EXPECT_EQ(masthead.text, "第13期(总第694期)");
  OcrLine backslash = line_of({"第3期", "\\总第", "720期", "）"});
  EXPECT_EQ(MendBracketsReadAsQuotes(backslash), 1);
  EXPECT_EQ(backslash.text, "第3期（总第720期）");
  // A line read across a gutter: the bracket closes in the next column, past white wider than
  // a glyph (tune2 structure t02 page 5, "构建“国" beside "…）").
  OcrLine across = line_of({"推动", "政府", "构建", "“国"});
  const OcrLine next = line_of({"中心", "）"});
  for (OcrWord word : next.words) {
    word.box.x += 600;
    across.words.push_back(word);
  }
  across.RebuildFromWords();
  EXPECT_EQ(MendBracketsReadAsQuotes(across), 0);
  EXPECT_EQ(across.text, "推动政府构建“国中心）");
  // Marks that are what they read: a bracket that opens on the line, a quote that closes
  // before the bracket, a quote too far back.
  for (OcrLine line : {line_of({"关于", "（", "“双标", "双带", "）"}),
                       line_of({"“双标双带”", "制度", "）"}),
                       line_of({"“", "一二三四五六七八九十", "一二三四五六七八", "）"})}) {
    const std::string before = line.text;
    EXPECT_EQ(MendBracketsReadAsQuotes(line), 0) << before;
    EXPECT_EQ(line.text, before);
  }
}

}  // namespace
}  // namespace qikan
