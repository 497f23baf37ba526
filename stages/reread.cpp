#include "stages/reread.h"

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "models/text.h"
#include "stages/image.h"

namespace qikan {
namespace {

double MedianLineHeight(const OcrPage& page) {
  std::vector<int> heights;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (line.confidence >= 70 && line.words.size() >= 3) heights.push_back(line.box.height);
    }
  }
  if (heights.empty()) return 0;
  std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                   heights.end());
  return heights[heights.size() / 2];
}

Box ToBox(const cv::Rect& r) { return Box{.x = r.x, .y = r.y, .width = r.width, .height = r.height}; }

cv::Rect InkedRows(const cv::Mat& ink, const cv::Rect& box, double glyph) {
  cv::Mat rows;
  cv::reduce(ink(box), rows, 1, cv::REDUCE_MAX);
  const int bridge = std::max(1, static_cast<int>(0.3 * glyph));
  int best_top = 0, best_length = 0, top = -1, gap = 0;
  for (int y = 0; y <= rows.rows; ++y) {
    const bool inked = y < rows.rows && rows.at<uchar>(y, 0) != 0;
    if (inked) {
      if (top < 0) top = y;
      gap = 0;
    } else if (top >= 0 && (++gap > bridge || y == rows.rows)) {
      const int length = y - gap + 1 - top;
      if (length > best_length) {
        best_length = length;
        best_top = top;
      }
      top = -1;
      gap = 0;
    }
  }
  if (best_length == 0) return box;
  return cv::Rect(box.x, box.y + best_top, box.width, best_length);
}

// Ink no OCR line covers, grouped into line-shaped regions.
// `glyph` is the height of the page's lines, `cover_glyph` the body's glyph: what a line's box
// covers is measured at the latter.
std::vector<RereadRegion> UncoveredInk(const cv::Mat& gray, const OcrPage& page, double glyph,
                                       double cover_glyph) {
  cv::Mat ink;
  cv::threshold(gray, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  const cv::Mat all_ink = ink.clone();  // before the lines' ink is taken out
  const int pad = static_cast<int>(0.3 * cover_glyph);
  const cv::Rect page_rect(0, 0, ink.cols, ink.rows);
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      cv::Rect r = cv::Rect(line.box.x, line.box.y, line.box.width, line.box.height) & page_rect;
      // A large line's box (the masthead title) often reaches over the small line below it:
      // cover only its own ink, the longest run of inked rows.
      if (r.height > 2 * cover_glyph && !r.empty()) r = InkedRows(ink, r, cover_glyph);
      r = cv::Rect(r.x - pad, r.y - pad, r.width + 2 * pad, r.height + 2 * pad) & page_rect;
      ink(r).setTo(0);
    }
  }
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  std::vector<uchar> keep(static_cast<size_t>(n), 0);
  const int speck = std::max(2, static_cast<int>(0.15 * glyph));
  for (int i = 1; i < n; ++i) {
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const bool touches_edge = x == 0 || y == 0 || x + w == ink.cols || y + h == ink.rows;
    const bool too_small = w < speck && h < speck;
    const bool too_big = h > 3 * glyph || w > 20 * glyph;
    if (!touches_edge && !too_small && !too_big) keep[static_cast<size_t>(i)] = 255;
  }
  // One pass over the labels, not one per component kept (a noisy page keeps hundreds).
  const cv::Mat kept = LabelMask(labels, keep);
  // Characters of one line merge across their gaps, lines stay apart.
  cv::Mat grouped;
  cv::dilate(kept, grouped,
             cv::getStructuringElement(cv::MORPH_RECT,
                                       cv::Size(static_cast<int>(1.2 * glyph) | 1,
                                                static_cast<int>(0.2 * glyph) | 1)));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(grouped, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::vector<RereadRegion> regions;
  for (const auto& contour : contours) {
    const cv::Rect r = cv::boundingRect(contour);
    if (r.height < 0.4 * glyph || r.height > 3 * glyph || r.width < 1.5 * glyph) continue;
    if (cv::countNonZero(kept(r)) < 0.05 * r.area()) continue;  // a few specks spread out
    // The region's glyph is its ink's height, not the grouping's, which stands a fifth of a
    // glyph taller: measured on the grouping, a lone four-character line of a one-bit contents
    // page ("监督纵横", 40 px glyphs) was cut 56 px tall and read at 23 px, as nothing. (The
    // region keeps the grouping's box, half a glyph wider than its ink each side: cut at its ink,
    // the rest of a row whose line OCR read as "ar" over its first glyph was merged as a line of
    // its own at the page's end, and the "ar" line was no longer read again.)
    std::vector<cv::Point> inked;
    cv::findNonZero(kept(r), inked);
    cv::Rect tight = cv::boundingRect(inked) + r.tl();
    // Its glyphs' tops (or feet) may stand in the white taken out round the line above (or
    // below): the ink goes on over the rows inked across its width.
    auto inked_row = [&](int y) {
      return y >= 0 && y < all_ink.rows &&
             cv::countNonZero(all_ink(cv::Rect(tight.x, y, tight.width, 1))) > 0;
    };
    for (int k = 0; k < pad && inked_row(tight.y - 1); ++k) {
      --tight.y;
      ++tight.height;
    }
    for (int k = 0; k < pad && inked_row(tight.y + tight.height); ++k) ++tight.height;
    regions.push_back(
        RereadRegion{.box = ToBox(r), .glyph_px = std::min<double>(tight.height, glyph)});
  }
  return regions;
}

