// Ink no OCR line covers, read on its own: when what was read goes into the page. Readings are
// written out by hand; the OCR itself is exercised in samples_test (recombined-10's "（研究室）").
#include "stages/reread.h"

#include <tuple>

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "models/text.h"

namespace qikan {
namespace {

OcrPage Reading(const std::vector<std::pair<std::string, float>>& words) {
  OcrLine line;
  int left = 40;
  for (const auto& [text, confidence] : words) {
    line.words.push_back(OcrWord{.text = text,
                                 .box = Box{.x = left, .y = 32, .width = 36, .height = 40},
                                 .confidence = confidence});
    left += 40;
    line.text += text;
  }
  line.box = Box{.x = 40, .y = 32, .width = left - 40, .height = 40};
  line.confidence = line.words.empty() ? 0 : line.words.front().confidence;
  return OcrPage{.width = left + 40, .height = 104,
                 .blocks = {OcrBlock{.box = line.box, .lines = {line}}}};
}

// chi_sim's two readings of the closing "（研究室）" of recombined-10 page 5, at 1.0 and 1.25 of
// the model's glyph height: the opening bracket fused with 研究 drags the mean below 50.
OcrPage AtOne() { return Reading({{"《研究", 12}, {"室", 93}, {")", 91}}); }
OcrPage AtOneQuarter() { return Reading({{"(研究", 30}, {"室", 93}, {")", 91}}); }

TEST(ConfirmedByAgreement, TwoSizesReadingTheSameCharactersAgreeWhateverTheBrackets) {
  EXPECT_TRUE(ConfirmedByAgreement(AtOne(), AtOneQuarter(), RereadOptions{}));
}

TEST(ConfirmedByAgreement, DifferentCharactersDoNotAgree) {
  EXPECT_FALSE(ConfirmedByAgreement(AtOne(), Reading({{"(研完", 30}, {"室", 93}, {")", 91}}),
                                    RereadOptions{}));
}

TEST(ConfirmedByAgreement, OneCharacterOrNoneIsNotEnough) {
  // Speckle and rules read as a stray mark or one character, the same at every size.
  EXPECT_FALSE(ConfirmedByAgreement(Reading({{"一", 40}}), Reading({{"一", 40}}), RereadOptions{}));
  EXPECT_FALSE(ConfirmedByAgreement(Reading({{"0", 40}, {")", 40}}),
                                    Reading({{"0", 40}, {")", 40}}), RereadOptions{}));
}

TEST(ConfirmedByAgreement, AReadingBelowTheFloorDoesNotCount) {
  RereadOptions options;
  options.confirm_confidence = 70;
  EXPECT_FALSE(ConfirmedByAgreement(AtOne(), AtOneQuarter(), options));
}

TEST(MergeRegion, UncoveredInkReadBelowTheThresholdIsKeptOnlyWhenConfirmed) {
  const RereadOptions options;
  const OcrPage read = AtOne();
  ASSERT_LT(read.MeanConfidence(), options.unread_confidence);
  RereadRegion region{.box = Box{.x = 1200, .y = 2000, .width = 240, .height = 50},
                      .glyph_px = 40};
  RegionImage cut{.factor = 1, .origin = cv::Point(1160, 1968)};

  OcrPage page{.width = 1654, .height = 2339};
  EXPECT_FALSE(MergeRegion(page, region, cut, read, options));
  EXPECT_TRUE(page.blocks.empty());

  region.confirmed = true;
  ASSERT_TRUE(MergeRegion(page, region, cut, read, options));
  ASSERT_EQ(page.blocks.size(), 1u);
  EXPECT_EQ(page.blocks[0].lines.at(0).text, "《研究室)");
  EXPECT_EQ(page.blocks[0].lines.at(0).box.x, 1200);  // back in page coordinates
}

// t22 of bench-structure's tune2 set, a three-column 1-bit page: a voted reading of an
// attribution's last line "赵晨曦》" read "赵晨曦}," with the "," at the margin's edge 100 px
// past the column; merged whole, the line reached into the margin and the page was read across
// its columns. Words outside `within` are left out, the rest cut to it.
TEST(MergeRegion, AReplacingReadingStaysWithinItsBounds) {
  OcrPage page = Reading({{"赵晨", 60}, {"曦》", 60}});  // the page's line: x 40..120
  const Box line = page.blocks[0].lines[0].box;
  OcrPage read = Reading({{"赵晨", 90}, {"曦}", 90}, {",", 90}});  // x 40..160 in the cut
  read.blocks[0].lines[0].words[1].box.width = 60;              // 曦} to 140, past the line
  read.blocks[0].lines[0].words[2].box.x = 150;                 // "," far past it
  const RereadRegion region{.box = line, .glyph_px = 40, .replaces = line, .confidence = 0,
                            .within = Box{.x = 20, .y = 12, .width = 120, .height = 80}};
  ASSERT_TRUE(MergeRegion(page, region, RegionImage{.factor = 1}, read, RereadOptions{}));
  const OcrLine& merged = page.blocks.at(0).lines.at(0);
  EXPECT_EQ(merged.text, "赵晨曦}");
  EXPECT_EQ(merged.box.Right(), 140);

  // Without bounds, the same reading reaches past them (what the vote did before).
  page = Reading({{"赵晨", 60}, {"曦》", 60}});
  RereadRegion unbounded = region;
  unbounded.within.reset();
  ASSERT_TRUE(MergeRegion(page, unbounded, RegionImage{.factor = 1}, read, RereadOptions{}));
  EXPECT_EQ(page.blocks.at(0).lines.at(0).text, "赵晨曦},");
}

// The line of the generated degraded seed's page 10: 自 read at 0 in the margin past the bracket.
OcrPage WithMarginMark() {
  OcrPage page = Reading({{"(钱塘", 93}, {"区", 74}, {"办公室", 93}, {"“", 55}, {"徐", 91},
                          {"佳", 92}, {"琪", 37}, {")", 92}});
  OcrLine& line = page.blocks[0].lines[0];
  line.words.push_back({.text = "自", .box = Box{.x = line.box.Right() + 170, .y = 20,
                                                .width = 60, .height = 80}, .confidence = 0});
  line.RebuildFromWords();
  page.blocks[0].box = line.box;
  return page;
}

TEST(DropStrayWords, AWordReadWithoutConfidenceFarPastTheLineIsTakenOut) {
  OcrPage page = WithMarginMark();
  ASSERT_EQ(page.blocks[0].lines[0].text, "(钱塘区办公室“徐佳琪)自");
  EXPECT_EQ(DropStrayWords(page, RereadOptions{}), 1);
  const OcrLine& line = page.blocks[0].lines[0];
  EXPECT_EQ(line.text, "(钱塘区办公室“徐佳琪)");
  EXPECT_EQ(line.box.Right(), line.words.back().box.Right());
  EXPECT_EQ(line.box.height, 40);  // the tall mark no longer stretches the line
  EXPECT_EQ(page.blocks[0].box.Right(), line.box.Right());
}

TEST(DropStrayWords, ADoubtfulWordCloseToItsLineOrAConfidentOneFarAwayStays) {
  // 琪 at 37 is doubtful but sits in the line: rereading, not deletion, is its cure.
  OcrPage page = WithMarginMark();
  page.blocks[0].lines[0].words.back().confidence = 60;  // a right-aligned date, say
  EXPECT_EQ(DropStrayWords(page, RereadOptions{}), 0);
  page = WithMarginMark();
  page.blocks[0].lines[0].words.back().box.x -= 150;  // 20 px past the bracket
  EXPECT_EQ(DropStrayWords(page, RereadOptions{}), 0);
}

OcrLine LineAt(int y, const std::vector<std::pair<std::string, float>>& words);

TEST(DropStrayWords, AWordInTheMarginIsAMarkUnlessReadConfidently) {
  // Page 13 of the generated degraded seed: 国 read at 56 on the dark edge, past the text area.
  OcrPage page{.width = 1654, .height = 2339};
  OcrBlock block;
  for (int y = 100; y < 600; y += 80) {
    block.lines.push_back(LineAt(y, {{"正文", 95}, {"一行", 95}, {"文字", 95}, {"读得", 95}}));
  }
  OcrLine attribution = LineAt(700, {{"（桐庐县", 91}, {"办公室", 90}, {"周", 91}, {"颖", 86}, {"）", 67}});
  attribution.words.push_back({.text = "国", .box = Box{.x = 600, .y = 690, .width = 62, .height = 60},
                               .confidence = 56});
  attribution.RebuildFromWords();
  block.lines.push_back(attribution);
  page.blocks.push_back(block);

  OcrPage confident = page;
  confident.blocks[0].lines.back().words.back().confidence = 85;
  EXPECT_EQ(DropStrayWords(confident, RereadOptions{}), 0);

  EXPECT_EQ(DropStrayWords(page, RereadOptions{}), 1);
  EXPECT_EQ(page.blocks[0].lines.back().text, "（桐庐县办公室周颖）");
}

// A line of words 40 px apart at height y, each {text, confidence}.
OcrLine LineAt(int y, const std::vector<std::pair<std::string, float>>& words) {
  OcrLine line;
  int left = 200;
  for (const auto& [text, confidence] : words) {
    line.words.push_back({.text = text, .box = Box{.x = left, .y = y, .width = 36, .height = 40},
                          .confidence = confidence});
    left += 40;
  }
  line.RebuildFromWords();
  return line;
}

TEST(FindLinesToReread, AGarbledStretchMakesAWellReadLineDoubtful) {
  const cv::Mat paper(1000, 1600, CV_8UC1, cv::Scalar(255));
  OcrPage page{.width = 1600, .height = 1000};
  OcrBlock block;
  block.lines.push_back(LineAt(100, {{"杭州市", 92}, {"人大", 92}, {"杭州市人大", 92}, {"常委会", 92}, {"研究室编", 92}, {"2025", 91},
                                     {"年", 91}, {"了", 76}, {"滔", 0}, {"-车", 10}, {"月", 71}}));
  block.lines.push_back(LineAt(200, {{"（钱塘", 93}, {"办公室", 93}, {"徐", 91}, {"佳", 92},
                                     {"琪", 37}, {"）", 92}}));
  for (int y = 300; y < 800; y += 80) {
    block.lines.push_back(LineAt(y, {{"正文", 95}, {"一行", 95}, {"文字", 95}, {"读得", 95}}));
  }
  page.blocks.push_back(block);
  ASSERT_GE(page.blocks[0].lines[0].confidence, RereadOptions{}.low_confidence);

  const std::vector<RereadRegion> regions = FindLinesToReread(paper, page, RereadOptions{});
  ASSERT_EQ(regions.size(), 1u);
  ASSERT_TRUE(regions[0].replaces.has_value());
  EXPECT_EQ(regions[0].replaces->y, 100);  // the masthead line; one doubtful word alone is not
}

// A doubtful line of the left column, its box only part of its ink: widened to the ink of its
// row, but not over the gutter into the next column's line on the same row (read well, a line
// of its own), which a reread of the whole row would read a second time.
TEST(FindLinesToReread, ADoubtfulLineIsWidenedToItsOwnColumnOnly) {
  cv::Mat paper(400, 1200, CV_8UC1, cv::Scalar(255));
  // Two columns of ink on one row, 40 px apart (a gutter narrower than the gaps bridged).
  for (int x = 200; x < 960; x += 40) {
    if (x != 560) cv::rectangle(paper, cv::Rect(x, 100, 36, 40), cv::Scalar(0), cv::FILLED);
  }
  OcrLine left;
  for (int x = 200; x < 400; x += 40) {
    left.words.push_back({.text = "字", .box = Box{.x = x, .y = 100, .width = 36, .height = 40},
                          .confidence = 20});
  }
  left.RebuildFromWords();
  OcrLine right;
  for (int x = 600; x < 960; x += 40) {
    right.words.push_back({.text = "文", .box = Box{.x = x, .y = 100, .width = 36, .height = 40},
                           .confidence = 95});
  }
  right.RebuildFromWords();
  OcrPage page{.width = 1200, .height = 400};
  page.blocks.push_back(OcrBlock{.box = left.box, .lines = {left}});
  page.blocks.push_back(OcrBlock{.box = right.box, .lines = {right}});

  const std::vector<RereadRegion> regions = FindLinesToReread(paper, page, RereadOptions{});
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].box.x, 200);
  EXPECT_GE(regions[0].box.Right(), 556);  // the rest of its own column's ink
  EXPECT_LE(regions[0].box.Right(), 600);  // none of the next column's
}

