#include "stages/columns.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "models/text.h"
#include "stages/image.h"

namespace qikan {
namespace {

// Ink components larger than this (ems) are rules, pictures or scanner edges, not text: a rule
// drawn down the gutter must not close it. Smaller than kMinInkEm is dust.
constexpr double kMaxInkEm = 2.5;
constexpr double kMinInkEm = 0.12;
// White kept around a column cut out for reading, in ems and in pixels.
constexpr double kCutPadEm = 0.3;
constexpr int kCutMarginPx = 32;
// A stroke down a column cut out this tall (ems) is a rule: no glyph's is.
constexpr double kRuleEm = 2.5;
// Text close to a gutter stands within this (ems) of it.
constexpr double kFlankEm = 1.0;

// The column `side` of the page cut out for reading, with white around it. OpenCV pads a cut
// (a view into the page) with the page's own pixels beside it unless told BORDER_ISOLATED, and
// the white around a column of a three-column page then held the next column's glyphs. A rule
// drawn down a gutter (a stroke kRuleEm tall) is taken out, and so is ink the cut's side at a
// gutter runs through (`left_gutter`, `right_gutter`): a neighbour's glyph or a rule cut in
// half, read as "|" and noise ("|序;通过系统化统筹，", "ii传").
cv::Mat CutColumn(const cv::Mat& gray8, const cv::Rect& side, bool left_gutter, bool right_gutter,
                  double glyph_px) {
  cv::Mat cut;
  cv::copyMakeBorder(gray8(side), cut, kCutMarginPx, kCutMarginPx, kCutMarginPx, kCutMarginPx,
                     cv::BORDER_CONSTANT | cv::BORDER_ISOLATED, cv::Scalar(255));
  cv::Mat ink, rules;
  cv::threshold(cut, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  const int tall = std::max(2, static_cast<int>(kRuleEm * glyph_px));
  cv::morphologyEx(ink, rules, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, tall)));
  cv::dilate(rules, rules, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 1)));
  cut.setTo(255, rules);
  ink.setTo(0, rules);
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  std::vector<uchar> cut_through(static_cast<size_t>(count), 0);
  for (int c = 1; c < count; ++c) {
    const int left = stats.at<int>(c, cv::CC_STAT_LEFT);
    const int right = left + stats.at<int>(c, cv::CC_STAT_WIDTH);
    cut_through[static_cast<size_t>(c)] = (left_gutter && left <= kCutMarginPx) ||
                                          (right_gutter && right >= kCutMarginPx + side.width);
  }
  cut.setTo(255, LabelMask(labels, cut_through));
  return cut;
}

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

// The page's text ink on a grid of square cells `cell` pixels wide: a cell is 1 where any of
// its pixels is ink.
cv::Mat InkCells(const cv::Mat& mask, int cell) {
  const int rows = (mask.rows + cell - 1) / cell;
  const int cols = (mask.cols + cell - 1) / cell;
  cv::Mat grid(rows, cols, CV_8U, cv::Scalar(0));
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const cv::Rect rect(c * cell, r * cell, std::min(cell, mask.cols - c * cell),
                          std::min(cell, mask.rows - r * cell));
      grid.at<uchar>(r, c) = cv::countNonZero(mask(rect)) > 0;
    }
  }
  return grid;
}

// Runs of 1 in `row`, as [from, to) cell intervals.
std::vector<ColumnGutter> Runs(const std::vector<uchar>& row) {
  std::vector<ColumnGutter> runs;
  for (int c = 0; c < static_cast<int>(row.size());) {
    if (!row[static_cast<size_t>(c)]) {
      ++c;
      continue;
    }
    int end = c;
    while (end < static_cast<int>(row.size()) && row[static_cast<size_t>(end)]) ++end;
    runs.push_back({c, end});
    c = end;
  }
  return runs;
}

bool Overlap(const ColumnGutter& a, const ColumnGutter& b) {
  return std::min(a.right, b.right) > std::max(a.left, b.left);
}