// Consecutive words read with almost no confidence inside a line read well otherwise: the date
// of a masthead line "杭州市人大常委会研究室编    2025年7月11日" read "2025年了滔-车月" (滔 at 0,
// 车 at 10) in a line whose mean stays at 80.
bool HasGarbledStretch(const OcrLine& line, const RereadOptions& options) {
  int run = 0;
  for (const auto& word : line.words) {
    run = word.confidence < options.garbled_word_confidence ? run + 1 : 0;
    if (run >= options.garbled_words) return true;
  }
  return false;
}

}  // namespace

Box WidenToRowInk(const cv::Mat& gray, const Box& box, double glyph) {
  const cv::Rect page(0, 0, gray.cols, gray.rows);
  const int pad = static_cast<int>(0.3 * glyph);
  const cv::Rect band = cv::Rect(0, box.y - pad, gray.cols, box.height + 2 * pad) & page;
  if (band.empty()) return box;
  cv::Mat ink;
  cv::threshold(gray(band), ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat columns;
  cv::reduce(ink, columns, 0, cv::REDUCE_MAX);
  const int bridge = static_cast<int>(3 * glyph);
  int left = box.x, right = box.Right();
  for (int gap = 0, x = left - 1; x >= 0 && gap <= bridge; --x) {
    gap = columns.at<uchar>(0, x) ? 0 : gap + 1;
    if (gap == 0) left = x;
  }
  for (int gap = 0, x = right; x < gray.cols && gap <= bridge; ++x) {
    gap = columns.at<uchar>(0, x) ? 0 : gap + 1;
    if (gap == 0) right = x + 1;
  }
  cv::Mat rows;
  cv::reduce(ink(cv::Rect(left, 0, right - left, band.height)), rows, 1, cv::REDUCE_MAX);
  // The row of ink the box stands in: runs of inked rows parted by white a quarter glyph tall
  // (the leading between two lines), the one the box's middle falls in or nearest it. A box OCR
  // guessed over three rows of text is one of them, not all three.
  const int middle = box.y + box.height / 2 - band.y;
  const int leading = std::max(1, static_cast<int>(0.25 * glyph));
  int top = 0, bottom = 0, best = -1;
  for (int y = 0; y < band.height;) {
    if (!rows.at<uchar>(y, 0)) {
      ++y;
      continue;
    }
    int end = y + 1, white = 0;
    for (int k = y + 1; k < band.height && white < leading; ++k) {
      white = rows.at<uchar>(k, 0) ? 0 : white + 1;
      if (!white) end = k + 1;
    }
    const int distance = middle < y ? y - middle : (middle >= end ? middle - end + 1 : 0);
    if (best < 0 || distance < best) {
      best = distance;
      top = y;
      bottom = end;
    }
    y = end + leading;
  }
  if (bottom <= top) return box;
  return Box{.x = left, .y = band.y + top, .width = right - left, .height = bottom - top};
}

Box RowBox(const OcrLine& line, double tall) {
  if (line.words.empty()) return line.box;
  const double limit = tall * MedianWordHeight(line);
  Box rows, all;
  for (const auto& word : line.words) {
    if (word.box.Empty()) continue;
    all = all.Union(word.box);
    if (word.box.height <= limit) rows = rows.Union(word.box);
  }
  if (rows.Empty()) return line.box;
  return Box{.x = all.x, .y = rows.y, .width = all.width, .height = rows.height};
}

Box WidenToOwnRowInk(const cv::Mat& gray, const OcrPage& page, const OcrLine& line, double glyph) {
  const Box own = RowBox(line);
  Box widened = WidenToRowInk(gray, own, glyph);
  int left = widened.x, right = widened.Right();
  for (const auto& block : page.blocks) {
    for (const auto& other : block.lines) {
      if (&other == &line) continue;
      const int overlap = std::min(other.box.Bottom(), own.Bottom()) - std::max(other.box.y, own.y);
      if (overlap < 0.5 * std::min(other.box.height, own.height)) continue;
      if (other.box.Right() <= own.x) left = std::max(left, other.box.Right());
      if (other.box.x >= own.Right()) right = std::min(right, other.box.x);
    }
  }
  widened.x = left;
  widened.width = std::max(0, right - left);
  return widened;
}

bool OpensBracket(char32_t c) { return c == U'（' || c == U'(' || c == U'〈' || c == U'《'; }
bool ClosesBracket(char32_t c) { return c == U'）' || c == U')' || c == U'〉' || c == U'》'; }

double MedianWordHeight(const OcrLine& line) {
  std::vector<int> heights;
  for (const auto& word : line.words) heights.push_back(word.box.height);
  if (heights.empty()) return line.box.height;
  std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                   heights.end());
  return heights[heights.size() / 2];
}