// A line of body glyphs (36 x 40 px, 40 px apart) from x = 200, `read` of them read by OCR
// (its words' boxes over them, each a character of `text`), the rest printed after.
struct LineEndPage {
  cv::Mat paper = cv::Mat(400, 1200, CV_8UC1, cv::Scalar(255));
  OcrPage page{.width = 1200, .height = 400};
  LineEndPage(int printed, int read, const std::u32string& text = U"一二三四五六七八九十") {
    for (int i = 0; i < printed; ++i) {
      cv::rectangle(paper, cv::Rect(200 + 40 * i, 100, 36, 40), cv::Scalar(0), cv::FILLED);
    }
    OcrLine line;
    for (int i = 0; i < read; ++i) {
      line.words.push_back({.text = ToUtf8(text.substr(static_cast<size_t>(i), 1)),
                            .box = Box{.x = 200 + 40 * i, .y = 100, .width = 36, .height = 40},
                            .confidence = 96});
    }
    line.RebuildFromWords();
    page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
  }
};

// tune2 t03: "（拱墅区人大常委会办公" read at 96 with 室 printed after it; tune clean-3col-ukai:
// "政府加大燃气安全整治" with 力 after it.
TEST(FindLostLineEnds, AGlyphJustPastALinesEndIsReadAgainWithTheLine) {
  LineEndPage printed(10, 9);
  const std::vector<RereadRegion> regions = FindLostLineEnds(printed.paper, printed.page, RereadOptions{});
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_TRUE(regions[0].extends);
  EXPECT_EQ(regions[0].box.x, 200);
  EXPECT_GE(regions[0].box.Right(), 596);
  EXPECT_LE(regions[0].box.Right(), 600);
  ASSERT_TRUE(regions[0].replaces);
  EXPECT_EQ(regions[0].replaces->Right(), 556);
}

