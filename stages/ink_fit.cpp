#include "stages/ink_fit.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "models/text.h"

namespace qikan {
namespace {

bool IsLatinLetter(char32_t c) {
  return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'ａ' && c <= U'ｚ') ||
         (c >= U'Ａ' && c <= U'Ｚ');
}

// Latin letters and no Han at all: chi_sim's reading of a line it could not read.
bool LatinOnly(std::string_view utf8, int min_letters) {
  int letters = 0;
  for (const char32_t c : ToU32(utf8)) {
    if (IsHan(c)) return false;
    if (IsLatinLetter(c)) ++letters;
  }
  return letters >= min_letters;
}

double LatinShare(std::string_view utf8) {
  double letters = 0, all = 0;
  for (const char32_t c : ToU32(utf8)) {
    if (c == U' ' || c == U'\n') continue;
    all += 1;
    if (IsLatinLetter(c)) letters += 1;
  }
  return all > 0 ? letters / all : 0;
}

// Takes out of `ink` the runs at least `run` long (a row of pixels `run.width` wide, or a column
// `run.height` tall): rules, which no character's stroke is as long as.
void TakeOutRules(cv::Mat& ink, cv::Size run) {
  cv::Mat rules;
  cv::morphologyEx(ink, rules, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, run));
  ink -= rules;
}

// A word read below `blot_confidence` in a box `cells` glyphs wide or more a character.
bool IsBlot(const OcrWord& word, double glyph_px, const LostLineOptions& options, double cells) {
  const double chars = std::max<size_t>(1, Utf8Length(word.text));
  return word.confidence < options.blot_confidence && word.box.width >= cells * glyph_px * chars;
}

// Each stretch of set columns in [from, to), gaps up to `bridge` included, counted whole.
long BridgedWidth(const std::vector<uchar>& columns, int from, int to, int bridge) {
  long inked = 0;
  ForEachStretch(columns, from, to, bridge, [&](int first, int last) { inked += last - first + 1; });
  return inked;
}

// The most ink (in cells) in one stretch of the line's row that no word covers, at least
// `hole_glyphs` wide: between two words, or before the first word or after the last, as far as
// the ink runs on from the line ("[动政府探索]“燃气安全+”…": a line's first five characters not
// read). Ink under another line's words (a contents page's column name beside its title, a
// line of the next column) is theirs: no hole, and the line's ink stops at it.
double LargestHole(const OcrPage& ocr, const PageInk& page, const OcrLine& line,
                   const MeasuredLine& m, const LostLineOptions& options) {
  if (page.cell_px <= 0) return 0;
  // A blot covers nothing: OCR gave up on its ink ("，" at 0 over the six glyphs of “一乡镇一瓶
  // 库”). A word read below `blot_confidence` in a smaller box covers its own (试点， at 0 over
  // its three cells, 聚 at 0 over three, both read true). A word boxed narrower than its
  // characters covers their cells about its box's middle (OCR boxed 活动 8 px wide).
  std::vector<Box> words;
  for (const auto& word : line.words) {
    if (word.box.Empty()) continue;
    if (IsBlot(word, m.glyph_px, options, options.hole_blot_cells)) continue;
    Box box = word.box;
    const int least = static_cast<int>(options.hole_pitch * m.glyph_px *
                                       static_cast<double>(TextCells(word.text, options.ink)));
    if (box.width < least) {
      box.x -= (least - box.width) / 2;
      box.width = least;
    }
    words.push_back(box);
  }
  if (words.empty()) return 0;
  std::sort(words.begin(), words.end(), [](const Box& a, const Box& b) { return a.x < b.x; });
  const Box row = RowBox(line);
  const Box band{.x = m.box.x, .y = row.y, .width = m.box.width, .height = row.height};
  if (band.width <= 0 || band.height <= 0 || band.x < 0) return 0;
  // Per column of the band: ink tall enough to count (the measure), any ink (how far the line's
  // ink runs on: quotes and stops too, the white before “ is no gutter), another line's word.
  std::vector<uchar> tall = TallInkColumns(page.ink, band, m.glyph_px, options.ink);
  InkFitOptions any_ink = options.ink;
  any_ink.tall_ink = 0;
  std::vector<uchar> inked = TallInkColumns(page.ink, band, m.glyph_px, any_ink);
  const int right = band.x + static_cast<int>(tall.size());  // the band within the page
  std::vector<uchar> theirs(tall.size(), 0);
  for (const auto& block : ocr.blocks) {
    for (const auto& other : block.lines) {
      if (&other == &line) continue;
      for (const auto& word : other.words) {
        const int overlap = std::min(word.box.Bottom(), row.Bottom()) - std::max(word.box.y, row.y);
        if (overlap < 0.5 * std::min(word.box.height, row.height)) continue;
        for (int x = std::max(word.box.x, band.x); x < std::min(word.box.Right(), right); ++x) {
          theirs[static_cast<size_t>(x - band.x)] = 1;
        }
      }
    }
  }
  for (size_t i = 0; i < tall.size(); ++i) {
    if (theirs[i]) tall[i] = inked[i] = 0;
  }
  const int bridge = static_cast<int>(options.ink.bridge * m.glyph_px);
  const double min_gap = options.hole_glyphs * m.glyph_px;
  double largest = 0;
  auto measure = [&](int from, int to) {
    if (to - from < min_gap) return;
    const long ink = BridgedWidth(tall, from - band.x, to - band.x, bridge);
    largest = std::max(largest, static_cast<double>(ink) / page.cell_px);
  };
  int covered = words.front().Right();
  for (size_t i = 1; i < words.size(); ++i) {
    measure(covered, words[i].x);
    covered = std::max(covered, words[i].Right());
  }
  // Outward from the first word and the last, up to white as wide as a gutter (`hole_gutter`)
  // or another line's word. (The row's ink may reach over a gutter into the next column, whose
  // line OCR boxed in other rows.)
  const int gutter = static_cast<int>(std::ceil(options.hole_gutter * m.glyph_px));
  auto reach = [&](int from, int step) {
    int end = from, white = 0;
    for (int x = from; x >= band.x && x < right; x += step) {
      const auto i = static_cast<size_t>(x - band.x);
      if (theirs[i]) break;
      if (inked[i]) {
        white = 0;
        end = x;
      } else if (++white >= gutter) {
        break;
      }
    }
    return end;
  };
  measure(reach(words.front().x - 1, -1), words.front().x);
  measure(covered, reach(covered, 1) + 1);
  return largest;
}

}  // namespace

