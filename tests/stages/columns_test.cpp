#include "stages/columns.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "models/text.h"
#include "tests/support/shared_engine.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

using testing::DrawTextPage;
using testing::SeedProseLines;
using testing::TextPageSpec;

constexpr int kPageWidth = 1654;
constexpr int kLeft = 124;  // where every text line starts

cv::Mat Lines(const std::vector<std::string>& lines, int width, int margin) {
  TextPageSpec spec;
  spec.lines = lines;
  spec.width = width;
  spec.margin = margin;
  const int step = static_cast<int>(spec.glyph_px * spec.line_spacing);
  spec.height = 2 * margin + spec.glyph_px + static_cast<int>(lines.size() - 1) * step;
  return DrawTextPage(spec);
}

cv::Mat PadTo(const cv::Mat& part, int width, int height, int left = 0) {
  cv::Mat out;
  cv::copyMakeBorder(part, out, 0, height - part.rows, left, width - part.cols - left,
                     cv::BORDER_CONSTANT, cv::Scalar(255));
  return out;
}

// Full-width prose, then a short two-column tail (15 glyphs a column, a 2 em gutter at
// x 664..736), then a full-width line: the page that Tesseract reads straight across.
struct TwoColumnTail {
  std::vector<std::string> above, left, right, below;
  cv::Mat page;
  TwoColumnTail() {
    const auto prose = SeedProseLines(16, 39);
    above.assign(prose.begin(), prose.begin() + 4);
    below.assign(prose.begin() + 15, prose.begin() + 16);
    for (const auto& line : SeedProseLines(20, 15)) {
      (left.size() < 6 ? left : right).push_back(line);
      if (right.size() == 4) break;
    }
    const cv::Mat top = Lines(above, kPageWidth, kLeft);
    const cv::Mat l = Lines(left, 612, 36);
    const cv::Mat r = PadTo(Lines(right, 612, 36), 612, l.rows);
    cv::Mat band;
    cv::hconcat(std::vector<cv::Mat>{PadTo(l, 612 + kLeft - 36, l.rows, kLeft - 36), r}, band);
    band = PadTo(band, kPageWidth, band.rows);
    const cv::Mat bottom = Lines(below, kPageWidth, kLeft);
    cv::vconcat(std::vector<cv::Mat>{top, band, bottom}, page);
  }
  std::string ColumnOrder() const {
    std::string out;
    for (const auto* part : {&above, &left, &right, &below}) {
      for (const auto& line : *part) out += line + "\n";
    }
    return out;
  }
};

const TwoColumnTail& Tail() {
  static const TwoColumnTail tail;
  return tail;
}

TEST(ColumnBands, FindsTheTwoColumnTailAndItsGutter) {
  const auto bands = FindColumnBands(Tail().page, ColumnOptions{});
  ASSERT_EQ(bands.size(), 1u);
  const ColumnBand& band = bands[0];
  ASSERT_EQ(band.gutters.size(), 1u);
  // In the white between the columns (x 664..736), an em wide at least.
  EXPECT_GE(band.gutters[0].left, 660);
  EXPECT_LE(band.gutters[0].right, 740);
  EXPECT_GE(band.gutters[0].right - band.gutters[0].left, 36);
  // The band holds the six left lines and nothing of the full-width text above or below.
  const int top_rows = Lines(Tail().above, kPageWidth, kLeft).rows;
  EXPECT_GT(band.top, top_rows - kLeft);
  EXPECT_LT(band.top, top_rows + 60);
  EXPECT_NEAR(band.bottom - band.top, 5 * 65 + 36, 20);
}

TEST(ColumnBands, NoneOnASingleColumnPage) {
  TextPageSpec spec;
  spec.lines = SeedProseLines(20, 34);
  EXPECT_TRUE(FindColumnBands(DrawTextPage(spec), {}).empty());
}

TEST(ColumnBands, NoneBetweenATocsColumnNamesAndTitles) {
  // Column names then titles: a white strip every line shares, but near the left edge.
  TextPageSpec spec;
  for (const auto& title : SeedProseLines(6, 24)) spec.lines.push_back("要闻速递　　　" + title);
  EXPECT_TRUE(FindColumnBands(DrawTextPage(spec), {}).empty());
}

