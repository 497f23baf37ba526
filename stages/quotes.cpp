#include "stages/quotes.h"

#include <algorithm>
#include <bit>
#include <set>
#include <string>

#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "models/text.h"
#include "stages/image.h"
#include "stages/ink_fit.h"

namespace qikan {
namespace {

constexpr char32_t kOpen = U'“';
constexpr char32_t kClose = U'”';

bool IsQuote(char32_t c) { return c == kOpen || c == kClose || c == U'"'; }

// The index of the last double quote of `text` before `end`, or kUnaligned.
size_t LastQuoteBefore(std::u32string_view text, size_t end) {
  for (size_t i = end; i-- > 0;) {
    if (text[i] == kOpen || text[i] == kClose) return i;
  }
  return kUnaligned;
}

// The index of the first double quote of `text` at or after `start`, or kUnaligned.
size_t NextQuoteFrom(std::u32string_view text, size_t start) {
  for (size_t i = start; i < text.size(); ++i) {
    if (text[i] == kOpen || text[i] == kClose) return i;
  }
  return kUnaligned;
}

bool SameAt(const std::vector<AlignedPair>& script, size_t step, std::u32string_view text,
            std::u32string_view reading) {
  const AlignedPair& pair = script[step];
  return pair.a != kUnaligned && pair.b != kUnaligned && text[pair.a] == reading[pair.b];
}

// The text's last quote opens (a quote that goes on to the next line).
bool EndsInsideAQuote(std::u32string_view text) {
  const size_t last = LastQuoteBefore(text, text.size());
  return last != kUnaligned && text[last] == kOpen;
}

// The text's first quote closes (a quote that goes on from the line before).
bool StartsInsideAQuote(std::u32string_view text) {
  const size_t first = NextQuoteFrom(text, 0);
  return first != kUnaligned && text[first] == kClose;
}

}  // namespace

bool QuotesUnpaired(std::u32string_view text) {
  bool open = false;
  for (const char32_t c : text) {
    if (c == kOpen) {
      if (open) return true;
      open = true;
    } else if (c == kClose) {
      if (!open) return true;
      open = false;
    }
  }
  return open;
}

std::vector<MissingMark> MissingQuotes(std::u32string_view text, std::u32string_view reading) {
  const std::vector<AlignedPair> script = AlignCharacters(text, reading);
  std::vector<MissingMark> marks;
  std::set<size_t> closed, opened;  // the quotes of `text` a mark already pairs
  size_t at = 0;                    // characters of `text` before this step
  for (size_t step = 0; step < script.size(); ++step) {
    const AlignedPair& pair = script[step];
    if (pair.a != kUnaligned) {
      ++at;
      continue;
    }
    if (!IsQuote(reading[pair.b])) continue;
    // Not at the line's ends: a mark the new reading finds there may be the next column's,
    // or a quote that goes on from the line before or to the next (read on a three-column page:
    // "围绕构建“引" given a closing mark at its end).
    const bool anchored_before = step > 0 && SameAt(script, step - 1, text, reading);
    const bool anchored_after = step + 1 < script.size() && SameAt(script, step + 1, text, reading);
    if (!anchored_before || !anchored_after) continue;
    const size_t before = LastQuoteBefore(text, at);
    const size_t after = NextQuoteFrom(text, at);
    const bool opener_left_open = before != kUnaligned && text[before] == kOpen;
    const bool closer_left_unopened = after != kUnaligned && text[after] == kClose;
    if (opener_left_open && !closer_left_unopened && closed.insert(before).second) {
      marks.push_back({.before = at, .mark = kClose});
    } else if (closer_left_unopened && !opener_left_open && opened.insert(after).second) {
      marks.push_back({.before = at, .mark = kOpen});
    }
  }
  return marks;
}

std::vector<MissingMark> MissingEndQuotes(std::u32string_view text, std::u32string_view reading) {
  std::vector<MissingMark> marks;
  if (text.size() < 2 || reading.size() < text.size() + 1) return marks;
  const size_t first = NextQuoteFrom(text, 0);
  if (first != kUnaligned && text[first] == kClose && IsQuote(reading[0]) &&
      reading.substr(1, 2) == text.substr(0, 2)) {
    marks.push_back({.before = 0, .mark = kOpen});
  }
  const size_t last = LastQuoteBefore(text, text.size());
  const size_t n = text.size(), m = reading.size();
  if (last != kUnaligned && text[last] == kOpen && IsQuote(reading[m - 1]) &&
      reading.substr(m - 3, 2) == text.substr(n - 2, 2)) {
    marks.push_back({.before = n, .mark = kClose});
  }
  return marks;
}

void InsertMarks(OcrLine& line, const std::vector<MissingMark>& marks) {
  std::vector<MissingMark> ordered = marks;
  // From the line's end back, so the places still to fill do not move.
  std::sort(ordered.begin(), ordered.end(),
            [](const MissingMark& a, const MissingMark& b) { return a.before > b.before; });
  for (const MissingMark& mark : ordered) {
    // Where each character is: its word, its place in the word's code points.
    std::vector<std::pair<size_t, size_t>> chars;
    std::vector<std::u32string> words;
    for (size_t w = 0; w < line.words.size(); ++w) {
      words.push_back(ToU32(line.words[w].text));
      for (size_t i = 0; i < words[w].size(); ++i) {
        if (words[w][i] != U' ') chars.emplace_back(w, i);
      }
    }
    if (chars.empty() || mark.before > chars.size()) continue;
    // A closing mark goes with the character before it, an opening one with the one after.
    const bool after_previous =
        mark.before == chars.size() || (mark.mark != kOpen && mark.before > 0);
    const auto [w, i] = after_previous ? chars[mark.before - 1] : chars[mark.before];
    const bool at_word_edge = after_previous ? i + 1 == words[w].size() : i == 0;
    if (!at_word_edge || line.words[w].box.Empty()) {
      words[w].insert(i + (after_previous ? 1 : 0), 1, mark.mark);
      line.words[w].text = ToUtf8(words[w]);
      continue;
    }
    // Its neighbours: the words before and after the place (either may be none).
    const size_t place = w + (after_previous ? 1 : 0);
    const OcrWord* before = place > 0 ? &line.words[place - 1] : nullptr;
    const OcrWord* after = place < line.words.size() ? &line.words[place] : nullptr;
    const Box& beside = (after_previous ? before : after)->box;
    const int width = std::max(1, beside.height / 4);
    int x = after_previous ? beside.Right() : beside.x - width;
    if (after && !after->box.Empty()) x = std::min(x, after->box.x);
    if (before && !before->box.Empty()) x = std::max(x, before->box.x + 1);
    OcrWord word{.text = ToUtf8(std::u32string(1, mark.mark)),
                 .box = {std::max(0, x), beside.y, width, beside.height},
                 .confidence = line.words[w].confidence};
    line.words.insert(line.words.begin() + static_cast<std::ptrdiff_t>(place), std::move(word));
  }
  const Box box = line.box;  // the line's own box, which may be wider than its words'
  line.RebuildFromWords();
  line.box = box;
}

namespace {

// Each character's share of its word's box (OCR draws one box over a word's characters), white
// space aside.
std::vector<Box> CharacterBoxes(const OcrLine& line) {
  std::vector<Box> boxes;
  for (const auto& word : line.words) {
    const std::u32string text = StripWhitespace(ToU32(word.text));
    for (size_t k = 0; k < text.size(); ++k) {
      Box box = word.box;
      box.x += static_cast<int>(k * word.box.width / text.size());
      box.width = std::max(1, static_cast<int>(word.box.width / text.size()));
      boxes.push_back(box);
    }
  }
  return boxes;
}

// The widest white (no ink down the line's rows) between the middles of two boxes.
int WidestWhiteBetween(const cv::Mat& gray, const Box& row, const Box& left, const Box& right) {
  const int from = std::max(0, left.x + left.width / 2);
  const int to = std::min(gray.cols, right.x + right.width / 2);
  const int top = std::max(0, row.y), bottom = std::min(gray.rows, row.Bottom());
  if (to <= from || bottom <= top) return 0;
  const cv::Mat inked = gray(cv::Range(top, bottom), cv::Range(from, to)) < 128;
  cv::Mat columns;
  cv::reduce(inked, columns, 0, cv::REDUCE_MAX);
  int run = 0, widest = 0;
  for (int x = 0; x < columns.cols; ++x) {
    run = columns.at<uchar>(0, x) ? 0 : run + 1;
    widest = std::max(widest, run);
  }
  return widest;
}

// A row's ink stands this much taller than its glyphs (brackets, quotes and the comma's tail
// reach past a Han glyph's ink).
constexpr double kRowInkGlyph = 0.9;

// A full-width space leaves white as wide as a glyph's ink is tall (an em, 1.1-1.2 glyphs with
// the glyphs' side bearings); a quote leaves 0.8 at most, its ink filling part of its cell.
constexpr double kPrintedGap = 1.0;

}  // namespace

bool InAPrintedGap(const cv::Mat& gray, const OcrLine& line, const MissingMark& mark,
                   double glyph) {
  const std::vector<Box> boxes = CharacterBoxes(line);
  if (mark.before == 0 || mark.before >= boxes.size()) return false;
  return WidestWhiteBetween(gray, line.box, boxes[mark.before - 1], boxes[mark.before]) >=
         kPrintedGap * glyph;
}

bool QuoteInkBetween(const cv::Mat& gray, const Box& row, const Box& left, const Box& right,
                     double glyph) {
  if (glyph <= 0) return false;
  const int from = std::max(0, left.x + left.width / 2);
  const int to = std::min(gray.cols, right.x + right.width / 2);
  const int top = std::max(0, row.y), bottom = std::min(gray.rows, row.Bottom());
  const int row_left = std::max(0, row.x), row_right = std::min(gray.cols, row.Right());
  if (to - from < 3 || bottom - top < 2 || row_right <= row_left) return false;
  // The row's ink top, over the whole row: a quote stands within 0.45 glyph of it.
  const cv::Rect row_ink =
      cv::boundingRect(gray(cv::Range(top, bottom), cv::Range(row_left, row_right)) < 128);
  if (row_ink.empty()) return false;
  const int ink_top = row_ink.y;
  const int high = ink_top + static_cast<int>(0.45 * glyph);
  const cv::Mat inked = gray(cv::Range(top, bottom), cv::Range(from, to)) < 128;
  std::vector<int> first(inked.cols, -1), last(inked.cols, -1);
  for (int y = 0; y < inked.rows; ++y) {
    const uchar* p = inked.ptr<uchar>(y);
    for (int x = 0; x < inked.cols; ++x) {
      if (!p[x]) continue;
      if (first[x] < 0) first[x] = y;
      last[x] = y;
    }
  }
  std::vector<uchar> columns(first.size());
  for (size_t x = 0; x < first.size(); ++x) columns[x] = first[x] >= 0;
  bool found = false;
  ForEachStretch(columns, 0, inked.cols, std::max(1, static_cast<int>(0.1 * glyph)),
                 [&](int start, int end) {
                   int mark_top = inked.rows, mark_bottom = -1;
                   bool high_only = true;
                   for (int x = start; x <= end; ++x) {
                     if (first[x] < 0) continue;
                     high_only = high_only && last[x] <= high;
                     mark_top = std::min(mark_top, first[x]);
                     mark_bottom = std::max(mark_bottom, last[x]);
                   }
                   const int width = end - start + 1;
                   found = found || (start > 0 && end + 1 < inked.cols && high_only &&
                                     width >= 0.1 * glyph && width <= 0.75 * glyph &&
                                     mark_bottom - mark_top <= 0.4 * glyph);
                 });
  return found;
}

int DropQuotesInPrintedGaps(const cv::Mat& gray, OcrLine& line, double body_glyph,
                            bool opened_before, bool closed_after) {
  if (body_glyph <= 0) return 0;
  // The line's glyph: the body's, or as tall as the row's ink holds (a heading, a contents line
  // set larger: their quotes are larger, the white a quote leaves in its cell wider). Not its
  // boxes' height: an attribution's (its brackets, boxes the vote widened) stand taller.
  const cv::Rect rect = cv::Rect(line.box.x, line.box.y, line.box.width, line.box.height) &
                        cv::Rect(0, 0, gray.cols, gray.rows);
  if (rect.empty()) return 0;
  const double glyph =
      std::max(body_glyph, kRowInkGlyph * cv::boundingRect(gray(rect) < 128).height);
  const std::vector<Box> boxes = CharacterBoxes(line);
  // The line's characters, white space aside, in its words' order (as CharacterBoxes counts them).
  std::u32string text;
  for (const auto& word : line.words) text += StripWhitespace(ToU32(word.text));
  if (text.size() != boxes.size()) return 0;
  auto pairs_without = [&](const std::vector<size_t>& drop) {
    std::u32string kept;
    if (opened_before) kept.push_back(kOpen);
    for (size_t i = 0; i < text.size(); ++i) {
      if (std::find(drop.begin(), drop.end(), i) == drop.end()) kept.push_back(text[i]);
    }
    if (closed_after) kept.push_back(kClose);
    return !QuotesUnpaired(kept);
  };
  if (pairs_without({})) return 0;
  // A printed gap is white between two characters' ink (a line OCR placed over white is not).
  auto inked = [&](const Box& box) {
    const cv::Rect rect = cv::Rect(box.x, box.y, box.width, box.height) & cv::Rect(0, 0, gray.cols, gray.rows);
    return !rect.empty() && cv::countNonZero(gray(rect) < 128) > 0;
  };
  std::vector<size_t> candidates;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (!IsQuote(text[i]) || !inked(boxes[i - 1]) || !inked(boxes[i + 1])) continue;
    // Beside another quote it is one of a pair of marks set in a gap of their own ("培育”“城乡",
    // a closing mark hugging the character before it, an opening one the character after): OCR
    // boxes such marks too loosely to tell their ink from the white.
    if (IsQuote(text[i - 1]) || IsQuote(text[i + 1])) continue;
    if (WidestWhiteBetween(gray, line.box, boxes[i - 1], boxes[i + 1]) < kPrintedGap * glyph) {
      continue;
    }
    if (QuoteInkBetween(gray, line.box, boxes[i - 1], boxes[i + 1], glyph)) continue;
    candidates.push_back(i);
  }
  if (candidates.empty() || candidates.size() > 4) return 0;
  // The fewest candidates whose going pairs the line's quotes.
  std::vector<size_t> drop;
  const unsigned subsets = 1u << candidates.size();
  for (size_t count = 1; count <= candidates.size() && drop.empty(); ++count) {
    for (unsigned subset = 1; subset < subsets; ++subset) {
      if (static_cast<size_t>(std::popcount(subset)) != count) continue;
      std::vector<size_t> chosen;
      for (size_t c = 0; c < candidates.size(); ++c) {
        if (subset & (1u << c)) chosen.push_back(candidates[c]);
      }
      if (pairs_without(chosen)) {
        drop = std::move(chosen);
        break;
      }
    }
  }
  if (drop.empty()) return 0;
  return line.EraseCharacters(drop);
}

