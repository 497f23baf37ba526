#include "stages/folio.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "models/errors.h"
#include "models/text.h"
#include "stages/image.h"

namespace qikan {
namespace {

// White border around the digits given to the engine: Tesseract reads a glyph that touches the
// image edge poorly.
constexpr int kReadMarginPx = 32;

struct Component {
  cv::Rect rect;
  int area = 0;
  double CentreY() const { return rect.y + rect.height / 2.0; }
};

std::vector<Component> Components(const cv::Mat& ink) {
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  std::vector<Component> out;
  for (int i = 1; i < count; ++i) {
    out.push_back({.rect = cv::Rect(stats.at<int>(i, cv::CC_STAT_LEFT),
                                    stats.at<int>(i, cv::CC_STAT_TOP),
                                    stats.at<int>(i, cv::CC_STAT_WIDTH),
                                    stats.at<int>(i, cv::CC_STAT_HEIGHT)),
                   .area = stats.at<int>(i, cv::CC_STAT_AREA)});
  }
  return out;
}

// An em dash: a solid level bar about an em wide and a stroke thick. A hairline (楷体's dash
// brought down to the model's size) is a pixel thick and steps from one row to the next: its ink
// fills half its box, but every column of it.
bool IsDash(const Component& c, double glyph) {
  const cv::Rect& r = c.rect;
  return r.width >= 0.4 * glyph && r.width <= 2.5 * glyph &&
         r.height <= std::max(2.0, 0.2 * glyph) && r.width >= 4 * r.height &&
         c.area >= std::min(0.6 * r.width * r.height, 0.9 * r.width);
}

// A dash's breaks up to this many glyphs wide are closed before it is measured.
constexpr double kDashBreak = 0.35;

// Ink taller than this many glyphs is no character.
constexpr double kTallerThanText = 2.5;

// A digit, or a piece of one: taller than a stroke, no wider than a glyph.
bool IsDigitMark(const Component& c, double glyph) {
  return c.rect.height >= 0.35 * glyph && c.rect.height <= 1.1 * glyph &&
         c.rect.width <= 0.9 * glyph;
}

// Noise of the scan: a mark under a tenth of a glyph each way, or of less ink than a tenth of a
// glyph squared (a 2 x 4 px fleck at the edge of an old 1-bit scan, 36 px glyphs).
bool IsSpeck(const Component& c, double glyph) {
  return (c.rect.width < 0.1 * glyph && c.rect.height < 0.1 * glyph) ||
         c.area < 0.01 * glyph * glyph;
}

Box ToBox(const cv::Rect& r, int dy) {
  return Box{.x = r.x, .y = r.y + dy, .width = r.width, .height = r.height};
}

// Dashes `a` (left) and `b` (right) with digits between them and nothing else on their row.
std::optional<cv::Rect> DigitsBetween(const Component& a, const Component& b,
                                      const std::vector<Component>& all, double glyph,
                                      const FolioOptions& options) {
  const double row = (a.CentreY() + b.CentreY()) / 2;
  if (std::abs(a.CentreY() - b.CentreY()) > 0.15 * glyph) return std::nullopt;
  if (std::abs(a.rect.width - b.rect.width) > 0.3 * std::max(a.rect.width, b.rect.width)) {
    return std::nullopt;
  }
  const int gap = b.rect.x - a.rect.br().x;
  if (gap < 0.4 * glyph || gap > (0.8 * options.max_digits + 1.5) * glyph) return std::nullopt;

  cv::Rect digits;
  int marks = 0;
  std::vector<cv::Rect> pieces;  // marks too small for a digit: a digit's stroke come apart
  for (const Component& c : all) {
    if (&c == &a || &c == &b || IsSpeck(c, glyph)) continue;
    // A piece of a dash found with its breaks closed.
    auto within = [&](const cv::Rect& dash) { return (c.rect & dash).area() >= 0.8 * c.rect.area(); };
    if (within(a.rect) || within(b.rect)) continue;
    // Nor is ink far taller than a glyph text on the row: the dark edge of a scan down the
    // page's side, a rule down the gutter, a picture (the folios of a degraded scan with its
    // edge shadow were all missed).
    if (c.rect.height > kTallerThanText * glyph) continue;
    const bool on_row = c.rect.br().y > row - glyph && c.rect.y < row + glyph;
    if (!on_row) continue;
    // Anything else on the row makes the dashes part of a line of text ("——" in prose).
    const double cx = c.rect.x + c.rect.width / 2.0;
    if (cx <= a.rect.br().x || cx >= b.rect.x) return std::nullopt;
    if (!IsDigitMark(c, glyph)) {
      pieces.push_back(c.rect);
      continue;
    }
    digits = marks == 0 ? c.rect : (digits | c.rect);
    ++marks;
  }
  // A piece counts with the digits when it stands in a digit's columns (the top of a worn "2"
  // apart from its body), and makes the row text otherwise.
  for (const cv::Rect& piece : pieces) {
    if (marks == 0 || piece.x >= digits.br().x || piece.br().x <= digits.x) return std::nullopt;
    digits |= piece;
  }
  if (marks == 0 || marks > 2 * options.max_digits) return std::nullopt;
  if (std::abs(digits.y + digits.height / 2.0 - row) > 0.4 * glyph) return std::nullopt;
  return digits;
}

std::optional<FolioShape> FindInBand(const cv::Mat& ink, int top, int bottom, double glyph,
                                     const FolioOptions& options) {
  if (bottom - top < glyph) return std::nullopt;
  const cv::Mat band = ink(cv::Range(top, bottom), cv::Range::all());
  const std::vector<Component> all = Components(band);
  // The dashes are looked for among the band's flat ink alone, with breaks up to `kDashBreak`
  // closed: a worn or one-bit scan's hairline dash comes apart in pieces, none an em wide (the
  // folio "— 5 —" of an old 1-bit page, its right dash two pieces 10 px apart at 36 px glyphs,
  // was lost). Digits and characters, not flat, are not joined to anything.
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(band, labels, stats, centroids, 8, CV_32S);
  std::vector<uchar> flat(static_cast<size_t>(count), 0);
  for (int i = 1; i < count; ++i) {
    if (stats.at<int>(i, cv::CC_STAT_HEIGHT) <= std::max(2.0, 0.2 * glyph)) {
      flat[static_cast<size_t>(i)] = 255;
    }
  }
  cv::Mat flat_ink = LabelMask(labels, flat);
  // (An odd width: an even one would shift the bars a pixel off their ink.)
  const int reach = std::max(3, static_cast<int>(std::lround(kDashBreak * glyph))) | 1;
  cv::morphologyEx(flat_ink, flat_ink, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(reach, 1)));
  const std::vector<Component> bars = Components(flat_ink);
  std::vector<const Component*> dashes;
  for (const Component& c : bars) {
    if (IsDash(c, glyph)) dashes.push_back(&c);
  }
  std::sort(dashes.begin(), dashes.end(),
            [](const Component* l, const Component* r) { return l->rect.x < r->rect.x; });
  for (size_t i = 0; i < dashes.size(); ++i) {
    for (size_t j = i + 1; j < dashes.size(); ++j) {
      const auto digits = DigitsBetween(*dashes[i], *dashes[j], all, glyph, options);
      if (!digits) continue;
      return FolioShape{.left_dash = ToBox(dashes[i]->rect, top),
                        .digits = ToBox(*digits, top),
                        .right_dash = ToBox(dashes[j]->rect, top),
                        .glyph_px = glyph};
    }
  }
  return std::nullopt;
}

bool AllDigits(const std::string& text, int max_digits) {
  if (text.empty() || static_cast<int>(text.size()) > max_digits) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The digits cut out with a little paper around them, scaled so the glyph height is `scale`
// times the model's, and set on a white margin.
cv::Mat CutDigits(const cv::Mat& gray8, const Box& digits, double glyph_px, double scale,
                  const FolioOptions& options) {
  const int pad = static_cast<int>(0.25 * glyph_px);
  const cv::Rect r = cv::Rect(digits.x - pad, digits.y - pad, digits.width + 2 * pad,
                              digits.height + 2 * pad) &
                     cv::Rect(0, 0, gray8.cols, gray8.rows);
  const double factor = std::clamp(scale * options.model_glyph_px / glyph_px, 0.1, 4.0);
  cv::Mat scaled;
  cv::resize(gray8(r), scaled, cv::Size(), factor, factor,
             factor < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  cv::Mat out(scaled.rows + 2 * kReadMarginPx, scaled.cols + 2 * kReadMarginPx, CV_8UC1,
              cv::Scalar(255));
  scaled.copyTo(out(cv::Rect(kReadMarginPx, kReadMarginPx, scaled.cols, scaled.rows)));
  return out;
}

struct DigitsRead {
  std::string digits;
  float confidence = 0;
};

// The digits in `box` read at each of the options' sizes: the reading two sizes or more gave,
// with more than half the confidence of all the sizes that read digits, one of them at the
// options' confidence; none otherwise.
std::optional<DigitsRead> ReadDigits(const cv::Mat& gray8, const Box& box, double glyph_px,
                                     OcrEngine& engine, const FolioOptions& options) {
  struct Votes {
    int count = 0;
    double weight = 0;  // the readings' confidences summed
    float confidence = 0;  // the surest of them
  };
  std::map<std::string, Votes> votes;
  double weight = 0;
  for (const double scale : options.read_scales) {
    const OcrPage read = engine.Recognize(CutDigits(gray8, box, glyph_px, scale, options),
                                          Segmentation::kSingleLine);
    std::string text;
    for (const char c : read.Text()) {
      if (c != ' ' && c != '\n') text += c;
    }
    spdlog::debug("digits at {}x{}+{}+{} read at {} as {:?} ({:.0f})", box.width, box.height,
                  box.x, box.y, scale, text, read.MeanConfidence());
    if (!AllDigits(text, options.max_digits)) continue;
    Votes& v = votes[text];
    ++v.count;
    v.weight += read.MeanConfidence();
    v.confidence = std::max(v.confidence, read.MeanConfidence());
    weight += read.MeanConfidence();
  }
  // A size that reads nothing has no say (the digits model often reads a lone digit at one size
  // and nothing at the next); a size that reads digits has a say as sure as it read them: a
  // colour page's 5 read "5" at 96 twice outweighs "2" at 26 twice and "3" at 0, and an office
  // page's "5" at 96 and twice at 0 is 5.
  const auto best = std::max_element(votes.begin(), votes.end(), [](const auto& l, const auto& r) {
    return l.second.weight < r.second.weight;
  });
  if (best == votes.end() || best->second.count < 2 || 2 * best->second.weight <= weight ||
      best->second.confidence < options.min_confidence) {
    return std::nullopt;
  }
  return DigitsRead{.digits = best->first, .confidence = best->second.confidence};
}

// A word chi_sim read as a number, perhaps with a look-alike mark for a 1 ("1]1]" for 11).
bool NumberWord(const std::string& text, int max_digits) {
  int digits = 0;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ']' && c != '|' && c != 'l' && c != 'I') {
      return false;
    }
  }
  return digits > 0 && digits <= max_digits;
}

int DigitsIn(const std::string& text) {
  int n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool one_mark = c == ']' || c == '|' || c == 'l' || c == 'I';
    // "1]" is one 1, as the parser reads it; a lone look-alike is a 1
    if ((c >= '0' && c <= '9') || (one_mark && (i == 0 || text[i - 1] != '1'))) ++n;
  }
  return n;
}

