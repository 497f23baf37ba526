#pragma once

#include <opencv2/core.hpp>

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
  // Fitted on the 79 pages of `scripts/bench-accuracy --set tune` (33 over 2% CER) by
  // `scripts/bench/fit_doubt.py fit WORK/tune/results/*.json`: on those pages the flag below
  // has precision 0.50 (32/64) and recall 0.97 (32/33).
  double intercept = -0.0541;
  double w_missing = 0.2931;
  double w_excess = 0.0017;
  double w_low = 0.0;
  double w_garbled = 0.4930;
  double w_latin = 1.4677;
  double w_unsure = 0.5713;
  double w_lost_lines = 0.0271;
  // A page whose estimate reaches this goes to review (an "estimated-error" item): the highest
  // value that still flags 95% of the tuning set's pages over 2% CER.
  double review_from = 0.0142;
  InkFitOptions ink;
};

double EstimateCer(const DoubtEvidence& evidence, const DoubtOptions& options);

// Sets every line's estimated_cer and returns the page's evidence; `gray` is the page the boxes
// refer to, `lost_lines` how many lines the lost-line stage found on it.
DoubtEvidence EstimateLineErrors(const cv::Mat& gray, OcrPage& page, int lost_lines,
                                 const DoubtOptions& options);

}  // namespace qikan