double TextCells(std::string_view utf8, const InkFitOptions& options) {
  double cells = 0;
  for (const char32_t c : ToU32(utf8)) {
    if (c == U' ' || c == U'\t' || c == U'\n' || c == U'\u3000') continue;
    cells += IsCjk(c) ? 1.0 : options.half_width;
  }
  return cells;
}

cv::Mat InkMask(const cv::Mat& gray, double glyph_px, double rule_glyphs) {
  cv::Mat ink;
  cv::threshold(gray, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  const int rule = static_cast<int>(rule_glyphs * glyph_px);
  if (glyph_px > 0 && rule >= 2) TakeOutRules(ink, cv::Size(rule, 1));
  return ink;
}

InkGrid MeasureInkGrid(const cv::Mat& gray, double glyph_px, double scale, double cell_glyphs,
                       double cell_share) {
  const int cell = static_cast<int>(std::lround(glyph_px * cell_glyphs));
  if (gray.empty() || cell < 2 || scale <= 0) return {};
  cv::Mat ink = InkMask(gray, glyph_px, kRuleGlyphs);
  // Rules down the page too (InkMask takes out those across it).
  const int rule = static_cast<int>(kRuleGlyphs * glyph_px);
  if (rule >= 2 && rule < ink.rows) TakeOutRules(ink, cv::Size(1, rule));
  InkGrid grid{.cell = cell / scale,
               .columns = (ink.cols + cell - 1) / cell,
               .rows = (ink.rows + cell - 1) / cell};
  cv::Mat padded;
  cv::copyMakeBorder(ink, padded, 0, grid.rows * cell - ink.rows, 0, grid.columns * cell - ink.cols,
                     cv::BORDER_CONSTANT, 0);
  cv::Mat share;
  cv::resize(padded, share, cv::Size(grid.columns, grid.rows), 0, 0, cv::INTER_AREA);
  grid.inked.resize(static_cast<size_t>(grid.columns) * grid.rows);
  const int threshold = static_cast<int>(std::lround(255 * cell_share));
  for (int r = 0; r < grid.rows; ++r) {
    const auto* row = share.ptr<uchar>(r);
    for (int c = 0; c < grid.columns; ++c) {
      grid.inked[static_cast<size_t>(r) * grid.columns + c] = row[c] >= threshold;
    }
  }
  return grid;
}

std::vector<uchar> TallInkColumns(const cv::Mat& ink, const Box& box, double glyph_px,
                                  const InkFitOptions& options) {
  const cv::Rect r = cv::Rect(box.x, box.y, box.width, box.height) & cv::Rect(0, 0, ink.cols, ink.rows);
  if (r.empty() || glyph_px <= 0) return {};
  const cv::Mat band = ink(r);
  // Per column, the span of its inked rows.
  std::vector<int> top(static_cast<size_t>(r.width), -1), bottom(static_cast<size_t>(r.width), -1);
  for (int y = 0; y < band.rows; ++y) {
    const uchar* row = band.ptr<uchar>(y);
    for (int x = 0; x < band.cols; ++x) {
      if (!row[x]) continue;
      if (top[static_cast<size_t>(x)] < 0) top[static_cast<size_t>(x)] = y;
      bottom[static_cast<size_t>(x)] = y;
    }
  }
  const int tall = std::max(1, static_cast<int>(options.tall_ink * glyph_px));
  std::vector<uchar> columns(static_cast<size_t>(r.width), 0);
  for (size_t i = 0; i < columns.size(); ++i) columns[i] = top[i] >= 0 && bottom[i] - top[i] + 1 >= tall;
  return columns;
}

double InkWidth(const cv::Mat& ink, const Box& box, double glyph_px, const InkFitOptions& options) {
  const std::vector<uchar> columns = TallInkColumns(ink, box, glyph_px, options);
  // Each stretch of tall columns, gaps up to `bridge` included, counts whole.
  return static_cast<double>(BridgedWidth(columns, 0, static_cast<int>(columns.size()),
                                          static_cast<int>(options.bridge * glyph_px)));
}

// How tall (in body glyphs) the ink of a line of body text stands at most.
constexpr double kBodyInkRows = 1.3;

bool ReadsShortOfInk(const cv::Mat& gray, const Box& box, double glyph_px, double cell_px,
                     std::string_view as_read, std::string_view reading,
                     const InkFitOptions& options, double slack, double slack_share) {
  // chi_sim reads the printed （ and ） as ( and ): here they fill a cell.
  auto cells_of = [&](std::string_view text) {
    double cells = TextCells(text, options);
    for (const char c : text) cells += c == '(' || c == ')' ? 1 - options.half_width : 0;
    return cells;
  };
  const double before = cells_of(as_read);
  const double after = cells_of(reading);
  const cv::Rect rect =
      cv::Rect(box.x, box.y, box.width, box.height) & cv::Rect(0, 0, gray.cols, gray.rows);
  if (after >= before || glyph_px <= 0 || cell_px <= 0 || rect.empty()) return false;
  const cv::Mat ink = InkMask(gray(rect).clone(), glyph_px);
  // Only a line of the body's glyphs is measured in its cells: the rows its ink fills (a tenth
  // of the fullest row's ink or more) span no more than kBodyInkRows glyphs.
  cv::Mat per_row;
  cv::reduce(ink, per_row, 1, cv::REDUCE_SUM, CV_32S);
  double fullest = 0;
  cv::minMaxLoc(per_row, nullptr, &fullest);
  int top = -1, bottom = -1;
  for (int y = 0; y < per_row.rows; ++y) {
    if (per_row.at<int>(y) * 10.0 < fullest || fullest <= 0) continue;
    if (top < 0) top = y;
    bottom = y;
  }
  if (top < 0 || bottom - top + 1 > kBodyInkRows * glyph_px) return false;
  const std::vector<uchar> tall = TallInkColumns(
      ink, Box{.x = 0, .y = 0, .width = rect.width, .height = rect.height}, glyph_px, options);
  // Each stretch of ink (gaps up to `bridge` included) in cells, a stretch narrower than a cell
  // and at least half one a character set apart (a letter-spaced name, whose glyph's ink is
  // narrower than the cell its pitch gives).
  double cells = 0;
  ForEachStretch(tall, 0, static_cast<int>(tall.size()), static_cast<int>(options.bridge * glyph_px),
                 [&](int first, int last) {
                   const double c = (last - first + 1) / cell_px;
                   cells += c >= 1 ? c : c >= 0.5 ? 1 : c;
                 });
  // The ink's count is good to about a share of itself (the page's cell is measured on lines
  // with their punctuation, whose low marks are no ink: a line of Han alone measures longer).
  return std::abs(after - cells) > std::abs(before - cells) + std::max(slack, slack_share * cells);
}

PageInk MeasurePageInk(const cv::Mat& gray, const OcrPage& page, const InkFitOptions& options) {
  PageInk out;
  const double body = BodyGlyphHeight(page);
  const cv::Mat ink = InkMask(gray, body);
  std::vector<double> per_cell;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      MeasuredLine m;
      m.glyph_px = LineGlyph(line, body, ink);
      m.box = WidenToOwnRowInk(gray, page, line, m.glyph_px);
      m.ink_px = InkWidth(ink, m.box, m.glyph_px, options);
      m.ink.text_cells = TextCells(line.text, options);
      const bool body_line = m.glyph_px <= 1.2 * body;
      if (body_line && m.ink.text_cells >= 8 && line.confidence >= 70) {
        per_cell.push_back(m.ink_px / m.ink.text_cells);
      }
      out.lines.push_back(m);
    }
  }
  out.ink = ink;
  if (per_cell.size() >= 3) {
    std::nth_element(per_cell.begin(), per_cell.begin() + static_cast<long>(per_cell.size() / 2),
                     per_cell.end());
    out.cell_px = per_cell[per_cell.size() / 2];
  } else {
    out.cell_px = body;
  }
  for (auto& m : out.lines) {
    // A heading's cells are as much larger as its glyphs.
    const double cell = out.cell_px * std::max(1.0, body > 0 ? m.glyph_px / body : 1.0);
    m.ink.ink_cells = cell > 0 ? m.ink_px / cell : 0;
  }
  return out;
}