// Three narrow columns (12 glyphs, 1.5 em gutters), the middle one's rows set lower than the
// others' by two thirds of a line (a heading above them in print): rows that line up across
// the page are no longer rows of text.
struct ThreeColumns {
  std::vector<std::string> columns[3];
  cv::Mat page;
  static constexpr int kColumn = 12 * 36 + 2 * 18;
  static constexpr int kGutter = 54 - 2 * 18;  // between the columns' margins
  ThreeColumns() {
    const auto prose = SeedProseLines(24, 12);
    std::vector<cv::Mat> parts = {cv::Mat(0, 0, CV_8U)};
    for (int k = 0; k < 3; ++k) columns[k].assign(prose.begin() + 8 * k, prose.begin() + 8 * k + 8);
    const cv::Mat first = Lines(columns[0], kColumn, 18);
    const int height = first.rows + 44;
    cv::Mat band = PadTo(first, kColumn + kLeft - 18, height, kLeft - 18);
    for (int k = 1; k < 3; ++k) {
      cv::Mat column = Lines(columns[k], kColumn, 18);
      if (k == 1) cv::copyMakeBorder(column, column, 44, 0, 0, 0, cv::BORDER_CONSTANT, cv::Scalar(255));
      cv::hconcat(std::vector<cv::Mat>{band, PadTo(column, kColumn + kGutter, height, kGutter)}, band);
    }
    page = PadTo(band, band.cols + kLeft - 18, band.rows);
  }
  std::string ColumnOrder() const {
    std::string out;
    for (const auto& column : columns) {
      for (const auto& line : column) out += line + "\n";
    }
    return out;
  }
};

const ThreeColumns& Three() {
  static const ThreeColumns three;
  return three;
}

TEST(ColumnBands, FindsBothGuttersOfThreeColumnsWhoseRowsDoNotLineUp) {
  const auto bands = FindColumnBands(Three().page, ColumnOptions{});
  ASSERT_EQ(bands.size(), 1u);
  ASSERT_EQ(bands[0].gutters.size(), 2u);
  for (int k = 0; k < 2; ++k) {
    // Each gutter lies in the white between two columns' text (12 glyphs from kLeft, a
    // column and gutter apart).
    const int white_left = kLeft + k * (ThreeColumns::kColumn + ThreeColumns::kGutter) + 12 * 36;
    const int white_right = kLeft + (k + 1) * (ThreeColumns::kColumn + ThreeColumns::kGutter);
    EXPECT_GE(bands[0].gutters[k].left, white_left) << k;
    EXPECT_LE(bands[0].gutters[k].right, white_right) << k;
    EXPECT_GE(bands[0].gutters[k].right - bands[0].gutters[k].left, 36) << k;
  }
}

TEST(ColumnBands, ALineReadAgainIsKeptToItsColumn) {
  // A line of the middle column, widened to the ink of its row across both gutters.
  ColumnBand band{.top = 100, .bottom = 900, .gutters = {{500, 560}, {1000, 1060}},
                  .text_left = 120, .text_right = 1500};
  RereadRegion region{.box = {.x = 120, .y = 400, .width = 1380, .height = 40},
                      .replaces = Box{.x = 600, .y = 402, .width = 300, .height = 36}};
  KeepToColumn(region, {band});
  EXPECT_EQ(region.box.x, 560);
  EXPECT_EQ(region.box.Right(), 1000);
  ASSERT_TRUE(region.within.has_value());
  EXPECT_EQ(region.within->x, 560);
  EXPECT_EQ(region.within->Right(), 1000);
  // Outside any band a region stays as it was.
  RereadRegion below{.box = {.x = 120, .y = 950, .width = 1380, .height = 40}};
  KeepToColumn(below, {band});
  EXPECT_EQ(below.box.width, 1380);
  EXPECT_FALSE(below.within.has_value());
}

class ColumnsOcrTest : public testing::SharedEngineTest {};

TEST_F(ColumnsOcrTest, ReadingTheBandByColumnsGivesColumnOrder) {
  const ColumnOptions options;
  OcrPage page = Engine().Recognize(Tail().page);
  const auto bands = FindColumnBands(Tail().page, options);
  ASSERT_EQ(bands.size(), 1u);
  EXPECT_TRUE(ReadBandByColumns(Tail().page, bands[0], Engine(), options, page));
  EXPECT_FALSE(ReadAcrossGutter(page, bands[0], options));
  EXPECT_LT(CharacterErrorRate(Tail().ColumnOrder(), page.Text()), 0.03) << page.Text();
  // No line of the band reaches over the gutter (the layout would join the rows again).
  const ColumnBand& band = bands[0];
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      EXPECT_GE(line.box.x, 0);
      EXPECT_LE(line.box.Right(), Tail().page.cols);
      const int centre = line.box.y + line.box.height / 2;
      if (centre < band.top || centre >= band.bottom) continue;
      EXPECT_TRUE(line.box.Right() <= band.gutters[0].left + 1 || line.box.x >= band.gutters[0].right - 1)
          << line.text;
    }
  }
}