TEST(FindLostLineEnds, MoreTextARuleOrAGlyphFarAwayIsNoLostEnd) {
  LineEndPage more(12, 9);  // three glyphs past the end: text OCR read elsewhere, or not at all
  EXPECT_TRUE(FindLostLineEnds(more.paper, more.page, RereadOptions{}).empty());
  LineEndPage rule(9, 9);  // a gutter's rule beside the line
  cv::rectangle(rule.paper, cv::Rect(566, 40, 3, 200), cv::Scalar(0), cv::FILLED);
  EXPECT_TRUE(FindLostLineEnds(rule.paper, rule.page, RereadOptions{}).empty());
  LineEndPage far(9, 9);  // the next column, a gutter away
  cv::rectangle(far.paper, cv::Rect(600, 100, 36, 40), cv::Scalar(0), cv::FILLED);
  EXPECT_TRUE(FindLostLineEnds(far.paper, far.page, RereadOptions{}).empty());
  LineEndPage whole(10, 10);
  EXPECT_TRUE(FindLostLineEnds(whole.paper, whole.page, RereadOptions{}).empty());
}

// Three rows of ten glyphs (36 px, rows 60 px apart); OCR read the first and the third in line
// boxes that reach over the leading into the second, which it did not read at all (tune
// degraded-200-ukai page 4: "开展，切实推进全区“三农”工作。" between a line boxed 89 px tall
// and an attribution boxed 114 px, over 40 px glyphs). The second row is ink no line covers.
TEST(FindUnreadText, ARowBetweenTwoLinesBoxedTallIsUnreadInk) {
  cv::Mat paper(400, 1000, CV_8UC1, cv::Scalar(255));
  OcrPage page{.width = 1000, .height = 400};
  for (const int row : {100, 160, 220}) {
    for (int i = 0; i < 10; ++i) {
      cv::rectangle(paper, cv::Rect(200 + 40 * i, row, 36, 36), cv::Scalar(0), cv::FILLED);
    }
  }
  for (const auto& [row, box_top, box_bottom] : {std::tuple{100, 100, 175}, std::tuple{220, 180, 256}}) {
    OcrLine line;
    for (int i = 0; i < 10; ++i) {
      line.words.push_back({.text = "字", .box = Box{.x = 200 + 40 * i, .y = row, .width = 36, .height = 36},
                            .confidence = 92});
    }
    line.RebuildFromWords();
    line.box.y = box_top;
    line.box.height = box_bottom - box_top;
    page.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
  }
  const std::vector<RereadRegion> regions = FindUnreadText(paper, page, RereadOptions{});
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_NEAR(regions[0].box.y + regions[0].box.height / 2, 178, 8);
  EXPECT_GE(regions[0].box.width, 380);
  // Its glyph is the row's ink's height (session 30; from e54dad6 to then the grouping's,
  // over 40 px here).
  EXPECT_EQ(regions[0].glyph_px, 36);
}

