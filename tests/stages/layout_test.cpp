// The layout (reading order, columns) on recorded OCR and on pages built from word boxes, no
// Tesseract involved.
#include "stages/layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <span>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/record.h"
#include "models/text.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

using testing::SourcePath;

OcrPage LoadPage(const std::string& relative) {
  std::ifstream in(SourcePath(relative));
  return nlohmann::json::parse(in).get<OcrPage>();
}

std::vector<const LayoutLine*> LinesOfPage(const IssueLayout& layout, int page) {
  std::vector<const LayoutLine*> lines;
  for (const auto& line : layout.lines) {
    if (line.page == page) lines.push_back(&line);
  }
  return lines;
}

const LayoutLine* Find(const std::vector<const LayoutLine*>& lines, const std::string& start) {
  for (const LayoutLine* line : lines) {
    if (line->text.rfind(start, 0) == 0) return line;
  }
  return nullptr;
}

size_t IndexOf(const std::vector<const LayoutLine*>& lines, const std::string& start) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i]->text.rfind(start, 0) == 0) return i;
  }
  return lines.size();
}

// --- pages built from word boxes: one word a character, as chi_sim reads print ----------------

constexpr int kGlyph = 30;   // px, the body glyph
constexpr int kPitch = 33;   // px from one character to the next
constexpr int kLeading = 52; // px from one line to the next

OcrLine BoxedLine(const std::string& utf8, int x, int y, int glyph = kGlyph) {
  OcrLine line{.text = utf8, .confidence = 92};
  const std::u32string text = ToU32(utf8);
  const int pitch = glyph + (kPitch - kGlyph);
  for (size_t k = 0; k < text.size(); ++k) {
    const Box box{.x = x + static_cast<int>(k) * pitch, .y = y, .width = glyph, .height = glyph};
    line.words.push_back(OcrWord{.text = ToUtf8(text.substr(k, 1)), .box = box, .confidence = 92});
    line.box = line.box.Union(box);
  }
  return line;
}

// A line of `count` characters of running text, different on every call.
std::string Prose(int count) {
  static const std::u32string kText =
      U"杭州市人大常委会围绕中心工作依法履职推动审议意见落实加强监督助力优化营商环境服务"
      U"人民群众深化代表联络站建设畅通民意表达渠道完善制度体系提升工作质量";
  static size_t at = 0;
  std::u32string out;
  for (int k = 0; k < count; ++k) out += kText[at++ % kText.size()];
  return ToUtf8(out);
}

OcrPage PageOf(std::vector<OcrLine> lines) {
  OcrPage page{.width = 1654, .height = 2339};
  for (auto& line : lines) page.blocks.push_back(OcrBlock{.box = line.box, .lines = {std::move(line)}});
  return page;
}

// Body text across the page above, so the page has a body glyph and a text width.
constexpr int kLeft = 200;
constexpr int kFullChars = 38;  // 38 * 33 - 3 = 1251 px: text from x 200 to 1451
std::vector<OcrLine> FullWidthParagraph(int y, int lines) {
  std::vector<OcrLine> out;
  for (int i = 0; i < lines; ++i) out.push_back(BoxedLine(Prose(kFullChars), kLeft, y + i * kLeading));
  return out;
}

// Two columns of 18 characters (594 px) with a 63 px gutter, read across the gutter as one line
// a row, as Tesseract reads a band only a few lines tall.
std::vector<OcrLine> TwoColumnRows(int y, int rows) {
  std::vector<OcrLine> out;
  const int right_x = kLeft + 18 * kPitch - 3 + 63;
  for (int i = 0; i < rows; ++i) {
    OcrLine left = BoxedLine(Prose(18), kLeft, y + i * kLeading);
    const OcrLine right = BoxedLine(Prose(18), right_x, y + i * kLeading);
    left.text += right.text;
    left.words.insert(left.words.end(), right.words.begin(), right.words.end());
    left.box = left.box.Union(right.box);
    out.push_back(std::move(left));
  }
  return out;
}

std::vector<int> Columns(const IssueLayout& layout) {
  std::vector<int> columns;
  for (const auto& line : layout.lines) columns.push_back(line.column);
  return columns;
}

// --- recorded OCR -------------------------------------------------------------------------------

// rec3-office-2col page 4: a brief's last 6 and 5 lines a side under the previous page's
// columns, then the colophon; Tesseract read every row of the band straight across the gutter
// (with specks in the gutter read as quote marks). The columns must come out one after the other,
// and the bracket OCR read as 〈 on the attribution's first line is mended by its partner on the
// next line of the column.
TEST(Layout, ShortTwoColumnBandReadAcrossTheGutterIsReadColumnByColumn) {
  const IssueLayout layout =
      AnalyzeLayout({LoadPage("tests/stages/layout_data/rec3-office-2col-p4.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const std::vector<std::string> left = {"（桐访县人大常委会办公室何静蒋", "丽华吴敏）",
                                         "滨江区人大常委会聚焦营商环境优化",
                                         "提升工作，为推动进一步制定完善《滨江",
                                         "区入企执法和服务标准（试行）》，了解",
                                         "产业形势、倾听企业诉求，邀请相关部门"};
  const std::vector<std::string> right = {"赴五大片区代表联络站，与人大代表、企",
                                          "业家代表面对面座谈。同时，组织企业家"};
  ASSERT_GE(lines.size(), left.size() + right.size());
  for (size_t i = 0; i < left.size(); ++i) {
    EXPECT_EQ(lines[i]->text, left[i]) << i;
    EXPECT_EQ(lines[i]->column, 1) << i;
  }
  for (size_t i = 0; i < right.size(); ++i) {
    EXPECT_EQ(lines[left.size() + i]->text, right[i]) << i;
    EXPECT_EQ(lines[left.size() + i]->column, 2) << i;
  }
  // The colophon below the band stays whole, in the full width, in print order.
  const LayoutLine* distribution = Find(lines, "市人大常委会组成人员");
  ASSERT_NE(distribution, nullptr);
  EXPECT_EQ(distribution->column, 0);
  EXPECT_EQ(distribution->text, "市人大常委会组成人员，市人大机关各部门，各区、县（市）人");
  EXPECT_LT(IndexOf(lines, "人运"), IndexOf(lines, "市人大常委会组成人员"));
  EXPECT_LT(IndexOf(lines, "市人大常委会组成人员"), IndexOf(lines, "大常委会"));
  EXPECT_LT(IndexOf(lines, "大常委会"), IndexOf(lines, "本期责任编辑"));
  EXPECT_NE(layout.page_texts[0].find("产业形势、倾听企业诉求，邀请相关部门\n赴五大片区"),
            std::string::npos);
}

// rec4-2col-office page 4: two briefs side by side, each attribution wrapping in its narrow
// column. OCR boxed most words of the right one's first line half as tall again as they are
// (JPEG blur): that line is still the right column's, not a piece of a heading across both.
TEST(Layout, TallBoxedAttributionBesideTheOtherColumnStaysInItsColumn) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/data/structure/rec4-2col-office/pages/0004.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t left_start = IndexOf(lines, "（富阳区人大常委会办公室");
  const size_t right_start = IndexOf(lines, "（滨江区人大第委会办公室");
  ASSERT_LT(left_start + 1, lines.size());
  ASSERT_LT(right_start + 1, lines.size());
  EXPECT_EQ(lines[left_start]->column, 1);
  EXPECT_EQ(lines[left_start + 1]->text, "晓燕”蒋丽华）");
  EXPECT_EQ(lines[right_start]->column, 2);
  EXPECT_EQ(lines[right_start + 1]->text, "佳，章晓东）");
  EXPECT_EQ(lines[right_start + 1]->column, 2);
  // The left column (its attribution included) is read before the right.
  EXPECT_LT(left_start + 1, IndexOf(lines, "滨江区人大常委会聚焦营商环境优化"));
}

// A colour-200 scan (samplegen --preset colour-200 --layout two-column --seed 9808, page 4): the
// tail of two briefs in a short band, 7 and 6 lines, which Tesseract read across the gutter. Show-
// through in the gutter was read on three of its rows ("。" at 3, "。〈" at 25, a "”" before the
// right column's "专业"): dirt, not marks of the text, so the gutter stands and the columns are
// read one after the other; the "”" no line of print starts with is taken off.
TEST(Layout, ShowThroughSpecksInTheGutterLeaveTheColumnsApart) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/colour-200-2col-showthrough-p4.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t left = IndexOf(lines, "局”等内容开展");
  const size_t right = IndexOf(lines, "赴五大片区代表联络站");
  ASSERT_LT(left, lines.size());
  ASSERT_LT(right, lines.size());
  EXPECT_EQ(lines[left]->column, 1);
  EXPECT_EQ(lines[right]->column, 2);
  EXPECT_EQ(right, left + 7);
  EXPECT_EQ(lines[right - 1]->text, "产业形势、倾听企业诉求，邀请相关部门");
  EXPECT_EQ(lines[right + 2]->text, "专业代表小组深度参与标准制定，为助推");
  EXPECT_EQ(lines[right + 2]->column, 2);
}

// A heading centred across both columns and as wide as both (colour-200, two columns, seed
// 9834 p2): a gap of its own letter spacing falls on the gutter, but its ink enters the gutter
// the rows below share, so it is one line across the page, not two column headings (the second
// read after the whole first column).
TEST(Layout, AHeadingAcrossBothColumnsWhoseInkEntersTheGutterStaysWhole) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/colour-200-2col-fullheading-p2.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t heading = IndexOf(lines, "市人大常委会依法行权");
  ASSERT_LT(heading + 1, lines.size());
  EXPECT_EQ(lines[heading]->text, "市人大常委会依法行权助力打造人工智能创新高地");
  EXPECT_EQ(lines[heading]->column, 0);
  EXPECT_EQ(lines[heading + 1]->text, "市人大常委会按照省委对省会城市");
  EXPECT_EQ(lines[heading + 1]->column, 1);
  const size_t right = IndexOf(lines, "策落实，发挥应有效应");
  ASSERT_LT(right, lines.size());
  EXPECT_EQ(lines[right]->column, 2);
  EXPECT_EQ(IndexOf(lines, "助力打造人工智能创新高地"), lines.size());
}

// A stacked contents page, its titles boxed apart by OCR at one place down the page (structure
// set dev, office, seed 9708 p1: 助 980-1011 and 推 1046-1077 where the ink of the two leaves
// a few pixels; a quote's white half between 清单 and ”推动). The column names alone on their
// lines leave that strip white too, and half the rows white in the ink made it a gutter: every
// title was read in two halves, the contents lost. Only rows with text on both sides of a strip
// say whether the ink leaves it white; the titles' ink does not.
TEST(Layout, ContentsTitlesBoxedApartUnderNamesAloneOnTheirLinesAreNoColumns) {
  const OcrPage page = LoadPage("tests/stages/layout_data/office-stacked-toc-p1.json");
  ASSERT_FALSE(page.ink.Empty());
  // (With the next page: the body's glyph, smaller than the contents', is the unit.)
  const IssueLayout layout = AnalyzeLayout(
      {page, LoadPage("tests/stages/layout_data/office-stacked-toc-p2.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  for (const std::string& title : {"临平区：“三张清单”推动审议意见质量提升",
                                   "富阳区：强化监督助推筑牢燃气“安全网”",
                                   "建德市：西兴街道“三维发力”助力优化营商环境"}) {
    const LayoutLine* line = Find(lines, title);
    ASSERT_NE(line, nullptr) << title;
    EXPECT_EQ(line->column, 0) << title;
  }
}

// A heading set flush left over two columns, a little larger and looser than the body
// (structure set order27, clean-300, seed 9961 p2): OCR's page reading parted it at the gutter's
// edge into two lines, and the white between two of its characters, 0.75 of the body's glyph,
// stood where the gutter of the columns above and below it stands. The band of columns above
// ran on through it into the next article's columns, and its halves were read as two column
// lines (page CER 28%). Its characters stand as far apart over the gutter as along the row: it
// is one line of the full width, and ends the band above.
TEST(Layout, AHeadingSpacedAcrossTheGutterEndsTheBandAboveIt) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/clean-300-2col-spaced-heading-p2.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t heading = IndexOf(lines, "多措并举助力打造");
  ASSERT_LT(heading + 1, lines.size());
  EXPECT_EQ(lines[heading]->text, "多措并举助力打造“青年留杭第一区”");
  EXPECT_EQ(lines[heading]->column, 0);
  // The columns above it are read before it, the west column's first ...
  EXPECT_LT(IndexOf(lines, "带”制工作、代表主题活动"), IndexOf(lines, "结合起来，服务中心大局"));
  EXPECT_LT(IndexOf(lines, "伟郑海涛）"), heading);
  // ... and the columns under it after it.
  EXPECT_EQ(lines[heading + 1]->text.rfind("桐庐县人大常委会聚焦", 0), 0u);
  EXPECT_EQ(lines[heading + 1]->column, 1);
  const size_t east = IndexOf(lines, "一是多维赋能");
  ASSERT_LT(east, lines.size());
  EXPECT_GT(east, IndexOf(lines, "长沃土，助力擦亮"));
  EXPECT_EQ(lines[east]->column, 2);
}