// Read column by column, the three columns come out in column order. (The page's reading of
// this clean page is as good, so the guard would keep it: here the page reading lost the band,
// and the columns' reading is what there is.)
TEST_F(ColumnsOcrTest, ThreeColumnsReadByColumnsGiveColumnOrder) {
  const ColumnOptions options;
  const auto bands = FindColumnBands(Three().page, options);
  ASSERT_EQ(bands.size(), 1u);
  OcrPage page{.width = Three().page.cols, .height = Three().page.rows};
  EXPECT_TRUE(ReadBandByColumns(Three().page, bands[0], Engine(), options, page));
  EXPECT_FALSE(ReadAcrossGutter(page, bands[0], options));
  EXPECT_LT(CharacterErrorRate(Three().ColumnOrder(), page.Text()), 0.03) << page.Text();
}

// An engine that keeps every column cut out it is given, and reads it as the real one does.
class KeepsColumnCuts : public OcrEngine {
 public:
  explicit KeepsColumnCuts(OcrEngine& real) : real_(real) {}
  using OcrEngine::Recognize;
  OcrPage Recognize(const cv::Mat& gray, Segmentation segmentation) override {
    if (segmentation == Segmentation::kColumn) cuts.push_back(gray.clone());
    return real_.Recognize(gray, segmentation);
  }
  OcrEngine* Alternate(const std::string& model) override { return real_.Alternate(model); }
  std::vector<cv::Mat> cuts;

 private:
  OcrEngine& real_;
};

// Each column is read cut out with white around it: no glyph of the next column (the three
// columns' gutters are narrower than the white set around a cut, which OpenCV took from the
// page beside the cut) and no rule drawn down a gutter (a rule at the cut's edge, and a
// neighbour's glyphs cut in half, were read as "|" and noise: "|序;通过系统化统筹，", "ii传").
TEST_F(ColumnsOcrTest, AColumnIsReadCutOutWithWhiteAroundItNoNeighboursGlyphsAndNoRule) {
  const ColumnOptions options;
  cv::Mat page = Three().page.clone();
  const auto bands = FindColumnBands(page, options);
  ASSERT_EQ(bands.size(), 1u);
  ASSERT_EQ(bands[0].gutters.size(), 2u);
  for (const ColumnGutter& g : bands[0].gutters) {
    const int x = (g.left + g.right) / 2 + 2;  // just right of the middle, where the cut starts
    cv::line(page, cv::Point(x, bands[0].top), cv::Point(x, bands[0].bottom - 1), cv::Scalar(0), 2);
  }
  KeepsColumnCuts engine(Engine());
  OcrPage read{.width = page.cols, .height = page.rows};
  EXPECT_TRUE(ReadBandByColumns(page, bands[0], engine, options, read));
  ASSERT_EQ(engine.cuts.size(), 3u);
  for (size_t k = 0; k < engine.cuts.size(); ++k) {
    const cv::Mat& cut = engine.cuts[k];
    double darkest = 255;
    // The cut's outer strips, left and right.
    for (const int x : {0, 1, 2, 3, cut.cols - 4, cut.cols - 3, cut.cols - 2, cut.cols - 1}) {
      double lo = 0, hi = 0;
      cv::minMaxLoc(cut.col(x), &lo, &hi);
      darkest = std::min(darkest, lo);
    }
    EXPECT_GT(darkest, 200) << "column " << k;
    // No column of the cut inked down three glyphs.
    cv::Mat ink;
    cv::threshold(cut, ink, 128, 255, cv::THRESH_BINARY_INV);
    cv::Mat rules;
    cv::morphologyEx(ink, rules, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, static_cast<int>(3 * options.glyph_px))));
    EXPECT_EQ(cv::countNonZero(rules), 0) << "column " << k;
  }
  EXPECT_LT(CharacterErrorRate(Three().ColumnOrder(), read.Text()), 0.03) << read.Text();
}

// An engine that reads nothing of a column cut out: the page's reading of the band stands.
class ReadsNoColumn : public OcrEngine {
 public:
  explicit ReadsNoColumn(OcrEngine& real) : real_(real) {}
  using OcrEngine::Recognize;
  OcrPage Recognize(const cv::Mat& gray, Segmentation segmentation) override {
    if (segmentation == Segmentation::kColumn) return OcrPage{.width = gray.cols, .height = gray.rows};
    return real_.Recognize(gray, segmentation);
  }
  OcrEngine* Alternate(const std::string& model) override { return real_.Alternate(model); }

 private:
  OcrEngine& real_;
};

TEST_F(ColumnsOcrTest, AReadingByColumnsThatReadsLessLeavesThePagesReading) {
  const ColumnOptions options;
  const auto bands = FindColumnBands(Tail().page, options);
  ASSERT_EQ(bands.size(), 1u);
  ReadsNoColumn engine(Engine());
  OcrPage page = engine.Recognize(Tail().page);
  const std::string before = page.Text();
  EXPECT_FALSE(ReadBandByColumns(Tail().page, bands[0], engine, options, page));
  EXPECT_EQ(page.Text(), before);
}