double BodyGlyphHeight(const OcrPage& page) {
  std::vector<double> heights;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (line.confidence >= 70 && line.words.size() >= 3) heights.push_back(MedianWordHeight(line));
    }
  }
  if (heights.empty()) return 0;
  std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                   heights.end());
  return heights[heights.size() / 2];
}

std::vector<RereadRegion> FindLinesToReread(const cv::Mat& gray, const OcrPage& page,
                                            const RereadOptions& options) {
  const double glyph = MedianLineHeight(page);
  if (glyph <= 0) return {};
  const double body_glyph = BodyGlyphHeight(page);
  std::vector<RereadRegion> regions;
  std::vector<uchar> heading_sized;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      // A line's size is its rows' (RowBox): a word OCR boxed over two rows of a heading ("[区"
      // boxed 133 px in a line of 70 px glyphs) would have it cut two rows tall and read at
      // half its size.
      const Box rows = RowBox(line);
      const bool large = rows.height > options.large_glyph_ratio * glyph;
      const bool doubtful =
          line.confidence < options.low_confidence || HasGarbledStretch(line, options);
      if (!large && !doubtful) continue;
      regions.push_back(RereadRegion{.box = large ? rows : WidenToOwnRowInk(gray, page, line, glyph),
                                     .glyph_px = large ? rows.height : glyph,
                                     .replaces = line.box,
                                     .confidence = line.confidence});
      heading_sized.push_back(body_glyph > 0 &&
                              MedianWordHeight(line) > options.heading_glyph_ratio * body_glyph);
    }
  }
  // Past the bound, the lines set larger than the body (a page's headings, its masthead: few,
  // and worth the most) are kept first, then the smallest.
  std::vector<size_t> order(regions.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto area = [&](size_t i) { return static_cast<long>(regions[i].box.width) * regions[i].box.height; };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (heading_sized[a] != heading_sized[b]) return heading_sized[a] > heading_sized[b];
    return area(a) < area(b);
  });
  if (static_cast<int>(order.size()) > options.max_regions) order.resize(options.max_regions);
  // Read smallest first, so a large line cut later cannot swallow a small line inside its box.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return area(a) < area(b); });
  std::vector<RereadRegion> kept;
  kept.reserve(order.size());
  for (const size_t i : order) kept.push_back(regions[i]);
  return kept;
}