// A banner between two bands of columns (structure set order27, degraded-200, seed 9966 p3):
// "信  息  快  递" set letter-spaced between rules, its middle gap on the gutter, read "ROSE |"
// and "快道一一". Its rows leave the gutter's white, and the band above ran on through it into
// the columns under it: the west columns of both were read before either east one (page CER
// 29%). It stands apart, white above and below it, as no row of a column does: the band ends
// above it, and the columns under it are read after it.
TEST(Layout, ABannerStandingApartEndsTheBandAboveIt) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/degraded-200-2col-banner-p3.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t above_east = IndexOf(lines, "员”，县人大代表许忠文");
  const size_t above_end = IndexOf(lines, "（临安区人大常委会城建环保工委）");
  const size_t below_west = IndexOf(lines, "临平区人大常委会立足职能定位");
  const size_t below_east = IndexOf(lines, "淳安县人大常委会高度关注");
  ASSERT_LT(below_east, lines.size());
  EXPECT_LT(IndexOf(lines, "纳民意，及时传递一线声音"), above_east);
  EXPECT_LT(above_east, above_end);
  EXPECT_LT(above_end, below_west);
  EXPECT_LT(below_west, below_east);
  EXPECT_EQ(lines[above_east]->column, 2);
  EXPECT_EQ(lines[below_west]->column, 1);
  EXPECT_EQ(lines[below_east]->column, 2);
}

// A heading set flush left across both columns (bench-accuracy tune office-2col ukai page 4):
// OCR boxed "助力" 117 px wide over two 80 px glyphs and "打造" 31 px tall, and left the white of
// the gutter below between them, so the halves looked like two column headings side by side,
// one set at the west column's edge and one at the east column's (page CER 3.5%). The page's ink
// runs across the gutter there: one line of the full width.
TEST(Layout, AHeadingWhoseBoxesLeaveTheGutterWhiteButWhoseInkCrossesItStaysWhole) {
  const OcrPage page = LoadPage("tests/stages/layout_data/office-2col-ukai-heading-p4.json");
  ASSERT_FALSE(page.ink.Empty());
  const IssueLayout layout = AnalyzeLayout({page}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t heading = IndexOf(lines, "钱塘区：多措并举助力");
  ASSERT_LT(heading + 1, lines.size());
  EXPECT_EQ(lines[heading]->text, "钱塘区：多措并举助力打造“青年留杭第一区”");
  EXPECT_EQ(lines[heading]->column, 0);
  EXPECT_EQ(lines[heading + 1]->text, "钱塘区人大常委会聚焦青年发展型城");
  EXPECT_EQ(lines[heading + 1]->column, 1);
}

// Headings side by side at the foot of two columns of three, a rule down the gutter between
// them (bench-structure tune2 t16 page 2, a 1-bit scan): the rule, broken where the scan lost
// its ink, stands in the page's ink beside the headings' third rows as a stroke a cell or two
// wide, no glyph: each heading stays in its column, whole.
TEST(Layout, ARuleBesideHeadingsSideBySideIsNoInkAcrossTheirGutter) {
  const OcrPage page = LoadPage("tests/stages/layout_data/old-1bit-3col-rule-headings-p2.json");
  ASSERT_FALSE(page.ink.Empty());
  const IssueLayout layout = AnalyzeLayout({page}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t west = IndexOf(lines, "临平区：多措并举");
  ASSERT_LT(west + 3, lines.size());
  EXPECT_EQ(lines[west + 1]->text, "助力打造“青年留");
  EXPECT_EQ(lines[west + 2]->text, "杭第一区”");
  EXPECT_EQ(lines[west + 3]->text, "临平区人大常委");
  const size_t east = IndexOf(lines, "余杭区：“双标双");
  ASSERT_LT(east + 2, lines.size());
  EXPECT_GT(east, west + 3);
  EXPECT_EQ(lines[east + 2]->text.rfind("作高质量发展", 0), 0u) << lines[east + 2]->text;
  EXPECT_EQ(lines[east]->column, lines[west]->column + 1);
}

// A one-bit page of three columns (bench-structure dev d16, page 5) whose first column's 24th
// row OCR boxed from a speck in the left margin, 3 glyphs out: the band's left edge is the
// speck's, and the column's other lines, which start at the white of the margin, started at no
// edge of the band; every row was read across the three columns ("立法调研，收集到人大代（研究
// 室） -信息摘登-"). Each column comes out whole, in order.
TEST(Layout, ASpeckBoxedIntoOneRowsFirstWordLeavesThreeColumnsApart) {
  const OcrPage page = LoadPage("tests/stages/layout_data/old-1bit-3col-margin-speck-p5.json");
  const IssueLayout layout = AnalyzeLayout({page}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0]->text, "立法调研，收集到人大代");
  EXPECT_EQ(lines[0]->column, 1);
  const size_t speck = IndexOf(lines, "年需求，打造更多衫有时代");
  ASSERT_LT(speck + 1, lines.size());
  EXPECT_EQ(lines[speck]->column, 1);
  EXPECT_EQ(lines[speck + 1]->text, "特征、青年特色、杭州特点");
  const size_t second = IndexOf(lines, "（研究室）");
  const size_t third = IndexOf(lines, "-信息摘登-");
  ASSERT_LT(third, lines.size());
  EXPECT_GT(second, speck);
  EXPECT_GT(third, second);
  EXPECT_EQ(lines[second]->column, 2);
  EXPECT_EQ(lines[third]->column, 3);
  for (size_t i = 0; i < second; ++i) EXPECT_EQ(lines[i]->column, 1) << lines[i]->text;
}

// A heading across two columns whose quote's white half fell on the gutter (bench-structure dev
// d08, office, page 5): "力" OCR boxed 10 by 22 px, as narrow as a mark, over its 80 px glyph
// in the gutter's edge. A character is no speck: it stays in its half of the heading.
TEST(Layout, ACharacterBoxedAsNarrowAsAMarkInAGutterIsKept) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/office-2col-heading-over-gutter-p5.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t heading = IndexOf(lines, "建德市：西兴街道“三维发");
  ASSERT_LT(heading, lines.size());
  EXPECT_EQ(lines[heading]->text, "建德市：西兴街道“三维发力");
}

// Two columns five rows tall under a heading across the page (bench-structure tune2 t09, page 3),
// three of whose west lines end in a stop at the gutter (携带”, 全覆盖、, 建网络。): justified prose
// ends a line on a mark now and then, and three of five did. The strip is the gutter, not the
// shoulder of marks that line up down a contents page (RegionOptions::max_stop_share): each
// column's rows are read apart.
TEST(Layout, ColumnsWhoseLinesEndInStopsThreeTimesInFiveAreColumns) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/colour-200-2col-stops-p3.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t west = IndexOf(lines, "富阳区人大常委会创新开展以");
  const size_t east = IndexOf(lines, "一是构建“双轮驱动”结对");
  ASSERT_LT(west, lines.size());
  ASSERT_LT(east, lines.size());
  EXPECT_EQ(lines[west]->text, "富阳区人大常委会创新开展以“标兵代表+标");
  EXPECT_EQ(lines[west]->column, 1);
  EXPECT_EQ(lines[east]->column, 2);
  EXPECT_GT(east, west + 4);
}

// A heading across two columns (bench-structure dev4 h08, office, page 2), read by OCR as one
// line, whose letter spacing fell on the gutter of the columns under it: 41 px between 力 and 打
// where its characters stand 31-48 px apart. Some of its words boxed small, it is not Tall;
// set large, its gap is letter spacing, no strip of the columns: it stays whole, across the page.
TEST(Layout, AHeadingReadAsOneLineWhoseLetterSpacingFellOnTheGutterStaysWhole) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/office-2col-heading-spaced-over-gutter-p2.json")},
      LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t heading = IndexOf(lines, "临安区：多措并举助力");
  ASSERT_LT(heading, lines.size());
  EXPECT_EQ(lines[heading]->text, "临安区：多措并举助力打造“青年留杭第一区”");
  EXPECT_EQ(lines[heading]->column, 0);
}

// A heading across two columns (bench-structure matrix m07, clean-300, page 3), set large in
// Hei, whose gap between "力" and "打" fell on the gutter of the columns above and below it: OCR
// read it as one line, its glyphs reaching 11 px into the strip from the west and 4 px from the
// east (a tenth of a body glyph is 4.5). The rows above were read on through it as columns, and
// the heading's halves went to the two columns, the east one's first paragraph after the west
// column's last line above the heading. A line set large whose glyphs reach a little into the
// strip from both sides (together two tenths of a glyph, neither side half a glyph) ends the band.
TEST(Layout, AHeadingWhoseGapFellOnTheGutterEndsTheColumnsAboveIt) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/clean-300-2col-heading-gap-on-gutter-p3.json")},
      LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t heading = IndexOf(lines, "余杭区：多措并举助力");
  const size_t above = IndexOf(lines, "（研究室");
  const size_t below = IndexOf(lines, "余杭区人大常委会聚焦");
  ASSERT_LT(heading, lines.size());
  ASSERT_LT(above, lines.size());
  ASSERT_LT(below, lines.size());
  EXPECT_EQ(lines[heading]->column, 0);
  EXPECT_NE(lines[heading]->text.find("打造“青年留杭第一区"), std::string::npos) << lines[heading]->text;
  EXPECT_LT(above, heading);
  EXPECT_EQ(below, heading + 1);
}

// A heading across three columns (bench-structure dev4 h03, colour-200, page 3) that OCR read
// twice: whole at 93 ("三张清单”推动审议意见质量提升", its glyphs 1.5 of the body's) and, inside its
// rows, in pieces at 68 ("“三怀渊克“推动宜让音用咋昌振外", boxed at the size of its glyphs' inner
// strokes). The garbled reading is a second reading of the heading, not a line of the page.
TEST(Layout, AHeadingReadAgainInPiecesInsideItsRowsIsNoLineOfItsOwn) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/colour-200-3col-heading-read-twice-p3.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  EXPECT_EQ(IndexOf(lines, "“三怀渊克"), lines.size());
  EXPECT_LT(IndexOf(lines, "三张清单”推动审议意见质量提升"), lines.size());
}

// Four rows atop two columns, over the columns' headings (bench-structure dev4 h32, office,
// page 3): the west column's last lines end "因素，", "中", "坐标。" and its attribution's "）";
// the east column's "…高质量发" / "展。" and an attribution over two lines. Three of four rows
// end in a stop, as a contents page's colons line up, but the columns below have their gutter
// there: the strip is that gutter, and each column's rows are read apart.
TEST(Layout, RowsEndingInStopsBesideTheGutterOfTheColumnsBelowAreColumns) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/office-2col-rows-atop-columns-p3.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t west = IndexOf(lines, "业踏勘");
  const size_t east = IndexOf(lines, "履职助推区域经济社会高质量发");
  ASSERT_LT(west, lines.size());
  ASSERT_LT(east, lines.size());
  EXPECT_EQ(lines[west]->text, "业踏勘”，综合考量土地、交通、环境等因素，");
  EXPECT_NE(lines[west]->column, lines[east]->column);
  EXPECT_GT(east, west + 3);
}

