#include "stages/layout.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "models/text.h"
#include "stages/pattern.h"

namespace qikan {
namespace {

bool IsHan(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }

bool AllHan(std::string_view utf8) {
  const std::u32string text = ToU32(utf8);
  return !text.empty() && std::all_of(text.begin(), text.end(), IsHan);
}

// chi_sim reads the round brackets of print as angle or book-title brackets now and then:
// 〈街道） is （街道）. A bracket is taken for a round one when its partner is round.
std::string FixBrackets(const std::string& utf8) {
  std::u32string text = ToU32(utf8);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != U'〈' && text[i] != U'《') continue;
    for (size_t j = i + 1; j < text.size(); ++j) {
      if (text[j] == U'）' || text[j] == U')') {
        text[i] = U'（';
        break;
      }
      if (text[j] == U'》' || text[j] == U'〉' || text[j] == U'（' || text[j] == U'(') break;
    }
  }
  for (size_t j = 0; j < text.size(); ++j) {
    if (text[j] != U'〉' && text[j] != U'》') continue;
    for (size_t i = j; i-- > 0;) {
      if (text[i] == U'（' || text[i] == U'(') {
        text[j] = U'）';
        break;
      }
      if (text[i] == U'《' || text[i] == U'〈' || text[i] == U'）' || text[i] == U')') break;
    }
  }
  return ToUtf8(text);
}

template <typename T>
T Percentile(std::vector<T> values, double p) {
  if (values.empty()) return T{};
  const size_t k = std::min(values.size() - 1, static_cast<size_t>(p * (values.size() - 1) + 0.5));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(k), values.end());
  return values[k];
}

// Punctuation and digits are shorter than Han characters; the height of the Han glyphs is what
// tells a heading from body text. OCR stretches the box of many a word of a body line (over
// half of them in a JPEG-blurred attribution) to the height of a quote mark or comma beside
// it, never shrinks one: the lower quartile is the height of the glyphs themselves.
double GlyphHeight(const OcrLine& line) {
  std::vector<int> heights;
  for (const auto& word : line.words) {
    if (AllHan(word.text)) heights.push_back(word.box.height);
  }
  if (heights.empty()) return line.box.height;
  return Percentile(heights, 0.25);
}

// Lines this much taller than the body are headings, which span both columns. (OCR word boxes
// make the odd body line look as tall; those end a sentence, headings do not.)
constexpr double kSpanningGlyphRatio = 1.4;
// Column text is body text: no taller than this.
constexpr double kMaxColumnGlyphRatio = 1.25;

bool EndsSentence(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  for (std::string_view end : {"。", "）", ")", "；", "！", "？"}) {
    if (text.size() >= end.size() && text.substr(text.size() - end.size()) == end) return true;
  }
  return false;
}

struct RawLine {
  int page = 0;
  const OcrLine* ocr = nullptr;
  double glyph_px = 0;
  int column = 0;
};

std::string JoinWords(const OcrLine& line, double glyph_px, double gap, bool keep_gaps) {
  std::vector<const OcrWord*> words;
  for (const auto& word : line.words) {
    if (!word.text.empty()) words.push_back(&word);
  }
  std::sort(words.begin(), words.end(),
            [](const OcrWord* a, const OcrWord* b) { return a->box.x < b->box.x; });
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      const int distance = words[i]->box.x - words[i - 1]->box.Right();
      out += (keep_gaps && distance >= gap * glyph_px) ? "\t" : " ";
    }
    out += words[i]->text;
  }
  return out;
}

// "\t" marks a printed gap; everything else between words is Tesseract's own spacing.
std::string CleanText(const std::string& joined) {
  std::string out = RemoveCjkSpaces(joined);
  std::replace(out.begin(), out.end(), '\t', ' ');
  return FixBrackets(NormalizePunctuation(out));
}

