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

double InkWidth(const cv::Mat& ink, const Box& box, double glyph_px, const InkFitOptions& options) {
  const cv::Rect r = cv::Rect(box.x, box.y, box.width, box.height) & cv::Rect(0, 0, ink.cols, ink.rows);
  if (r.empty() || glyph_px <= 0) return 0;
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
  const int bridge = static_cast<int>(options.bridge * glyph_px);
  // Each stretch of tall columns, gaps up to `bridge` included, counts whole.
  long inked = 0;
  int start = -1, last = -1;
  for (int x = 0; x < r.width; ++x) {
    const auto i = static_cast<size_t>(x);
    if (top[i] < 0 || bottom[i] - top[i] + 1 < tall) continue;
    if (start >= 0 && x - last - 1 > bridge) {
      inked += last - start + 1;
      start = -1;
    }
    if (start < 0) start = x;
    last = x;
  }
  if (start >= 0) inked += last - start + 1;
  return static_cast<double>(inked);
}

PageInk MeasurePageInk(const cv::Mat& gray, const OcrPage& page, const InkFitOptions& options) {
  PageInk out;
  const double body = BodyGlyphHeight(page);
  const cv::Mat ink = InkMask(gray, body);
  std::vector<double> per_cell;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      MeasuredLine m;
      m.glyph_px = LineGlyph(line, body);
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

double LineGlyph(const OcrLine& line, double body_glyph) {
  // A line none of whose words OCR read with some confidence has boxes that are guesses ("Te"
  // at 11 over a whole line of body text, boxed three rows tall): the body's glyph.
  constexpr float kGuessed = 40;
  if (std::none_of(line.words.begin(), line.words.end(),
                   [](const OcrWord& w) { return w.confidence >= kGuessed; })) {
    return body_glyph;
  }
  const double own = MedianWordHeight(line);
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
                             const double chars = std::max<size_t>(1, Utf8Length(w.text));
                             return w.confidence < options.blot_confidence &&
                                    w.box.width >= options.blot_cells * m.glyph_px * chars;
                           });
      if (!short_read && !latin && !blotted) continue;
      lost.push_back(LostLine{.region = RereadRegion{.box = m.box,
                                                     .glyph_px = m.glyph_px,
                                                     .replaces = line.box,
                                                     .confidence = 0},
                              .ink = m.ink});
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
                            const LostLineOptions& options) {
  if (ink_cells <= 0) return 0;
  size_t best = 0;
  double best_misfit = 0, best_confidence = 0;
  bool found = false;
  for (size_t i = 1; i < readings.size(); ++i) {
    const std::string text = readings[i].Text();
    const double fit = TextCells(text, options.ink) / ink_cells;
    if (fit < options.keep_from || readings[i].MeanConfidence() < options.keep_confidence) continue;
    // Noise read as letters fits any ink: a rescue is Chinese text.
    if (LatinShare(text) > options.keep_latin) continue;
    const double misfit = std::abs(std::log(fit));
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
