#include "stages/columns.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

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
  EXPECT_LE(band.gutter_left, 668);
  EXPECT_GE(band.gutter_right, 732);
  EXPECT_GE(band.gutter_left, 650);
  EXPECT_LE(band.gutter_right, 750);
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

class ColumnsOcrTest : public testing::SharedEngineTest {};

TEST_F(ColumnsOcrTest, ReadingTheBandByColumnsGivesColumnOrder) {
  const ColumnOptions options;
  OcrPage page = Engine().Recognize(Tail().page);
  const auto bands = FindColumnBands(Tail().page, options);
  ASSERT_EQ(bands.size(), 1u);
  ReadBandByColumns(Tail().page, bands[0], Engine(), options, page);
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
      EXPECT_TRUE(line.box.Right() <= band.gutter_left + 1 || line.box.x >= band.gutter_right - 1)
          << line.text;
    }
  }
}

}  // namespace
}  // namespace qikan