bool QuoteInkAtEnd(const cv::Mat& gray, const OcrLine& line, const MissingMark& mark, double glyph) {
  if (glyph <= 0 || line.box.Empty()) return false;
  const bool start = mark.before == 0;
  // The line's row, a glyph wider each side than OCR's box (which may stop short of the mark,
  // or hold it in the last character's box: 网 boxed over its quote alone).
  const int reach = static_cast<int>(glyph);
  const int left = std::max(0, line.box.x - reach);
  const int right = std::min(gray.cols, line.box.Right() + reach);
  const int top = std::max(0, line.box.y), bottom = std::min(gray.rows, line.box.Bottom());
  if (right - left < 2 || bottom - top < 2) return false;
  const cv::Mat inked = gray(cv::Range(top, bottom), cv::Range(left, right)) < 128;
  std::vector<cv::Point> points;
  cv::findNonZero(inked, points);
  if (points.empty()) return false;
  const cv::Rect line_ink = cv::boundingRect(points);
  // A quote stands in the top of the em: its ink ends within this much of the line's ink top.
  const int high = line_ink.y + static_cast<int>(0.45 * glyph);
  // From the line's outer ink edge inward, the columns whose ink all stands that high: the mark.
  const int step = start ? 1 : -1;
  int x = start ? line_ink.x : line_ink.x + line_ink.width - 1;
  int mark_top = bottom, mark_bottom = -1, inner = x;
  for (; x >= 0 && x < inked.cols; x += step) {
    const cv::Mat column = inked.col(x);
    int first = -1, last = -1;
    for (int y = 0; y < column.rows; ++y) {
      if (!column.at<uchar>(y)) continue;
      if (first < 0) first = y;
      last = y;
    }
    if (last > high) break;  // a character's ink, low in the row
    if (first >= 0) {
      mark_top = std::min(mark_top, first);
      mark_bottom = std::max(mark_bottom, last);
      inner = x;
    }
  }
  const int width = std::abs(inner - (start ? line_ink.x : line_ink.x + line_ink.width - 1)) + 1;
  return mark_bottom >= 0 && width >= 0.1 * glyph && width <= 0.75 * glyph &&
         mark_bottom - mark_top <= 0.4 * glyph;
}