TEST(MergeRegion, ALineReadAgainOverItsLostEndKeepsTheReadingThatAddsItsGlyph) {
  const RereadOptions options;
  LineEndPage printed(10, 9);
  const RereadRegion region = FindLostLineEnds(printed.paper, printed.page, options).at(0);
  const RegionImage cut{.factor = 1, .origin = cv::Point(0, 0)};
  auto reading = [](const std::u32string& text, float last_confidence) {
    LineEndPage read(10, static_cast<int>(text.size()), text);
    read.page.blocks[0].lines[0].words.back().confidence = last_confidence;
    return read.page;
  };
  // The line as before and a character more, read with confidence.
  OcrPage page = printed.page;
  ASSERT_TRUE(MergeRegion(page, region, cut, reading(U"一二三四五六七八九十", 90), options));
  EXPECT_EQ(page.blocks.at(0).lines.at(0).text, "一二三四五六七八九十");
  // Not kept: the new character read doubtfully, the line read otherwise, or nothing added.
  page = printed.page;
  EXPECT_FALSE(MergeRegion(page, region, cut, reading(U"一二三四五六七八九十", 30), options));
  EXPECT_FALSE(MergeRegion(page, region, cut, reading(U"一二三甲乙丙七八九十", 90), options));
  EXPECT_FALSE(MergeRegion(page, region, cut, reading(U"一二三四五六七八九", 99), options));
  EXPECT_EQ(page.blocks.at(0).lines.at(0).text, "一二三四五六七八九");
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

// A cut of a line of `cells` square glyphs (36 px, as CutRegion scales them) on a white margin,
// `gap` px apart.
RegionImage SpacedCut(int cells, int gap) {
  const int glyph = 36, margin = 32;
  RegionImage cut;
  cut.image = cv::Mat(glyph + 2 * margin, 2 * margin + cells * glyph + (cells - 1) * gap, CV_8UC1,
                      cv::Scalar(255));
  for (int i = 0; i < cells; ++i) {
    cv::rectangle(cut.image, cv::Rect(margin + i * (glyph + gap) + 4, margin, glyph - 8, glyph),
                  cv::Scalar(0), cv::FILLED);
  }
  cut.factor = 0.5;  // the page's glyphs were 72 px
  cut.origin = cv::Point(1000, 500);
  return cut;
}

TEST(CloseWideGaps, ALetterSpacedShortLineIsSetSolidAndItsBoxesMapBackOverTheGaps) {
  const RegionImage spaced = SpacedCut(4, 60);  // "（普    刊）": gaps of 1.7 glyphs
  const auto closed = CloseWideGaps(spaced, 36);
  ASSERT_TRUE(closed.has_value());
  // Each gap of 60 + 8 px closes to a quarter glyph (9 px): 3 * (68 - 9) columns fewer.
  EXPECT_EQ(closed->image.cols, spaced.image.cols - 3 * (68 - 9));
  EXPECT_EQ(closed->image.rows, spaced.image.rows);
  // The glyphs' ink stands at cut x 36, 132, 228, 324 (28 px wide); closed, at 36, 73, 110, 147.
  // The third glyph's box in the closed cut maps back to where it stands on the page.
  const Box third{.x = 110, .y = 32, .width = 28, .height = 36};
  const Box on_page = ToPage(*closed, third);
  EXPECT_EQ(on_page.x, 1000 + 2 * 228);
  EXPECT_EQ(on_page.width, 2 * 28);
  EXPECT_EQ(on_page.y, 500 + 2 * 32);
  // A box over the second and third glyphs spans the gap between them again.
  const Box both{.x = 73, .y = 32, .width = 110 + 28 - 73, .height = 36};
  EXPECT_EQ(ToPage(*closed, both).width, 2 * (96 + 28));
}

TEST(CloseWideGaps, ANarrowPieceOfInkTheCropCutsAtItsEdgeIsNotPartOfTheLine) {
  // Three glyphs set wide apart, and at the crop's left edge the last stroke of a character of
  // the next column over (the crop starts inside it).
  RegionImage cut;
  cut.margin = 32;
  cut.image = cv::Mat(100, 400, CV_8UC1, cv::Scalar(255));
  cv::rectangle(cut.image, cv::Rect(32, 32, 6, 36), cv::Scalar(0), cv::FILLED);
  for (int x : {80, 180, 280}) {
    cv::rectangle(cut.image, cv::Rect(x, 32, 28, 36), cv::Scalar(0), cv::FILLED);
  }
  const auto closed = CloseWideGaps(cut, 36);
  ASSERT_TRUE(closed.has_value());
  int stroke_columns = 0;
  for (size_t i = 0; i < closed->columns.size(); ++i) {
    if (closed->columns[i] < 32 || closed->columns[i] >= 38) continue;
    ++stroke_columns;
    EXPECT_EQ(cv::countNonZero(255 - closed->image.col(static_cast<int>(i))), 0) << i;
  }
  EXPECT_GT(stroke_columns, 0);
}

TEST(CloseWideGaps, LinesSetSolidOrLongAreLeftAlone) {
  EXPECT_FALSE(CloseWideGaps(SpacedCut(6, 4), 36).has_value());    // set solid
  EXPECT_FALSE(CloseWideGaps(SpacedCut(14, 30), 36).has_value());  // a body line's spacing
  EXPECT_FALSE(CloseWideGaps(SpacedCut(8, 40), 36).has_value());   // too many glyphs
  // The white after full-width commas (under a glyph): a short line of a column set solid.
  EXPECT_FALSE(CloseWideGaps(SpacedCut(5, 20), 36).has_value());
  // Glyphs set solid with one wide gap (a short line and a mark of the next column beside it).
  RegionImage solid_and_mark = SpacedCut(4, 2);
  cv::Mat wider(solid_and_mark.image.rows, solid_and_mark.image.cols + 80, CV_8UC1, cv::Scalar(255));
  solid_and_mark.image.copyTo(wider(cv::Rect(0, 0, solid_and_mark.image.cols, wider.rows)));
  cv::rectangle(wider, cv::Rect(wider.cols - 60, 32, 30, 36), cv::Scalar(0), cv::FILLED);
  solid_and_mark.image = wider;
  EXPECT_FALSE(CloseWideGaps(solid_and_mark, 36).has_value());
  EXPECT_FALSE(CloseWideGaps(SpacedCut(1, 0), 36).has_value());    // one glyph
  // Without the gaps closed, a cut maps linearly.
  const RegionImage plain = SpacedCut(2, 4);
  EXPECT_EQ(ToPage(plain, Box{.x = 10, .y = 0, .width = 20, .height = 8}).x, 1000 + 20);
}


// The tail of an attribution, "斌  王晓燕  俞  斌）": glyphs set solid between padded names. Only
// with `every_gap` are its wide gaps closed, each to a quarter glyph, and its boxes map back.
TEST(CloseWideGaps, EveryGapClosesAnAttributionsPaddedNamesAmongGlyphsSetSolid) {
  const int glyph = 36, margin = 32;
  const std::vector<int> lefts = {0, 80, 118, 156, 236, 316, 354};  // 斌 | 王晓燕 | 俞 | 斌）
  RegionImage cut;
  cut.image = cv::Mat(glyph + 2 * margin, 2 * margin + 354 + glyph, CV_8UC1, cv::Scalar(255));
  for (const int left : lefts) {
    cv::rectangle(cut.image, cv::Rect(margin + left + 2, margin, glyph - 4, glyph), cv::Scalar(0), cv::FILLED);
  }
  cut.origin = cv::Point(1000, 500);
  EXPECT_FALSE(CloseWideGaps(cut, glyph).has_value());  // seven cells, not all apart
  const auto closed = CloseWideGaps(cut, glyph, CloseGapsOptions{.every_gap = true});
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->image.cols, cut.image.cols - 3 * (44 + 4 - 9));  // three gaps of 48 px to 9
  // The last glyph's box in the closed cut maps back to where it is printed.
  const int last = closed->image.cols - margin - glyph + 2;
  EXPECT_NEAR(ToPage(*closed, Box{.x = last, .y = margin, .width = 30, .height = glyph}).x,
              1000 + margin + 354 + 2, 1);
}