std::vector<RereadRegion> FindLostLineEnds(const cv::Mat& gray, const OcrPage& page,
                                           const RereadOptions& options) {
  const double glyph = MedianLineHeight(page);
  if (glyph <= 0) return {};
  cv::Mat ink;
  cv::threshold(gray, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  // The ink no line's box holds.
  const cv::Rect page_rect(0, 0, ink.cols, ink.rows);
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      ink(cv::Rect(line.box.x, line.box.y, line.box.width, line.box.height) & page_rect).setTo(0);
    }
  }
  std::vector<RereadRegion> regions;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (line.words.size() < 2) continue;
      const double g = MedianWordHeight(line);
      if (g < 0.6 * glyph || g > 1.5 * glyph) continue;  // body-sized lines
      const Box row = RowBox(line);
      const cv::Rect rows = cv::Rect(0, row.y, ink.cols, row.height) & page_rect;
      if (rows.empty()) continue;
      cv::Mat inked_columns;
      cv::reduce(ink(rows), inked_columns, 0, cv::REDUCE_MAX);
      auto inked = [&](int x) { return x >= 0 && x < ink.cols && inked_columns.at<uchar>(0, x) != 0; };
      const int reach = static_cast<int>(options.lost_end_gap * g);
      const int bridge = std::max(1, static_cast<int>(0.25 * g));
      const int after = static_cast<int>(0.5 * g);
      // step +1: past the right end; -1: before the left one.
      for (const int step : {1, -1}) {
        const int end = step > 0 ? row.Right() : row.x - 1;
        int first = -1;
        for (int d = 1; d <= reach && first < 0; ++d) {
          if (inked(end + step * d)) first = end + step * d;
        }
        if (first < 0) continue;
        // The glyph: inked columns, over gaps narrower than `bridge`.
        int last = first, gap = 0;
        for (int x = first + step; x >= 0 && x < ink.cols && gap <= bridge; x += step) {
          if (inked(x)) {
            last = x;
            gap = 0;
          } else {
            ++gap;
          }
        }
        const int width = std::abs(last - first) + 1;
        if (width < 0.45 * g || width > 1.3 * g) continue;
        bool more = false;  // ink soon after it: more text, not a lost glyph
        for (int d = 1; d <= after && !more; ++d) more = inked(last + step * d);
        if (more) continue;
        const int left = std::min(first, last);
        cv::Mat rows_inked;
        cv::reduce(ink(cv::Rect(left, rows.y, width, rows.height)), rows_inked, 1, cv::REDUCE_MAX);
        if (cv::countNonZero(rows_inked) < 0.5 * g) continue;
        const int x0 = step > 0 ? row.x : left;
        const int x1 = step > 0 ? left + width : row.Right();
        regions.push_back(RereadRegion{.box = Box{.x = x0, .y = row.y, .width = x1 - x0, .height = row.height},
                                       .glyph_px = g,
                                       .replaces = line.box,
                                       .confidence = line.confidence,
                                       .extends = true});
        break;
      }
    }
  }
  if (static_cast<int>(regions.size()) > options.max_regions) regions.resize(options.max_regions);
  return regions;
}

std::vector<RereadRegion> FindUnreadText(const cv::Mat& gray, const OcrPage& page,
                                         const RereadOptions& options) {
  const double glyph = MedianLineHeight(page);
  if (glyph <= 0) return {};
  // What the lines cover is measured at the body's glyph, not at their boxes' height: OCR's
  // boxes of a degraded page stand half as tall again as their glyphs, and the rows of ink a
  // tall box covers (InkedRows) ran on over the leading into the line below it, unread ("开展，
  // 切实推进全区“三农”工作。" between a line boxed 89 px tall and an attribution boxed 114 px,
  // over 40 px glyphs). (The regions found keep the lines' height: cut at the body's glyph,
  // "共建网络。" read as nothing.)
  const double body = BodyGlyphHeight(page);
  std::vector<RereadRegion> regions = UncoveredInk(gray, page, glyph, body > 0 ? body : glyph);
  if (static_cast<int>(regions.size()) > options.max_regions) regions.resize(options.max_regions);
  return regions;
}