double LineGlyph(const OcrLine& line, double body_glyph, const cv::Mat& ink) {
  // A line none of whose words OCR read with some confidence has boxes that are guesses ("Te"
  // at 11 over a whole line of body text, boxed three rows tall): the body's glyph.
  constexpr float kGuessed = 40;
  if (std::none_of(line.words.begin(), line.words.end(),
                   [](const OcrWord& w) { return w.confidence >= kGuessed; })) {
    return body_glyph;
  }
  double own = MedianWordHeight(line);
  if (own > 1.15 * body_glyph && !ink.empty()) {
    // Boxes taller than their glyphs (a degraded 楷体 line's 将该项 boxed 59 px over 40 px of
    // ink, measured as a heading's and read again at its size, two rows at once): the ink's
    // height in each word's box.
    std::vector<int> heights;
    for (const auto& word : line.words) {
      const cv::Rect r = cv::Rect(word.box.x, word.box.y, word.box.width, word.box.height) &
                         cv::Rect(0, 0, ink.cols, ink.rows);
      if (r.empty()) continue;
      const cv::Rect inked = cv::boundingRect(ink(r));
      if (!inked.empty()) heights.push_back(inked.height);
    }
    if (!heights.empty()) {
      std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                       heights.end());
      own = std::min(own, static_cast<double>(heights[heights.size() / 2]));
    }
  }
  return own > 1.15 * body_glyph ? own : body_glyph;
}