// A line of words at (x, y) and `height` tall, each `width` wide and set `step` apart.
OcrLine WordsAt(int x, int y, int width, int height, int step,
                const std::vector<std::pair<std::string, float>>& words) {
  OcrLine line;
  for (const auto& [text, confidence] : words) {
    line.words.push_back({.text = text, .box = Box{.x = x, .y = y, .width = width, .height = height},
                          .confidence = confidence});
    x += step;
  }
  line.RebuildFromWords();
  return line;
}

// tune2 t22 (bench-structure), a 1-bit page of three columns, as chi_sim read it: the heading
// "萧山区：梓桐镇…" (70 px glyphs) read fairly, one word boxed two rows tall, and over the lower
// third of the same ink three lines 13 px tall of garbage, one under each column's width.
OcrPage HeadingWithStrips() {
  OcrPage page{.width = 2127, .height = 3008};
  OcrLine heading = WordsAt(293, 1619, 68, 70, 80,
                            {{"前", 0}, {"梓", 86}, {"桐", 90}, {"镇", 97}, {"探索", 92},
                             {"开展", 97}, {"村", 97}, {"级", 97}, {"生起", 0}, {"文明", 95},
                             {"建设", 94}, {"情况", 93}, {"报", 92}});
  heading.words[1].box.height = 133;  // "[区" boxed down over the next row
  heading.RebuildFromWords();
  page.blocks.push_back(OcrBlock{.box = heading.box, .lines = {heading}});
  page.blocks.push_back(OcrBlock{.lines = {WordsAt(294, 1677, 290, 13, 335, {{"人", 50}, {"IE", 0}})}});
  page.blocks.push_back(OcrBlock{.lines = {WordsAt(917, 1677, 200, 13, 220, {{"人", 0}, {"全", 1}})}});
  for (auto& block : page.blocks) block.box = block.lines[0].box;
  return page;
}