RegionImage CutRegion(const cv::Mat& gray, const RereadRegion& region, const RereadOptions& options,
                      double scale) {
  const cv::Rect page(0, 0, gray.cols, gray.rows);
  const int pad = static_cast<int>(0.15 * region.glyph_px);
  const cv::Rect r = cv::Rect(region.box.x - pad, region.box.y - pad, region.box.width + 2 * pad,
                              region.box.height + 2 * pad) &
                     page;
  RegionImage cut;
  cut.factor =
      std::clamp(scale * options.target_glyph_px / std::max(1.0, region.glyph_px), 0.1, 3.0);
  cv::Mat scaled;
  cv::resize(gray(r), scaled, cv::Size(), cut.factor, cut.factor,
             cut.factor < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  const int m = options.margin_px;
  cut.image = cv::Mat(scaled.rows + 2 * m, scaled.cols + 2 * m, CV_8UC1, cv::Scalar(255));
  scaled.copyTo(cut.image(cv::Rect(m, m, scaled.cols, scaled.rows)));
  cut.origin = cv::Point(r.x - static_cast<int>(m / cut.factor), r.y - static_cast<int>(m / cut.factor));
  cut.margin = m;
  return cut;
}

Box ToPage(const RegionImage& cut, const Box& box) {
  int left = box.x, right = box.Right();
  if (!cut.columns.empty()) {
    const int last = static_cast<int>(cut.columns.size()) - 1;
    left = cut.columns[static_cast<size_t>(std::clamp(left, 0, last))];
    right = cut.columns[static_cast<size_t>(std::clamp(right - 1, 0, last))] + 1;
  }
  return Box{.x = cut.origin.x + static_cast<int>(left / cut.factor),
             .y = cut.origin.y + static_cast<int>(box.y / cut.factor),
             .width = static_cast<int>((right - left) / cut.factor),
             .height = static_cast<int>(box.height / cut.factor)};
}

std::optional<RegionImage> CloseWideGaps(const RegionImage& cut, double glyph_px,
                                         const CloseGapsOptions& options) {
  if (cut.image.empty() || glyph_px <= 0 || !cut.columns.empty()) return std::nullopt;
  cv::Mat ink, inked;
  cv::threshold(cut.image, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::reduce(ink, inked, 0, cv::REDUCE_MAX);
  // The ink's stretches, left to right.
  std::vector<std::pair<int, int>> runs;
  for (int x = 0; x < inked.cols; ++x) {
    if (!inked.at<uchar>(0, x)) continue;
    if (!runs.empty() && runs.back().second == x) {
      runs.back().second = x + 1;
    } else {
      runs.emplace_back(x, x + 1);
    }
  }
  if (runs.size() < 2) return std::nullopt;
  // The glyph as the ink shows it: a box OCR stretched over a tall bracket says more.
  cv::Mat rows;
  cv::reduce(ink, rows, 1, cv::REDUCE_MAX);
  int top = 0, bottom = rows.rows;
  while (top < bottom && !rows.at<uchar>(top, 0)) ++top;
  while (bottom > top && !rows.at<uchar>(bottom - 1, 0)) --bottom;
  if (bottom > top) glyph_px = std::min(glyph_px, static_cast<double>(bottom - top));
  // A narrow piece of ink the crop cuts at its left or right edge is the end of a character
  // beside the line (the next column's), not the line's.
  cv::Mat image = cut.image;
  const int left_edge = cut.margin, right_edge = cut.image.cols - cut.margin;
  std::erase_if(runs, [&](const std::pair<int, int>& run) {
    const bool cut_off = run.first <= left_edge || run.second >= right_edge;
    if (!cut_off || run.second - run.first >= 0.5 * glyph_px) return false;
    if (image.data == cut.image.data) image = cut.image.clone();
    image.colRange(run.first, run.second).setTo(255);
    return true;
  });
  if (runs.size() < 2) return std::nullopt;
  const double span = runs.back().second - runs.front().first;
  const int wide = static_cast<int>(options.wide_gap * glyph_px);
  const int closed = std::max(1, static_cast<int>(options.closed_gap * glyph_px));
  bool any = false;
  double gaps = 0;
  for (size_t i = 1; i < runs.size(); ++i) {
    const int gap = runs[i].first - runs[i - 1].second;
    if (gap > wide) {
      any = true;
      gaps += gap;
    }
  }
  if (!any || (!options.every_gap && (span - gaps) / glyph_px > options.max_cells)) return std::nullopt;
  // Letter-spaced throughout: every glyph stands apart from the next by a wide gap. The glyphs
  // are the ink's stretches joined over the white inside a character (川), those at least half a
  // glyph wide: a bracket or a comma keeps to one side of its cell and is no glyph here. A line
  // with a wide gap somewhere only ("专项规划" and a mark from the next column) is set solid.
  std::vector<std::pair<int, int>> glyphs;
  const int inside = static_cast<int>(0.2 * glyph_px);
  for (const auto& run : runs) {
    if (!glyphs.empty() && run.first - glyphs.back().second <= inside) {
      glyphs.back().second = run.second;
    } else {
      glyphs.push_back(run);
    }
  }
  std::erase_if(glyphs, [&](const auto& g) { return g.second - g.first < 0.5 * glyph_px; });
  if (glyphs.size() < 2) return std::nullopt;
  for (size_t i = 1; i < glyphs.size() && !options.every_gap; ++i) {
    if (glyphs[i].first - glyphs[i - 1].second <= wide) return std::nullopt;
  }
  // Keep every column but the middle of each wide gap.
  std::vector<int> columns;
  columns.reserve(static_cast<size_t>(inked.cols));
  for (int x = 0; x < runs.front().first; ++x) columns.push_back(x);
  for (size_t i = 0; i < runs.size(); ++i) {
    for (int x = runs[i].first; x < runs[i].second; ++x) columns.push_back(x);
    const int end = i + 1 < runs.size() ? runs[i + 1].first : inked.cols;
    const int gap = end - runs[i].second;
    const bool between_runs = i + 1 < runs.size();
    const int keep = between_runs && gap > wide ? closed : gap;
    for (int x = runs[i].second; x < runs[i].second + keep; ++x) columns.push_back(x);
  }
  RegionImage closed_cut{.factor = cut.factor, .origin = cut.origin, .columns = columns};
  closed_cut.image.create(cut.image.rows, static_cast<int>(columns.size()), cut.image.type());
  for (size_t i = 0; i < columns.size(); ++i) {
    image.col(columns[i]).copyTo(closed_cut.image.col(static_cast<int>(i)));
  }
  return closed_cut;
}

int DropStrayWords(OcrPage& page, const RereadOptions& options) {
  // The text area: where most lines of three words or more begin and end (quartiles, so that a
  // line a mark stretched into the margin does not widen it).
  std::vector<int> lefts, rights;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (line.words.size() < 3) continue;
      lefts.push_back(line.box.x);
      rights.push_back(line.box.Right());
    }
  }
  if (lefts.empty()) return 0;
  std::sort(lefts.begin(), lefts.end());
  std::sort(rights.begin(), rights.end());
  const int text_left = lefts[lefts.size() / 4];
  const int text_right = rights[rights.size() * 3 / 4];

  int dropped = 0;
  for (auto& block : page.blocks) {
    const int dropped_before = dropped;
    for (auto& line : block.lines) {
      auto& words = line.words;
      if (words.size() < 3) continue;
      const double glyph = MedianWordHeight(line);
      const double gap = options.stray_gap * glyph;
      // Apart from its line, and read with next to no confidence or lying in the margin.
      auto stray = [&](const OcrWord& word, int distance) {
        if (distance < gap) return false;
        const bool in_margin =
            word.box.x >= text_right + glyph || word.box.Right() <= text_left - glyph;
        return word.confidence < options.stray_confidence ||
               (in_margin && word.confidence < options.margin_confidence);
      };
      const size_t before = words.size();
      while (words.size() >= 3 &&
             stray(words.back(), words.back().box.x - words[words.size() - 2].box.Right())) {
        words.pop_back();
      }
      while (words.size() >= 3 && stray(words.front(), words[1].box.x - words.front().box.Right())) {
        words.erase(words.begin());
      }
      if (words.size() == before) continue;
      dropped += static_cast<int>(before - words.size());
      line.RebuildFromWords();
    }
    if (dropped != dropped_before) block.RebuildFromLines();
  }
  return dropped;
}

