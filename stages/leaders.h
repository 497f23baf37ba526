#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "models/geometry.h"
#include "models/ocr_page.h"
#include "stages/ocr.h"
#include "stages/reread.h"

namespace qikan {

// Dot leaders ("境………………2"): chi_sim reads a long run of them as characters of its own
// ("有和二于尺", "报和天利记下ETEEEEEE", "”RN 3") and takes the title's last characters and the
// page number down with them. On the structure tuning sets every contents page set with leaders
// read at 17-65% CER, clean scans included. The leaders are found on the ink (a row of small dots
// at one height and an even pitch) and the line is read again with them whited out; the leaders
// go back into its text as the ellipses they print, one "…" (three dots) a cell.
struct LeaderOptions {
  // A dot: its ink at most this many glyph heights wide and tall, and no more than
  // `max_elongation` times longer one way than the other (a dash is no dot).
  double max_dot = 0.3;
  int min_dot_px = 2;
  double max_elongation = 2.5;
  // A run: at least `min_dots` dots whose middles stand within `align` glyphs of the run's row,
  // each within `max_pitch` glyphs of the one before, and most pitches (`regular_share`) within
  // `pitch_spread` of the run's median pitch.
  int min_dots = 6;
  double align = 0.12;
  double max_pitch = 1.2;
  double pitch_spread = 0.35;
  double regular_share = 0.8;
  // A screen of dots (a halftone picture) is rows of dots above and below one another: a run
  // with more than this share of its count of dots within a glyph above or below is none.
  double screen_share = 0.5;
  // Leaders stand alone: within `alone` glyphs above and below the dots, at most `alone_share`
  // of the strip is inked (the dots of 灬 at the foot of "焦燃" have their characters above).
  double alone = 0.45;
  double alone_share = 0.02;
  // The page number after the leaders: the row's ink this many glyphs past them at most.
  double page_cells = 4;
  // A cell (an em) of leaders: as many dots as its pitch sets in one em, the glyph's ink being
  // `glyph_of_em` of its em ("…": three dots a cell; full-width periods: one), 1 to 3.
  double glyph_of_em = 0.9;
  float confidence = 90;    // of the leaders' word: found on the ink, not read
  // A word of the new reading below this is left out: reading the white where the dots were,
  // chi_sim makes up a character beside the page number ("人4", read at 21).
  float min_word_confidence = 30;
  // ... and one read below this whose box lies half on a surer word's (made up over the page
  // number: "人4").
  float made_up_below = 50;
  // The title is taken from the new reading when it reads it this much surer than the page
  // reading did (or more of it about as surely). The page number after the dots is also read
  // alone, when its ink is at least `min_page_width` glyphs wide: a line reading drops a lone
  // digit after a long white gap.
  float better_by = 10;
  // A title the page read at this or more (its words all off the dots) is taken from the new
  // reading only when surer.
  float sure = 80;
  double min_page_width = 0.3;
  int max_lines = 24;       // per page, to bound the cost of a page of dots
};

struct LeaderRun {
  Box box;        // the dots' ink
  int dots = 0;
  double pitch = 0;  // median distance between consecutive dots' middles
  int cells = 0;     // the ems the dots fill, as many "…" as they print
};

// The runs of leader dots on the page (`gray`, its body glyph `glyph_px` tall), top to bottom.
std::vector<LeaderRun> FindLeaders(const cv::Mat& gray, double glyph_px,
                                   const LeaderOptions& options = {});

// Each run's line read again with the dots whited out (and what stands after them read alone),
// and made of: the title before the dots as the page reading read it (its words and their gaps)
// unless the new reading reads it surer, or more of it where the page reading is in doubt; the
// leaders, as a word of "…" on the dots; the page after them from the readings' most confident
// of digits. A row of dots no line covers is read the same way when its ink beside the dots
// reads. Returns how many lines changed.
int ReadLeaderLines(const cv::Mat& gray, OcrEngine& engine, const RereadOptions& reread,
                    const LeaderOptions& options, OcrPage& page);

}  // namespace qikan