// Two columns down a page (bench-structure dev2 e14, office, page 3) whose 34 px gutter OCR's
// boxes narrowed by 5 px on its last four rows: under min_gutter there, the rows above and the
// rows below were two bands, read band by band, and the west column's last three lines came
// after the east column. Bands whose gutters overlap, one straight under the other, are one
// band's columns.
TEST(Layout, AGutterNarrowedByOcrsBoxesOnItsLastRowsKeepsItsColumnsWhole) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/office-2col-narrowed-gutter-p3.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t west_end = IndexOf(lines, "督查50余人次");
  const size_t east_start = IndexOf(lines, "题清单”进一步整改落实");
  const size_t east_end = IndexOf(lines, "处理结果报告进行满意度测评");
  ASSERT_LT(west_end, lines.size());
  ASSERT_LT(east_start, lines.size());
  ASSERT_LT(east_end, lines.size());
  EXPECT_EQ(east_start, west_end + 1);
  EXPECT_EQ(lines[west_end]->column, 1);
  EXPECT_EQ(lines[east_end]->column, 2);
  EXPECT_EQ(east_end, lines.size() - 1) << lines.back()->text;
}

// A heading set large at the foot of the west column, level with the east column's last line
// "晓燕）" (bench-structure dev2 e13, clean, page 4; its article goes on atop the east column).
// The row is a band of neither the columns above nor those below, and was read across, after
// both columns: "临安区：强化监督助推筑牢燃晓燕）". A row that leaves the gutter white, set large
// on one side only, is a row of the columns round it.
TEST(Layout, AHeadingAtAColumnsFootBesideTheNextColumnsLastLineStaysInItsColumn) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/clean-300-2col-heading-at-column-foot-p4.json")},
      LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t heading = IndexOf(lines, "临安区：强化监督助推筑牢燃");
  const size_t east = IndexOf(lines, "村入户工作的基础上");
  const size_t tail = IndexOf(lines, "晓燕）");
  ASSERT_LT(heading, lines.size());
  ASSERT_LT(east, lines.size());
  ASSERT_LT(tail, lines.size());
  EXPECT_EQ(lines[heading]->text, "临安区：强化监督助推筑牢燃");
  EXPECT_EQ(lines[heading]->column, 1);
  EXPECT_EQ(lines[heading + 1]->text, "气“安全网”");
  EXPECT_LT(heading, east);
  EXPECT_EQ(lines[tail]->column, 2);
  EXPECT_EQ(lines[tail - 1]->text, "（西湖区人大常委会办公室郑海涛王");
}

// The lines of a recorded page from the one that reads `want`'s first text on: each of `want`
// in turn, with its column.
void ExpectLinesInOrder(const std::string& page, const std::vector<std::pair<std::string, int>>& want) {
  const IssueLayout layout = AnalyzeLayout({LoadPage(page)}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t first = IndexOf(lines, want.front().first);
  ASSERT_LE(first + want.size(), lines.size()) << want.front().first;
  for (size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(lines[first + k]->text, want[k].first) << k;
    EXPECT_EQ(lines[first + k]->column, want[k].second) << want[k].first;
  }
}

// An article's tail at the top of a page of two columns, its attribution alone atop the east
// column, set right (bench-structure order27 r14, clean, page 6): two rows, one of them with
// words each side, and white between them wider than a gutter. It was read across, into the
// west column's sentence: "…处处体（余杭区人大常委会办公室）现代表作为…".
TEST(Layout, AnAttributionAloneAtopTheNextColumnIsReadAfterTheColumnItCloses) {
  ExpectLinesInOrder("tests/stages/layout_data/clean-300-2col-attribution-atop-column-p6.json",
                     {{"会关切事项中时时听到代表声音、处处体", 1},
                      {"现代表作为、事事发挥代表作用。", 1},
                      {"（余杭区人大常委会办公室）", 2}});
}

// The same over two lines of a one-bit page, a rule down the gutter (dev d10 page 5): the west
// column's three lines, then "（萧山区人大常委会办公室 俞" and "斌）" as OCR read them.
TEST(Layout, AnAttributionOfTwoLinesAtopTheNextColumnIsReadAfterTheColumnItCloses) {
  ExpectLinesInOrder("tests/stages/layout_data/old-1bit-2col-attribution-atop-column-p5.json",
                     {{"新格局”等内容开展，切实推进全区“二农”工", 1},
                      {"作。", 1},
                      {"（（莆山区人大常委会办公室俞", 2},
                      {"试）", 2}});
}

// An article's last line and its attribution atop the east column, beside the west column's two
// lines (order27 r01, clean, page 3): "…意见建" / "议，以…高质" | "量发展。" / "（西湖区…工委）".
// Read across, "量发展。" came after "意见建" and the attribution after "高质", a line that ends
// with no stop: the attribution was lost to the article.
TEST(Layout, AnArticlesLastLineAndItsAttributionAtopTheNextColumnFollowTheColumn) {
  ExpectLinesInOrder("tests/stages/layout_data/clean-300-2col-article-end-atop-column-p3.json",
                     {{"业落地滨江集聚带动产业链发展等意见建", 1},
                      {"议，以高质量履职助推区域经济社会高质", 1},
                      {"量发展。", 2},
                      {"（西湖区人大常委会西兴街道工委）", 2}});
}

// The same atop the third of three columns on a one-bit page (dev2 e04 page 5), its closing
// bracket read ")" at 11, a speck's confidence: it closes the attribution all the same.
TEST(Layout, AnAttributionClosedByABracketReadAsASpeckIsReadAfterTheColumnItCloses) {
  ExpectLinesInOrder("tests/stages/layout_data/old-1bit-3col-attribution-closed-by-a-speck-p5.json",
                     {{"通，更好地保护创新主体和", 2},
                      {"民营企业家的合法权益，", 2},
                      {"（研究宗何静楼倩", 3},
                      {"倩）", 3}});
}

// The same with the attribution's opening bracket read as a word of its own, "(" (order12 o06,
// colour, page 4): a mark, it is left out of the rows' white, and the strip runs over it to
// "淳". It stands in the strip, and starts the east column's line; it was dropped as a speck
// in the gutter once the band was found.
TEST(Layout, AnAttributionsBracketReadApartInTheGutterStartsTheNextColumnsLine) {
  ExpectLinesInOrder("tests/stages/layout_data/colour-200-2col-attribution-bracket-in-gutter-p4.json",
                     {{"2252套，上线青荷驿站384套，提供免", 1},
                      {"费住宿2.7万人次，建设普惠托位4507", 1},
                      {"个，举办交友活动70余场。", 1},
                      {"（淳安县人大常委会办公室周文斌蒋", 2},
                      {"丽华赵晨曦）", 2}});
}

// The same on another page (seed 9839 p4): the heading's ink enters the gutter by only a quarter
// to a half of a body character (it passed a half-character tolerance), ink in the gutter all the
// same.
TEST(Layout, AHeadingAcrossBothColumnsEndingJustInsideTheGutterStaysWhole) {
  const IssueLayout layout = AnalyzeLayout(
      {LoadPage("tests/stages/layout_data/colour-200-2col-fullheading-p4.json")}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t heading = IndexOf(lines, "建德市：“双标双带”制");
  ASSERT_LT(heading + 1, lines.size());
  EXPECT_EQ(lines[heading]->text, "建德市：“双标双带”制推动代表工作高质量发展");
  EXPECT_EQ(lines[heading]->column, 0);
  EXPECT_EQ(lines[heading + 1]->column, 1);
}

// A one-bit 楷体 scan (samplegen --preset old-1bit-200 --font ukai --seed 513, page 4, deskewed
// by the coarse search over every ink point): OCR boxed its glyphs narrower than their ink, and
// between two characters of five justified rows of one paragraph the boxes leave a white strip
// as wide as a narrow gutter at the same place. The page's ink does not: the rows are read
// across, as the one column they are. And the row under a word boxed two rows tall is a line of
// its own, not a second reading of that row.
TEST(Layout, WhiteBetweenOcrBoxesThatTheInkFillsIsNoGutter) {
  OcrPage page = LoadPage("tests/stages/layout_data/old-1bit-ukai-p4.json");
  ASSERT_FALSE(page.ink.Empty());
  const IssueLayout layout = AnalyzeLayout({page}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  const size_t first = IndexOf(lines, "一是多维赋能，铺就创业就业");
  ASSERT_LT(first, lines.size());
  EXPECT_EQ(lines[first]->column, 0);
  ASSERT_LT(first + 3, lines.size());
  EXPECT_EQ(lines[first + 1]->text.rfind("续三年开展专题调研，", 0), 0u) << lines[first + 1]->text;
  EXPECT_EQ(lines[first + 3]->text.rfind("场。过常委会领导领村督办", 0), 0u) << lines[first + 3]->text;
  // (The boxes alone cut the paragraph into two columns until a strip flanked on two rows only
  // needed each side's lines to follow one another: they do not here, and the page is read
  // across without its ink too.)
  page.ink = InkGrid{};
  const IssueLayout read_by_boxes = AnalyzeLayout({page}, LayoutOptions{});
  const auto boxes_only = LinesOfPage(read_by_boxes, 1);
  EXPECT_TRUE(std::none_of(boxes_only.begin(), boxes_only.end(),
                           [](const LayoutLine* line) { return line->column > 0; }));
}

// A page of three columns (structure set tuning t21, colour-200, page 4) where OCR boxed 萧 and
// 山 of an attribution 15 px wide over 28 px glyphs: taken for marks, they set no ink, and the
// band lost its second gutter (the third column's last lines were read after the second's
// rows). Their ink on the page is a glyph's: the attribution stays in the third column.
TEST(Layout, CharactersBoxedNarrowOverAGlyphsInkAreNoMarks) {
  const OcrPage page = LoadPage("tests/stages/layout_data/colour-200-3col-narrow-boxes-p4.json");
  ASSERT_FALSE(page.ink.Empty());
  const IssueLayout layout = AnalyzeLayout({page}, LayoutOptions{});
  const auto lines = LinesOfPage(layout, 1);
  size_t attribution = 0;
  while (attribution < lines.size() &&
         lines[attribution]->text.find("萧山区人大常委会办公室") == std::string::npos) {
    ++attribution;
  }
  ASSERT_LT(attribution + 1, lines.size());
  ASSERT_GT(attribution, 0u);
  EXPECT_EQ(lines[attribution]->text.size(), std::string("（萧山区人大常委会办公室").size())
      << lines[attribution]->text;
  EXPECT_EQ(lines[attribution]->column, 3);
  EXPECT_EQ(lines[attribution + 1]->text.rfind("章晓东", 0), 0u) << lines[attribution + 1]->text;
  EXPECT_EQ(lines[attribution - 1]->text, "向主任会议报告。");
  EXPECT_EQ(lines[IndexOf(lines, "报告的附件一并报送。")]->text, "报告的附件一并报送。区人");
}

// One-column pages of every recorded issue (mastheads, TOCs, centred headings, colophons,
// attributions, a kaishu page whose commas leave a white strip down three rows) have no
// columns.
TEST(Layout, RecordedOneColumnPagesHaveNoColumns) {
  for (const std::string name : {"seed-2025-05-clean-300", "seed-2025-05-degraded-200",
                                 "recombined-10-office-200", "rec7-ukai-200"}) {
    std::vector<OcrPage> pages;
    for (int p = 1;; ++p) {
      char file[32];
      std::snprintf(file, sizeof file, "/pages/%04d.json", p);
      std::ifstream in(SourcePath("tests/data/structure/" + name + file));
      if (!in) break;
      pages.push_back(nlohmann::json::parse(in).get<OcrPage>());
    }
    ASSERT_GE(pages.size(), 4u) << name;
    const IssueLayout layout = AnalyzeLayout(pages, LayoutOptions{});
    for (const auto& line : layout.lines) {
      EXPECT_EQ(line.column, 0) << name << " p" << line.page << ": " << line.text;
    }
  }
}

// --- built pages ---------------------------------------------------------------------------------

TEST(Layout, FourRowTwoColumnTailUnderFullWidthTextIsParted) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  for (auto& line : TwoColumnRows(300 + 6 * kLeading, 4)) lines.push_back(std::move(line));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  EXPECT_EQ(Columns(layout), (std::vector<int>{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}));
}

// dev3 g06 (degraded-200): a contents line whose column name OCR read as two words, the second
// ("交流") boxed over the lower half of its glyphs only. The line's middle stood 8 px under its
// title's, more than half its short glyph, and the name was read as a row of its own, after its
// title ("拱墅区：梓桐镇…" under "要闻速递", then "情况交流"). A row's reach is never less than
// most of the body's glyph.
TEST(Layout, AColumnNameWithAWordBoxedShortStaysInItsTitlesRow) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  const int y = 300 + 7 * kLeading;
  OcrLine name{.text = "情况交流", .confidence = 95};
  name.words = {OcrWord{.text = "情况", .box = Box{kLeft, y, 2 * kPitch - 3, kGlyph}, .confidence = 96},
                OcrWord{.text = "交流", .box = Box{kLeft + 2 * kPitch, y + 16, 2 * kPitch - 3, 14},
                        .confidence = 97}};
  name.box = name.words[0].box.Union(name.words[1].box);
  lines.push_back(name);
  lines.push_back(BoxedLine("拱墅区", kLeft + 7 * kPitch, y));
  lines.push_back(BoxedLine("：梓桐镇探索开展村级生态文明建设", kLeft + 10 * kPitch, y));
  lines.push_back(BoxedLine("基层之声", kLeft, y + kLeading));
  lines.push_back(BoxedLine("临平区：“三张清单”推动审议意见质量提升", kLeft + 7 * kPitch, y + kLeading));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  const auto page = LinesOfPage(layout, 1);
  const size_t row = IndexOf(page, "情况交流");
  ASSERT_LT(row + 1, page.size());
  EXPECT_EQ(page[row]->text, "情况交流拱墅区：梓桐镇探索开展村级生态文明建设");
  EXPECT_EQ(page[row + 1]->text, "基层之声临平区：“三张清单”推动审议意见质量提升");
}

// dev3 g01 (clean-300): the edition "（普 刊）", set letter-spaced, read "(普刊)", 普 boxed
// over the white after it; OCR read 普's ink again as a line of its own, "[三|", whose bar stood
// inside 普's box. 普 was taken for a word read twice, and the edition came out "（刊）". A mark
// is no second reading of a character.
TEST(Layout, AMarkOfAnotherReadingIsNoSecondReadingOfACharacter) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  const int y = 300 + 7 * kLeading;
  OcrLine edition{.text = "(普刊)", .confidence = 90};
  edition.words = {OcrWord{.text = "(", .box = Box{600, y, 10, kGlyph}, .confidence = 82},
                   OcrWord{.text = "普", .box = Box{620, y, 120, kGlyph}, .confidence = 93},
                   OcrWord{.text = "刊", .box = Box{745, y, kGlyph, kGlyph}, .confidence = 91},
                   OcrWord{.text = ")", .box = Box{780, y, 10, kGlyph}, .confidence = 93}};
  edition.box = Box{600, y, 190, kGlyph};
  OcrLine reread{.text = "[三|", .confidence = 84};
  reread.words = {OcrWord{.text = "[三", .box = Box{625, y + 10, 20, 14}, .confidence = 85},
                  OcrWord{.text = "|", .box = Box{648, y + 2, 7, 27}, .confidence = 83}};
  reread.box = Box{625, y + 2, 30, 27};
  lines.push_back(edition);
  lines.push_back(reread);
  lines.push_back(BoxedLine(Prose(kFullChars), kLeft, y + 2 * kLeading));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  bool found = false;
  for (const LayoutLine* line : LinesOfPage(layout, 1)) {
    found = found || line->text.find("普刊") != std::string::npos;
  }
  EXPECT_TRUE(found);
}