// Where the digits of words[k] may stand: from the word before it to the word after it on the
// line (a glyph to each side at the line's ends), over the word's height and a little more.
Box NumberSpan(const std::vector<OcrWord>& words, size_t k, double glyph_px, const cv::Size& page) {
  const Box& w = words[k].box;
  const int reach = static_cast<int>(0.6 * glyph_px);
  int left = k > 0 ? std::min(words[k - 1].box.Right(), w.x) : w.x - reach;
  int right = k + 1 < words.size() ? std::max(words[k + 1].box.x, w.Right()) : w.Right() + reach;
  // A neighbour's box may reach over a digit; never look further than a glyph past the word.
  left = std::max({left, w.x - static_cast<int>(glyph_px), 0});
  right = std::min({right, w.Right() + static_cast<int>(glyph_px), page.width});
  const int centre = w.y + w.height / 2;
  const int top = std::max(0, centre - static_cast<int>(0.75 * glyph_px));
  const int bottom = std::min(page.height, centre + static_cast<int>(0.75 * glyph_px));
  return Box{.x = left, .y = top, .width = right - left, .height = bottom - top};
}

}  // namespace

int CountDigitMarks(const cv::Mat& ink, const Box& span, double glyph_px, Box* digits,
                    const Box* read) {
  const cv::Rect r = cv::Rect(span.x, span.y, span.width, span.height) &
                     cv::Rect(0, 0, ink.cols, ink.rows);
  if (r.width <= 0 || r.height <= 0) return 0;
  std::vector<cv::Rect> marks;
  for (const Component& c : Components(ink(r))) {
    // Marks cut by the span's edge belong to the neighbours.
    if (c.rect.x == 0 || c.rect.br().x == r.width || c.rect.y == 0 || c.rect.br().y == r.height) {
      continue;
    }
    if (IsDigitMark(c, glyph_px)) marks.push_back(c.rect);
  }
  std::sort(marks.begin(), marks.end(),
            [](const cv::Rect& a, const cv::Rect& b) { return a.x < b.x; });
  if (read != nullptr) {
    std::vector<int> feet;
    for (const cv::Rect& m : marks) {
      const int left = r.x + m.x;
      if (left < read->Right() && left + m.width > read->x) feet.push_back(m.br().y);
    }
    if (!feet.empty()) {
      std::nth_element(feet.begin(), feet.begin() + static_cast<long>(feet.size() / 2), feet.end());
      const int baseline = feet[feet.size() / 2];
      std::erase_if(marks, [&](const cv::Rect& m) {
        return std::abs(m.br().y - baseline) > kBaselineGlyphs * glyph_px;
      });
    }
  }
  int count = 0;
  int covered = -1;
  cv::Rect all;
  for (const cv::Rect& m : marks) {
    if (m.x >= covered) ++count;
    covered = std::max(covered, m.br().x);
    all = all.area() == 0 ? m : (all | m);
  }
  if (digits && count > 0) *digits = ToBox(all + cv::Point(r.x, 0), r.y);
  return count;
}

