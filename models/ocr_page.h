#pragma once

#include <cstdint>
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

  // Takes out the characters at `at` (indices among the line's characters, white space aside, as
  // its words hold them in order). A word left without characters goes; a word that loses some
  // loses their share of its box (OCR draws one box over a word's characters) at the end they
  // were at, a share at its start not past the next word's start (the layout orders a line's
  // words by where their boxes start; OCR's box of "”强化" may reach over the word after it). The
  // line keeps its box. Returns how many characters went.
  int EraseCharacters(std::vector<size_t> at);
};

// The box of the words' boxes together (empty ones left out); empty when no word has one.
Box WordsBox(const std::vector<OcrWord>& words);

// The words' confidence weighted by their characters (white space counts); 0 without any.
double WordsConfidence(const std::vector<OcrWord>& words);

struct OcrBlock {
  Box box;
  std::vector<OcrLine> lines;

  // The box again from its lines' (after lines were taken out or changed).
  void RebuildFromLines();
};

// Where a page holds ink, coarsely: a grid of square cells `cell` pixels wide in the coordinates
// of the page's boxes, a cell set where ink covers a share of it. Rules (long strokes across or
// down the page) are left out: a rule between two columns is no text. Empty on pages read
// before it was kept; whoever reads it then decides from the boxes alone.
struct InkGrid {
  double cell = 0;
  int columns = 0;
  int rows = 0;
  std::vector<std::uint8_t> inked;  // row-major, 1 where inked

  bool Empty() const { return cell <= 0 || inked.empty(); }
  bool At(int column, int row) const {
    return column >= 0 && row >= 0 && column < columns && row < rows &&
           inked[static_cast<size_t>(row) * columns + column] != 0;
  }
};

struct OcrPage {
  int width = 0;
  int height = 0;
  std::vector<OcrBlock> blocks;
  InkGrid ink;

  // Mean word confidence weighted by characters; 0 for a page without words.
  float MeanConfidence() const;
  // Lines in reading order joined by newlines, blocks separated by a blank line.
  std::string Text() const;
  int WordCount() const;
  // The first line boxed `box`, if any.
  const OcrLine* FindLine(const Box& box) const;
};

}  // namespace qikan
