#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"
#include "stages/ocr.h"

namespace qikan {

// The folio "— 3 —" under the text. chi_sim reads the dashes and the digit together as "二9二"
// or "13一", or not at all (Tesseract's layout drops the lone short line, and the uncovered-ink
// reread finds too little ink in its thin strokes): on the clean 300 dpi benchmark items the
// folios were 38 of 94 and 8 of 19 character errors. The folio is found by its shape instead
// (two level bars on one row with a few digit-sized marks between them, nothing else on the
// row), only the digits are read, and the dashes are taken from the geometry. chi_sim is no
// reader of lone digits (on the seed's folios "6" came out "0" at confidence 86-94, "5" and "11"
// mostly not at all); Tesseract's eng model restricted to digits read all twelve at most sizes.
// Boxes and sizes are in the pixels of the page given, which has body glyphs of `glyph_px`.
struct FolioOptions {
  // Looked for in the top and bottom margins: this fraction of the page height each.
  double margin_fraction = 0.2;
  // The digits are read at these multiples of the body glyph height scaled to 36 px; the
  // number needs two readings or more, all digits, alike, with more than half the confidence
  // of all the sizes that read digits (the digits model reads a lone digit at one size and
  // nothing at the next: the folio "— 2 —" of a 楷体 page read "" at 0.8 and 1.0, "2" at 97 from
  // 1.25 up; a lost folio is three characters; and a guess weighs little: a colour page's "5"
  // read "5" at 96 twice and "2" at 26, "3" at 0, "2" at 26 at the other sizes), and one of them
  // at this confidence.
  std::vector<double> read_scales = {0.8, 1.0, 1.25, 1.5, 2.0};
  double model_glyph_px = 36;
  float min_confidence = 60;
  int max_digits = 3;
  std::string digits_model = "eng";  // Debian's tesseract-ocr depends on tesseract-ocr-eng
  // Numbers in the text (a date's day, an issue number) that chi_sim read below this confidence
  // are read again the same way: "1]1]" at 36 for the 11 of a masthead date.
  float reread_numbers_below = 80;
  // Where chi_sim read clean digits and the digits model as many other digits, neither reading is
  // trusted: the digits model reads some faces' 6 as 5 at 95 (a cumulative number 641, read by
  // chi_sim at 67, became 541, silently). The word keeps chi_sim's digits at this confidence,
  // for the parser to flag.
  float readers_disagree_confidence = 0;
  int max_number_digits = 4;
  // A number whose ink holds another count of digits than chi_sim read, at any confidence (it
  // reads the 11 of "11 日" as "1" at 89: a 1 is narrow, and its box covers both), and that the
  // digits model cannot read with that count either, keeps its text at this confidence: a
  // reading to check, never a silent one.
  float ink_disagrees_confidence = 0;
};

// This thread's reader of folio digits: Tesseract's `model` with only digits allowed, made on
// first use (one per worker, as the page engine). nullptr when the model is not installed: the
// folio is then left to the page's own reading.
OcrEngine* FolioDigitsEngine(const std::string& model);

struct FolioShape {
  Box left_dash;
  Box digits;
  Box right_dash;
  double glyph_px = 0;
  Box Whole() const { return left_dash.Union(right_dash).Union(digits); }
};

// The folio's shape on a page whose body glyphs are `glyph_px` tall; none when there is none.
std::optional<FolioShape> FindFolio(const cv::Mat& gray, double glyph_px,
                                    const FolioOptions& options);

// Reads the digits between the dashes and returns the line "— N —" (a word per dash, one for
// the number, all at the number's confidence); none when the readings disagree, are not all
// digits or none is confident.
std::optional<OcrLine> ReadFolio(const cv::Mat& gray, const FolioShape& shape, OcrEngine& engine,
                                 const FolioOptions& options);

// Reads again, with the digits model at the options' sizes, every word chi_sim read as a number
// (digits, or "1]" and the like for a 1) below the options' confidence, and keeps a reading the
// sizes agree on (as for the folio) at the options' confidence, unless chi_sim read as many other
// clean digits (then it keeps them at `readers_disagree_confidence`). The page's boxes are in
// the pixels of `gray`, whose body glyphs are `glyph_px` tall. Returns how many words were read
// again.
int RereadNumbers(const cv::Mat& gray, double glyph_px, OcrEngine& engine,
                  const FolioOptions& options, OcrPage& page);

// How many digits the ink in `span` of the binary `ink` (text white) holds: its marks of a
// digit's height (between 0.35 and 1.1 of `glyph_px`, no wider than 0.9 of it), those that
// overlap across x (a digit in pieces) counted once. The box of them all goes to `digits`. With
// `read`, the box of the digits OCR read there, the marks across it set the line's baseline, and
// a mark whose foot stands off it by more than `kBaselineGlyphs` of the glyph is no digit (the
// left stroke of 期, its box 20 px wide over a 40 px glyph, standing 9 px higher than the 9 of
// "第 9 期").
inline constexpr double kBaselineGlyphs = 0.15;
int CountDigitMarks(const cv::Mat& ink, const Box& span, double glyph_px, Box* digits = nullptr,
                    const Box* read = nullptr);

// Counts the digits in the ink of every number word of the page (from the word before it to the
// word after it, where a digit OCR dropped stands) and, where the ink holds more digits than
// were read, reads that ink again with the digits model at the options' sizes (fewer marks than
// digits are digits that touch, and tell nothing: "12" is one mark at 200 dpi): a reading with
// the ink's count of digits, agreed by the sizes (as for the folio) at the options' confidence, replaces
// the word's; otherwise the word keeps its text at `ink_disagrees_confidence`, for the parser to
// flag. Boxes are in the pixels of `gray`, whose body glyphs are `glyph_px` tall. Returns how
// many words were changed.
int CheckNumbersByInk(const cv::Mat& gray, double glyph_px, OcrEngine& engine,
                      const FolioOptions& options, OcrPage& page);

// Reads again, with the digits model at the options' sizes, a date's number that chi_sim read as
// something else: the ink between a word ending in 年 and the next 月, or one ending in 月 and
// the next 日 (within three words), where the words between hold no sure digits ("2018年11月：日",
// "2017年3月人4日": a 1 read as a colon, a 2 as 人). A reading of one or two digits the sizes
// agree on replaces them, at its confidence; otherwise the words stay as read. Boxes are in the
// pixels of `gray`, whose body glyphs are `glyph_px` tall. Returns how many slots were read.
int RereadDateSlots(const cv::Mat& gray, double glyph_px, OcrEngine& engine,
                    const FolioOptions& options, OcrPage& page);

// Puts the folio line into the page as a block of its own, in reading order by its top edge,
// in place of every line whose centre lies within the folio's row (a misreading of it such as
// "13一" or "二9二").
void PlaceFolio(OcrPage& page, const OcrLine& folio);

}  // namespace qikan