// Whether the line stands in the band: its middle in the band's rows.
bool InBand(const OcrLine& line, const ColumnBand& band) {
  const int centre = line.box.y + line.box.height / 2;
  return centre >= band.top && centre < band.bottom;
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
  const int cell = std::max(1, static_cast<int>(std::lround(options.glyph_px / 4)));
  const cv::Mat ink = InkCells(TextInk(gray8, options.glyph_px), cell);
  const int rows = ink.rows;
  const int cols = ink.cols;
  const int min_width = std::max(1, static_cast<int>(std::ceil(options.min_gutter_em * options.glyph_px / cell)));
  const int min_height = std::max(1, static_cast<int>(std::ceil(options.min_band_em * options.glyph_px / cell)));
  const int flank = std::max(1, static_cast<int>(std::lround(kFlankEm * options.glyph_px / cell)));

  auto inked = [&](int r, int from, int to) {
    for (int c = std::max(0, from); c < std::min(cols, to); ++c) {
      if (ink.at<uchar>(r, c)) return true;
    }
    return false;
  };
  // White cells of gutters: each window `min_width` cells wide, where it is white down
  // `min_height` cells or more with text close by on both sides on three lines or more (the
  // white of an attribution set letter-spaced under a paragraph's short last line has text
  // both sides on one).
  const double line_rows = options.glyph_px / cell;
  std::vector<std::vector<uchar>> open(static_cast<size_t>(rows), std::vector<uchar>(static_cast<size_t>(cols), 0));
  for (int c0 = 0; c0 + min_width <= cols; ++c0) {
    int run = 0;
    for (int r = 0; r <= rows; ++r) {
      bool white = r < rows;
      for (int c = c0; white && c < c0 + min_width; ++c) white = ink.at<uchar>(r, c) == 0;
      if (white) {
        ++run;
        continue;
      }
      int two_sided = 0;
      for (int k = r - run; run >= min_height && k < r; ++k) {
        two_sided += inked(k, c0 - flank, c0) && inked(k, c0 + min_width, c0 + min_width + flank);
      }
      if (run >= min_height && two_sided >= options.min_two_sided_lines * line_rows) {
        for (int k = r - run; k < r; ++k) {
          std::fill_n(open[static_cast<size_t>(k)].begin() + c0, min_width, uchar{1});
        }
      }
      run = 0;
    }
  }

  // The text's extent across rows [top, bottom): its first and last inked cell columns, as
  // [left, right) (left > right: no ink).
  auto extent = [&](int top, int bottom) {
    int left = cols, right = -1;
    for (int r = top; r < bottom; ++r) {
      for (int c = 0; c < cols; ++c) {
        if (!ink.at<uchar>(r, c)) continue;
        left = std::min(left, c);
        right = std::max(right, c + 1);
      }
    }
    return std::pair{left, right};
  };

  // Rows with the same strips (one overlapping each) make a band; each gutter is the white all
  // its rows share.
  auto close_band = [&](int top, int bottom, std::vector<ColumnGutter> strips) {
    if (bottom - top < min_height || strips.empty()) return;
    // The band's text across, and its gutters: strips inside it with text close by both sides
    // on three lines or more.
    const auto [left, right] = extent(top, bottom);
    // (The strips' white reaches above and below the columns' text: the band is its lines.)
    int first = bottom, last = top - 1;
    for (int r = top; r < bottom; ++r) {
      if (inked(r, left, right)) {
        first = std::min(first, r);
        last = r;
      }
    }
    if (last < first) return;
    ColumnBand band{.top = first * cell, .bottom = std::min(gray8.rows, (last + 1) * cell),
                    .text_left = left * cell, .text_right = std::min(gray8.cols, right * cell)};
    for (const ColumnGutter& g : strips) {
      if (g.left <= left || g.right >= right || 2 * (g.right - g.left) < min_width) continue;
      int two_sided = 0;
      for (int r = top; r < bottom; ++r) {
        two_sided += inked(r, g.left - flank, g.left) && inked(r, g.right, g.right + flank);
      }
      if (two_sided < options.min_two_sided_lines * line_rows) continue;
      band.gutters.push_back({g.left * cell, g.right * cell});
    }
    if (band.gutters.empty()) return;
    // Every column keeps its share of the width.
    const double share = options.min_column_share / static_cast<double>(band.gutters.size() + 1);
    const double width = band.text_right - band.text_left;
    int from = band.text_left;
    for (size_t k = 0; k <= band.gutters.size(); ++k) {
      const int to = k < band.gutters.size() ? band.gutters[k].left : band.text_right;
      if (to - from < share * width) return;
      if (k < band.gutters.size()) from = band.gutters[k].right;
    }
    // A band that goes on from the one above with the same gutters (a strip opened and closed
    // between them) is one with it: no line is cut in two.
    if (!bands.empty() && bands.back().gutters.size() == band.gutters.size() &&
        band.top - bands.back().bottom <= options.glyph_px) {
      ColumnBand& above = bands.back();
      bool same = true;
      for (size_t k = 0; k < band.gutters.size(); ++k) {
        same = same && Overlap(above.gutters[k], band.gutters[k]);
      }
      if (same) {
        for (size_t k = 0; k < band.gutters.size(); ++k) {
          above.gutters[k] = {std::max(above.gutters[k].left, band.gutters[k].left),
                              std::min(above.gutters[k].right, band.gutters[k].right)};
        }
        above.bottom = band.bottom;
        above.text_left = std::min(above.text_left, band.text_left);
        above.text_right = std::max(above.text_right, band.text_right);
        return;
      }
    }
    if (last - first + 1 < min_height) return;
    bands.push_back(std::move(band));
  };
  // A band starts on a row with white strips inside the page's text (the page margins and the
  // white beside a column that has ended are no gutters) and goes on while each of its strips
  // stays white and no other one opens; its gutters narrow to the white all its rows share.
  const auto [page_left, page_right] = extent(0, rows);
  int top = 0;
  std::vector<ColumnGutter> strips;
  for (int r = 0; r <= rows; ++r) {
    const std::vector<ColumnGutter> runs = r < rows ? Runs(open[static_cast<size_t>(r)]) : std::vector<ColumnGutter>{};
    std::vector<ColumnGutter> here;
    for (const ColumnGutter& run : runs) {
      if (run.left > page_left && run.right < page_right) here.push_back(run);
    }
    if (!strips.empty()) {
      bool goes_on = std::all_of(strips.begin(), strips.end(), [&](const ColumnGutter& g) {
        return std::any_of(runs.begin(), runs.end(), [&](const ColumnGutter& h) { return Overlap(g, h); });
      });
      goes_on = goes_on && std::all_of(here.begin(), here.end(), [&](const ColumnGutter& h) {
        return std::any_of(strips.begin(), strips.end(), [&](const ColumnGutter& g) { return Overlap(g, h); });
      });
      if (goes_on) {
        for (ColumnGutter& g : strips) {
          for (const ColumnGutter& h : runs) {
            if (Overlap(g, h)) g = {std::max(g.left, h.left), std::min(g.right, h.right)};
          }
        }
        continue;
      }
      close_band(top, r, strips);
    }
    top = r;
    strips = here;
  }
  return bands;
}

