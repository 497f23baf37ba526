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
#include "stages/regions.h"

namespace qikan {
namespace {

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

struct RawLine {
  int page = 0;
  const OcrLine* ocr = nullptr;
  double glyph_px = 0;
  int column = 0;
  int column_left = 0;  // the edges of the text column it stands in
  int column_right = 0;
  std::vector<WordRef> refs;  // where each word of `ocr` is in the page's OCR
};

// The order in which a line's words are read, given their boxes in the order OCR gave them:
// OCR's own order, left to right. OCR boxes a word now and then a little left of the one
// before it (a comma over the character before it; a character boxed as a speck at the foot of
// the next word, "高" 2 by 3 px under "质量" on a one-bit heading), and sorted by their boxes'
// left edges "代表工作高质量发展" came out "代表工作质量高发展", "队伍，通过" "队伍通，过" (51
// lines over the structure sets, OCR's order right in each). A run of words that goes on to the
// right, none starting more than a glyph left of the one before, keeps OCR's order; the runs
// (pieces of one row from two lines, the words of a second reading put in with the first) are
// merged by their boxes' left edges.
std::vector<size_t> LeftToRight(const std::vector<Box>& boxes, double glyph_px) {
  std::vector<std::vector<size_t>> runs;
  for (size_t i = 0; i < boxes.size(); ++i) {
    if (runs.empty() || boxes[i].x < boxes[i - 1].x - std::max(1.0, glyph_px)) runs.emplace_back();
    runs.back().push_back(i);
  }
  std::vector<size_t> order;
  std::vector<size_t> next(runs.size(), 0);
  while (order.size() < boxes.size()) {
    size_t best = runs.size();
    for (size_t r = 0; r < runs.size(); ++r) {
      if (next[r] == runs[r].size()) continue;
      if (best == runs.size() || boxes[runs[r][next[r]]].x < boxes[runs[best][next[best]]].x) best = r;
    }
    order.push_back(runs[best][next[best]++]);
  }
  return order;
}

// The indices of `line`'s words with text, in reading order (LeftToRight).
std::vector<size_t> WordsInOrder(const OcrLine& line, double glyph_px) {
  std::vector<size_t> with_text;
  std::vector<Box> boxes;
  for (size_t w = 0; w < line.words.size(); ++w) {
    if (line.words[w].text.empty()) continue;
    with_text.push_back(w);
    boxes.push_back(line.words[w].box);
  }
  std::vector<size_t> order;
  for (size_t k : LeftToRight(boxes, glyph_px)) order.push_back(with_text[k]);
  return order;
}

std::string JoinWords(const OcrLine& line, double glyph_px, double gap, bool keep_gaps) {
  std::vector<const OcrWord*> words;
  for (size_t w : WordsInOrder(line, glyph_px)) words.push_back(&line.words[w]);
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

// The words JoinWords joins, in its order: the source of a line of the page text.
std::vector<WordRef> JoinedRefs(const RawLine& raw) {
  std::vector<WordRef> refs;
  for (size_t w : WordsInOrder(*raw.ocr, raw.glyph_px)) refs.push_back(raw.refs[w]);
  return refs;
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

struct ColumnBounds {
  int left = 0;
  int right = 0;
};

// The height a line's text stands at: the middle of most of its words (a speck OCR joined to
// the line stretches its box, not the words').
double Centre(const std::vector<OcrWord>& words, const Box& box) {
  std::vector<double> centres;
  for (const auto& word : words) centres.push_back(word.box.y + word.box.height / 2.0);
  if (centres.empty()) return box.y + box.height / 2.0;
  return Percentile(centres, 0.5);
}

// Quotes and stops print at the edge of their cell, and OCR joins one to the word beside it
// ("“全" with its quote standing in a gutter): the box of a word's text without the marks at
// its ends, each character taken as an equal share of the box.
Box InkOfText(const OcrWord& word) {
  static const std::u32string kMarks = U"“”‘’\"'。，、：；.,";
  const std::u32string text = ToU32(word.text);
  size_t first = 0, end = text.size();
  while (first + 1 < end && kMarks.find(text[first]) != std::u32string::npos) ++first;
  while (end > first + 1 && kMarks.find(text[end - 1]) != std::u32string::npos) --end;
  if (first == 0 && end == text.size()) return word.box;
  const double share = static_cast<double>(word.box.width) / static_cast<double>(text.size());
  Box box = word.box;
  box.x = word.box.x + static_cast<int>(share * static_cast<double>(first));
  box.width = std::max(1, static_cast<int>(share * static_cast<double>(end - first)));
  return box;
}

// Words read twice: a doubtful line read again as one line across its row reads the next
// columns' text on that row once more, across the gutters, where OCR read it already as lines of
// their own. Of two words of different lines over the same ink (on half the narrower's width,
// or touching for the same text, and half the lower's height), the one of the wider line goes (a
// tie: the less confident line's) unless the narrower was read with much less confidence: the
// columns keep their lines, and what only the wide line read stays.
std::set<std::pair<size_t, size_t>> WordsReadTwice(const std::vector<RawLine>& lines) {
  std::set<std::pair<size_t, size_t>> twice;
  auto overlap = [](int a0, int a1, int b0, int b1) { return std::min(a1, b1) - std::max(a0, b0); };
  // A line the narrower lines of its row cover almost whole is one reading of the row among
  // others, not one across a gutter: DropDuplicates keeps the best reading of it whole.
  std::vector<bool> covered(lines.size(), false);
  for (size_t a = 0; a < lines.size(); ++a) {
    const Box& la = lines[a].ocr->box;
    std::vector<std::pair<int, int>> spans;
    for (size_t b = 0; b < lines.size(); ++b) {
      const Box& lb = lines[b].ocr->box;
      if (b == a || lb.width >= la.width ||
          overlap(la.y, la.Bottom(), lb.y, lb.Bottom()) < 0.5 * std::min(la.height, lb.height)) {
        continue;
      }
      spans.emplace_back(std::max(la.x, lb.x), std::min(la.Right(), lb.Right()));
    }
    std::sort(spans.begin(), spans.end());
    int reach = la.x, inside = 0;
    for (const auto& [from, to] : spans) {
      if (to <= reach) continue;
      inside += to - std::max(from, reach);
      reach = to;
    }
    covered[a] = inside >= 0.8 * la.width;
  }
  for (size_t a = 0; a < lines.size(); ++a) {
    for (size_t b = a + 1; b < lines.size(); ++b) {
      const Box& la = lines[a].ocr->box;
      const Box& lb = lines[b].ocr->box;
      if (overlap(la.y, la.Bottom(), lb.y, lb.Bottom()) <= 0 ||
          overlap(la.x, la.Right(), lb.x, lb.Right()) <= 0) {
        continue;
      }
      const bool a_loses = la.width != lb.width
                               ? la.width > lb.width
                               : lines[a].ocr->confidence < lines[b].ocr->confidence;
      const size_t loser = a_loses ? a : b;
      const size_t winner = a_loses ? b : a;
      if (covered[loser]) continue;
      // A speck read as a line of its own beside a word is no second reading of it.
      if (lines[winner].ocr->confidence + 10 < lines[loser].ocr->confidence) continue;
      const auto& lost_words = lines[loser].ocr->words;
      const auto& kept_words = lines[winner].ocr->words;
      // (How many times larger one line's glyphs stand than the other's: below.)
      const double glyphs = std::max(lines[a].glyph_px, lines[b].glyph_px) /
                            std::max(1.0, std::min(lines[a].glyph_px, lines[b].glyph_px));
      for (size_t w = 0; w < lost_words.size(); ++w) {
        const Box& x = lost_words[w].box;
        if (lost_words[w].text.empty() || x.Empty()) continue;
        // (A word of characters is read twice by characters: a mark is no reading of one. A
        // reread of the edition's 普 alone, "[三|", its bar over the middle of the first reading's
        // box, took 普 from "(普刊)", dev3 g01.)
        const bool lost_characters = !HoldsNoCharacter(ToU32(lost_words[w].text));
        for (const OcrWord& kept : kept_words) {
          const Box& y = kept.box;
          if (kept.text.empty() || y.Empty()) continue;
          if (lost_characters && HoldsNoCharacter(ToU32(kept.text))) continue;
          const double heights = static_cast<double>(std::max(x.height, y.height)) /
                                 std::max(1, std::min(x.height, y.height));
          // The edition under a masthead title's tall box is no reading of the title; OCR
          // stretches a word's box to a mark's height beside it (1.7 times a glyph), and now and
          // then a line's boxes to twice its glyphs and more (街道 boxed 120 px over 56 px glyphs
          // a contents line read twice): that is the same reading only with the same text.
          // Nor is a word of a line set twice as large (or small) as the other's: OCR boxes a
          // masthead title's glyph now and then over the edition line under it (人 of
          // 杭州人大信息 boxed 56 px tall over 普 where the title's glyphs stand 213 px).
          if ((heights > 2.0 || glyphs > 2.0) && lost_words[w].text != kept.text) continue;
          // (The same text needs only to touch: a reread's boxes come back a few px off.)
          const int across = overlap(x.x, x.Right(), y.x, y.Right());
          const int down = overlap(x.y, x.Bottom(), y.y, y.Bottom());
          // (Their middles level: OCR stretches a box down into the next row now and then.)
          const double centres = std::abs((x.y + x.Bottom()) - (y.y + y.Bottom())) / 2.0;
          if (across <= 0 || down < 0.5 * std::min(x.height, y.height) ||
              centres > 0.5 * std::min(x.height, y.height)) {
            continue;
          }
          if (lost_words[w].text == kept.text || across >= 0.5 * std::min(x.width, y.width)) {
            twice.insert({loser, w});
            break;
          }
        }
      }
    }
  }
  return twice;
}

// The characters of a word's text between the marks at its ends (its InkOfText box), when they
// are all Han (their pitch is the body's or a heading's); 0 otherwise.
int HanCells(const std::string& utf8) {
  static const std::u32string kMarks = U"“”‘’\"'。，、：；.,";
  const std::u32string text = ToU32(utf8);
  size_t first = 0, end = text.size();
  while (first + 1 < end && kMarks.find(text[first]) != std::u32string::npos) ++first;
  while (end > first + 1 && kMarks.find(text[end - 1]) != std::u32string::npos) --end;
  if (!std::all_of(text.begin() + first, text.begin() + end, IsHan)) return 0;
  return static_cast<int>(end - first);
}

// A word that reaches into the gutter west of its column and starts with a closing mark or a
// stop: print never starts a line with one (line-start rule), so that mark is a speck in the
// gutter read with the column's first word (a show-through "”" before "专业"). It is taken off;
// the word keeps its ink's box.
void DropOpeningCloser(OcrWord& word, const Box& ink) {
  static const std::u32string kClosers = U"，。、：；！？”’）》」』】〉,.:;!?)";
  std::u32string text = ToU32(word.text);
  size_t first = 0;
  while (first < text.size() && kClosers.find(text[first]) != std::u32string::npos) ++first;
  if (first == 0 || first == text.size()) return;
  word.text = ToUtf8(text.substr(first));
  if (!ink.Empty()) word.box = ink;
}

// Makes `raw` one line of `words` (each with where it stands in the page's OCR; each line's in
// OCR's order), left to right (LeftToRight, glyphs `glyph_px` tall), kept in `store`; its refs
// are appended to.
void JoinInto(RawLine& raw, std::vector<std::pair<OcrWord, WordRef>> words, double glyph_px,
              std::vector<std::unique_ptr<OcrLine>>& store) {
  std::vector<Box> boxes;
  for (const auto& [word, ref] : words) boxes.push_back(word.box);
  auto joined = std::make_unique<OcrLine>();
  for (size_t k : LeftToRight(boxes, glyph_px)) {
    joined->words.push_back(std::move(words[k].first));
    raw.refs.push_back(words[k].second);
  }
  joined->RebuildFromWords();
  raw.ocr = joined.get();
  store.push_back(std::move(joined));
}

// (ReadingOrder's rows: the least glyph a row's reach is measured in, in body glyphs.)
constexpr double kRowGlyphFloor = 0.8;

// The lines of one page in reading order: the page's regions (stages/regions.h: full-width bands
// top to bottom, a band's columns one after the other), and in each region its rows top to
// bottom. The pieces of one row are one line read left to right: a bold column name and its
// title, a publisher and the date, the halves of a heading Tesseract put into blocks of their
// own. A line Tesseract read across a gutter comes apart into its columns' lines.
std::vector<RawLine> ReadingOrder(const std::vector<RawLine>& lines, double unit,
                                  const ColumnBounds& page_bounds, const InkGrid& ink,
                                  std::vector<std::unique_ptr<OcrLine>>& store) {
  const std::set<std::pair<size_t, size_t>> read_twice = WordsReadTwice(lines);
  const RegionOptions region_options;
  std::vector<RegionItem> items;
  std::vector<std::pair<size_t, size_t>> source;  // line, word
  for (size_t k = 0; k < lines.size(); ++k) {
    const auto& words = lines[k].ocr->words;
    for (size_t w = 0; w < words.size(); ++w) {
      if (words[w].text.empty() || words[w].box.Empty() || read_twice.contains({k, w})) continue;
      static const std::u32string kStops = U"，。、：；！？”’）》,.:;!?)";
      const std::u32string text = ToU32(words[w].text);
      static const std::u32string kMarks = U"“”‘’\"'。，、：；！？.,:;!?·-—|｜";
      static const std::u32string kOpeners = U"（(〈《〔[";
      static const std::u32string kClosers = U"）)〉》〕]";
      // (A box far bigger than its characters: RegionOptions::blot_height.)
      auto blot = [&](const Box& box, size_t chars) {
        return box.height > region_options.blot_height * unit &&
               box.width > region_options.blot_pitch * unit * static_cast<double>(chars);
      };
      items.push_back(RegionItem{
          .box = InkOfText(words[w]),
          .ocr_box = words[w].box,
          .line = static_cast<int>(k),
          .ends_with_stop = kStops.find(text.back()) != std::u32string::npos,
          .mark = std::all_of(text.begin(), text.end(),
                              [](char32_t c) { return kMarks.find(c) != std::u32string::npos; }),
          .chars = HanCells(words[w].text),
          .rule = std::all_of(text.begin(), text.end(),
                              [](char32_t c) { return c == U'|' || c == U'｜' || c == U'丨'; }),
          .opens_bracket = kOpeners.find(text.front()) != std::u32string::npos,
          .closes_bracket = kClosers.find(text.back()) != std::u32string::npos,
          .speck = words[w].confidence < region_options.max_speck_confidence &&
                   (HoldsNoCharacter(text) || blot(words[w].box, text.size())),
          .confidence = words[w].confidence});
      source.emplace_back(k, w);
    }
  }
  struct Piece {
    size_t line = 0;
    std::vector<OcrWord> words;
    std::vector<WordRef> refs;
    double centre = 0;
  };
  std::vector<RawLine> out;
  const InkGrid* page_ink = ink.Empty() ? nullptr : &ink;
  for (const TextRegion& region : OrderRegions(items, unit, region_options, page_ink)) {
    std::map<size_t, Piece> by_line;
    // (Each line's words in OCR's order, as its line holds them.)
    std::vector<size_t> in_order = region.items;
    std::sort(in_order.begin(), in_order.end(), [&](size_t a, size_t b) { return source[a] < source[b]; });
    for (size_t id : in_order) {
      Piece& piece = by_line[source[id].first];
      piece.line = source[id].first;
      piece.words.push_back(lines[piece.line].ocr->words[source[id].second]);
      if (region.column > 1 && piece.words.back().box.x < region.left) {
        DropOpeningCloser(piece.words.back(), items[id].box);
      }
      piece.refs.push_back(lines[piece.line].refs[source[id].second]);
    }
    std::vector<Piece> pieces;
    for (auto& [line, piece] : by_line) {
      piece.centre = Centre(piece.words, lines[line].ocr->box);
      pieces.push_back(std::move(piece));
    }
    std::sort(pieces.begin(), pieces.end(),
              [](const Piece& a, const Piece& b) { return a.centre < b.centre; });
    // Rows: pieces whose middles lie within half a glyph (the smaller, and no less than most of
    // the body's) of the row's first, read left to right; pieces of a row side by side are one
    // line, pieces over or under each other (the edition line under a masthead title's tall box)
    // stay lines of their own. (OCR boxes a word short now and then, and a line of two words
    // then stands as short: dev3 g06's contents line "情况交流", "交流" boxed 19 px tall beside
    // "情况" at 42, its middle 10 px under its title's, was read as a row of its own.)
    std::vector<std::vector<size_t>> lines_out;
    for (size_t i = 0; i < pieces.size();) {
      size_t j = i + 1;
      while (j < pieces.size()) {
        const double glyph =
            std::max(std::min(lines[pieces[i].line].glyph_px, lines[pieces[j].line].glyph_px),
                     kRowGlyphFloor * unit);
        if (pieces[j].centre - pieces[i].centre >= 0.5 * std::max(glyph, 1.0)) break;
        ++j;
      }
      std::vector<size_t> row;
      for (size_t k = i; k < j; ++k) row.push_back(k);
      std::sort(row.begin(), row.end(), [&](size_t x, size_t y) {
        return WordsBox(pieces[x].words).x < WordsBox(pieces[y].words).x;
      });
      for (size_t k : row) {
        if (!lines_out.empty() && lines_out.back().front() >= i) {
          const Box left = WordsBox(pieces[lines_out.back().back()].words);
          if (WordsBox(pieces[k].words).x >= left.Right() - 2) {
            lines_out.back().push_back(k);
            continue;
          }
        }
        lines_out.push_back({k});
      }
      i = j;
    }
    for (const std::vector<size_t>& row : lines_out) {
      const size_t i = row.front();
      const RawLine& first = lines[pieces[i].line];
      RawLine raw{.page = first.page,
                  .glyph_px = first.glyph_px,
                  .column = region.column,
                  .column_left = region.column == 0 ? page_bounds.left : region.left,
                  .column_right = region.column == 0 ? page_bounds.right : region.right};
      const bool whole_line =
          row.size() == 1 && pieces[i].words.size() == first.ocr->words.size();
      if (whole_line) {
        raw.ocr = first.ocr;
        raw.refs = first.refs;
      } else {
        std::vector<std::pair<OcrWord, WordRef>> words;
        for (size_t k : row) {
          for (size_t w = 0; w < pieces[k].words.size(); ++w) {
            words.emplace_back(pieces[k].words[w], pieces[k].refs[w]);
          }
        }
        JoinInto(raw, std::move(words), first.glyph_px, store);
        raw.glyph_px = GlyphHeight(*raw.ocr);
      }
      out.push_back(raw);
    }
  }
  return out;
}

// The share of `line`'s words' width (its non-empty words) that stands over words of `other`.
double WordsOver(const RawLine& line, const RawLine& other) {
  std::vector<std::pair<int, int>> spans;
  for (const OcrWord& word : other.ocr->words) {
    if (!word.text.empty() && !word.box.Empty()) spans.emplace_back(word.box.x, word.box.Right());
  }
  std::sort(spans.begin(), spans.end());
  long total = 0, over = 0;
  for (const OcrWord& word : line.ocr->words) {
    if (word.text.empty() || word.box.Empty()) continue;
    total += word.box.width;
    int reach = word.box.x;
    for (const auto& [from, to] : spans) {
      if (to <= reach || from >= word.box.Right()) continue;
      over += std::min(to, word.box.Right()) - std::max(from, reach);
      reach = std::min(to, word.box.Right());
    }
  }
  return total == 0 ? 0 : static_cast<double>(over) / static_cast<double>(total);
}

// Points of OCR's mean confidence by which one reading of a line is far less sure than another.
constexpr float kFarLessSure = 15;

// Tesseract now and then reads one printed line twice (a second, odd block across both columns),
// and a second reading may repeat what the first saw: of lines that cover the same ink, keep
// the one read with more confidence, with the words only the other read beside it (a contents
// line read whole and again without its column name keeps the name).
std::vector<RawLine> DropDuplicates(std::vector<RawLine> lines,
                                    std::vector<std::unique_ptr<OcrLine>>& store) {
  std::vector<bool> dropped(lines.size(), false);
  // The words of `lost` that stand clear of `kept`'s box, their middles half a glyph out.
  auto beside = [&lines](const RawLine& lost, const RawLine& kept) {
    std::vector<size_t> out;
    const Box& k = kept.ocr->box;
    const double margin = 0.5 * kept.glyph_px;
    for (size_t w = 0; w < lost.ocr->words.size(); ++w) {
      const OcrWord& word = lost.ocr->words[w];
      if (word.text.empty() || word.box.Empty() || HoldsNoCharacter(ToU32(word.text))) continue;
      const double middle = word.box.x + word.box.width / 2.0;
      if (middle < kept.column_left || middle > kept.column_right) continue;  // its column's
      if (middle >= k.x - margin && middle <= k.Right() + margin) continue;
      // (Nor what a third reading of the row holds: the ends of a row read in three pieces.)
      const bool elsewhere = std::any_of(lines.begin(), lines.end(), [&](const RawLine& other) {
        if (&other == &lost || &other == &kept) return false;
        const Box& o = other.ocr->box;
        if (std::min(o.Bottom(), word.box.Bottom()) - std::max(o.y, word.box.y) <
            word.box.height / 2) {
          return false;
        }
        return std::any_of(other.ocr->words.begin(), other.ocr->words.end(), [&](const OcrWord& x) {
          return !x.text.empty() && std::min(x.box.Right(), word.box.Right()) -
                                            std::max(x.box.x, word.box.x) > word.box.width / 2;
        });
      });
      if (!elsewhere) out.push_back(w);
    }
    return out;
  };
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
      const bool i_smaller = static_cast<long>(a.width) * a.height <= static_cast<long>(b.width) * b.height;
      // A small line under a large one's box (the edition under the masthead title) is not it.
      // (Their boxes or their glyphs: OCR boxes a few words of a line twice as tall now and then,
      // and the line's box with them, or a line's glyphs a third short.)
      const double heights =
          std::min(static_cast<double>(std::max(a.height, b.height)) / std::max(1, std::min(a.height, b.height)),
                   std::max(lines[i].glyph_px, lines[j].glyph_px) /
                       std::max(1.0, std::min(lines[i].glyph_px, lines[j].glyph_px)));
      // (Unless the small line stands inside the large one's rows and was read far less surely,
      // its glyphs no more than twice as small: a heading read a second time in pieces at the
      // size of its glyphs' inner strokes, "“三怀渊克“推动宜让音用咋昌振外" at 68 inside "“三张清单”
      // 推动审议意见质量提升" at 93, dev4 h03 page 3. The edition under a masthead title stands
      // four times as small.)
      const RawLine& small = i_smaller ? lines[i] : lines[j];
      const RawLine& large = i_smaller ? lines[j] : lines[i];
      const bool misread_inside = heights <= 2.0 && small.ocr->box.y >= large.ocr->box.y &&
                                  small.ocr->box.Bottom() <= large.ocr->box.Bottom() &&
                                  small.ocr->confidence + kFarLessSure <= large.ocr->confidence;
      if (heights > 1.5 && !misread_inside) continue;
      // Their words stand on one another: two pieces of one row whose boxes overlap, each
      // holding words the other lacks (what is left of a line whose words were read again
      // beside the reading of them), are no second reading.
      if (WordsOver(small, large) < 0.5) continue;
      // Two rows whose boxes overlap because of a tall word (OCR boxes a degraded word now and
      // then from its row into the next) are two lines: a line read twice stands at one height.
      if (std::abs(Centre(lines[i].ocr->words, a) - Centre(lines[j].ocr->words, b)) >
          0.5 * std::min(lines[i].glyph_px, lines[j].glyph_px)) {
        continue;
      }
      const size_t lost = lines[i].ocr->confidence >= lines[j].ocr->confidence ? j : i;
      const size_t kept = lost == i ? j : i;
      dropped[lost] = true;
      if (lines[lost].column != lines[kept].column) continue;
      const std::vector<size_t> extra = beside(lines[lost], lines[kept]);
      if (extra.empty() || lines[kept].refs.size() != lines[kept].ocr->words.size() ||
          lines[lost].refs.size() != lines[lost].ocr->words.size()) {
        continue;
      }
      std::vector<std::pair<OcrWord, WordRef>> words;
      for (size_t k = 0; k < lines[kept].ocr->words.size(); ++k) {
        words.emplace_back(lines[kept].ocr->words[k], lines[kept].refs[k]);
      }
      for (size_t k : extra) words.emplace_back(lines[lost].ocr->words[k], lines[lost].refs[k]);
      RawLine raw = lines[kept];
      raw.refs.clear();
      JoinInto(raw, std::move(words), lines[kept].glyph_px, store);
      raw.column_left = std::min(lines[kept].column_left, lines[lost].column_left);
      raw.column_right = std::max(lines[kept].column_right, lines[lost].column_right);
      lines[kept] = std::move(raw);
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
    for (size_t b = 0; b < pages[p].blocks.size(); ++b) {
      for (size_t l = 0; l < pages[p].blocks[b].lines.size(); ++l) {
        const OcrLine& line = pages[p].blocks[b].lines[l];
        if (line.words.empty()) continue;
        RawLine raw{.page = static_cast<int>(p + 1), .ocr = &line, .glyph_px = GlyphHeight(line)};
        for (size_t w = 0; w < line.words.size(); ++w) {
          raw.refs.push_back(WordRef{.block = static_cast<int>(b), .line = static_cast<int>(l),
                                     .word = static_cast<int>(w)});
        }
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
    std::vector<PageLine> header_lines, footer_lines;
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
        const bool top = raw.ocr->box.Bottom() < band;
        (top ? header : footer).push_back(text);
        (top ? header_lines : footer_lines)
            .push_back(PageLine{.words = JoinedRefs(raw), .role = top ? "header" : "footer"});
      } else {
        kept.push_back(raw);
      }
    }
    // The page's text block: most lines start at its left edge and justified lines end at its
    // right one; a page with few lines uses their whole extent.
    ColumnBounds page_bounds;
    {
      std::vector<int> lefts, rights;
      for (const auto& raw : kept) {
        lefts.push_back(raw.ocr->box.x);
        rights.push_back(raw.ocr->box.Right());
      }
      if (kept.size() >= 4) {
        page_bounds = ColumnBounds{.left = Percentile(lefts, 0.1), .right = Percentile(rights, 0.9)};
      } else if (!kept.empty()) {
        page_bounds = ColumnBounds{.left = *std::min_element(lefts.begin(), lefts.end()),
                                   .right = *std::max_element(rights.begin(), rights.end())};
      }
    }
    // Duplicates are dropped after the lines are parted at gutters: a line read across one
    // covers both its halves, and only the half read twice is a duplicate.
    kept = DropDuplicates(
        ReadingOrder(kept, layout.body_glyph_px, page_bounds, pages[p].ink, merged_lines),
        merged_lines);
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
    std::vector<PageLine> page_lines = std::move(header_lines);
    for (const auto& raw : kept) {
      page_lines.push_back(PageLine{.words = JoinedRefs(raw), .column = raw.column});
    }
    page_lines.insert(page_lines.end(), footer_lines.begin(), footer_lines.end());
    layout.page_lines.push_back(std::move(page_lines));

    std::map<int, const OcrLine*> previous;
    for (size_t k = 0; k < kept.size(); ++k) {
      const RawLine& raw = kept[k];
      const OcrLine& ocr = *raw.ocr;
      const ColumnBounds column{.left = raw.column_left, .right = raw.column_right};
      LayoutLine line;
      line.page = raw.page;
      line.page_line = static_cast<int>(header.size() + k);
      line.column = raw.column;
      line.text = std::move(texts[k]);
      line.spaced_text = std::move(spaced_texts[k]);
      line.segments = SplitSegments(ocr, raw.glyph_px);
      for (size_t w : WordsInOrder(ocr, raw.glyph_px)) line.words.push_back(ocr.words[w]);
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