std::vector<std::string> SplitSegments(const OcrLine& line, double glyph_px) {
  std::vector<std::string> segments;
  std::string joined = JoinWords(line, glyph_px, 0.9, true);
  size_t start = 0;
  while (start <= joined.size()) {
    const size_t tab = joined.find('\t', start);
    const std::string part = CleanText(joined.substr(start, tab - start));
    if (!part.empty()) segments.push_back(part);
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return segments;
}

// The height a line's text stands at: the middle of most of its words (a speck OCR joined to
// the line stretches its box, not the words').
double Centre(const OcrLine& line) {
  std::vector<double> centres;
  for (const auto& word : line.words) centres.push_back(word.box.y + word.box.height / 2.0);
  if (centres.empty()) return line.box.y + line.box.height / 2.0;
  return Percentile(centres, 0.5);
}

// The rows of lines sorted top to bottom: [first, end) spans of lines whose centres lie within
// half a glyph of the row's first line.
std::vector<std::pair<size_t, size_t>> RowSpans(const std::vector<RawLine>& lines) {
  std::vector<std::pair<size_t, size_t>> rows;
  for (size_t i = 0; i < lines.size();) {
    size_t j = i + 1;
    const double centre = Centre(*lines[i].ocr);
    while (j < lines.size() &&
           std::abs(Centre(*lines[j].ocr) - centre) < 0.5 * std::max(lines[i].glyph_px, 1.0)) {
      ++j;
    }
    rows.emplace_back(i, j);
    i = j;
  }
  return rows;
}

// Rows of lines that sit side by side (a publisher left and a date right) read left to right.
void SortIntoRows(std::vector<RawLine>& lines) {
  std::sort(lines.begin(), lines.end(), [](const RawLine& a, const RawLine& b) {
    return a.ocr->box.y < b.ocr->box.y;
  });
  for (const auto& [first, end] : RowSpans(lines)) {
    std::sort(lines.begin() + static_cast<long>(first), lines.begin() + static_cast<long>(end),
              [](const RawLine& a, const RawLine& b) { return a.ocr->box.x < b.ocr->box.x; });
  }
}

// Whether the line's words leave a gap of at least `width` around x: the gutter between two
// column lines read as one, which a line printed across the page does not have.
bool GapAt(const OcrLine& line, double x, double width) {
  std::vector<OcrWord> words = line.words;
  std::sort(words.begin(), words.end(),
            [](const OcrWord& a, const OcrWord& b) { return a.box.x < b.box.x; });
  for (size_t k = 1; k < words.size(); ++k) {
    const int gap_left = words[k - 1].box.Right();
    const int gap_right = words[k].box.x;
    if (gap_right - gap_left >= width && gap_left <= x + width && gap_right >= x - width) return true;
  }
  return false;
}

// Whether a column line (wholly left or right of the middle, its glyphs no taller than
// `max_glyph_px`) shares the line's height.
bool BesideColumnLine(const RawLine& line, const std::vector<RawLine>& lines, double mid,
                      double max_glyph_px = 1e9) {
  const Box& a = line.ocr->box;
  return std::any_of(lines.begin(), lines.end(), [&](const RawLine& other) {
    const Box& b = other.ocr->box;
    if (other.ocr == line.ocr || (b.Right() >= mid && b.x <= mid)) return false;
    if (other.glyph_px > max_glyph_px) return false;
    const int overlap = std::min(a.Bottom(), b.Bottom()) - std::max(a.y, b.y);
    return overlap > 0.5 * std::min(a.height, b.height);
  });
}

// Body text across the gutter is two column lines Tesseract read as one: parts its words at
// `cut` into a left (column 1) and a right (column 2) line.
void PartAt(const RawLine& line, double cut, std::vector<RawLine>& out,
            std::vector<std::unique_ptr<OcrLine>>& store) {
  std::array<std::unique_ptr<OcrLine>, 2> halves;
  for (const auto& word : line.ocr->words) {
    auto& half = halves[word.box.x + word.box.width / 2.0 < cut ? 0 : 1];
    if (!half) half = std::make_unique<OcrLine>(OcrLine{.confidence = line.ocr->confidence});
    half->words.push_back(word);
    half->box = half->box.Union(word.box);
    half->text += (half->text.empty() ? "" : " ") + word.text;
  }
  for (int side = 0; side < 2; ++side) {
    if (!halves[side]) continue;
    halves[side]->text = RemoveCjkSpaces(halves[side]->text);
    out.push_back(RawLine{.page = line.page, .ocr = halves[side].get(), .glyph_px = line.glyph_px,
                          .column = side + 1});
    store.push_back(std::move(halves[side]));
  }
}

// Two columns show as many lines lying wholly right of the page's middle; a single column has
// only the odd right-aligned attribution there.
bool SplitColumns(std::vector<RawLine>& lines, double body_glyph_px,
                  std::vector<std::unique_ptr<OcrLine>>& store) {
  if (lines.size() < 10) return false;
  std::vector<int> lefts, rights;
  for (const auto& line : lines) {
    lefts.push_back(line.ocr->box.x);
    rights.push_back(line.ocr->box.Right());
  }
  const int left = Percentile(lefts, 0.05);
  const int right = Percentile(rights, 0.95);
  const double mid = (left + right) / 2.0;
  int left_only = 0, right_only = 0;
  for (const auto& line : lines) {
    if (line.ocr->box.Right() < mid) ++left_only;
    if (line.ocr->box.x > mid) ++right_only;
  }
  const double n = static_cast<double>(lines.size());
  if (right_only < 6 || left_only < 6 || right_only < 0.3 * n || left_only < 0.3 * n) {
    return false;
  }
  std::vector<RawLine> split;
  for (auto& line : lines) {
    // A heading set across both columns comes apart in Tesseract's blocks; its pieces are
    // large, and belong to the full width whichever half they fell in. A line of a column that
    // OCR boxed tall (JPEG blur stretches the boxes of an attribution) has body text beside it
    // in the other column; a heading has not.
    const bool heading_size =
        line.glyph_px > kSpanningGlyphRatio * body_glyph_px && !EndsSentence(line.ocr->text) &&
        !BesideColumnLine(line, lines, mid, kMaxColumnGlyphRatio * body_glyph_px);
    if (heading_size) {
      line.column = 0;
    } else if (line.ocr->box.Right() < mid) {
      line.column = 1;
    } else if (line.ocr->box.x > mid) {
      line.column = 2;
    } else if (!BesideColumnLine(line, lines, mid) && !GapAt(*line.ocr, mid, 0.8 * body_glyph_px)) {
      line.column = 0;  // a line printed across the full width (the colophon)
    } else {
      PartAt(line, mid, split, store);
      continue;
    }
    split.push_back(line);
  }
  lines = std::move(split);
  SortIntoRows(lines);
  return true;
}

// A short two-column band (a tail of a few lines a side under full-width text) has too few
// lines for SplitColumns' count, and Tesseract tends to read its rows straight across. What
// marks it is its gutter: a white strip near the middle of the band that its rows leave empty
// (all but the odd speck OCR took for a quote mark), justified column text on both sides of it,
// and two columns of one width. Short lines, centred headings, TOC entries and colophon fields
// lack one or more of these.
constexpr size_t kMinBandRows = 3;
constexpr int kMinTwoSidedRows = 3;
constexpr int kMinClearRows = 3;  // rows that leave the strip white (the rest may put a speck in it)
constexpr double kMinGutter = 1;         // glyphs
constexpr double kMaxGutter = 4;         // glyphs: wider is a gap between fields, not a gutter
constexpr double kGutterMiddle = 0.3;    // each column keeps this fraction of the band's width
constexpr double kParagraphIndent = 2.5;  // glyphs a column line may start in from its edge
constexpr double kBandBreak = 3;         // glyphs of white between rows that end a band

struct Row {
  std::vector<const RawLine*> lines;
  std::vector<Box> words;  // of all its lines
  int left = 0;
  int right = 0;
  int top = 0;
  int bottom = 0;
  bool body_size = true;          // no line larger than body text (a TOC entry, a heading)
};

struct Gutter {
  int left = 0;   // the white strip [left, right)
  int right = 0;
};

// The widest run of x in [from, to) where at most `tolerance` rows have ink; {0, 0} when none.
Gutter WidestWhite(const std::vector<int>& crossing, int from, int tolerance) {
  Gutter best;
  int start = -1;
  for (size_t k = 0; k <= crossing.size(); ++k) {
    const bool white = k < crossing.size() && crossing[k] <= tolerance;
    if (white && start < 0) start = static_cast<int>(k);
    if (!white && start >= 0) {
      if (static_cast<int>(k) - start > best.right - best.left) {
        best = Gutter{.left = from + start, .right = from + static_cast<int>(k)};
      }
      start = -1;
    }
  }
  return best;
}

bool Covers(const Box& word, int from, int to) { return word.x < to && word.Right() > from; }

// The gutter of rows [first, end) when they are a two-column band.
std::optional<Gutter> BandGutter(const std::vector<Row>& rows, size_t first, size_t end,
                                 double unit) {
  int left = rows[first].left, right = rows[first].right;
  for (size_t r = first; r < end; ++r) {
    if (!rows[r].body_size) return std::nullopt;
    left = std::min(left, rows[r].left);
    right = std::max(right, rows[r].right);
  }
  const int width = right - left;
  const int from = left + static_cast<int>(kGutterMiddle * width);
  const int to = right - static_cast<int>(kGutterMiddle * width);
  if (to - from < kMinGutter * unit) return std::nullopt;
  std::vector<int> crossing(static_cast<size_t>(to - from), 0);
  for (size_t r = first; r < end; ++r) {
    std::vector<char> inked(crossing.size(), 0);
    for (const Box& word : rows[r].words) {
      for (int x = std::max(word.x, from); x < std::min(word.Right(), to); ++x) {
        inked[static_cast<size_t>(x - from)] = 1;
      }
    }
    for (size_t k = 0; k < crossing.size(); ++k) crossing[k] += inked[k];
  }
  const int rows_in = static_cast<int>(end - first);
  const Gutter gutter = WidestWhite(crossing, from, rows_in / 3);
  const int gutter_width = gutter.right - gutter.left;
  if (gutter_width < kMinGutter * unit || gutter_width > kMaxGutter * unit) return std::nullopt;
  // Ink in the strip is a speck on a few rows, never on the band's first or last row.
  const int edge = static_cast<int>(0.15 * unit);
  auto clear = [&](size_t r) {
    return std::none_of(rows[r].words.begin(), rows[r].words.end(), [&](const Box& word) {
      return Covers(word, gutter.left + edge, gutter.right - edge);
    });
  };
  if (!clear(first) || !clear(end - 1)) return std::nullopt;
  int clear_rows = 0;
  for (size_t r = first; r < end; ++r) clear_rows += clear(r);
  if (clear_rows < kMinClearRows) return std::nullopt;
  // The columns are as wide as each other...
  if (std::abs((gutter.left - left) - (right - gutter.right)) > 0.1 * width) return std::nullopt;
  // ... and set justified: most of their lines run from the outer edge to the gutter.
  const double cut = (gutter.left + gutter.right) / 2.0;
  int two_sided = 0, full_left = 0, full_right = 0;
  for (size_t r = first; r < end; ++r) {
    std::optional<Box> sides[2];
    for (const Box& word : rows[r].words) {
      auto& side = sides[word.x + word.width / 2.0 < cut ? 0 : 1];
      side = side ? side->Union(word) : word;
    }
    if (sides[0] && sides[1]) ++two_sided;
    full_left += sides[0] && sides[0]->x <= left + kParagraphIndent * unit &&
                 sides[0]->Right() >= gutter.left - unit;
    full_right += sides[1] && sides[1]->x <= gutter.right + kParagraphIndent * unit &&
                  sides[1]->Right() >= right - unit;
  }
  if (two_sided < kMinTwoSidedRows || full_left < 2 || full_right < 2 ||
      full_left + full_right < rows_in) {
    return std::nullopt;
  }
  return gutter;
}

// Finds the short two-column bands of a page that SplitColumns took for one column and gives
// their lines columns 1 and 2 (parting lines read across the gutter); every other line stays
// in column 0. Whether any band was found.
bool SplitGutterBands(std::vector<RawLine>& lines, double body_glyph_px,
                      std::vector<std::unique_ptr<OcrLine>>& store) {
  SortIntoRows(lines);
  std::vector<Row> rows;
  for (const auto& [first, end] : RowSpans(lines)) {
    Row row{.left = lines[first].ocr->box.x, .right = lines[first].ocr->box.Right(),
            .top = lines[first].ocr->box.y, .bottom = lines[first].ocr->box.Bottom()};
    for (size_t i = first; i < end; ++i) {
      const Box& box = lines[i].ocr->box;
      row.lines.push_back(&lines[i]);
      for (const auto& word : lines[i].ocr->words) row.words.push_back(word.box);
      row.left = std::min(row.left, box.x);
      row.right = std::max(row.right, box.Right());
      row.top = std::min(row.top, box.y);
      row.bottom = std::max(row.bottom, box.Bottom());
      row.body_size &= lines[i].glyph_px <= kMaxColumnGlyphRatio * body_glyph_px;
    }
    rows.push_back(std::move(row));
  }
  // The band boundaries: white across the page between two rows.
  std::vector<size_t> block_end(rows.size(), rows.size());
  for (size_t r = rows.size(); r-- > 1;) {
    block_end[r - 1] = rows[r].top - rows[r - 1].bottom > kBandBreak * body_glyph_px ? r : block_end[r];
  }
  std::vector<std::optional<Gutter>> gutter_of(rows.size());
  bool found = false;
  for (size_t first = 0; first < rows.size();) {
    size_t end = block_end[first];
    std::optional<Gutter> gutter;
    for (; end >= first + kMinBandRows; --end) {
      gutter = BandGutter(rows, first, end, body_glyph_px);
      if (gutter) break;
    }
    if (!gutter) {
      ++first;
      continue;
    }
    for (size_t r = first; r < end; ++r) gutter_of[r] = gutter;
    found = true;
    first = end;
  }
  if (!found) return false;
  std::vector<RawLine> split;
  for (size_t r = 0; r < rows.size(); ++r) {
    for (const RawLine* line : rows[r].lines) {
      RawLine copy = *line;
      if (!gutter_of[r]) {
        copy.column = 0;
      } else {
        const double cut = (gutter_of[r]->left + gutter_of[r]->right) / 2.0;
        if (line->ocr->box.Right() <= cut) {
          copy.column = 1;
        } else if (line->ocr->box.x >= cut) {
          copy.column = 2;
        } else {
          PartAt(copy, cut, split, store);
          continue;
        }
      }
      split.push_back(copy);
    }
  }
  lines = std::move(split);
  SortIntoRows(lines);
  return true;
}

// Tesseract puts a bold column name and the title beside it (or a publisher and the date) into
// blocks of their own; on a one-column page, lines side by side on one row are one line.
std::vector<RawLine> MergeRows(const std::vector<RawLine>& lines,
                               std::vector<std::unique_ptr<OcrLine>>& merged_store) {
  std::vector<RawLine> out;
  for (const auto& line : lines) {
    if (!out.empty()) {
      RawLine& last = out.back();
      const Box& a = last.ocr->box;
      const Box& b = line.ocr->box;
      const int overlap = std::min(a.Bottom(), b.Bottom()) - std::max(a.y, b.y);
      if (overlap > 0.5 * std::min(a.height, b.height) && b.x >= a.Right() - 2) {
        auto joined = std::make_unique<OcrLine>(*last.ocr);
        joined->words.insert(joined->words.end(), line.ocr->words.begin(), line.ocr->words.end());
        joined->text += " " + line.ocr->text;
        joined->box = a.Union(b);
        const double n1 = static_cast<double>(last.ocr->words.size());
        const double n2 = static_cast<double>(line.ocr->words.size());
        joined->confidence =
            static_cast<float>((last.ocr->confidence * n1 + line.ocr->confidence * n2) / (n1 + n2));
        last.ocr = joined.get();
        last.glyph_px = std::max(last.glyph_px, line.glyph_px);
        merged_store.push_back(std::move(joined));
        continue;
      }
    }
    out.push_back(line);
  }
  return out;
}

// Full-width lines (headings across both columns) end a band; within a band the left column is
// read before the right.
std::vector<RawLine> ReadingOrder(std::vector<RawLine> lines, double body_glyph_px,
                                  std::vector<std::unique_ptr<OcrLine>>& merged_store) {
  SortIntoRows(lines);
  if (!SplitColumns(lines, body_glyph_px, merged_store) &&
      !SplitGutterBands(lines, body_glyph_px, merged_store)) {
    return MergeRows(lines, merged_store);
  }
  std::vector<RawLine> ordered, left, right;
  auto flush = [&] {
    ordered.insert(ordered.end(), left.begin(), left.end());
    ordered.insert(ordered.end(), right.begin(), right.end());
    left.clear();
    right.clear();
  };
  int bottom = 0;  // of the lines so far
  for (const auto& line : lines) {
    // A white band across the page (above the colophon under two columns of briefs) ends the
    // columns as a full-width line does, though what follows it is short enough to sit in one
    // half.
    if (!ordered.empty() || !left.empty() || !right.empty()) {
      if (line.ocr->box.y - bottom > 3 * body_glyph_px) flush();
    }
    bottom = std::max(bottom, line.ocr->box.Bottom());
    if (line.column == 0) {
      flush();
      ordered.push_back(line);
    } else {
      (line.column == 1 ? left : right).push_back(line);
    }
  }
  flush();
  // The pieces of a spanning heading, now side by side in reading order, are one line again.
  std::vector<RawLine> merged;
  for (size_t i = 0; i < ordered.size();) {
    size_t j = i + 1;
    if (ordered[i].column == 0) {
      while (j < ordered.size() && ordered[j].column == 0) ++j;
      const std::vector<RawLine> run(ordered.begin() + static_cast<long>(i),
                                     ordered.begin() + static_cast<long>(j));
      for (const auto& line : MergeRows(run, merged_store)) merged.push_back(line);
    } else {
      merged.push_back(ordered[i]);
    }
    i = j;
  }
  return merged;
}

// Tesseract now and then reads one printed line twice (a second, odd block across both columns),
// and a second reading may repeat what the first saw: of lines that cover the same ink, keep
// the one read with more confidence.
std::vector<RawLine> DropDuplicates(std::vector<RawLine> lines) {
  std::vector<bool> dropped(lines.size(), false);
  for (size_t i = 0; i < lines.size(); ++i) {
    for (size_t j = i + 1; j < lines.size() && !dropped[i]; ++j) {
      if (dropped[j]) continue;
      const Box& a = lines[i].ocr->box;
      const Box& b = lines[j].ocr->box;
      const long w = std::min(a.Right(), b.Right()) - std::max(a.x, b.x);
      const long h = std::min(a.Bottom(), b.Bottom()) - std::max(a.y, b.y);
      if (w <= 0 || h <= 0) continue;
      const long smaller = std::min(static_cast<long>(a.width) * a.height,
                                    static_cast<long>(b.width) * b.height);
      if (w * h < 0.6 * static_cast<double>(smaller)) continue;
      // A small line under a large one's box (the edition under the masthead title) is not it.
      const double heights = static_cast<double>(std::max(a.height, b.height)) /
                             std::max(1, std::min(a.height, b.height));
      if (heights > 1.5) continue;
      dropped[lines[i].ocr->confidence >= lines[j].ocr->confidence ? j : i] = true;
    }
  }
  std::vector<RawLine> kept;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!dropped[i]) kept.push_back(lines[i]);
  }
  return kept;
}