int DropLinesInsideLines(OcrPage& page) {
  struct Host {
    Box rows;
    const OcrLine* line;
  };
  std::vector<Host> hosts;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (!line.words.empty()) hosts.push_back({RowBox(line), &line});
    }
  }
  auto inside_another = [&](const OcrLine& strip) {
    const Box own = RowBox(strip);
    for (const Host& host : hosts) {
      if (host.line == &strip || host.line->confidence <= strip.confidence) continue;
      if (2 * own.height > host.rows.height) continue;
      const int slack = host.rows.height / 10;
      if (own.y < host.rows.y - slack || own.Bottom() > host.rows.Bottom() + slack) continue;
      // Under the host's own words, not beside them: a small line set beside a large one on its
      // rows (an issue number beside a masthead's title) is a line of its own.
      int under = 0;
      for (const auto& word : host.line->words) {
        under += std::max(0, std::min(word.box.Right(), own.Right()) - std::max(word.box.x, own.x));
      }
      if (2 * under >= own.width) return true;
    }
    return false;
  };
  std::vector<const OcrLine*> strips;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (inside_another(line)) strips.push_back(&line);
    }
  }
  if (strips.empty()) return 0;
  for (auto& block : page.blocks) {
    const size_t before = block.lines.size();
    std::erase_if(block.lines, [&](const OcrLine& line) {
      return std::find(strips.begin(), strips.end(), &line) != strips.end();
    });
    if (block.lines.size() != before) block.RebuildFromLines();
  }
  std::erase_if(page.blocks, [](const OcrBlock& b) { return b.lines.empty(); });
  return static_cast<int>(strips.size());
}