OcrEngine* FolioDigitsEngine(const std::string& model) {
  thread_local std::map<std::string, std::unique_ptr<TesseractEngine>> engines;
  thread_local std::set<std::string> missing;
  if (missing.contains(model)) return nullptr;
  auto& engine = engines[model];
  if (!engine) {
    try {
      engine = std::make_unique<TesseractEngine>(TesseractOptions{
          .language = model, .variables = {{"tessedit_char_whitelist", "0123456789"}}});
    } catch (const QikanError& e) {
      if (e.status() != ExitStatus::kMissingDependency) throw;
      spdlog::warn("folio: {}; page numbers are left to the page's own reading", e.what());
      engines.erase(model);
      missing.insert(model);
      return nullptr;
    }
  }
  return engine.get();
}

std::optional<FolioShape> FindFolio(const cv::Mat& gray, double glyph_px,
                                    const FolioOptions& options) {
  if (gray.empty() || glyph_px < 8) return std::nullopt;
  const cv::Mat gray8 = ToGray8(gray);
  cv::Mat ink;
  cv::threshold(gray8, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  const int band = static_cast<int>(options.margin_fraction * ink.rows);
  if (auto bottom = FindInBand(ink, ink.rows - band, ink.rows, glyph_px, options)) return bottom;
  return FindInBand(ink, 0, band, glyph_px, options);
}

std::optional<OcrLine> ReadFolio(const cv::Mat& gray, const FolioShape& shape, OcrEngine& engine,
                                 const FolioOptions& options) {
  if (gray.empty() || shape.glyph_px <= 0) return std::nullopt;
  const auto read = ReadDigits(ToGray8(gray), shape.digits, shape.glyph_px, engine, options);
  if (!read) return std::nullopt;
  const float conf = read->confidence;
  OcrLine line{.text = RemoveCjkSpaces("— " + read->digits + " —"),
               .box = shape.Whole(),
               .confidence = conf,
               .words = {OcrWord{.text = "—", .box = shape.left_dash, .confidence = conf},
                         OcrWord{.text = read->digits, .box = shape.digits, .confidence = conf},
                         OcrWord{.text = "—", .box = shape.right_dash, .confidence = conf}}};
  return line;
}

namespace {

// Calls fn(line, k) for each word k of the page that is a number of up to `max_digits` digits
// and has a box; fn returns whether it changed the word. A line with a changed word is rebuilt.
// Returns how many words changed.
template <typename Fn>
int ForEachNumberWord(OcrPage& page, int max_digits, Fn fn) {
  int changed = 0;
  for (auto& block : page.blocks) {
    for (auto& line : block.lines) {
      bool touched = false;
      for (size_t k = 0; k < line.words.size(); ++k) {
        const OcrWord& word = line.words[k];
        if (word.box.width <= 0 || !NumberWord(word.text, max_digits)) continue;
        if (fn(line, k)) {
          touched = true;
          ++changed;
        }
      }
      if (touched) line.RebuildFromWords();
    }
  }
  return changed;
}

}  // namespace

int RereadNumbers(const cv::Mat& gray, double glyph_px, OcrEngine& engine,
                  const FolioOptions& options, OcrPage& page) {
  if (gray.empty() || glyph_px < 8) return 0;
  cv::Mat gray8;
  FolioOptions number_options = options;
  number_options.max_digits = options.max_number_digits;
  return ForEachNumberWord(page, options.max_number_digits, [&](OcrLine& line, size_t k) {
    OcrWord& word = line.words[k];
    if (word.confidence >= options.reread_numbers_below) return false;
    if (gray8.empty()) gray8 = ToGray8(gray);
    const auto read = ReadDigits(gray8, word.box, glyph_px, engine, number_options);
    if (!read) return false;
    spdlog::debug("number {:?} at {:.0f} read again as {:?} at {:.0f}", word.text,
                  word.confidence, read->digits, read->confidence);
    if (AllDigits(word.text, options.max_number_digits) &&
        read->digits.size() == word.text.size() && read->digits != word.text) {
      word.confidence = std::min(word.confidence, options.readers_disagree_confidence);
      return true;
    }
    word.text = read->digits;
    word.confidence = read->confidence;
    return true;
  });
}

int CheckNumbersByInk(const cv::Mat& gray, double glyph_px, OcrEngine& engine,
                      const FolioOptions& options, OcrPage& page) {
  if (gray.empty() || glyph_px < 8) return 0;
  const cv::Mat gray8 = ToGray8(gray);
  cv::Mat ink;
  cv::threshold(gray8, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  FolioOptions number_options = options;
  number_options.max_digits = options.max_number_digits;
  return ForEachNumberWord(page, options.max_number_digits, [&](OcrLine& line, size_t k) {
    OcrWord& word = line.words[k];
    Box digits;
    const int count = CountDigitMarks(
        ink, NumberSpan(line.words, k, glyph_px, gray8.size()), glyph_px, &digits, &word.box);
    // Only more marks than digits read tell: a narrow 1 missed beside another (11 read 1).
    // Fewer may be digits that touch ("12" as one mark at 200 dpi), read right.
    if (count <= DigitsIn(word.text) || count > options.max_number_digits) return false;
    const auto read = ReadDigits(gray8, digits, glyph_px, engine, number_options);
    spdlog::debug("number {:?} at {:.0f}: its ink holds {} digits; read again {:?}", word.text,
                  word.confidence, count, read ? read->digits : std::string("(nothing)"));
    if (read && static_cast<int>(read->digits.size()) == count) {
      word.text = read->digits;
      word.confidence = read->confidence;
      word.box = word.box.Union(digits);
    } else {
      word.confidence = std::min(word.confidence, options.ink_disagrees_confidence);
    }
    return true;
  });
}

int RereadDateSlots(const cv::Mat& gray, double glyph_px, OcrEngine& engine,
                    const FolioOptions& options, OcrPage& page) {
  if (gray.empty() || glyph_px < 8) return 0;
  cv::Mat gray8, ink;
  FolioOptions slot_options = options;
  slot_options.max_digits = 2;
  int changed = 0;
  for (auto& block : page.blocks) {
    for (auto& line : block.lines) {
      bool touched = false;
      for (size_t a = 0; a + 1 < line.words.size(); ++a) {
        // The unit word before the slot and the one after it: 年 … 月, 月 … 日.
        const std::string& before = line.words[a].text;
        const char* unit = before.ends_with("年") ? "月" : before.ends_with("月") ? "日" : nullptr;
        if (!unit) continue;
        size_t b = a + 1;
        while (b < line.words.size() && b <= a + 3 && line.words[b].text.find(unit) == std::string::npos) ++b;
        if (b >= line.words.size() || b > a + 3) continue;
        // What the slot holds: the words between, and what the unit's word holds before the unit.
        OcrWord& after = line.words[b];
        const std::string prefix = after.text.substr(0, after.text.find(unit));
        if (b == a + 1 && prefix.empty()) continue;
        std::string held = prefix;
        bool sure = prefix.empty();
        for (size_t k = a + 1; k < b; ++k) {
          held += line.words[k].text;
          sure = sure && AllDigits(line.words[k].text, 2) &&
                 line.words[k].confidence >= options.reread_numbers_below;
        }
        if (sure || ToU32(held).size() > 3) continue;
        if (gray8.empty()) {
          gray8 = ToGray8(gray);
          cv::threshold(gray8, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
        }
        // The ink between the two units, whatever OCR boxed there: up to the unit's own glyph, the
        // last run of ink in its word's box where OCR boxed the slot's marks with it ("：日").
        const Box& left = line.words[a].box;
        // (A fifth of a glyph above and below: OCR boxes a glyph to its ink, and a mark the
        // span's edge cuts is none of its.)
        const int pad = static_cast<int>(std::lround(0.2 * glyph_px));
        const int top = std::max(0, std::min(left.y, after.box.y) - pad);
        const int bottom = std::min(ink.rows, std::max(left.Bottom(), after.box.Bottom()) + pad);
        int right = after.box.x;
        if (!prefix.empty()) {
          const cv::Rect rows = cv::Rect(0, top, ink.cols, bottom - top) & cv::Rect(0, 0, ink.cols, ink.rows);
          auto inked = [&](int x) {
            return x >= 0 && x < ink.cols && rows.height > 0 && cv::countNonZero(ink(rows).col(x)) > 0;
          };
          int x = std::min(after.box.Right(), ink.cols) - 1;
          while (x > after.box.x && !inked(x)) --x;  // white at the box's end
          while (x > after.box.x && inked(x)) --x;   // the unit's glyph (its strokes touch)
          right = x > after.box.x ? x + 1 : after.box.Right() - static_cast<int>(std::lround(glyph_px));
        }
        if (right - left.Right() < 0.3 * glyph_px) continue;
        const Box slot{left.Right(), top, right - left.Right(), bottom - top};
        // Its digits' marks (the units' strokes at its edges are none), read as many.
        Box digits;
        const int count = CountDigitMarks(ink, slot, glyph_px, &digits);
        const auto read = count >= 1 && count <= 2
                              ? ReadDigits(gray8, digits, glyph_px, engine, slot_options)
                              : std::nullopt;
        spdlog::debug("date slot {:?} between {:?} and {:?}: {} digit marks, read again as {:?}", held,
                      before, after.text, count, read ? read->digits : std::string("(nothing sure)"));
        if (!read || static_cast<int>(read->digits.size()) != count) continue;
        after.text = after.text.substr(prefix.size());
        if (!prefix.empty()) {
          after.box = Box{right, after.box.y, after.box.Right() - right, after.box.height};
        }
        line.words.erase(line.words.begin() + static_cast<long>(a + 1), line.words.begin() + static_cast<long>(b));
        line.words.insert(line.words.begin() + static_cast<long>(a + 1),
                          OcrWord{.text = read->digits, .box = digits, .confidence = read->confidence});
        touched = true;
        ++changed;
      }
      if (touched) line.RebuildFromWords();
    }
  }
  return changed;
}

void PlaceFolio(OcrPage& page, const OcrLine& folio) {
  const Box& f = folio.box;
  auto on_folio = [&](const OcrLine& line) {
    const double cx = line.box.x + line.box.width / 2.0;
    const double cy = line.box.y + line.box.height / 2.0;
    return cx >= f.x - 0.5 * f.width && cx <= f.Right() + 0.5 * f.width &&
           cy >= f.y - 0.5 * f.height && cy <= f.Bottom() + 0.5 * f.height;
  };
  for (auto& block : page.blocks) std::erase_if(block.lines, on_folio);
  std::erase_if(page.blocks, [](const OcrBlock& b) { return b.lines.empty(); });
  const auto at = std::find_if(page.blocks.begin(), page.blocks.end(),
                               [&](const OcrBlock& b) { return b.box.y > f.y; });
  page.blocks.insert(at, OcrBlock{.box = f, .lines = {folio}});
}

}  // namespace qikan