int MendBracketsReadAsQuotes(OcrLine& line, size_t reach) {
  struct Place {
    size_t word, index;  // the character's word, and where it stands in the word's text
    char32_t c;
  };
  std::vector<std::u32string> texts;
  std::vector<Place> chars;
  for (size_t w = 0; w < line.words.size(); ++w) {
    texts.push_back(ToU32(line.words[w].text));
    for (size_t i = 0; i < texts.back().size(); ++i) {
      if (!IsSpace(texts.back()[i])) chars.push_back({w, i, texts.back()[i]});
    }
  }
  auto opens = [](char32_t c) { return c == U'（' || c == U'('; };
  auto closes = [](char32_t c) { return c == U'）' || c == U')'; };
  int mended = 0, open = 0;
  for (size_t k = 0; k < chars.size(); ++k) {
    if (opens(chars[k].c)) ++open;
    if (!closes(chars[k].c)) continue;
    if (open > 0) {
      --open;
      continue;
    }
    for (size_t j = k; j-- > 0 && k - j <= reach;) {
      const char32_t c = chars[j].c;
      if (c == U'”' || opens(c) || closes(c)) break;
      if (chars[j].word != chars[j + 1].word) {
        const Box& a = line.words[chars[j].word].box;
        const Box& b = line.words[chars[j + 1].word].box;
        if (b.x - a.Right() > std::max(a.height, b.height)) break;
      }
      if (c == U'“' || c == U'\\' || c == U'"') {
        texts[chars[j].word][chars[j].index] = chars[k].c == U'）' ? U'（' : U'(';
        chars[j].c = U'（';
        ++mended;
        break;
      }
    }
  }
  if (mended == 0) return 0;
  for (size_t w = 0; w < line.words.size(); ++w) line.words[w].text = ToUtf8(texts[w]);
  line.RebuildFromWords();
  return mended;
}