bool ConfirmedByAgreement(const OcrPage& a, const OcrPage& b, const RereadOptions& options) {
  if (a.MeanConfidence() < options.confirm_confidence ||
      b.MeanConfidence() < options.confirm_confidence) {
    return false;
  }
  auto canonical = [](const OcrPage& page) {
    std::u32string out;
    for (char32_t c : StripWhitespace(ToU32(page.Text()))) {
      if (OpensBracket(c)) c = U'（';
      if (ClosesBracket(c)) c = U'）';
      out += c;
    }
    return out;
  };
  const std::u32string text = canonical(a);
  const auto cjk = std::count_if(text.begin(), text.end(), [](char32_t c) { return IsCjk(c); });
  return cjk >= 2 && text == canonical(b);
}

namespace {

// Whether `read` (a line read again over a glyph past its end) reads the line at `box` as before
// with one or two characters more, those read with confidence.
bool ExtendsLine(const OcrPage& page, const Box& box, const std::vector<OcrLine>& read,
                 const RereadOptions& options) {
  const OcrLine* before = nullptr;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      if (line.box == box) before = &line;
    }
  }
  if (!before) return false;
  std::u32string now;
  for (const auto& line : read) now += StripWhitespace(ToU32(line.text));
  const std::u32string was = StripWhitespace(ToU32(before->text));
  if (now.size() <= was.size() || now.size() > was.size() + 2) return false;
  if (EditDistance(now, was) > now.size() - was.size() +
                                   static_cast<size_t>(options.lost_end_changed * static_cast<double>(was.size()))) {
    return false;
  }
  // The words past the old line's ends: what the glyph was read as.
  bool any = false;
  for (const auto& line : read) {
    for (const auto& word : line.words) {
      const int centre = word.box.x + word.box.width / 2;
      if (centre >= box.x && centre < box.Right()) continue;
      if (word.confidence < options.lost_end_confidence) return false;
      any = true;
    }
  }
  return any;
}

}  // namespace