bool ReadAcrossGutter(const OcrPage& page, const ColumnBand& band, const ColumnOptions& options) {
  const int reach = static_cast<int>(0.5 * options.glyph_px);
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (!InBand(line, band)) continue;
      for (const ColumnGutter& g : band.gutters) {
        if (line.box.x < g.left - reach && line.box.Right() > g.right + reach) return true;
      }
    }
  }
  return false;
}

bool ReadBadlyInBand(const OcrPage& page, const ColumnBand& band, const ColumnOptions& options) {
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (InBand(line, band) && !line.words.empty() &&
          line.confidence < options.doubtful_confidence) {
        return true;
      }
    }
  }
  return false;
}

bool ReadBandByColumns(const cv::Mat& gray, const ColumnBand& band, OcrEngine& engine,
                       const ColumnOptions& options, OcrPage& page) {
  const cv::Mat gray8 = ToGray8(gray);
  const int pad = static_cast<int>(kCutPadEm * options.glyph_px);
  const int top = std::max(0, band.top - pad);
  const int bottom = std::min(gray8.rows, band.bottom + pad);
  // Each column from the middle of the gutter before it to the middle of the one after; its
  // text lies outside the gutters.
  std::vector<OcrBlock> read;
  for (size_t k = 0; k <= band.gutters.size(); ++k) {
    const int from = k == 0 ? std::max(0, band.text_left - pad)
                            : (band.gutters[k - 1].left + band.gutters[k - 1].right) / 2;
    const int to = k < band.gutters.size() ? (band.gutters[k].left + band.gutters[k].right) / 2
                                           : std::min(gray8.cols, band.text_right + pad);
    const int lo = k == 0 ? 0 : band.gutters[k - 1].right - 1;
    const int hi = k < band.gutters.size() ? band.gutters[k].left + 1 : gray8.cols;
    const cv::Rect side(cv::Point(from, top), cv::Point(to, bottom));
    if (side.width <= 0 || side.height <= 0) continue;
    const cv::Mat cut = CutColumn(gray8, side, k > 0, k < band.gutters.size(), options.glyph_px);
    OcrPage part = engine.Recognize(cut, Segmentation::kColumn);
    const int dx = side.x - kCutMarginPx;
    const int dy = side.y - kCutMarginPx;
    for (auto& block : part.blocks) {
      // A line centred above or below the band is a sliver of what stands there (a heading's
      // descenders in the cut's padding, read "闫/二和，从/仆人让" at 27).
      std::erase_if(block.lines, [&](const OcrLine& line) {
        const int centre = line.box.y + dy + line.box.height / 2;
        return centre < band.top || centre >= band.bottom;
      });
      if (block.lines.empty()) continue;
      block.RebuildFromLines();
      block.box = Placed(block.box, dx, dy, lo, hi);
      for (auto& line : block.lines) {
        line.box = Placed(line.box, dx, dy, lo, hi);
        for (auto& word : line.words) word.box = Placed(word.box, dx, dy, lo, hi);
      }
      read.push_back(std::move(block));
    }
  }

  // The reading by columns replaces the page's only where it is no worse: as many characters
  // (nine in ten) read as surely. (Cut out, a narrow column of 楷体 is read with rows joined now
  // and then too, where the page's reading had them right.)
  auto tally = [](const std::vector<const OcrLine*>& lines) {
    double chars = 0, weighted = 0;
    for (const OcrLine* line : lines) {
      for (const auto& word : line->words) {
        const double n = static_cast<double>(StripWhitespace(ToU32(word.text)).size());
        chars += n;
        weighted += n * word.confidence;
      }
    }
    return std::pair{chars, chars > 0 ? weighted / chars : 0.0};
  };
  std::vector<const OcrLine*> as_read, by_columns;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (InBand(line, band)) as_read.push_back(&line);
    }
  }
  for (const auto& block : read) {
    for (const auto& line : block.lines) by_columns.push_back(&line);
  }
  // A reading that ran a line across a gutter is wrong whatever its confidence: the columns'
  // reading takes its place a little less sure (chi_sim reads a column's first glyphs cut out
  // with less confidence than inside the page: "全区“三农”工作" at 50 against 62), unless it
  // reads a line as next to nothing: a line cut in two that was no column's (a banner centred
  // over the gutter, "信息" at 0; a colophon's line, "SN" at 9).
  const bool cut_whole = std::any_of(by_columns.begin(), by_columns.end(), [&](const OcrLine* line) {
    return line->confidence < options.across_min_line_confidence;
  });
  const double slack =
      !cut_whole && ReadAcrossGutter(page, band, options) ? options.across_confidence_slack : 0;
  const auto [old_chars, old_confidence] = tally(as_read);
  const auto [new_chars, new_confidence] = tally(by_columns);
  if (new_chars < options.min_kept_chars * old_chars || new_confidence + slack < old_confidence) {
    return false;
  }

  // Every line of the page inside the band goes; the columns' blocks take the place of the
  // first block that lost a line.
  std::optional<size_t> at;
  std::vector<OcrBlock> kept;
  for (auto& block : page.blocks) {
    const size_t before = block.lines.size();
    std::erase_if(block.lines, [&](const OcrLine& line) { return InBand(line, band); });
    if (block.lines.size() != before && !at) at = kept.size();
    if (block.lines.empty()) continue;
    if (block.lines.size() != before) block.RebuildFromLines();
    kept.push_back(std::move(block));
  }
  const size_t insert_at = at.value_or(kept.size());
  kept.insert(kept.begin() + static_cast<std::ptrdiff_t>(insert_at),
              std::make_move_iterator(read.begin()), std::make_move_iterator(read.end()));
  page.blocks = std::move(kept);
  return true;
}

void KeepToColumn(RereadRegion& region, const std::vector<ColumnBand>& bands) {
  const Box& own = region.replaces ? *region.replaces : region.box;
  const int middle = own.y + own.height / 2;
  const int centre = own.x + own.width / 2;
  for (const ColumnBand& band : bands) {
    if (middle < band.top || middle >= band.bottom) continue;
    int left = std::numeric_limits<int>::min() / 2;
    int right = std::numeric_limits<int>::max() / 2;
    for (const ColumnGutter& g : band.gutters) {
      if (g.right <= centre) left = g.right;
      if (g.left >= centre && right > g.left) right = g.left;
    }
    // A box cut to the column across (none: nothing of it in the column).
    auto cut = [&](const Box& b) -> std::optional<Box> {
      const int x = std::max(b.x, left);
      const int end = std::min(b.Right(), right);
      if (end <= x) return std::nullopt;
      return Box{.x = x, .y = b.y, .width = end - x, .height = b.height};
    };
    const std::optional<Box> box = cut(region.box);
    if (!box) return;
    region.box = *box;
    const Box within = region.within.value_or(region.box);
    region.within = cut(within).value_or(within);
    return;
  }
}

}  // namespace qikan
