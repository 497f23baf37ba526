#include "stages/quotes.h"

#include <algorithm>
#include <set>
#include <string>

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

int RepairQuotes(const cv::Mat& gray, double glyph_px, OcrEngine& engine,
                 const RereadOptions& reread, const QuoteOptions& options, OcrPage& page) {
  const double body_glyph = BodyGlyphHeight(page);
  if (glyph_px <= 0) glyph_px = body_glyph;  // no glyph measured on the page: its lines' boxes
  int lines = 0, inserted = 0;
  for (auto& block : page.blocks) {
    for (auto& line : block.lines) {
      const std::u32string text = StripWhitespace(ToU32(line.text));
      if (!QuotesUnpaired(text)) continue;
      if (lines++ >= options.max_lines) return inserted;
      const double glyph = LineGlyph(line, body_glyph);
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