TEST(DropLinesInsideLines, LinesReadSmallUnderALinesWordsGo) {
  OcrPage page = HeadingWithStrips();
  EXPECT_EQ(DropLinesInsideLines(page), 2);
  ASSERT_EQ(page.blocks.size(), 1u);
  EXPECT_EQ(page.blocks[0].lines.size(), 1u);
  EXPECT_EQ(page.blocks[0].lines[0].box.y, 1619);
}

TEST(DropLinesInsideLines, ASmallLineBesideALargeOneOrReadMoreSurelyStays) {
  // Beside the heading's words on its rows (an issue number beside a masthead's title).
  OcrPage page = HeadingWithStrips();
  page.blocks[1].lines[0] = WordsAt(1400, 1660, 40, 30, 45, {{"第", 90}, {"5", 60}, {"期", 60}});
  page.blocks[2].lines[0].words[0].confidence = 99;  // read more surely than the heading
  page.blocks[2].lines[0].words[1].confidence = 99;
  page.blocks[2].lines[0].RebuildFromWords();
  EXPECT_EQ(DropLinesInsideLines(page), 0);
  // Half the heading's height or more: a line of its own.
  page = HeadingWithStrips();
  for (auto& block : page.blocks) {
    for (auto& word : block.lines[0].words) word.box.height = std::max(word.box.height, 36);
    block.lines[0].RebuildFromWords();
  }
  EXPECT_EQ(DropLinesInsideLines(page), 0);
}