// The page's ink as the boxes of its words, cells a sixth of a glyph: OCR's boxes are the ink.
InkGrid InkOfWords(const OcrPage& page) {
  InkGrid grid{.cell = kGlyph / 6.0, .columns = page.width * 6 / kGlyph + 1,
               .rows = page.height * 6 / kGlyph + 1};
  grid.inked.assign(static_cast<size_t>(grid.columns) * grid.rows, 0);
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      for (const auto& word : line.words) {
        for (int r = static_cast<int>(word.box.y / grid.cell); r < word.box.Bottom() / grid.cell; ++r) {
          for (int c = static_cast<int>(word.box.x / grid.cell); c < word.box.Right() / grid.cell; ++c) {
            grid.inked[static_cast<size_t>(r) * grid.columns + c] = 1;
          }
        }
      }
    }
  }
  return grid;
}

// A gutter the ink leaves white too parts the columns, whatever else the grid holds; ink across
// it (glyphs OCR boxed narrow, the white only between their boxes) makes the rows one column.
TEST(Layout, AGutterIsWhiteInTheInk) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  for (auto& line : TwoColumnRows(300 + 6 * kLeading, 6)) lines.push_back(std::move(line));
  OcrPage page = PageOf(std::move(lines));
  page.ink = InkOfWords(page);
  EXPECT_EQ(Columns(AnalyzeLayout({page}, LayoutOptions{})),
            (std::vector<int>{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2}));
  // Ink across the gutter on every row of the band, a glyph wide.
  const int gutter_middle = kLeft + 18 * kPitch - 3 + 31;
  for (int row = 0; row < 6; ++row) {
    const int y = 300 + (6 + row) * kLeading;
    for (int r = static_cast<int>(y / page.ink.cell); r < (y + kGlyph) / page.ink.cell; ++r) {
      for (int c = static_cast<int>((gutter_middle - kGlyph / 2) / page.ink.cell);
           c < (gutter_middle + kGlyph / 2) / page.ink.cell; ++c) {
        page.ink.inked[static_cast<size_t>(r) * page.ink.columns + c] = 1;
      }
    }
  }
  for (const auto& line : AnalyzeLayout({page}, LayoutOptions{}).lines) {
    EXPECT_EQ(line.column, 0) << line.text;
  }
}

// Two rows whose white lines up are too few for a band unless they are set as columns (the west
// lines end level: TwoJustifiedRowsOfColumnsAboveTheColophonAreReadByColumn): here the first
// west piece ends four glyphs short of the strip.
TEST(Layout, TwoRowsAreTooFewForABand) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  std::vector<OcrLine> rows = TwoColumnRows(300 + 6 * kLeading, 2);
  OcrLine& first = rows.front();
  first.words.erase(first.words.begin() + 14, first.words.begin() + 18);
  first.RebuildFromWords();
  for (auto& line : rows) lines.push_back(std::move(line));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  for (const auto& line : layout.lines) EXPECT_EQ(line.column, 0) << line.text;
}

// Colophon fields in two tab stops: a white strip down the middle of every row, but the fields
// are not set justified to it, so the rows are read across.
TEST(Layout, ColophonFieldsSideBySideAreNoColumns) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  const int y = 300 + 8 * kLeading;
  const char* fields[][2] = {{"本期责任编辑：何静", "电话：八五二五零六五七"},
                             {"主办：研究室", "地址：杭州市解放东路"},
                             {"印刷：杭州印务有限公司", "邮编：三一零零二零"},
                             {"送：省人大常委会办公厅", "发：各区县市人大"}};
  for (int i = 0; i < 4; ++i) {
    lines.push_back(BoxedLine(fields[i][0], kLeft, y + i * kLeading));
    lines.push_back(BoxedLine(fields[i][1], kLeft + 660, y + i * kLeading));
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  const auto page = LinesOfPage(layout, 1);
  for (const auto* line : page) EXPECT_EQ(line->column, 0) << line->text;
  EXPECT_LT(IndexOf(page, "本期责任编辑"), IndexOf(page, "主办"));
  EXPECT_LT(IndexOf(page, "主办"), IndexOf(page, "印刷"));
}

// Short lines (a list, a poem) all end left of the middle: nothing on the right is no column.
TEST(Layout, ShortLinesAreNoColumns) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  for (int i = 0; i < 6; ++i) lines.push_back(BoxedLine(Prose(8 + i), kLeft, 300 + (7 + i) * kLeading));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  for (const auto& line : layout.lines) EXPECT_EQ(line.column, 0) << line.text;
}

// TOC entries: a column name, a gap, then the title. The gap lines up down the rows but lies
// off the middle, and the title runs on across it.
TEST(Layout, TocEntriesAreNoColumns) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  for (int i = 0; i < 5; ++i) {
    const int y = 300 + (8 + i) * kLeading;
    OcrLine entry = BoxedLine(Prose(4), kLeft, y);
    const OcrLine title = BoxedLine(Prose(20 + i), kLeft + 5 * kPitch + 30, y);
    entry.text += title.text;
    entry.words.insert(entry.words.end(), title.words.begin(), title.words.end());
    entry.box = entry.box.Union(title.box);
    lines.push_back(std::move(entry));
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  for (const auto& line : layout.lines) EXPECT_EQ(line.column, 0) << line.text;
}

// The last rows of a contents page: OCR boxed "“青年" from its quote across the characters after
// it, so with the quote taken off the row is white after "打造"; the next row has a closing quote
// there, the two below are short. Four rows that share a strip, but a strip only a quote's
// removal and a quote make white in half of them is no gutter: the rows are read across.
TEST(Layout, AStripMadeByQuotesDownContentsRowsIsNoGutter) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  const int y = 300 + 7 * kLeading;
  OcrLine first = BoxedLine("临安区：多措并举助力打造", kLeft, y);  // ends at x 593
  first.words.push_back(OcrWord{.text = "“青年", .box = {.x = 596, .y = y, .width = 360, .height = kGlyph},
                                .confidence = 92});
  const OcrLine rest = BoxedLine("留杭第一区", 720, y);
  first.words.insert(first.words.end(), rest.words.begin(), rest.words.end());
  first.words.push_back(OcrWord{.text = "4", .box = {.x = 1420, .y = y, .width = 15, .height = kGlyph},
                                .confidence = 95});
  first.RebuildFromWords();
  lines.push_back(first);
  OcrLine second = BoxedLine("拱墅区：西兴街道", kLeft, y + kLeading);  // ends at x 461
  second.words.push_back(OcrWord{.text = "“三", .box = {.x = 464, .y = y + kLeading, .width = 63, .height = kGlyph},
                                 .confidence = 92});
  for (const auto& part : {BoxedLine("维发力", 530, y + kLeading), BoxedLine("”", 629, y + kLeading),
                           BoxedLine("助力优化营商环境", 662, y + kLeading)}) {
    second.words.insert(second.words.end(), part.words.begin(), part.words.end());
  }
  second.words.push_back(OcrWord{.text = "4", .box = {.x = 1420, .y = y + kLeading, .width = 15, .height = kGlyph},
                                 .confidence = 95});
  second.RebuildFromWords();
  lines.push_back(second);
  lines.push_back(BoxedLine("【简讯】", kLeft, y + 2 * kLeading));
  lines.push_back(BoxedLine("5则…", kLeft, y + 3 * kLeading));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  for (const auto& line : layout.lines) EXPECT_EQ(line.column, 0) << line.text;
  const auto page = LinesOfPage(layout, 1);
  ASSERT_NE(Find(page, "临安区"), nullptr);
  EXPECT_EQ(Find(page, "临安区")->text, "临安区：多措并举助力打造“青年留杭第一区4");
}

// A centred heading between two short two-column bands ends the first band and starts nothing
// itself: it stays in the full width, between the bands in reading order.
TEST(Layout, CentredHeadingBetweenBandsStaysFullWidth) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 6);
  int y = 300 + 6 * kLeading;
  for (auto& line : TwoColumnRows(y, 4)) lines.push_back(std::move(line));
  y += 4 * kLeading + 3 * kLeading;
  lines.push_back(BoxedLine("多措并举助力打造青年留杭第一区", kLeft + 300, y, 48));
  y += 3 * kLeading;
  for (auto& line : TwoColumnRows(y, 4)) lines.push_back(std::move(line));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  EXPECT_EQ(Columns(layout),
            (std::vector<int>{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 1, 1, 1, 1, 2, 2, 2, 2}));
  EXPECT_EQ(layout.lines[14].text, "多措并举助力打造青年留杭第一区");
}


// Rows of `columns` columns of `chars` characters each, gutters of `gutter` px, read across as
// one line a row (column widths may differ: `chars` per column).
std::vector<OcrLine> ColumnRows(int y, int rows, const std::vector<int>& chars, int gutter,
                                std::vector<std::vector<std::string>>& texts) {
  std::vector<OcrLine> out;
  texts.assign(chars.size(), {});
  for (int i = 0; i < rows; ++i) {
    OcrLine row;
    int x = kLeft;
    for (size_t c = 0; c < chars.size(); ++c) {
      const OcrLine piece = BoxedLine(Prose(chars[c]), x, y + i * kLeading);
      texts[c].push_back(piece.text);
      row.text += piece.text;
      row.words.insert(row.words.end(), piece.words.begin(), piece.words.end());
      row.box = row.box.Empty() ? piece.box : row.box.Union(piece.box);
      x += chars[c] * kPitch - 3 + gutter;
    }
    row.confidence = 92;
    out.push_back(std::move(row));
  }
  return out;
}