std::vector<LostLine> FindLostLines(const cv::Mat& gray, const OcrPage& page,
                                    const LostLineOptions& options) {
  const double body = BodyGlyphHeight(page);
  if (body <= 0 || options.max_lines <= 0) return {};
  const PageInk measured = MeasurePageInk(gray, page, options.ink);
  std::vector<LostLine> lost;
  size_t i = 0;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      const MeasuredLine& m = measured.lines[i++];
      // A line much taller than the body is a masthead or heading: the reread stage's. (Its
      // rows: a word boxed over three rows does not make a body line one; nor do words OCR
      // guessed, measured at the body's glyph.)
      if (RowBox(line).height > 2.5 * body && m.glyph_px > body) continue;
      if (m.ink.ink_cells < options.min_ink_cells) continue;
      const bool short_read = m.ink.Fit() < options.short_fit;
      const bool latin = LatinOnly(line.text, options.min_latin_letters) &&
                         m.ink.Fit() < options.fits_from;
      const bool blotted = m.ink.Fit() < options.fits_from &&
                           std::any_of(line.words.begin(), line.words.end(), [&](const OcrWord& w) {
                             return IsBlot(w, m.glyph_px, options, options.blot_cells);
                           });
      const bool lost_otherwise = short_read || latin || blotted;
      if (!lost_otherwise && m.ink.Fit() >= options.hole_fit) continue;
      // (The line's ink has room for the hole beside what was read of it: OCR's boxes of a
      // 楷体 line read whole can leave two cells between 等 and 活动, boxed 8 px wide.)
      const double hole = LargestHole(page, measured, line, m, options);
      double read_cells = m.ink.text_cells;
      for (const auto& word : line.words) {
        if (IsBlot(word, m.glyph_px, options, options.hole_blot_cells)) {
          read_cells -= TextCells(word.text, options.ink);
        }
      }
      const bool holed = m.ink.Fit() < options.hole_fit && hole >= options.hole_cells &&
                         m.ink.ink_cells - read_cells >= options.hole_room * hole;
      if (!lost_otherwise && !holed) continue;
      lost.push_back(LostLine{.region = RereadRegion{.box = m.box,
                                                     .glyph_px = m.glyph_px,
                                                     .replaces = line.box,
                                                     .confidence = 0},
                              .ink = m.ink,
                              .hole_cells = hole,
                              .for_hole = !lost_otherwise});
      if (static_cast<int>(lost.size()) >= options.max_lines) return lost;
    }
  }
  return lost;
}