// The heading with its word boxed two rows tall is cut at its rows and read at their size:
// cut as boxed (133 px), it was read at half its size.
TEST(FindLinesToReread, ALargeLineIsCutAndScaledAtItsRows) {
  const cv::Mat paper(3008, 2127, CV_8UC1, cv::Scalar(255));
  OcrPage page = HeadingWithStrips();
  page.blocks.resize(1);
  for (int y = 1900; y < 2800; y += 56) {
    page.blocks.push_back(OcrBlock{.lines = {WordsAt(293, y, 38, 38, 42, {{"正", 95}, {"文", 95}, {"一", 95}, {"行", 95}})}});
  }
  page.blocks[0].lines[0].words[0].confidence = 97;  // read surely: large, not doubtful
  page.blocks[0].lines[0].words[8].confidence = 97;
  page.blocks[0].lines[0].RebuildFromWords();
  const std::vector<RereadRegion> regions = FindLinesToReread(paper, page, RereadOptions{});
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].box.y, 1619);
  EXPECT_EQ(regions[0].box.height, 70);
  EXPECT_EQ(regions[0].glyph_px, 70);
}

// A page with more doubtful lines than the bound: a heading read badly is among those read
// again, though it is the widest of them (smallest first, it was left out).
TEST(FindLinesToReread, AHeadingIsReadAgainBeforeMoreLinesOfBody) {
  const cv::Mat paper(3008, 2127, CV_8UC1, cv::Scalar(255));
  OcrPage page = HeadingWithStrips();
  page.blocks.resize(1);
  const RereadOptions options;
  for (int k = 0; k < options.max_regions + 8; ++k) {
    const float confidence = k < 8 ? 95 : 40;  // enough well-read lines to know the body by
    page.blocks.push_back(OcrBlock{.lines = {WordsAt(293, 1900 + 40 * k, 30, 30, 34,
                                                     {{"正", confidence}, {"文", confidence}, {"行", confidence}})}});
  }
  const std::vector<RereadRegion> regions = FindLinesToReread(paper, page, options);
  ASSERT_EQ(static_cast<int>(regions.size()), options.max_regions);
  EXPECT_TRUE(std::any_of(regions.begin(), regions.end(),
                          [](const RereadRegion& r) { return r.replaces && r.replaces->y == 1619; }));
  // Smallest first still: the heading, the largest, is read last.
  EXPECT_EQ(regions.back().replaces->y, 1619);
}

// A reading again of a strip takes out the lines inside it, not a line it is only a strip of.
TEST(MergeRegion, ALineTheRegionIsAStripOfIsNotTakenOut) {
  OcrPage page = HeadingWithStrips();
  const Box strip = page.blocks[1].lines[0].box;
  const RereadRegion region{.box = Box{.x = strip.x, .y = 1661, .width = strip.width, .height = 29},
                            .glyph_px = 56, .replaces = strip, .confidence = 25};
  const OcrPage read = Reading({{"页", 46}, {"LHI", 46}});
  ASSERT_TRUE(MergeRegion(page, region, RegionImage{.factor = 1, .origin = cv::Point(strip.x - 40, 1661 - 32)},
                          read, RereadOptions{}));
  int lines = 0;
  bool heading = false;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      ++lines;
      heading = heading || line.box.y == 1619;
    }
  }
  EXPECT_TRUE(heading);
  EXPECT_EQ(lines, 3);
}

}  // namespace
}  // namespace qikan