// The layout's lines from `first` on are the columns' rows in reading order: each column top to
// bottom, left to right (and, with `numbered`, each line knows its column, 1 on the left).
void ExpectColumnsInOrder(const IssueLayout& layout, size_t first,
                          std::span<const std::vector<std::string>> texts, bool numbered = false) {
  size_t i = first;
  for (size_t c = 0; c < texts.size(); ++c) {
    for (size_t r = 0; r < texts[c].size(); ++r, ++i) {
      ASSERT_LT(i, layout.lines.size()) << "column " << c << " row " << r;
      EXPECT_EQ(layout.lines[i].text, texts[c][r]) << "column " << c << " row " << r;
      if (numbered) {
        EXPECT_EQ(layout.lines[i].column, static_cast<int>(c) + 1) << "column " << c << " row " << r;
      }
    }
  }
}

// Three narrow columns under a full-width band, each row read straight across by OCR: the
// columns come out one after the other, left to right, and the full-width text before them.
TEST(Layout, ThreeColumnsUnderAFullWidthBandAreReadColumnByColumn) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 4);
  std::vector<std::vector<std::string>> texts;
  for (auto& line : ColumnRows(300 + 5 * kLeading, 7, {11, 11, 11}, 45, texts)) {
    lines.push_back(std::move(line));
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 4u + 21u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(layout.lines[i].column, 0);
  for (size_t c = 0; c < 3; ++c) {
    for (size_t r = 0; r < 7; ++r) {
      const LayoutLine& line = layout.lines[4 + c * 7 + r];
      EXPECT_EQ(line.text, texts[c][r]) << "column " << c << " row " << r;
      EXPECT_EQ(line.column, static_cast<int>(c) + 1);
    }
  }
}

// Two columns of unequal width (20 and 12 characters), a heading set larger at the top of the
// right column while the left column goes on with the article before: the left column is read
// to its end, then the right one from its heading.
TEST(Layout, UnequalColumnsWithAHeadingInsideTheRightColumn) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int right_x = kLeft + 20 * kPitch - 3 + 50;
  std::vector<std::string> left, right;
  for (int i = 0; i < 8; ++i) {
    lines.push_back(BoxedLine(Prose(20), kLeft, top + i * kLeading));
    left.push_back(lines.back().text);
  }
  lines.push_back(BoxedLine("青年留杭第一区", right_x + 20, top, 44));
  right.push_back(lines.back().text);
  for (int i = 0; i < 6; ++i) {
    lines.push_back(BoxedLine(Prose(12), right_x, top + 90 + i * kLeading));
    right.push_back(lines.back().text);
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::vector<std::string> order;
  for (const auto& line : layout.lines) order.push_back(line.text);
  ASSERT_EQ(order.size(), 3u + left.size() + right.size());
  for (size_t i = 0; i < left.size(); ++i) EXPECT_EQ(order[3 + i], left[i]) << i;
  for (size_t i = 0; i < right.size(); ++i) EXPECT_EQ(order[3 + left.size() + i], right[i]) << i;
  EXPECT_EQ(layout.lines[3 + left.size()].column, 2);
}

// A heading across both columns whose gap (the shoulder of a quote) falls on the gutter ends
// the band above it: it is one line of the full width, not two halves in the columns.
TEST(Layout, AHeadingAcrossTheGutterIsOneFullWidthLine) {
  std::vector<OcrLine> lines;
  std::vector<std::vector<std::string>> texts;
  for (auto& line : ColumnRows(300, 5, {18, 18}, 63, texts)) lines.push_back(std::move(line));
  const int y = 300 + 7 * kLeading;
  OcrLine heading = BoxedLine("钱塘区三张清单", kLeft + 250, y, 48);
  const OcrLine rest = BoxedLine("推动审议意见质量提升", kLeft + 250 + 7 * 51 + 60, y, 48);
  heading.words.insert(heading.words.end(), rest.words.begin(), rest.words.end());
  heading.text += rest.text;
  heading.box = heading.box.Union(rest.box);
  lines.push_back(heading);
  for (auto& line : ColumnRows(y + 3 * kLeading, 5, {18, 18}, 63, texts)) lines.push_back(std::move(line));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 21u);
  EXPECT_EQ(layout.lines[10].text, "钱塘区三张清单推动审议意见质量提升");
  EXPECT_EQ(layout.lines[10].column, 0);
  EXPECT_EQ(layout.lines[11].column, 1);
}

// Three columns, each read as lines of its own, and two rows read again as single lines across
// the page (a doubtful line widened to its row's ink and reread): their words over the first and
// third columns' words are the same ink read twice, their boxes (mapped back from a scaled cut)
// reach into the gutters, and their middle pieces are the only reading of the middle column's
// rows. The columns still come out one after the other, each row once.
TEST(Layout, RowsReadAgainAcrossThreeColumnsLeaveTheColumnsApart) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int gutter = 40;
  const int step = 11 * kPitch - 3 + gutter;
  std::vector<std::string> texts[3];
  constexpr int kRows = 8;
  std::map<int, OcrLine> across;  // by row
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < kRows; ++r) {
      OcrLine line = BoxedLine(Prose(11), kLeft + c * step, top + r * kLeading);
      texts[c].push_back(line.text);
      if (r == 2 || r == 5) {
        OcrLine again = BoxedLine(line.text, kLeft + c * step + 3, top + r * kLeading - 2);
        if (c == 2) {  // its first word stretched back over the gutter
          again.words.front().box.x -= 25;
          again.words.front().box.width += 25;
        }
        across[r].words.insert(across[r].words.end(), again.words.begin(), again.words.end());
        if (c == 1) continue;  // the middle column's row: only in the line read across
      }
      lines.push_back(std::move(line));
    }
  }
  for (auto& [row, line] : across) {
    line.RebuildFromWords();
    lines.push_back(std::move(line));
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::vector<std::string> order;
  for (const auto& line : layout.lines) order.push_back(line.text);
  ASSERT_EQ(order.size(), 3u + 3u * kRows);
  ExpectColumnsInOrder(layout, 3, texts);
}

// Three columns read as lines of their own, and in two rows of the middle column OCR drew the
// first word's box back over most of the gutter before it (less white than a gutter is left
// there, on those rows only): the gutter still parts the columns.
TEST(Layout, AWordBoxReachingIntoAGutterOnAFewRowsLeavesTheColumnsApart) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int step = 11 * kPitch - 3 + 40;
  std::vector<std::string> texts[3];
  constexpr int kRows = 8;
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < kRows; ++r) {
      OcrLine line = BoxedLine(Prose(11), kLeft + c * step, top + r * kLeading);
      texts[c].push_back(line.text);
      if (c == 1 && (r == 2 || r == 5)) {
        line.words.front().box.x -= 25;
        line.words.front().box.width += 25;
        line.RebuildFromWords();
      }
      lines.push_back(std::move(line));
    }
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::vector<std::string> order;
  for (const auto& line : layout.lines) order.push_back(line.text);
  ASSERT_EQ(order.size(), 3u + 3u * kRows);
  ExpectColumnsInOrder(layout, 3, texts, /*numbered=*/true);
}

// The top of a page of three columns whose third column holds only the end of an attribution
// on the first row, set right ("曦）"), then white, then a heading set letter-spaced (tune2-clean-
// 3col-ukai page 3): down the two top rows the white from the second column's end to "曦）" is
// wider than the gutter, and on the heading's row it holds both the gutter and the white between
// the heading's halves, which is the wider and ends with the heading. The band's white goes on in
// the gutter, and its top rows are read column by column, not across the page.
TEST(Layout, TheGutterUnderWhiteWiderAtTheTopOfABandIsFollowedDownIt) {
  const int step = 11 * kPitch - 3 + 40;  // columns 360 px wide, 40 px gutters
  const int third = kLeft + 2 * step;
  std::vector<OcrLine> lines;
  std::vector<std::string> texts[3];
  constexpr int kRows = 8;
  for (int c = 0; c < 2; ++c) {
    for (int r = 0; r < kRows; ++r) {
      lines.push_back(BoxedLine(Prose(11), kLeft + c * step, 300 + r * kLeading));
      texts[c].push_back(lines.back().text);
    }
  }
  lines.push_back(BoxedLine("曦）", third + 9 * kPitch, 300));
  texts[2].push_back(lines.back().text);
  OcrLine heading = BoxedLine("信息", third, 300 + 2 * kLeading);
  const OcrLine rest = BoxedLine("摘登", third + 2 * kPitch + 60, 300 + 2 * kLeading);
  heading.words.insert(heading.words.end(), rest.words.begin(), rest.words.end());
  heading.RebuildFromWords();
  lines.push_back(heading);
  texts[2].push_back("信息摘登");
  for (int r = 3; r < kRows; ++r) {
    lines.push_back(BoxedLine(Prose(11), third, 300 + r * kLeading));
    texts[2].push_back(lines.back().text);
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 2u * kRows + kRows - 1);
  ExpectColumnsInOrder(layout, 0, texts, /*numbered=*/true);
}

// A heading across three columns between two bands of them, read in pieces whose boxes cover the
// gutters: it ends the band above (each column of it is read to its end before the heading), and
// the band below starts after it.
TEST(Layout, AHeadingOverThreeColumnsEndsTheirBand) {
  std::vector<OcrLine> lines;
  std::vector<std::vector<std::string>> above, below;
  for (auto& line : ColumnRows(300, 6, {11, 11, 11}, 45, above)) lines.push_back(std::move(line));
  const int y = 300 + 6 * kLeading + 20;
  lines.push_back(BoxedLine("临安区三张清单", kLeft + 150, y, 48));
  lines.push_back(BoxedLine("推动审议意见质量提升", kLeft + 150 + 7 * 51 + 10, y, 48));
  for (auto& line : ColumnRows(y + 48 + 40, 6, {11, 11, 11}, 45, below)) {
    lines.push_back(std::move(line));
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::vector<std::string> order;
  for (const auto& line : layout.lines) order.push_back(line.text);
  ASSERT_EQ(order.size(), 18u + 1u + 18u);
  ExpectColumnsInOrder(layout, 0, above);
  ExpectColumnsInOrder(layout, 19, below);
  EXPECT_EQ(order[18], "临安区三张清单推动审议意见质量提升");
  EXPECT_EQ(layout.lines[18].column, 0);
}

// Three columns with a rule drawn down each gutter, which OCR reads as a "|" on the band's first
// and last rows: a rule marks a gutter, it does not close it.
TEST(Layout, ARuleReadInTheGutterLeavesTheColumnsApart) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int step = 11 * kPitch - 3 + 50;
  std::vector<std::string> texts[3];
  constexpr int kRows = 7;
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < kRows; ++r) {
      OcrLine line = BoxedLine(Prose(11), kLeft + c * step, top + r * kLeading);
      texts[c].push_back(line.text);
      if (c > 0 && (r == 0 || r == kRows - 1)) {  // read with the column after the rule
        line.words.insert(line.words.begin(),
                          OcrWord{.text = "|",
                                  .box = Box{.x = kLeft + c * step - 27, .y = top + r * kLeading,
                                             .width = 3, .height = kGlyph},
                                  .confidence = 60});
        line.RebuildFromWords();
      }
      lines.push_back(std::move(line));
    }
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::vector<std::string> order;
  for (const auto& line : layout.lines) order.push_back(line.text);
  ASSERT_EQ(order.size(), 3u + 3u * kRows);
  ExpectColumnsInOrder(layout, 3, texts);
}

// Two columns each opening with a heading set large, flush with its column's left edge, the
// headings side by side (two lines on the left, one on the right): the headings are the tops of
// their columns, not one line across the page (each column is read to its end, heading first).
TEST(Layout, HeadingsSideBySideAtTheTopOfTwoColumnsStayInTheirColumns) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int right_x = kLeft + 18 * kPitch - 3 + 63;
  std::vector<std::vector<std::string>> headings(2), texts;
  const std::pair<int, std::string> parts[] = {{kLeft, "强化监督助推筑牢燃气"},
                                               {right_x, "临平区梓桐镇探索开展"},
                                               {kLeft, "网络"}};
  for (size_t k = 0; k < 3; ++k) {
    const auto& [x, text] = parts[k];
    lines.push_back(BoxedLine(text, x, top + (k == 2 ? 64 : 0), 48));
    headings[x == kLeft ? 0 : 1].push_back(text);
  }
  for (auto& line : ColumnRows(top + 150, 6, {18, 18}, 63, texts)) lines.push_back(std::move(line));
  for (size_t c = 0; c < 2; ++c) texts[c].insert(texts[c].begin(), headings[c].begin(), headings[c].end());
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 3u + 12u);
  ExpectColumnsInOrder(layout, 3, texts, /*numbered=*/true);
}