// An engine that reads a column cut out a little less surely than the page (by `drop`).
class ReadsColumnsLessSurely : public OcrEngine {
 public:
  // `junk`: each column's reading ends with a line of two letters read at 9 (a colophon's line
  // the band took in, cut at the gutter).
  ReadsColumnsLessSurely(OcrEngine& real, float drop, bool junk = false)
      : real_(real), drop_(drop), junk_(junk) {}
  using OcrEngine::Recognize;
  OcrPage Recognize(const cv::Mat& gray, Segmentation segmentation) override {
    OcrPage page = real_.Recognize(gray, segmentation);
    if (segmentation != Segmentation::kColumn) return page;
    for (auto& block : page.blocks) {
      for (auto& line : block.lines) {
        for (auto& word : line.words) word.confidence = std::max(0.0f, word.confidence - drop_);
        line.RebuildFromWords();
      }
    }
    if (junk_ && !page.blocks.empty()) {
      OcrLine& last = page.blocks.back().lines.back();
      OcrLine sn;
      sn.words.push_back({.text = "SN", .box = Box{.x = last.box.x, .y = last.box.Bottom() + 4,
                                                   .width = 30, .height = 12},
                          .confidence = 9});
      sn.RebuildFromWords();
      page.blocks.back().lines.push_back(sn);
    }
    return page;
  }
  OcrEngine* Alternate(const std::string& model) override { return real_.Alternate(model); }

 private:
  OcrEngine& real_;
  float drop_;
  bool junk_;
};

// tune2 t03 (bench-structure) page 5: a page reading that ran the rows of two columns into one
// line each, at 88.8, and the columns' reading in column order at 84.9 (a column's first glyphs
// read less surely cut out): the page came out 40% wrong. Read across a gutter, a band takes
// the columns' reading a little less sure; read in its columns, it keeps its own.
TEST_F(ColumnsOcrTest, AReadingAcrossAGutterGivesWayToALittleLessSureReadingByColumns) {
  const ColumnOptions options;
  const auto bands = FindColumnBands(Tail().page, options);
  ASSERT_EQ(bands.size(), 1u);
  const ColumnBand& band = bands[0];
  ReadsColumnsLessSurely engine(Engine(), 0.6f * static_cast<float>(options.across_confidence_slack));
  // The page's reading by columns, at the engine's own confidence...
  OcrPage by_columns{.width = Tail().page.cols, .height = Tail().page.rows};
  ASSERT_TRUE(ReadBandByColumns(Tail().page, band, Engine(), options, by_columns));
  // ... and the same words with each row of the two columns run into one line.
  OcrPage across{.width = by_columns.width, .height = by_columns.height};
  OcrBlock rows;
  for (const auto& block : by_columns.blocks) {
    for (const auto& line : block.lines) {
      const int centre = line.box.y + line.box.height / 2;
      auto same_row = std::find_if(rows.lines.begin(), rows.lines.end(), [&](const OcrLine& l) {
        return std::abs(l.box.y + l.box.height / 2 - centre) < line.box.height / 2;
      });
      if (same_row == rows.lines.end()) {
        rows.lines.push_back(line);
      } else {
        same_row->words.insert(same_row->words.end(), line.words.begin(), line.words.end());
        same_row->RebuildFromWords();
      }
    }
  }
  for (const auto& line : rows.lines) rows.box = rows.box.Union(line.box);
  across.blocks.push_back(rows);
  ASSERT_TRUE(ReadAcrossGutter(across, band, options));
  EXPECT_TRUE(ReadBandByColumns(Tail().page, band, engine, options, across));
  EXPECT_FALSE(ReadAcrossGutter(across, band, options));
  EXPECT_EQ(across.Text(), by_columns.Text());

  const std::string before = by_columns.Text();
  EXPECT_FALSE(ReadBandByColumns(Tail().page, band, engine, options, by_columns));
  EXPECT_EQ(by_columns.Text(), before);
  // Read across, but a line of the columns' reading is next to nothing: the band took in a line
  // that was no column's (tune2 office-2col noto-serif page 4: a banner centred over the gutter
  // cut into "信息" at 0 and "摘登", the colophon into "SN" at 9; the page came out 40% wrong).
  across.blocks = {rows};
  ReadsColumnsLessSurely junk(Engine(), 0.2f * static_cast<float>(options.across_confidence_slack),
                              /*junk=*/true);
  EXPECT_FALSE(ReadBandByColumns(Tail().page, band, junk, options, across));
  EXPECT_TRUE(ReadAcrossGutter(across, band, options));
}

}  // namespace
}  // namespace qikan