namespace {

constexpr char32_t kMiddleDot = U'·';
// A middle dot is 0.12-0.15 of the row's ink height across (Noto Serif CJK, AR PL UKai, at 200
// and 300 dpi); 楷体's full-width comma, set as high, 0.17-0.2 wide and taller than wide.
constexpr double kDotLargest = 0.16;
// Ink this light still joins a mark to the stroke it ends (a serif's end); the mark with it may
// be this large.
constexpr int kFaintInk = 200;
constexpr double kFaintLargest = 0.3;

// What chi_sim reads a middle dot as, when it reads it at all.
bool ReadAsMiddleDot(char32_t c) {
  return c == U'.' || c == U'\'' || c == U'’' || c == U'‘' || c == U'`' || c == U'•' ||
         c == U'・' || c == U'‧' || c == U'∙' || c == kMiddleDot;
}

// The centres (x, in the page) of the marks of a middle dot's shape in the line's row.
std::vector<double> MiddleDotsOnRow(const cv::Mat& gray, const Box& row) {
  std::vector<double> dots;
  const cv::Rect rect =
      cv::Rect(row.x, row.y, row.width, row.height) & cv::Rect(0, 0, gray.cols, gray.rows);
  if (rect.width < 4 || rect.height < 4) return dots;
  const cv::Mat row_gray = ToGray8(gray(rect));
  const cv::Mat inked = row_gray < 128;
  // Faint ink too, to see what a dark mark joins: the thick end of a serif 一 whose thin stroke
  // a scan at 150 dpi leaves grey stands alone in the dark ink.
  cv::Mat faint_labels, faint_stats, faint_centroids;
  cv::connectedComponentsWithStats(row_gray < kFaintInk, faint_labels, faint_stats, faint_centroids,
                                   8, CV_32S);
  const cv::Rect ink = cv::boundingRect(inked);
  const int ink_top = ink.y, ink_bottom = ink.y + ink.height - 1;
  const double g = ink.height;
  if (ink.empty() || g < 12) return dots;
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(inked, labels, stats, centroids, 8, CV_32S);
  const int clear = static_cast<int>(std::ceil(0.3 * g));
  for (int i = 1; i < count; ++i) {
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const double small = std::max(2.0, 0.06 * g), large = std::max(small, kDotLargest * g);
    if (w < small || h < small || w > large || h > large) continue;
    if (std::max(w, h) > 1.35 * std::min(w, h) || area < 0.5 * w * h) continue;
    const double cy = y + h / 2.0;
    if (cy < ink_top + 0.3 * g || cy > ink_top + 0.7 * g) continue;
    // Alone: no other ink in the row's ink height over its columns and `clear` either side.
    const int left = std::max(0, x - clear), right = std::min(inked.cols, x + w + clear);
    if (x - clear < 0 || x + w + clear > inked.cols) continue;
    const cv::Mat around = labels(cv::Range(ink_top, ink_bottom + 1), cv::Range(left, right));
    bool alone = true;
    for (int yy = 0; yy < around.rows && alone; ++yy) {
      const int* label = around.ptr<int>(yy);
      for (int xx = 0; xx < around.cols; ++xx) {
        if (label[xx] != 0 && label[xx] != i) {
          alone = false;
          break;
        }
      }
    }
    if (!alone) continue;
    // The same mark in the faint ink: still a dot's size.
    cv::Point pixel(-1, -1);
    for (int yy = y; yy < y + h && pixel.x < 0; ++yy) {
      for (int xx = x; xx < x + w; ++xx) {
        if (labels.at<int>(yy, xx) == i) {
          pixel = {xx, yy};
          break;
        }
      }
    }
    const int faint = pixel.x < 0 ? 0 : faint_labels.at<int>(pixel);
    if (faint <= 0 || faint_stats.at<int>(faint, cv::CC_STAT_WIDTH) > kFaintLargest * g ||
        faint_stats.at<int>(faint, cv::CC_STAT_HEIGHT) > kFaintLargest * g) {
      continue;
    }
    dots.push_back(rect.x + x + w / 2.0);
  }
  return dots;
}

}  // namespace

