#include "stages/doubt.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "models/text.h"

namespace qikan {
namespace {

// DoubtEvidence::surprise is the mean surprisal per Han character over this: near 0.27 for
// text read right.
constexpr double kSurpriseScale = 20;

bool IsLatinLetter(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
bool IsMark(char32_t c) {
  return !IsHan(c) && !IsLatinLetter(c) && !(c >= U'0' && c <= U'9') &&
         !(c >= 0xFF10 && c <= 0xFF19) && !(c >= 0xFF21 && c <= 0xFF3A) &&
         !(c >= 0xFF41 && c <= 0xFF5A);
}

// The characters of `text` (white space taken out) in garbled stretches: a run of Latin letters
// between two Han characters ("区人大ws常委"), a run of three or more marks ("：，。、").
double StrayCharacters(std::u32string_view text) {
  double stray = 0;
  for (size_t i = 0; i < text.size();) {
    size_t j = i;
    if (IsLatinLetter(text[i])) {
      while (j < text.size() && IsLatinLetter(text[j])) ++j;
      if (i > 0 && IsHan(text[i - 1]) && j < text.size() && IsHan(text[j])) stray += j - i;
    } else if (IsMark(text[i])) {
      while (j < text.size() && IsMark(text[j])) ++j;
      if (j - i >= 3) stray += j - i;
    } else {
      ++j;
    }
    i = j;
  }
  return stray;
}

// The cells the evidence's shares are over: the larger of what the ink holds and what was read.
struct Tally {
  double ink_span = 0, missing = 0, excess = 0;
  double chars = 0, low = 0, garbled = 0, latin = 0;
  TextDoubt text;

  void Add(const Tally& o) {
    ink_span += o.ink_span;
    missing += o.missing;
    excess += o.excess;
    chars += o.chars;
    low += o.low;
    garbled += o.garbled;
    latin += o.latin;
    text.han += o.text.han;
    text.surprisal += o.text.surprisal;
    text.quotes += o.text.quotes;
    text.brackets += o.text.brackets;
    text.titles += o.text.titles;
    text.stray += o.text.stray;
  }
  DoubtEvidence Shares() const {
    auto share = [](double part, double whole) { return whole > 0 ? part / whole : 0.0; };
    const int unpaired =
        std::abs(text.quotes) + std::abs(text.brackets) + std::abs(text.titles);
    return DoubtEvidence{.missing = share(missing, ink_span),
                         .excess = share(excess, ink_span),
                         .low = share(low, chars),
                         .garbled = share(garbled, chars),
                         .latin = share(latin, chars),
                         .surprise = share(text.surprisal, text.han) / kSurpriseScale,
                         .unpaired = share(unpaired, chars),
                         .stray = share(text.stray, chars),
                         .chars = chars};
  }
};

Tally LineTally(const OcrLine& line, const LineInk& ink, const Lexicon& lexicon,
                const DoubtOptions& options) {
  Tally t;
  std::string text;
  for (const auto& word : line.words) text += word.text;
  t.text = MeasureText(text, lexicon);
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

TextDoubt MeasureText(std::string_view utf8, const Lexicon& lexicon) {
  TextDoubt d;
  const std::u32string text = StripWhitespace(ToU32(utf8));
  for (size_t i = 0; i < text.size();) {
    if (!IsHan(text[i])) {
      const char32_t c = text[i++];
      d.quotes += (c == U'“') - (c == U'”');
      d.brackets += (c == U'（' || c == U'(') - (c == U'）' || c == U')');
      d.titles += (c == U'《') - (c == U'》');
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsHan(text[j])) ++j;
    for (const Lexicon::Piece& piece : lexicon.Segment(ToUtf8(text.substr(i, j - i)))) {
      const double f = piece.frequency > 0 ? piece.frequency : Lexicon::kUnknownFrequency;
      d.surprisal += std::log(lexicon.total() / f);
    }
    d.han += j - i;
    i = j;
  }
  d.stray = StrayCharacters(text);
  return d;
}

double DisagreeingCharacters(const std::vector<std::u32string>& readings) {
  size_t most = 0;
  for (size_t a = 0; a < readings.size(); ++a) {
    for (size_t b = a + 1; b < readings.size(); ++b) {
      most = std::max(most, EditDistance(readings[a], readings[b]));
    }
  }
  return static_cast<double>(most);
}

double EstimateCer(const DoubtEvidence& e, const DoubtOptions& o) {
  const double estimate = o.intercept + o.w_missing * e.missing + o.w_excess * e.excess +
                          o.w_low * e.low + o.w_garbled * e.garbled + o.w_latin * e.latin +
                          o.w_unsure * e.unsure + o.w_lost_lines * e.lost_lines +
                          o.w_surprise * e.surprise + o.w_unpaired * e.unpaired +
                          o.w_stray * e.stray + o.w_disagree * e.disagree;
  return std::clamp(estimate, 0.0, 1.0);
}

DoubtEvidence EstimateLineErrors(const cv::Mat& gray, OcrPage& page, const ReadingDoubts& doubts,
                                 const Lexicon& lexicon, const DoubtOptions& options) {
  const PageInk measured = MeasurePageInk(gray, page, options.ink);
  Tally all;
  int lines = 0;
  for (auto& block : page.blocks) {
    for (auto& line : block.lines) {
      const Tally t = LineTally(line, measured.lines[static_cast<size_t>(lines)].ink, lexicon,
                                options);
      all.Add(t);
      ++lines;
      DoubtEvidence e = t.Shares();
      e.unsure = 1.0 - line.confidence / 100.0;
      line.estimated_cer = EstimateCer(e, options);
    }
  }
  DoubtEvidence page_evidence = all.Shares();
  page_evidence.unsure = page.WordCount() > 0 ? 1.0 - page.MeanConfidence() / 100.0 : 1.0;
  page_evidence.lost_lines = lines > 0 ? static_cast<double>(doubts.lost_lines) / lines : 0.0;
  page_evidence.disagree = all.chars > 0 ? std::min(1.0, doubts.disagreeing_chars / all.chars) : 0.0;
  return page_evidence;
}

}  // namespace qikan