std::string WithoutDigits(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != ' ') out += c;
  }
  return out;
}

// An attribution wrapped in a narrow column opens its bracket on one line and closes it on the
// next: 〈富阳区人大常委会办公室 孙佳 王 / 晓燕 蒋丽华）. The bracket is mended over the two lines
// when the second follows the first in its column.
void MendBracketsAcrossLines(const std::vector<RawLine>& lines, double unit,
                             std::vector<std::string>& texts) {
  for (size_t i = 0; i < lines.size(); ++i) {
    for (size_t j = i + 1; j < lines.size(); ++j) {
      if (lines[j].column != lines[i].column) continue;
      const int gap = lines[j].ocr->box.y - lines[i].ocr->box.Bottom();
      if (gap < -0.5 * unit || gap > unit) break;
      const size_t first = ToU32(texts[i]).size();
      const std::u32string both = ToU32(FixBrackets(texts[i] + texts[j]));
      texts[i] = ToUtf8(both.substr(0, first));
      texts[j] = ToUtf8(both.substr(first));
      break;
    }
  }
}

struct ColumnBounds {
  int left = 0;
  int right = 0;
};

}  // namespace

std::string WordsText(const std::vector<OcrWord>& words) {
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word.text;
  return CleanText(joined);
}

bool LayoutLine::Centred() const {
  return indent > 1.5 && right_gap > 1.5 && std::abs(indent - right_gap) < 1.5;
}