bool MergeRegion(OcrPage& page, const RereadRegion& region, const RegionImage& cut,
                 const OcrPage& read, const RereadOptions& options) {
  auto map = [&](const Box& b) { return ToPage(cut, b); };
  std::vector<OcrLine> lines;
  double weighted = 0;
  double chars = 0;
  for (const auto& block : read.blocks) {
    for (OcrLine line : block.lines) {
      line.box = map(line.box);
      for (auto& word : line.words) word.box = map(word.box);
      if (region.within) {
        const Box& w = *region.within;
        std::erase_if(line.words, [&](const OcrWord& word) {
          const int cx = word.box.x + word.box.width / 2, cy = word.box.y + word.box.height / 2;
          return cx < w.x || cx >= w.Right() || cy < w.y || cy >= w.Bottom();
        });
        if (line.words.empty()) continue;
        for (auto& word : line.words) {
          const int left = std::max(word.box.x, w.x), top = std::max(word.box.y, w.y);
          word.box = Box{.x = left, .y = top,
                         .width = std::min(word.box.Right(), w.Right()) - left,
                         .height = std::min(word.box.Bottom(), w.Bottom()) - top};
        }
        line.RebuildFromWords();
      }
      weighted += line.confidence * static_cast<double>(line.text.size());
      chars += static_cast<double>(line.text.size());
      lines.push_back(std::move(line));
    }
  }
  if (lines.empty()) return false;
  const double confidence = weighted / chars;
  if (region.replaces && region.extends) {
    if (!ExtendsLine(page, *region.replaces, lines, options)) return false;
  } else if (region.replaces && confidence <= region.confidence + 5) {
    return false;
  }
  if (region.replaces) {
    // A fragment of the line: its box mostly inside the region. A line the region is only a
    // strip of (a heading's line, over which OCR boxed a second line 13 px tall) is a line of
    // its own.
    auto inside = [&](const OcrLine& line) {
      if (line.confidence >= options.low_confidence) return false;  // a line of its own
      const Box common = line.box.Intersection(region.box);
      return !common.Empty() && 2L * common.width * common.height >=
                                    static_cast<long>(line.box.width) * line.box.height;
    };
    auto is_target = [&](const OcrLine& line) { return line.box == *region.replaces; };
    // Take out the line and its fragments, remembering where the line stood.
    OcrBlock* home = nullptr;
    long position = 0;
    for (auto& block : page.blocks) {
      std::vector<OcrLine> kept;
      for (auto& line : block.lines) {
        if (is_target(line)) {
          home = &block;
          position = static_cast<long>(kept.size());
        }
        if (!is_target(line) && !inside(line)) kept.push_back(std::move(line));
      }
      block.lines = std::move(kept);
    }
    if (!home) return false;
    home->lines.insert(home->lines.begin() + position, lines.begin(), lines.end());
    std::erase_if(page.blocks, [](const OcrBlock& b) { return b.lines.empty(); });
    return true;
  }
  if (!region.confirmed && confidence < options.unread_confidence) return false;
  // Ink beside a line whose box OCR drew too small is that line again: keep it once.
  std::string read_text;
  for (const auto& line : lines) read_text += line.text;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      const int overlap = std::min(line.box.Bottom(), region.box.Bottom()) -
                          std::max(line.box.y, region.box.y);
      if (overlap < 0.3 * std::min(line.box.height, region.box.height)) continue;
      const std::u32string a = StripWhitespace(ToU32(line.text));
      const std::u32string b = StripWhitespace(ToU32(read_text));
      const size_t longer = std::max(a.size(), b.size());
      if (longer > 0 && EditDistance(a, b) < 0.5 * static_cast<double>(longer)) return false;
    }
  }
  OcrBlock block{.box = region.box, .lines = std::move(lines)};
  const auto at = std::find_if(page.blocks.begin(), page.blocks.end(),
                               [&](const OcrBlock& b) { return b.box.y > region.box.y; });
  page.blocks.insert(at, std::move(block));
  return true;
}

}  // namespace qikan