int PutBackMiddleDots(const cv::Mat& gray, OcrPage& page) {
  int put = 0;
  for (auto& block : page.blocks) {
    for (OcrLine& line : block.lines) {
      if (line.words.empty() || line.box.Empty()) continue;
      const std::vector<double> dots = MiddleDotsOnRow(gray, line.box);
      if (dots.empty()) continue;
      std::vector<MissingMark> marks;
      for (const double dot : dots) {
        const std::vector<Box> boxes = CharacterBoxes(line);
        std::u32string text;
        std::vector<std::pair<size_t, size_t>> where;  // each character's word and index there
        std::vector<std::u32string> words;
        for (size_t w = 0; w < line.words.size(); ++w) {
          words.push_back(ToU32(line.words[w].text));
          for (size_t i = 0; i < words[w].size(); ++i) {
            if (IsSpace(words[w][i])) continue;
            text.push_back(words[w][i]);
            where.emplace_back(w, i);
          }
        }
        if (text.size() != boxes.size() || text.size() < 2) break;
        // The characters OCR boxed either side of the dot.
        size_t k = 0;
        while (k < boxes.size() && boxes[k].x + boxes[k].width / 2.0 < dot) ++k;
        if (k == 0 || k == text.size()) continue;
        // A mark read there: the dot, read as another mark (or the dot itself).
        const size_t read = ReadAsMiddleDot(text[k - 1]) ? k - 1 : ReadAsMiddleDot(text[k]) ? k : kUnaligned;
        if (read != kUnaligned) {
          const size_t before = read == 0 ? kUnaligned : read - 1, after = read + 1;
          if (text[read] == kMiddleDot || before == kUnaligned || after >= text.size() ||
              !IsHan(text[before]) || !IsHan(text[after])) {
            continue;
          }
          const auto [w, i] = where[read];
          words[w][i] = kMiddleDot;
          line.words[w].text = ToUtf8(words[w]);
          line.RebuildFromWords();
          ++put;
          continue;
        }
        if (!IsHan(text[k - 1]) || !IsHan(text[k])) continue;
        marks.push_back({.before = k, .mark = kMiddleDot});
      }
      if (!marks.empty()) {
        InsertMarks(line, marks);
        put += static_cast<int>(marks.size());
      }
    }
  }
  return put;
}

