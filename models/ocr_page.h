#pragma once

#include <string>
#include <vector>

#include "models/geometry.h"

namespace qikan {

// What the OCR engine read on one page: words grouped into lines, lines into blocks, with boxes
// in the coordinates of the image that was recognized and confidences in 0..100.
struct OcrWord {
  std::string text;
  Box box;
  float confidence = 0;
};

struct OcrLine {
  std::string text;  // words joined as delivered: no spaces between CJK characters
  Box box;
  float confidence = 0;  // word confidence weighted by characters
  std::vector<OcrWord> words;
  // The line's estimated character error rate (stages/doubt.h); -1 when not estimated.
  double estimated_cer = -1;

  // Text, box and confidence made again from the words, after words were changed or taken out.
  void RebuildFromWords();
};

struct OcrBlock {
  Box box;
  std::vector<OcrLine> lines;
};

struct OcrPage {
  int width = 0;
  int height = 0;
  std::vector<OcrBlock> blocks;

  // Mean word confidence weighted by characters; 0 for a page without words.
  float MeanConfidence() const;
  // Lines in reading order joined by newlines, blocks separated by a blank line.
  std::string Text() const;
  int WordCount() const;
};

}  // namespace qikan