IssueLayout AnalyzeLayout(const std::vector<OcrPage>& pages, const LayoutOptions& options) {
  IssueLayout layout;
  const Pattern page_number(options.page_number_pattern);

  std::vector<std::vector<RawLine>> by_page(pages.size());
  std::vector<std::unique_ptr<OcrLine>> merged_lines;  // lines joined from two on one row
  std::vector<double> heights;
  for (size_t p = 0; p < pages.size(); ++p) {
    for (const auto& block : pages[p].blocks) {
      for (const auto& line : block.lines) {
        if (line.words.empty()) continue;
        RawLine raw{.page = static_cast<int>(p + 1), .ocr = &line, .glyph_px = GlyphHeight(line)};
        for (size_t k = 0; k < Utf8Length(line.text); ++k) heights.push_back(raw.glyph_px);
        by_page[p].push_back(raw);
      }
    }
  }
  layout.body_glyph_px = std::max(1.0, Percentile(heights, 0.5));
  const double unit = layout.body_glyph_px;

  // Running headers: the same words at the top of several pages.
  std::map<std::string, int> top_texts;
  for (size_t p = 0; p < pages.size(); ++p) {
    std::set<std::string> seen;
    for (const auto& raw : by_page[p]) {
      if (raw.ocr->box.Bottom() < options.furniture_band * pages[p].height) {
        seen.insert(WithoutDigits(raw.ocr->text));
      }
    }
    for (const auto& text : seen) ++top_texts[text];
  }

  for (size_t p = 0; p < pages.size(); ++p) {
    const double band = options.furniture_band * pages[p].height;
    std::vector<RawLine> kept;
    std::vector<std::string> header, footer;
    for (const auto& raw : by_page[p]) {
      const bool in_band =
          raw.ocr->box.Bottom() < band || raw.ocr->box.y > pages[p].height - band;
      const std::string text = CleanText(JoinWords(*raw.ocr, raw.glyph_px, 10, false));
      const bool furniture =
          in_band && (page_number.Matches(text) ||
                      (raw.ocr->box.Bottom() < band && pages.size() > 2 &&
                       top_texts[WithoutDigits(raw.ocr->text)] >= 2 &&
                       !WithoutDigits(raw.ocr->text).empty()));
      if (furniture) {
        ++layout.removed_furniture;
        (raw.ocr->box.Bottom() < band ? header : footer).push_back(text);
      } else {
        kept.push_back(raw);
      }
    }
    kept = DropDuplicates(ReadingOrder(std::move(kept), layout.body_glyph_px, merged_lines));
    std::vector<std::string> texts, spaced_texts;
    for (const auto& raw : kept) {
      texts.push_back(CleanText(JoinWords(*raw.ocr, raw.glyph_px, options.space_gap, false)));
      spaced_texts.push_back(CleanText(JoinWords(*raw.ocr, raw.glyph_px, options.space_gap, true)));
    }
    MendBracketsAcrossLines(kept, unit, texts);
    MendBracketsAcrossLines(kept, unit, spaced_texts);
    std::string page_text;
    for (const auto& text : header) page_text += text + "\n";
    for (const auto& text : texts) page_text += text + "\n";
    for (const auto& text : footer) page_text += text + "\n";
    layout.page_texts.push_back(std::move(page_text));

    // Text column edges: most lines start at the left margin and justified lines end at the
    // right one; a page with few lines uses the whole page's extent.
    std::map<int, ColumnBounds> bounds;
    for (int column = 0; column <= 2; ++column) {
      std::vector<int> lefts, rights;
      for (const auto& raw : kept) {
        if (raw.column == column || (column == 0 && kept.size() < 4)) {
          lefts.push_back(raw.ocr->box.x);
          rights.push_back(raw.ocr->box.Right());
        }
      }
      if (lefts.empty()) continue;
      bounds[column] = ColumnBounds{.left = Percentile(lefts, 0.1), .right = Percentile(rights, 0.9)};
    }
    if (!bounds.count(0)) {
      bounds[0] = ColumnBounds{.left = bounds.begin()->second.left,
                               .right = bounds.rbegin()->second.right};
    } else if (bounds.count(1) && bounds.count(2)) {
      bounds[0] = ColumnBounds{.left = std::min(bounds[0].left, bounds[1].left),
                               .right = std::max(bounds[0].right, bounds[2].right)};
    }

    std::map<int, const OcrLine*> previous;
    for (size_t k = 0; k < kept.size(); ++k) {
      const RawLine& raw = kept[k];
      const OcrLine& ocr = *raw.ocr;
      const ColumnBounds& column = bounds[raw.column];
      LayoutLine line;
      line.page = raw.page;
      line.column = raw.column;
      line.text = std::move(texts[k]);
      line.spaced_text = std::move(spaced_texts[k]);
      line.segments = SplitSegments(ocr, raw.glyph_px);
      line.words = ocr.words;
      std::sort(line.words.begin(), line.words.end(),
                [](const OcrWord& a, const OcrWord& b) { return a.box.x < b.box.x; });
      line.glyph_px = unit;
      line.column_left = column.left;
      line.box = ocr.box;
      line.confidence = ocr.confidence;
      line.glyph_ratio = raw.glyph_px / unit;
      line.indent = (ocr.box.x - column.left) / unit;
      line.right_gap = (column.right - ocr.box.Right()) / unit;
      const auto prev = previous.find(raw.column);
      line.space_before =
          prev == previous.end() ? -1 : (ocr.box.y - prev->second->box.Bottom()) / unit;
      previous[raw.column] = &ocr;
      layout.lines.push_back(std::move(line));
    }
  }
  return layout;
}

}  // namespace qikan
