#include "stages/columns.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "stages/image.h"

namespace qikan {
namespace {

// Ink components larger than this (ems) are rules, pictures or scanner edges, not text: a rule
// drawn down the gutter must not close it. Smaller than kMinInkEm is dust.
constexpr double kMaxInkEm = 2.5;
constexpr double kMinInkEm = 0.12;
// Rows of ink closer than this (ems) belong to one line; a line is this tall (ems).
constexpr double kLineGapEm = 0.2;
constexpr double kMinLineEm = 0.4;
constexpr double kMaxLineEm = 2.2;
// White kept around a column cut out for reading, in ems and in pixels.
constexpr double kCutPadEm = 0.3;
constexpr int kCutMarginPx = 32;

cv::Mat TextInk(const cv::Mat& gray8, double glyph_px) {
  cv::Mat ink;
  cv::threshold(gray8, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  std::vector<uchar> keep(static_cast<size_t>(count), 0);
  for (int i = 1; i < count; ++i) {
    const int side = std::max(stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    keep[static_cast<size_t>(i)] = side >= kMinInkEm * glyph_px && side <= kMaxInkEm * glyph_px;
  }
  return LabelMask(labels, keep);
}

struct TextLine {
  int top = 0;
  int bottom = 0;
  std::vector<uchar> ink;  // per column: any ink in the line's rows
  int left = 0;            // first and last inked column
  int right = -1;
};

std::vector<TextLine> FindLines(const cv::Mat& mask, double glyph_px) {
  std::vector<int> row_ink(static_cast<size_t>(mask.rows), 0);
  for (int r = 0; r < mask.rows; ++r) row_ink[static_cast<size_t>(r)] = cv::countNonZero(mask.row(r));
  std::vector<std::pair<int, int>> runs;
  const int max_gap = static_cast<int>(kLineGapEm * glyph_px);
  for (int r = 0; r < mask.rows; ++r) {
    if (row_ink[static_cast<size_t>(r)] < 2) continue;
    if (!runs.empty() && r - runs.back().second <= max_gap) {
      runs.back().second = r + 1;
    } else {
      runs.emplace_back(r, r + 1);
    }
  }
  std::vector<TextLine> lines;
  for (const auto& [top, bottom] : runs) {
    const int height = bottom - top;
    TextLine line{.top = top, .bottom = bottom};
    if (height >= kMinLineEm * glyph_px && height <= kMaxLineEm * glyph_px) {
      cv::Mat columns;
      cv::reduce(mask.rowRange(top, bottom), columns, 0, cv::REDUCE_MAX);
      line.ink.assign(columns.ptr<uchar>(0), columns.ptr<uchar>(0) + mask.cols);
      for (int c = 0; c < mask.cols; ++c) {
        if (!line.ink[static_cast<size_t>(c)]) continue;
        if (line.right < 0) line.left = c;
        line.right = c;
      }
    }
    lines.push_back(std::move(line));  // a run of another height stays, empty, to break bands
  }
  return lines;
}

// The widest run of white in [from, to) of `white`; {0, 0} when none.
std::pair<int, int> WidestRun(const std::vector<uchar>& white, int from, int to) {
  std::pair<int, int> best{0, 0};
  int start = -1;
  for (int c = from; c <= to; ++c) {
    const bool w = c < to && white[static_cast<size_t>(c)];
    if (w && start < 0) start = c;
    if (!w && start >= 0) {
      if (c - start > best.second - best.first) best = {start, c};
      start = -1;
    }
  }
  return best;
}

bool InkIn(const TextLine& line, int from, int to) {
  if (line.ink.empty()) return false;
  for (int c = std::max(from, 0); c < std::min<int>(to, static_cast<int>(line.ink.size())); ++c) {
    if (line.ink[static_cast<size_t>(c)]) return true;
  }
  return false;
}

// Moved into the page and kept within [lo, hi) across: Tesseract stretches the box of a line
// that ends near the cut's edge out into the white margin, which would put a left column's line
// over the gutter and the right column (and the layout would join them again by row).
Box Placed(const Box& box, int dx, int dy, int lo, int hi) {
  const int left = std::clamp(box.x + dx, lo, hi);
  const int right = std::clamp(box.x + dx + box.width, left, hi);
  return Box{.x = left, .y = box.y + dy, .width = right - left, .height = box.height};
}

}  // namespace

std::vector<ColumnBand> FindColumnBands(const cv::Mat& gray, const ColumnOptions& options) {
  std::vector<ColumnBand> bands;
  const cv::Mat gray8 = ToGray8(gray);
  if (gray8.empty()) return bands;
  const std::vector<TextLine> lines = FindLines(TextInk(gray8, options.glyph_px), options.glyph_px);
  int text_left = gray8.cols;
  int text_right = -1;
  for (const auto& line : lines) {
    if (line.right < 0) continue;
    text_left = std::min(text_left, line.left);
    text_right = std::max(text_right, line.right + 1);
  }
  if (text_right <= text_left) return bands;
  const int width = text_right - text_left;
  const int middle_from = text_left + static_cast<int>(options.min_side_fraction * width);
  const int middle_to = text_right - static_cast<int>(options.min_side_fraction * width);
  const int min_gutter = static_cast<int>(options.min_gutter_em * options.glyph_px);
  if (middle_to - middle_from < min_gutter) return bands;

  // Grows a band line by line while the lines keep a common white strip in the middle.
  size_t first = 0;
  std::vector<uchar> white;
  auto close_band = [&](size_t end) {
    if (end <= first || white.empty()) return;
    const auto [gl, gr] = WidestRun(white, middle_from, middle_to);
    if (gr - gl < min_gutter) return;
    int two_sided = 0;
    for (size_t i = first; i < end; ++i) {
      two_sided += InkIn(lines[i], text_left, gl) && InkIn(lines[i], gr, text_right);
    }
    if (two_sided < options.min_two_sided_lines) return;
    bands.push_back(ColumnBand{.top = lines[first].top, .bottom = lines[end - 1].bottom,
                               .gutter_left = gl, .gutter_right = gr,
                               .text_left = text_left, .text_right = text_right});
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const TextLine& line = lines[i];
    std::vector<uchar> next;
    if (!line.ink.empty()) {
      next.resize(line.ink.size());
      for (size_t c = 0; c < next.size(); ++c) {
        next[c] = !line.ink[c] && (white.empty() || white[c]);
      }
    }
    const auto [gl, gr] = next.empty() ? std::pair{0, 0} : WidestRun(next, middle_from, middle_to);
    if (!next.empty() && gr - gl >= min_gutter && !white.empty()) {
      white = std::move(next);
      continue;
    }
    close_band(i);
    // this line starts the next band (when it can)
    first = i;
    white.clear();
    if (!line.ink.empty()) {
      white.resize(line.ink.size());
      for (size_t c = 0; c < white.size(); ++c) white[c] = !line.ink[c];
      const auto [sl, sr] = WidestRun(white, middle_from, middle_to);
      if (sr - sl < min_gutter) white.clear();
    }
  }
  close_band(lines.size());
  return bands;
}

bool ReadAcrossGutter(const OcrPage& page, const ColumnBand& band, const ColumnOptions& options) {
  const int reach = static_cast<int>(0.5 * options.glyph_px);
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      const int centre = line.box.y + line.box.height / 2;
      if (centre < band.top || centre >= band.bottom) continue;
      if (line.box.x < band.gutter_left - reach && line.box.Right() > band.gutter_right + reach) {
        return true;
      }
    }
  }
  return false;
}

void ReadBandByColumns(const cv::Mat& gray, const ColumnBand& band, OcrEngine& engine,
                       const ColumnOptions& options, OcrPage& page) {
  const cv::Mat gray8 = ToGray8(gray);
  const int pad = static_cast<int>(kCutPadEm * options.glyph_px);
  const int top = std::max(0, band.top - pad);
  const int bottom = std::min(gray8.rows, band.bottom + pad);
  const int middle = (band.gutter_left + band.gutter_right) / 2;
  const cv::Rect sides[] = {
      cv::Rect(cv::Point(std::max(0, band.text_left - pad), top), cv::Point(middle, bottom)),
      cv::Rect(cv::Point(middle, top), cv::Point(std::min(gray8.cols, band.text_right + pad), bottom))};
  // Each column's text lies outside the gutter.
  const std::pair<int, int> spans[] = {{0, band.gutter_left + 1},
                                       {band.gutter_right - 1, gray8.cols}};
  std::vector<OcrBlock> read;
  for (int s = 0; s < 2; ++s) {
    const cv::Rect& side = sides[s];
    const auto [lo, hi] = spans[s];
    if (side.width <= 0 || side.height <= 0) continue;
    cv::Mat cut;
    cv::copyMakeBorder(gray8(side), cut, kCutMarginPx, kCutMarginPx, kCutMarginPx, kCutMarginPx,
                       cv::BORDER_CONSTANT, cv::Scalar(255));
    OcrPage part = engine.Recognize(cut);
    const int dx = side.x - kCutMarginPx;
    const int dy = side.y - kCutMarginPx;
    for (auto& block : part.blocks) {
      block.box = Placed(block.box, dx, dy, lo, hi);
      for (auto& line : block.lines) {
        line.box = Placed(line.box, dx, dy, lo, hi);
        for (auto& word : line.words) word.box = Placed(word.box, dx, dy, lo, hi);
      }
      read.push_back(std::move(block));
    }
  }

  // Every line of the page inside the band goes; the columns' blocks take the place of the
  // first block that lost a line.
  std::optional<size_t> at;
  std::vector<OcrBlock> kept;
  for (auto& block : page.blocks) {
    const size_t before = block.lines.size();
    std::erase_if(block.lines, [&](const OcrLine& line) {
      const int centre = line.box.y + line.box.height / 2;
      return centre >= band.top && centre < band.bottom;
    });
    if (block.lines.size() != before && !at) at = kept.size();
    if (block.lines.empty()) continue;
    if (block.lines.size() != before) {
      block.box = Box{};
      for (const auto& line : block.lines) block.box = block.box.Empty() ? line.box : block.box.Union(line.box);
    }
    kept.push_back(std::move(block));
  }
  const size_t insert_at = at.value_or(kept.size());
  kept.insert(kept.begin() + static_cast<std::ptrdiff_t>(insert_at),
              std::make_move_iterator(read.begin()), std::make_move_iterator(read.end()));
  page.blocks = std::move(kept);
}

}  // namespace qikan
