#include "stages/quotes.h"

#include <algorithm>
#include <set>
#include <string>

#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "models/text.h"
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
      std::u32string across = text;
      if (k > 0 && EndsInsideAQuote(StripWhitespace(ToU32(block.lines[k - 1].text))) &&
          StartsInsideAQuote(text)) {
        across.insert(across.begin(), kOpen);
      }
      if (k + 1 < block.lines.size() && EndsInsideAQuote(text) &&
          StartsInsideAQuote(StripWhitespace(ToU32(block.lines[k + 1].text)))) {
        across.push_back(kClose);
      }
      if (!QuotesUnpaired(across)) continue;
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