// Two column headings side by side over two columns, a rule down the gutter between them that
// the page's ink holds beside the headings (a 1-bit scan's rule, broken, so not taken out as
// one): a stroke one cell wide is no glyph's ink across the gutter, and each heading stays in
// its column. Ink as wide as a glyph there is (the next test's heading across the columns).
TEST(Layout, ARuleStrokeInTheGutterBesideColumnHeadingsIsNoInkAcrossIt) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int gutter_left = kLeft + 18 * kPitch - 3;
  const int right_x = gutter_left + 63;
  std::vector<std::vector<std::string>> headings(2), texts;
  lines.push_back(BoxedLine("强化监督助推筑牢燃气", kLeft, top, 48));
  lines.push_back(BoxedLine("临平区梓桐镇探索开展", right_x, top, 48));
  headings[0].push_back("强化监督助推筑牢燃气");
  headings[1].push_back("临平区梓桐镇探索开展");
  for (auto& line : ColumnRows(top + 100, 6, {18, 18}, 63, texts)) lines.push_back(std::move(line));
  for (size_t c = 0; c < 2; ++c) texts[c].insert(texts[c].begin(), headings[c].begin(), headings[c].end());
  OcrPage page = PageOf(std::move(lines));
  page.ink = InkOfWords(page);
  auto ink_down_the_gutter = [&](int width_cells) {
    OcrPage inked = page;
    const int first = static_cast<int>((gutter_left + 31) / inked.ink.cell) - width_cells / 2;
    for (int r = static_cast<int>((top - 20) / inked.ink.cell); r < (top + 70) / inked.ink.cell; ++r) {
      for (int c = first; c < first + width_cells; ++c) {
        inked.ink.inked[static_cast<size_t>(r) * inked.ink.columns + c] = 1;
      }
    }
    return inked;
  };
  const IssueLayout ruled = AnalyzeLayout({ink_down_the_gutter(1)}, LayoutOptions{});
  ASSERT_EQ(ruled.lines.size(), 3u + 2u + 12u);
  ExpectColumnsInOrder(ruled, 3, texts, /*numbered=*/true);
  // Ink over the whole middle of the gutter on the headings' row: one heading across.
  const IssueLayout across = AnalyzeLayout({ink_down_the_gutter(6)}, LayoutOptions{});
  EXPECT_EQ(across.lines[3].text, "强化监督助推筑牢燃气临平区梓桐镇探索开展");
  EXPECT_EQ(across.lines[3].column, 0);
}

// Two columns eight rows tall, read across the gutter a row at a time, and OCR put a comma in
// the gutter on the first row and a speck it read as a character a few pixels wide on the last
// (noise of an old scan between the columns): the band still starts on its first row and ends on
// its last, and the marks leave the text.
TEST(Layout, MarksInTheGutterOnATallBandsFirstAndLastRowsLeaveTheColumnsApart) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  std::vector<std::vector<std::string>> texts;
  constexpr int kRows = 8;
  const int top = 300 + 4 * kLeading;
  const int gutter_left = kLeft + 18 * kPitch - 3;  // 63 px of white to the right column
  for (auto& line : ColumnRows(top, kRows, {18, 18}, 63, texts)) lines.push_back(std::move(line));
  const std::pair<int, std::string> specks[] = {{3, "，"}, {3 + kRows - 1, "上"}};
  for (const auto& [row, text] : specks) {
    OcrLine& line = lines[static_cast<size_t>(row)];
    line.words.push_back(OcrWord{.text = text,
                                 .box = Box{.x = gutter_left + 26, .y = line.box.y + 18,
                                            .width = text == "上" ? 3 : 10, .height = 12},
                                 .confidence = 40});
    std::stable_sort(line.words.begin(), line.words.end(),
                     [](const OcrWord& a, const OcrWord& b) { return a.box.x < b.box.x; });
    line.RebuildFromWords();
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 2u * kRows);
  ExpectColumnsInOrder(layout, 3, texts, /*numbered=*/true);
}

// Two columns five rows tall, and on the first row an opening bracket OCR boxed a few pixels
// wide just before the right column's first character, at the gutter's edge: the row still
// leaves a gutter's white left of it, so the band starts on that row. The bracket starts the
// right column's line (print ends no line with one; an attribution's, order12 o06).
TEST(Layout, ABracketAtTheGutterEdgeOnABandsFirstRowLeavesTheColumnsApart) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  std::vector<std::vector<std::string>> texts;
  const int right_x = kLeft + 18 * kPitch - 3 + 63;
  for (auto& line : ColumnRows(300 + 4 * kLeading, 5, {18, 18}, 63, texts)) {
    lines.push_back(std::move(line));
  }
  OcrLine& first = lines[3];
  first.words.push_back(OcrWord{.text = "（",
                                .box = Box{.x = right_x - 12, .y = first.box.y, .width = 8,
                                           .height = kGlyph},
                                .confidence = 70});
  std::stable_sort(first.words.begin(), first.words.end(),
                   [](const OcrWord& a, const OcrWord& b) { return a.box.x < b.box.x; });
  first.RebuildFromWords();
  texts[1][0] = "（" + texts[1][0];
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 10u);
  ExpectColumnsInOrder(layout, 3, texts, /*numbered=*/true);
}

// A short heading centred over two columns, letter-spaced so that its gap falls on the gutter
// and its second half starts where the right column does: it starts nowhere near a column's
// edge (whatever white the row below leaves there), so it stays one line of the full width above
// the band.
TEST(Layout, ACentredHeadingWhoseGapFallsOnTheGutterIsNoColumnHeading) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int right_x = kLeft + 18 * kPitch - 3 + 63;
  lines.push_back(BoxedLine("信息", kLeft + 18 * kPitch - 3 - 20 - 99, top, 48));
  lines.push_back(BoxedLine("摘登", right_x, top, 48));
  std::vector<std::vector<std::string>> texts;
  for (auto& line : ColumnRows(top + 100, 6, {18, 18}, 63, texts)) lines.push_back(std::move(line));
  // The first row below has a gap a character wide that ends near where the heading starts.
  OcrLine& below = lines[5];
  below.words.erase(below.words.begin() + 13);
  below.RebuildFromWords();
  std::u32string first = ToU32(texts[0][0]);
  first.erase(13, 1);
  texts[0][0] = ToUtf8(first);
  OcrPage page = PageOf(std::move(lines));
  page.ink = InkOfWords(page);  // (the heading's glyphs as tall in the ink as in its boxes)
  const IssueLayout layout = AnalyzeLayout({page}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 1u + 12u);
  EXPECT_EQ(layout.lines[3].text, "信息摘登");
  EXPECT_EQ(layout.lines[3].column, 0);
  ExpectColumnsInOrder(layout, 4, texts, /*numbered=*/true);
}

// A heading across two columns, set in from their left edge by more than a flush heading is
// (centred over the page) and its gap (a quote's shoulder) falling on the gutter, over a first
// row indented as a paragraph's first line is: the heading starts at that row's indent, not at
// the columns' edge, so it is no pair of column headings: one line of the full width above the
// band.
TEST(Layout, AHeadingSetInAcrossTwoColumnsOverAnIndentedRowIsNoColumnHeading) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int right_x = kLeft + 18 * kPitch - 3 + 63;
  lines.push_back(BoxedLine("区县人大常委会推动审", kLeft + 70, top, 48));
  lines.push_back(BoxedLine("议意见落实质量提升", right_x, top, 48));
  std::vector<std::vector<std::string>> texts;
  for (auto& line : ColumnRows(top + 100, 6, {18, 18}, 63, texts)) lines.push_back(std::move(line));
  // The first row of the left column is a paragraph's first line, indented two characters.
  OcrLine& below = lines[5];
  below.words.erase(below.words.begin(), below.words.begin() + 2);
  below.RebuildFromWords();
  texts[0][0] = ToUtf8(ToU32(texts[0][0]).substr(2));
  OcrPage page = PageOf(std::move(lines));
  page.ink = InkOfWords(page);  // (the heading's glyphs as tall in the ink as in its boxes)
  const IssueLayout layout = AnalyzeLayout({page}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 1u + 12u);
  EXPECT_EQ(layout.lines[3].text, "区县人大常委会推动审议意见落实质量提升");
  EXPECT_EQ(layout.lines[3].column, 0);
  ExpectColumnsInOrder(layout, 4, texts, /*numbered=*/true);
}

// A column's line of 18 characters OCR read three at a time, each word boxed as tall again as
// its glyphs (as OCR stretches boxes beside a heading's): a row with it stands as tall as one.
OcrLine StretchedRow(int x, int y) {
  OcrLine row{.confidence = 92};
  for (int w = 0; w < 6; ++w) {
    const std::string part = Prose(3);
    const Box box{.x = x + w * 3 * kPitch, .y = y, .width = 3 * kPitch - 3, .height = 46};
    row.words.push_back(OcrWord{.text = part, .box = box, .confidence = 92});
    row.text += part;
    row.box = row.box.Empty() ? box : row.box.Union(box);
  }
  return row;
}

// The left column opens with a two-line heading centred in it, level with the right column's
// lines going on with the article before (words OCR boxed three characters at a time, as tall
// again as their glyphs beside the heading: the rows stand as tall as a heading's). The heading
// stands in its column, centred: the gutter the rows below share goes on beside it, and each
// column is read top to bottom, the heading first in the left one.
TEST(Layout, AHeadingCentredInItsColumnBesideTheNextColumnsLinesStaysInItsColumn) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int column = 18 * kPitch - 3;  // 594 px
  const int right_x = kLeft + column + 63;
  std::vector<std::vector<std::string>> texts(2);
  std::vector<std::string> heading, beside;
  for (int k = 0; k < 2; ++k) {
    const int y = top + k * 70;
    const std::string text = k == 0 ? "余杭区多措并举助" : "力青年留杭第一区";
    const int width = 8 * 51 - 3;
    lines.push_back(BoxedLine(text, kLeft + (column - width) / 2, y, 48));
    heading.push_back(text);
    lines.push_back(StretchedRow(right_x, y));
    beside.push_back(lines.back().text);
  }
  std::vector<std::vector<std::string>> body;
  for (auto& line : ColumnRows(top + 160, 6, {18, 18}, 63, body)) lines.push_back(std::move(line));
  texts[0] = heading;
  texts[1] = beside;
  for (size_t c = 0; c < 2; ++c) texts[c].insert(texts[c].end(), body[c].begin(), body[c].end());
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 4u + 12u);
  ExpectColumnsInOrder(layout, 3, texts, /*numbered=*/true);
}

// Two columns; each ends an article level with the other, and the white under both (the space
// above a heading set inside the left column, and above the next paragraph in the right one) is
// taller than the space that ends a band across the page. The columns go on under it: the left
// column is read to its end, over its heading, then the right one.
TEST(Layout, ColumnsGoOnUnderWhiteAcrossThemAboveAHeadingInOneColumn) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  std::vector<std::vector<std::string>> above, below;
  for (auto& line : ColumnRows(top, 5, {18, 18}, 63, above)) lines.push_back(std::move(line));
  // 2.8 glyphs of white under the last row, then the heading and the right column's next row.
  const int y = top + 4 * kLeading + kGlyph + 84;
  const int right_x = kLeft + 18 * kPitch - 3 + 63;
  lines.push_back(BoxedLine("临平区双标双带", kLeft + 66, y, 40));
  lines.push_back(BoxedLine(Prose(18), right_x, y));
  const std::string beside = lines.back().text;
  for (auto& line : ColumnRows(y + 70, 5, {18, 18}, 63, below)) lines.push_back(std::move(line));
  std::vector<std::vector<std::string>> texts = above;
  texts[0].push_back("临平区双标双带");
  texts[1].push_back(beside);
  for (size_t c = 0; c < 2; ++c) texts[c].insert(texts[c].end(), below[c].begin(), below[c].end());
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 22u);
  ExpectColumnsInOrder(layout, 3, texts, /*numbered=*/true);
}

