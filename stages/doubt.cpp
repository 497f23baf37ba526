#include "stages/doubt.h"

#include <algorithm>

#include "models/text.h"

namespace qikan {
namespace {

bool IsLatinLetter(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }

// The cells the evidence's shares are over: the larger of what the ink holds and what was read.
struct Tally {
  double ink_span = 0, missing = 0, excess = 0;
  double chars = 0, low = 0, garbled = 0, latin = 0;

  void Add(const Tally& o) {
    ink_span += o.ink_span;
    missing += o.missing;
    excess += o.excess;
    chars += o.chars;
    low += o.low;
    garbled += o.garbled;
    latin += o.latin;
  }
  DoubtEvidence Shares() const {
    auto share = [](double part, double whole) { return whole > 0 ? part / whole : 0.0; };
    return DoubtEvidence{.missing = share(missing, ink_span),
                         .excess = share(excess, ink_span),
                         .low = share(low, chars),
                         .garbled = share(garbled, chars),
                         .latin = share(latin, chars),
                         .chars = chars};
  }
};

Tally LineTally(const OcrLine& line, const LineInk& ink, const DoubtOptions& options) {
  Tally t;
  t.ink_span = std::max(ink.ink_cells, ink.text_cells);
  t.missing = std::max(0.0, ink.ink_cells - ink.text_cells);
  t.excess = std::max(0.0, ink.text_cells - ink.ink_cells);
  for (const auto& word : line.words) {
    for (const char32_t c : StripWhitespace(ToU32(word.text))) {
      t.chars += 1;
      if (word.confidence < options.low_confidence) t.low += 1;
      if (word.confidence < options.garbled_confidence) t.garbled += 1;
      if (IsLatinLetter(c)) t.latin += 1;
    }
  }
  return t;
}

}  // namespace

double EstimateCer(const DoubtEvidence& e, const DoubtOptions& o) {
  const double estimate = o.intercept + o.w_missing * e.missing + o.w_excess * e.excess +
                          o.w_low * e.low + o.w_garbled * e.garbled + o.w_latin * e.latin +
                          o.w_unsure * e.unsure + o.w_lost_lines * e.lost_lines;
  return std::clamp(estimate, 0.0, 1.0);
}

DoubtEvidence EstimateLineErrors(const cv::Mat& gray, OcrPage& page, int lost_lines,
                                 const DoubtOptions& options) {
  const PageInk measured = MeasurePageInk(gray, page, options.ink);
  Tally all;
  int lines = 0;
  for (auto& block : page.blocks) {
    for (auto& line : block.lines) {
      const Tally t = LineTally(line, measured.lines[static_cast<size_t>(lines)].ink, options);
      all.Add(t);
      ++lines;
      DoubtEvidence e = t.Shares();
      e.unsure = 1.0 - line.confidence / 100.0;
      line.estimated_cer = EstimateCer(e, options);
    }
  }
  DoubtEvidence page_evidence = all.Shares();
  page_evidence.unsure = page.WordCount() > 0 ? 1.0 - page.MeanConfidence() / 100.0 : 1.0;
  page_evidence.lost_lines = lines > 0 ? static_cast<double>(lost_lines) / lines : 0.0;
  return page_evidence;
}

}  // namespace qikan
