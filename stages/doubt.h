#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "models/lexicon.h"
#include "models/ocr_page.h"
#include "models/record.h"
#include "stages/ink_fit.h"

namespace qikan {

// A linear estimate of a page's (or a line's) character error rate from what its reading shows
// of its own errors (DoubtEvidence, models/record.h), clamped to 0..1:
// estimated_cer = intercept + sum of weight x evidence. The weights are a least-squares fit,
// each weight at 0 or above, of page CER (capped at 10%) on the generated pages of `scripts/bench-accuracy --set tune`
// (seeds fixed before fitting), made by `scripts/bench/fit_doubt.py`; the evaluation set
// (`--set eval`, other seeds and two unseen fonts) was never fitted on. See
// docs/benchmarks/accuracy.md, "Doubt and lost lines".
struct DoubtOptions {
  float low_confidence = 60;
  float garbled_confidence = 30;
  // Fitted on the 156 pages of `scripts/bench-accuracy --set tune` and `--set tune2` as they
  // are read with the deskew's full coarse search and the ink-checked gutters (s12-me bb519a7;
  // 47 over 2% CER; their evidence is tests/data/doubt/tune-pages.json) by
  // `scripts/bench/fit_doubt.py fit WORK/tune/results/*.json WORK/tune2/results/*.json` (CER
  // capped at 5%): on those pages the flag below has precision 0.47 (46/97) and recall 0.98
  // (46/47). The threshold is chosen on held-out estimates (each item's pages estimated by the
  // weights fitted without it).
  double intercept = -0.0149;
  double w_missing = 0.1794;
  double w_excess = 0.0701;
  double w_low = 0.1162;
  double w_garbled = 0.0000;
  double w_latin = 0.9366;
  double w_unsure = 0.0000;
  double w_lost_lines = 0.0823;
  double w_surprise = 0.0383;
  double w_unpaired = 0.5646;
  double w_stray = 0.0000;
  double w_disagree = 0.0685;
  // A page whose estimate reaches this goes to review (an "estimated-error" item): the highest
  // value that still flags 95% of the calibration pages over 2% CER when each item's pages are
  // estimated by the weights fitted without that item (held out: 0.96 recall, precision 0.47).
  double review_from = 0.0123;
  InkFitOptions ink;
  // The word list the text's surprise is measured against (models/lexicon.h): Debian's
  // python3-jieba. qikan checks it is there before reading any page.
  std::string lexicon = "/usr/lib/python3/dist-packages/jieba/dict.txt";
};

// What the pipeline saw of the page's reading before the doubt stage: the lines the lost-line
// stage found, and the characters on which two readings of a doubtful line at different sizes
// disagreed (white space aside).
struct ReadingDoubts {
  int lost_lines = 0;
  double disagreeing_chars = 0;
};

double EstimateCer(const DoubtEvidence& evidence, const DoubtOptions& options);

// The text evidence of one line (or of a page's text): surprise under `lexicon`, unpaired
// marks and garbled stretches, and the character count they are shares of.
struct TextDoubt {
  double han = 0;        // Han characters
  double surprisal = 0;  // sum over them of -ln p (Lexicon::Segment)
  int quotes = 0, brackets = 0, titles = 0;  // openers minus closers of “” （） 《》
  double stray = 0;      // characters in garbled stretches
};
TextDoubt MeasureText(std::string_view utf8, const Lexicon& lexicon);

// The characters on which readings of one line (white space taken out) disagree: the largest
// edit distance between two of them.
double DisagreeingCharacters(const std::vector<std::u32string>& readings);

// Sets every line's estimated_cer and returns the page's evidence; `gray` is the page the boxes
// refer to.
DoubtEvidence EstimateLineErrors(const cv::Mat& gray, OcrPage& page, const ReadingDoubts& doubts,
                                 const Lexicon& lexicon, const DoubtOptions& options);

}  // namespace qikan