// The same white under two columns, but below it a heading centred over both (set in one
// column's width, a banner between rules): the band ends at the white, and the columns under
// the banner are read after it.
TEST(Layout, ABannerUnderWhiteAcrossTheColumnsEndsTheirBand) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  std::vector<std::vector<std::string>> above, below;
  for (auto& line : ColumnRows(top, 5, {18, 18}, 63, above)) lines.push_back(std::move(line));
  const int y = top + 4 * kLeading + kGlyph + 84;
  lines.push_back(BoxedLine("信息摘登", kLeft + 18 * kPitch - 3 - 240, y, 48));
  for (auto& line : ColumnRows(y + 90, 5, {18, 18}, 63, below)) lines.push_back(std::move(line));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 10u + 1u + 10u);
  ExpectColumnsInOrder(layout, 3, above, /*numbered=*/true);
  EXPECT_EQ(layout.lines[13].text, "信息摘登");
  ExpectColumnsInOrder(layout, 14, below, /*numbered=*/true);
}

// Two columns; the left one sets a heading, centred, level with a line of the right column
// (words OCR boxed three characters at a time, as tall again as their glyphs: the row stands as
// tall as a heading's), and the right column's next lines are set in two characters (an
// attribution), so the rows below leave more white than the gutter, up to where they start. The
// gutter is the white the rows above leave too: the right column's line at its own edge is not
// in it, and each column is read top to bottom.
TEST(Layout, AColumnsLineAtItsEdgeBesideAHeadingIsNotInTheGutterOfIndentedRowsBelow) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int column = 18 * kPitch - 3;  // 594 px
  const int right_x = kLeft + column + 63;
  std::vector<std::vector<std::string>> above, below;
  for (auto& line : ColumnRows(top, 5, {18, 18}, 63, above)) lines.push_back(std::move(line));
  const int y = top + 5 * kLeading + 20;
  lines.push_back(BoxedLine("临平区双标双带", kLeft + (column - (7 * 51 - 3)) / 2, y, 48));
  lines.push_back(StretchedRow(right_x, y));
  const std::string beside = lines.back().text;
  std::vector<std::string> left_below, right_below;
  for (int i = 0; i < 4; ++i) {
    const int yy = y + 80 + i * kLeading;
    lines.push_back(BoxedLine(Prose(18), kLeft, yy));
    left_below.push_back(lines.back().text);
    lines.push_back(BoxedLine(Prose(16), right_x + 2 * kPitch, yy));
    right_below.push_back(lines.back().text);
  }
  std::vector<std::vector<std::string>> texts = above;
  texts[0].push_back("临平区双标双带");
  texts[0].insert(texts[0].end(), left_below.begin(), left_below.end());
  texts[1].push_back(beside);
  texts[1].insert(texts[1].end(), right_below.begin(), right_below.end());
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 10u + 2u + 8u);
  ExpectColumnsInOrder(layout, 3, texts, /*numbered=*/true);
}

// As above, the heading centred in the left column beside the right column's line, and under
// them a few short rows whose words leave white down the left column by chance (across it the
// heading sets ink): that white is no gutter, the rows above leave none there, and the columns
// are still read one after the other.
TEST(Layout, WhiteAFewRowsBelowAHeadingLeaveByChanceIsNoGutter) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int column = 18 * kPitch - 3;
  const int right_x = kLeft + column + 63;
  std::vector<std::vector<std::string>> texts;
  for (auto& line : ColumnRows(top, 5, {18, 18}, 63, texts)) lines.push_back(std::move(line));
  const int y = top + 5 * kLeading + 20;
  lines.push_back(BoxedLine("临平区双标双带", kLeft + (column - (7 * 51 - 3)) / 2, y, 48));
  texts[0].push_back(lines.back().text);
  lines.push_back(StretchedRow(right_x, y));
  texts[1].push_back(lines.back().text);
  for (int i = 0; i < 3; ++i) {
    const int yy = y + 80 + i * kLeading;
    OcrLine left = BoxedLine(Prose(5), kLeft, yy);
    const OcrLine rest = BoxedLine(Prose(8), kLeft + 10 * kPitch, yy);
    left.words.insert(left.words.end(), rest.words.begin(), rest.words.end());
    left.RebuildFromWords();
    texts[0].push_back(left.text);
    lines.push_back(std::move(left));
    lines.push_back(BoxedLine(Prose(18), right_x, yy));
    texts[1].push_back(lines.back().text);
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 10u + 2u + 6u);
  ExpectColumnsInOrder(layout, 3, texts, /*numbered=*/true);
}

// Two columns, and over their first three rows a blot: a word Tesseract guessed over the white,
// boxed four glyphs tall and across the gutter, read at 18. It is no print: the rows keep their
// gutter, and the columns are read one after the other (standing in the gutter, the blot is
// left out as a speck there is).
TEST(Layout, ABlotOcrBoxedAcrossTheGutterLeavesTheColumnsApart) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  std::vector<std::vector<std::string>> texts;
  for (auto& line : ColumnRows(top, 8, {18, 18}, 63, texts)) lines.push_back(std::move(line));
  const Box blot{.x = kLeft + 400, .y = top - 5, .width = 420, .height = 130};
  lines.push_back(OcrLine{.text = "家人", .box = blot, .confidence = 18,
                          .words = {OcrWord{.text = "家人", .box = blot, .confidence = 18}}});
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::vector<std::string> order;
  for (const auto& line : layout.lines) {
    if (line.text != "家人") order.push_back(line.text);
  }
  std::vector<std::string> expected;
  for (const auto& column : texts) expected.insert(expected.end(), column.begin(), column.end());
  ASSERT_EQ(order.size(), 3u + expected.size());
  EXPECT_EQ(std::vector<std::string>(order.begin() + 3, order.end()), expected);
}

// Three columns, and on their last row (nothing follows it) a word of the middle column OCR
// boxed into the first gutter: that row is left out of the band, not read into it with one
// gutter of two (the first two columns then one piece, every row read across them).
TEST(Layout, ALastRowCrossingOneGutterOfThreeColumnsEndsTheirBandAboveIt) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  std::vector<std::vector<std::string>> texts;
  for (auto& line : ColumnRows(top, 8, {11, 11, 11}, 45, texts)) lines.push_back(std::move(line));
  OcrLine& last = lines.back();
  const int middle_x = kLeft + 11 * kPitch - 3 + 45;
  for (OcrWord& word : last.words) {
    if (word.box.x == middle_x) {
      word.box.width += word.box.x - (middle_x - 40);
      word.box.x = middle_x - 40;
      word.confidence = 45;
    }
  }
  last.RebuildFromWords();
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  // The seven rows above it come out column by column.
  std::vector<std::vector<std::string>> above = texts;
  for (auto& column : above) column.pop_back();
  ASSERT_GE(layout.lines.size(), 3u + 21u);
  ExpectColumnsInOrder(layout, 3, above, /*numbered=*/true);
}


// One column: a line OCR split in two with a glyph's white between its halves, the paragraph's
// short last line, a right-set attribution whose gap after the organization a name's first
// character stands in, and its wrapped last name. Their white lines up down four rows as wide as
// a gutter, the lines each side start and end as a column's would, and one row in three is
// crossed: but only one row has words on both sides of the strip and none over it, and a band
// of columns has them down its height. The rows are read across, in order (a 1-bit page of
// tuning t04 read the split line's second half after the attribution's first line).
TEST(Layout, WhiteLinedUpByAShortLineAndARightSetAttributionIsNoGutter) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 4);
  const int y = 300 + 4 * kLeading;
  lines.push_back(BoxedLine(Prose(20), kLeft, y));
  lines.push_back(BoxedLine(Prose(17), kLeft + 21 * kPitch, y));
  lines.push_back(BoxedLine(Prose(16), kLeft, y + kLeading));
  OcrLine attribution = BoxedLine("（西湖区人大常委会办公室", kLeft + 2 * kPitch, y + 2 * kLeading);
  const OcrLine name = BoxedLine("沈", kLeft + 20 * kPitch - 3, y + 2 * kLeading);
  const OcrLine rest = BoxedLine("一鸣", kLeft + 22 * kPitch, y + 2 * kLeading);
  const OcrLine last = BoxedLine("陈立群", kLeft + 35 * kPitch, y + 2 * kLeading);
  for (const OcrLine* part : {&name, &rest, &last}) {
    attribution.words.insert(attribution.words.end(), part->words.begin(), part->words.end());
  }
  attribution.RebuildFromWords();
  lines.push_back(std::move(attribution));
  lines.push_back(BoxedLine("方舟）", kLeft + 35 * kPitch, y + 3 * kLeading));
  for (auto& line : FullWidthParagraph(y + 4 * kLeading, 4)) lines.push_back(std::move(line));
  // (The split line's halves are read as one line: they stand on one row, in one column.)
  std::vector<std::string> expected;
  for (const auto& line : lines) {
    if (&line - lines.data() == 5) {
      expected.back() += line.text;
    } else {
      expected.push_back(line.text);
    }
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::vector<std::string> order;
  for (const auto& line : layout.lines) {
    EXPECT_EQ(line.column, 0) << line.text;
    order.push_back(line.text);
  }
  EXPECT_EQ(order, expected);
}

// A heading across the page over three columns, on a degraded page whose heading OCR boxed twice
// its glyphs' height, down over the columns' first row (the boxes of 代表 and 质量, 112 px over
// 55 px glyphs): the page's ink shows the heading's glyphs end above that row, and the columns
// are read one after the other from their first row (tuning t24 page 3 read two rows across).
TEST(Layout, AHeadingBoxedDownOverTheColumnsBelowItStaysApartFromThem) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int heading_y = 300 + 4 * kLeading;
  lines.push_back(BoxedLine("临安区双标双带制推动代表工作高质量发展", kLeft + 60, heading_y, 55));
  const int top = heading_y + 55 + 20;
  std::vector<std::vector<std::string>> texts;
  for (auto& line : ColumnRows(top, 6, {11, 11, 11}, 45, texts)) lines.push_back(std::move(line));
  OcrPage page = PageOf(std::move(lines));
  page.ink = InkOfWords(page);
  // Then OCR's boxes: every third word of the heading twice as tall.
  OcrLine& heading = page.blocks[3].lines[0];
  for (size_t k = 0; k < heading.words.size(); k += 3) heading.words[k].box.height = 112;
  heading.RebuildFromWords();
  const IssueLayout layout = AnalyzeLayout({page}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 1u + 18u);
  EXPECT_EQ(layout.lines[3].column, 0);
  ExpectColumnsInOrder(layout, 4, texts, /*numbered=*/true);
}

// The top of a page of three columns: the last two rows of an article that goes on from the page
// before, each row read across, a banner across the page, then the columns' next article. Two
// rows are too few to show a band of their own, but their white stands where the gutters of the
// columns below stand: they are read column by column (tuning t13 page 4 read the attribution at
// the top of the third column into the second column's last line).
TEST(Layout, TwoRowsOverAPagesColumnsAreReadByItsGutters) {
  std::vector<std::vector<std::string>> tail, below;
  std::vector<OcrLine> lines = ColumnRows(300, 2, {11, 11, 11}, 45, tail);
  lines.push_back(BoxedLine("工作简讯代表风采要闻速递基层之声", kLeft + 150, 300 + 2 * kLeading + 20, 48));
  for (auto& line : ColumnRows(300 + 4 * kLeading, 8, {11, 11, 11}, 45, below)) {
    lines.push_back(std::move(line));
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 6u + 1u + 24u);
  ExpectColumnsInOrder(layout, 0, tail, /*numbered=*/true);
  EXPECT_EQ(layout.lines[6].column, 0);
  ExpectColumnsInOrder(layout, 7, below, /*numbered=*/true);
}

// The tail of an article on a page of three columns, two rows in the first two columns, then
// white down to the colophon across the page (tune clean-3col noto-serif page 4): no other band
// shows the gutters, but the west lines start at the band's edge and end level, and the east
// ones start level past a gutter a glyph wide: columns, read one after the other.
TEST(Layout, TwoJustifiedRowsOfColumnsAboveTheColophonAreReadByColumn) {
  std::vector<std::vector<std::string>> tail;
  std::vector<OcrLine> lines = ColumnRows(300, 2, {11, 11}, 45, tail);
  for (int k = 0; k < 3; ++k) {
    lines.push_back(BoxedLine(Prose(30 - 6 * k), kLeft, 1700 + k * kLeading));
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 4u + 3u);
  ExpectColumnsInOrder(layout, 0, tail);
}