bool FitsInk(const OcrPage& reading, double ink_cells, const LostLineOptions& options) {
  if (ink_cells <= 0) return false;
  const double fit = TextCells(reading.Text(), options.ink) / ink_cells;
  return fit >= options.fits_from && fit <= options.fits_to;
}

size_t ChooseFittingReading(const std::vector<OcrPage>& readings, double ink_cells,
                            const LostLineOptions& options, double hole_cells) {
  if (ink_cells <= 0) return 0;
  size_t best = 0;
  double best_misfit = 0, best_confidence = 0;
  bool found = false;
  // The page's own reading: a reading that fits no better is no rescue (a line lost for a hole
  // in it may fit nearly whole).
  const double own_cells = readings.empty() ? 0 : TextCells(readings[0].Text(), options.ink);
  const double own_misfit = own_cells > 0 ? std::abs(std::log(own_cells / ink_cells)) : 1e9;
  for (size_t i = 1; i < readings.size(); ++i) {
    const std::string text = readings[i].Text();
    const double fit = TextCells(text, options.ink) / ink_cells;
    if (fit < options.keep_from || readings[i].MeanConfidence() < options.keep_confidence) continue;
    // Noise read as letters fits any ink: a rescue is Chinese text.
    if (LatinShare(text) > options.keep_latin) continue;
    const double misfit = std::abs(std::log(fit));
    const bool fills_hole = hole_cells > 0 && fit <= options.fits_to &&
                            TextCells(text, options.ink) >= own_cells + 0.5 * hole_cells;
    if (misfit >= own_misfit && !fills_hole) continue;
    const double confidence = readings[i].MeanConfidence();
    if (!found || misfit < best_misfit - 0.05 ||
        (misfit <= best_misfit + 0.05 && confidence > best_confidence)) {
      best = i;
      best_misfit = misfit;
      best_confidence = confidence;
      found = true;
    }
  }
  return best;
}

// The share of a piece's characters a rescued reading may read otherwise (or not at all) and
// still hold it.
constexpr double kPieceMisreadShare = 0.2;

int DropRepeatedPieces(OcrPage& page, const Box& region, const Box& keep, std::string_view text) {
  const std::u32string whole = StripWhitespace(ToU32(text));
  int dropped = 0;
  for (auto& block : page.blocks) {
    std::erase_if(block.lines, [&](const OcrLine& line) {
      if (line.box == keep) {
        return false;
      }
      const int cx = line.box.x + line.box.width / 2, cy = line.box.y + line.box.height / 2;
      if (cx < region.x || cx >= region.Right() || cy < region.y || cy >= region.Bottom()) {
        return false;
      }
      const std::u32string piece = StripWhitespace(ToU32(line.text));
      // (Read again as a whole, a piece that misread or lost a few of its characters is still
      // a piece of it: 双，助力工程建设… beside 二是双线督办，助力工程建设….)
      const bool repeated =
          piece.empty() || SubstringDistance(piece, whole) <=
                               static_cast<size_t>(kPieceMisreadShare * static_cast<double>(piece.size()));
      dropped += repeated ? 1 : 0;
      return repeated;
    });
  }
  std::erase_if(page.blocks, [](const OcrBlock& b) { return b.lines.empty(); });
  return dropped;
}

}  // namespace qikan