int RepairQuotes(const cv::Mat& gray, double glyph_px, OcrEngine& engine,
                 const RereadOptions& reread, const QuoteOptions& options, OcrPage& page) {
  const double body_glyph = BodyGlyphHeight(page);
  if (glyph_px <= 0) glyph_px = body_glyph;  // no glyph measured on the page: its lines' boxes
  int lines = 0, inserted = 0;
  for (auto& block : page.blocks) {
    for (size_t k = 0; k < block.lines.size(); ++k) {
      OcrLine& line = block.lines[k];
      inserted += MendBracketsReadAsQuotes(line);
      const std::u32string text = StripWhitespace(ToU32(line.text));
      if (!QuotesUnpaired(text)) continue;
      // A quote the line before opens and this one closes (a column's lines wrap mid-quote), or
      // this one opens and the next closes, pairs across the lines: nothing is missing.
      const bool opened_before =
          k > 0 && EndsInsideAQuote(StripWhitespace(ToU32(block.lines[k - 1].text))) &&
          StartsInsideAQuote(text);
      const bool closed_after =
          k + 1 < block.lines.size() && EndsInsideAQuote(text) &&
          StartsInsideAQuote(StripWhitespace(ToU32(block.lines[k + 1].text)));
      std::u32string across = text;
      if (opened_before) across.insert(across.begin(), kOpen);
      if (closed_after) across.push_back(kClose);
      if (!QuotesUnpaired(across)) continue;
      // Quotes OCR invented in the white of a printed gap go first: the line may pair without.
      if (const int dropped = DropQuotesInPrintedGaps(gray, line, glyph_px, opened_before,
                                                      closed_after)) {
        spdlog::debug("quotes: {} mark(s) in a printed gap taken out: {:?}", dropped, line.text);
        continue;
      }
      const double glyph = LineGlyph(line, body_glyph);
      // (Headings, set larger, are read whatever the page's count: a title's quotes are the
      // catalog's.)
      if (glyph < options.heading_glyph * body_glyph && lines++ >= options.max_lines) continue;
      // The line's glyph as ink: the body's, times how much larger the line's boxes are.
      const double ink_glyph = glyph_px * std::max(1.0, body_glyph > 0 ? glyph / body_glyph : 1.0);
      const RereadRegion region{.box = WidenToOwnRowInk(gray, page, line, glyph), .glyph_px = glyph};
      for (const double scale : options.scales) {
        const RegionImage cut = CutRegion(gray, region, reread, scale);
        const OcrPage read = engine.Recognize(cut.image, Segmentation::kSingleLine);
        std::vector<MissingMark> marks = MissingQuotes(text, StripWhitespace(ToU32(read.Text())));
        std::erase_if(marks, [&](const MissingMark& mark) {
          return InAPrintedGap(gray, line, mark, ink_glyph);
        });
        for (const MissingMark& mark : MissingEndQuotes(text, StripWhitespace(ToU32(read.Text())))) {
          if (QuoteInkAtEnd(gray, line, mark, ink_glyph)) marks.push_back(mark);
        }
        spdlog::debug("quotes: line {:?} read again at {} as {:?}: {} mark(s)", line.text, scale,
                      read.Text(), marks.size());
        if (marks.empty()) continue;
        InsertMarks(line, marks);
        inserted += static_cast<int>(marks.size());
        break;
      }
    }
  }
  return inserted;
}

}  // namespace qikan