// The same, the east side's second line an attribution set in under the article's last line
// (tune clean-3col noto-serif page 4, as archived: "（钱塘区人大常委会办公" 1.6 glyphs in): the east
// lines start a paragraph's indent apart, and the rows, which OCR read across the gutter, are
// still read column by column.
TEST(Layout, TwoRowsOfColumnsWhoseEastLineIsSetInAreReadByColumn) {
  const int east_x = kLeft + 11 * kPitch - 3 + 45;
  std::vector<OcrLine> lines;
  std::vector<std::vector<std::string>> tail(2);
  for (int r = 0; r < 2; ++r) {
    OcrLine row = BoxedLine(Prose(11), kLeft, 300 + r * kLeading);
    const OcrLine east = r == 0 ? BoxedLine(Prose(11), east_x, 300) : BoxedLine(Prose(9), east_x + 50, 300 + kLeading);
    tail[0].push_back(row.text);
    tail[1].push_back(east.text);
    row.words.insert(row.words.end(), east.words.begin(), east.words.end());
    row.RebuildFromWords();
    lines.push_back(std::move(row));
  }
  for (int k = 0; k < 3; ++k) {
    lines.push_back(BoxedLine(Prose(30 - 6 * k), kLeft, 1700 + k * kLeading));
  }
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 4u + 3u);
  ExpectColumnsInOrder(layout, 0, tail, /*numbered=*/true);
}

// A justified line with a gap after a number ("2.7  万人次"), the paragraph's short last line,
// then an attribution whose names are spaced apart, the gap level with the first (tune2
// degraded-200 noto-serif page 2): white lined up on two rows, the short line between them
// reaching neither side of it. A column's lines follow one another: no gutter.
TEST(Layout, WhiteOnTwoRowsASideSkipsIsNoGutter) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 4);
  const int y = 300 + 4 * kLeading;
  const int gap_x = kLeft + 22 * kPitch;  // the white: 40 px from here
  OcrLine first = BoxedLine(Prose(22), kLeft, y);
  const OcrLine rest = BoxedLine(Prose(14), gap_x + 40, y);
  first.words.insert(first.words.end(), rest.words.begin(), rest.words.end());
  first.RebuildFromWords();
  lines.push_back(std::move(first));
  lines.push_back(BoxedLine(Prose(12), kLeft, y + kLeading));
  OcrLine attribution = BoxedLine("（余杭区人大常委会办公室" + Prose(4), gap_x - 16 * kPitch, y + 2 * kLeading);
  const OcrLine names = BoxedLine("伟王晓燕楼倩倩）", gap_x + 40, y + 2 * kLeading);
  attribution.words.insert(attribution.words.end(), names.words.begin(), names.words.end());
  attribution.RebuildFromWords();
  lines.push_back(std::move(attribution));
  for (OcrLine& line : FullWidthParagraph(y + 4 * kLeading, 3)) lines.push_back(std::move(line));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 4u + 3u + 3u);
  for (const auto& line : layout.lines) EXPECT_EQ(line.column, 0) << line.text;
  EXPECT_EQ(layout.lines[6].text.rfind("（余杭区", 0), 0u) << layout.lines[6].text;
}

// OCR's words of a line come out in OCR's order, though OCR boxed one a little left of the one
// before it: "高" boxed as a speck at the foot of "质量" (bench-structure dev d10, a one-bit
// heading), a character boxed from over the comma before it. Sorted by their boxes, the line read
// "代表工作质量高发展" and "队伍通，过".
TEST(Layout, WordsBoxedALittleLeftOfTheOneBeforeStayInOcrsOrder) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  OcrLine heading = BoxedLine("代表工作高质量发展", kLeft, 300 + 4 * kLeading);
  heading.words[4].box = Box{.x = kLeft + 5 * kPitch + 8, .y = 300 + 4 * kLeading + 27, .width = 2, .height = 3};
  heading.words[5].box.x -= 2;  // 质 from 高's place: "质量" one word
  heading.words[5].box.width += kPitch;
  heading.words[5].text = "质量";
  heading.words.erase(heading.words.begin() + 6);
  heading.text = "代表工作高质量发展";
  lines.push_back(heading);
  OcrLine prose = BoxedLine("队伍，通过" + Prose(33), kLeft, 300 + 5 * kLeading);
  prose.words[3].box.x = prose.words[2].box.x - 4;  // 通 boxed from over the comma
  prose.words[3].box.width += kPitch - 4;
  lines.push_back(prose);
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 5u);
  EXPECT_EQ(layout.lines[3].text, "代表工作高质量发展");
  EXPECT_EQ(layout.lines[4].text.rfind("队伍，通过", 0), 0u) << layout.lines[4].text;
}

// A contents line read twice, once with its column name in one block and once alone in the
// titles' block, and in the first reading OCR boxed a few words more than twice as tall as their
// glyphs (the accuracy set tune2-clean-300-ukai, page 1: 街道 120 px over 56 px glyphs). The words read the
// same in the same place are one reading whatever their boxes: the title comes out once.
TEST(Layout, ALineReadTwiceWithStretchedBoxesComesOutOnce) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 4);
  const int y = 300 + 5 * kLeading;
  const std::string title = Prose(20);
  OcrLine first = BoxedLine("情况交流" + title, kLeft, y);
  for (size_t k = 5; k < first.words.size(); k += 3) {
    first.words[k].box.y -= kGlyph * 6 / 10;
    first.words[k].box.height = kGlyph * 22 / 10;
  }
  first.RebuildFromWords();
  OcrLine again = BoxedLine(title, kLeft + 4 * kPitch + 2, y + 1);
  again.confidence = 93;
  lines.push_back(std::move(first));
  lines.push_back(std::move(again));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 5u);
  EXPECT_EQ(layout.lines[4].text, "情况交流" + title);
}

// A masthead title set four times the body's size, one glyph of which OCR boxed small over the
// edition line under it (人 of 杭州人大信息 boxed 56 px tall over 普 where the title stands 213 px:
// tune clean-300 noto-serif page 1): no second reading of the edition's word, and the title keeps
// its character.
TEST(Layout, ATitlesGlyphBoxedOverTheLineUnderItStaysInTheTitle) {
  const int title_glyph = 4 * kGlyph;
  OcrLine title = BoxedLine("杭州人大信息", 400, 100, title_glyph);
  OcrLine edition = BoxedLine("（普刊）", 400 + 2 * (title_glyph + 3), 100 + title_glyph + 20);
  // 人's box: body-sized, down over the edition's 普.
  title.words[2].box = edition.words[1].box;
  title.words[2].box.width += 4;
  title.box = {};
  for (const OcrWord& word : title.words) title.box = title.box.Union(word.box);
  title.confidence = 96;
  edition.confidence = 89;
  std::vector<OcrLine> lines;
  lines.push_back(std::move(title));
  lines.push_back(std::move(edition));
  for (OcrLine& line : FullWidthParagraph(600, 6)) lines.push_back(std::move(line));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::string read;
  for (const auto& line : layout.lines) read += line.text + "\n";
  EXPECT_NE(read.find("人"), std::string::npos) << read;
  EXPECT_EQ(read.find("杭州大信息"), std::string::npos) << read;
  EXPECT_NE(read.find("普刊"), std::string::npos) << read;
}

// Two pieces of one row whose boxes overlap but whose words do not (what is left of a line whose
// middle was read again on its own, beside that reading): no second reading of each other, and
// every word of both stays (tuning t05 page 4 lost “三维发力”助力优化营商环境 of a heading).
TEST(Layout, PiecesOfARowWhoseWordsStandApartAreBothKept) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 4);
  const int y = 300 + 5 * kLeading;
  const std::u32string text = ToU32(Prose(21));
  OcrLine left = BoxedLine(ToUtf8(text.substr(0, 8)), kLeft, y);
  const OcrLine far = BoxedLine(ToUtf8(text.substr(18, 1)), kLeft + 18 * kPitch, y);
  left.words.push_back(far.words.front());
  left.RebuildFromWords();
  left.confidence = 93;
  OcrLine middle = BoxedLine(ToUtf8(text.substr(8, 10)), kLeft + 8 * kPitch, y + 2);
  const OcrLine end = BoxedLine(ToUtf8(text.substr(19, 2)), kLeft + 19 * kPitch, y + 2);
  middle.words.insert(middle.words.end(), end.words.begin(), end.words.end());
  middle.RebuildFromWords();
  middle.confidence = 88;
  lines.push_back(std::move(left));
  lines.push_back(std::move(middle));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::u32string read;
  for (size_t k = 4; k < layout.lines.size(); ++k) read += ToU32(layout.lines[k].text);
  for (const char32_t c : text) EXPECT_NE(read.find(c), std::u32string::npos) << ToUtf8(text);
}

// A row read in three overlapping pieces, the middle one a second reading of the first: the
// first keeps what only the middle read beyond it, unless the third piece holds it (tune2 t18's
// colophon read 市人大常委会组成人员，市人大 | 会组成人员，市人大机关各 | 大机关各部门… gained
// 机关各 twice).
TEST(Layout, WordsAThirdReadingHoldsAreNotGivenToTheFirst) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 4);
  const int y = 300 + 5 * kLeading;
  const std::u32string text = ToU32(Prose(24));
  OcrLine first = BoxedLine(ToUtf8(text.substr(0, 12)), kLeft, y);
  first.confidence = 95;
  OcrLine again = BoxedLine(ToUtf8(text.substr(5, 11)), kLeft + 5 * kPitch + 2, y + 1);
  again.confidence = 75;
  OcrLine last = BoxedLine(ToUtf8(text.substr(12, 12)), kLeft + 12 * kPitch, y);
  last.confidence = 88;
  lines.push_back(std::move(first));
  lines.push_back(std::move(again));
  lines.push_back(std::move(last));
  const IssueLayout layout = AnalyzeLayout({PageOf(std::move(lines))}, LayoutOptions{});
  std::u32string read;
  for (size_t k = 4; k < layout.lines.size(); ++k) read += ToU32(layout.lines[k].text);
  EXPECT_EQ(ToUtf8(read), ToUtf8(text));
}

// Two columns; the left one opens with a two-line heading centred in it, and beside it the right
// column closes the article before with its attribution, the last line set right (tune2
// clean-3col-ukai page 2: "吴敏 孙佳）"), OCR's boxes of both attribution lines stretched as tall
// as the heading's. The ink shows body glyphs there: the columns are read one after the other
// from the top, not the two rows across.
TEST(Layout, AnAttributionSetRightBesideAColumnHeadingStaysInItsColumn) {
  std::vector<OcrLine> lines = FullWidthParagraph(300, 3);
  const int top = 300 + 4 * kLeading;
  const int column = 18 * kPitch - 3;  // 594 px
  const int right_x = kLeft + column + 63;
  std::vector<std::vector<std::string>> texts(2);
  for (int k = 0; k < 2; ++k) {
    const std::string text = k == 0 ? "余杭区多措并举助" : "力青年留杭第一区";
    const int width = 8 * 51 - 3;
    lines.push_back(BoxedLine(text, kLeft + (column - width) / 2, top + k * 70, 48));
    texts[0].push_back(text);
  }
  const std::string opening = "（桐庐县人大常委会办公室";
  const std::string names = "吴敏孙佳）";
  lines.push_back(BoxedLine(opening, right_x, top + 9));
  lines.push_back(BoxedLine(names, right_x + column - 5 * kPitch + 3, top + 70 + 9));
  texts[1] = {opening, names};
  std::vector<std::vector<std::string>> body;
  for (auto& line : ColumnRows(top + 160, 6, {18, 18}, 63, body)) lines.push_back(std::move(line));
  for (size_t c = 0; c < 2; ++c) texts[c].insert(texts[c].end(), body[c].begin(), body[c].end());
  OcrPage page = PageOf(std::move(lines));
  page.ink = InkOfWords(page);
  for (size_t b = 5; b <= 6; ++b) {  // OCR's boxes of the attribution, as tall as the heading's
    for (auto& word : page.blocks[b].lines[0].words) {
      word.box.y -= 9;
      word.box.height = 48;
    }
    page.blocks[b].lines[0].RebuildFromWords();
  }
  const IssueLayout layout = AnalyzeLayout({page}, LayoutOptions{});
  ASSERT_EQ(layout.lines.size(), 3u + 4u + 12u);
  ExpectColumnsInOrder(layout, 3, texts, /*numbered=*/true);
}

}  // namespace
}  // namespace qikan
