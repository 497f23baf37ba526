#pragma once

#include <string>
#include <vector>

#include "models/ocr_page.h"
#include "stages/reread.h"

namespace qikan {

// Some lines carry text that nothing else in the issue can check: the names in an attribution
// ("（建德市人大常委会办公室 唐方媛）") have no TOC entry to be reconciled with, and chi_sim misreads
// a rare name character (媛 → 姐) at one glyph size and not at the next, or at every size. Such
// lines are read again by several voters, each character decided by majority: a misreading that
// depends on the scale or on the model is outvoted, one all voters share stays (the vote never
// invents a character no reading has).
struct LineVoter {
  // "" : the page's own engine; else another model (OcrEngine::Alternate): a second model
  // makes errors of its own, not the page model's, which is what a vote needs.
  std::string model;
  double scale = 1.0;  // multiple of the model's glyph height the line is read at
};

struct LineVoteOptions {
  // Chosen on the 29 attribution lines of the three committed samples (read from their page
  // images by every model at 1.0, 1.15 and 1.3; models/ocr/manifest.json, "voters"): the
  // page's model alone at three sizes left 1 line wrong (唐方姐 at every size), so did two
  // models at two sizes each; these three models at two sizes each left none.
  std::vector<LineVoter> voters = {{"", 1.0},          {"", 1.3},
                                   {"chi_sim@npm-4.0.0", 1.0}, {"chi_sim@npm-4.0.0", 1.3},
                                   {"HanS", 1.0},      {"HanS", 1.3}};
  // The other models are asked only when the page's model reads the line differently at its
  // sizes, or reads a word of it below this: a line it reads alike and confidently at every size
  // is left as read (each other model costs two reads a line and a model load per worker).
  float consult_below = 90;
  int max_chars = 40;  // an attribution is short; a longer bracketed line is body text
  // A narrow column wraps an attribution onto up to this many more lines, each voted on.
  size_t max_wrapped = 3;
  int max_lines = 12;  // per page, to bound the cost (a narrow column wraps each onto 2-3)
};

// Attribution-shaped lines: opened by a bracket (（ ( 〈 《 as OCR reads the printed （) and closed
// by one, without a full stop; or wrapped by a narrow column, a line that opens the bracket and
// the lines right under it in its block, the last closing it (each line is voted on alone).
// Their `confidence` is 0: the vote, not confidence, decides whether the new reading replaces
// the line (see MergeRegion). Each carries `within`: a new reading stays within half a glyph of
// the line's words.
std::vector<RereadRegion> FindLinesToVote(const OcrPage& page, const LineVoteOptions& options);

// The page's own reading of the line in `region` (its words and boxes), as one more voter.
OcrPage ReadingOfLine(const OcrPage& page, const RereadRegion& region);

// Whether the page model's readings of a line (the page's own first) leave it in doubt: they
// differ in their characters, white space aside, or a word of one is below `consult_below`.
bool NeedsOtherModels(const std::vector<OcrPage>& readings, const LineVoteOptions& options);

// Whether the vote over `planned` readings of a line is already decided by the readings in hand:
// more than half of the planned readings say the same characters (white space aside, and not
// nothing). Then no readings still to come can change the result: that text is the medoid
// whatever they say (its total distance to the rest is below any other reading's), at each of its
// positions it has more votes than all the rest could muster, and the pivot is its first reading,
// the one VoteReadings over every planned reading would take. Read the voters in their order and
// stop asking once this holds (a voter that turns out unavailable only makes it more cautious).
bool VoteSettled(const std::vector<OcrPage>& readings, size_t planned);

struct VotedLine {
  // Two readings nearly agreed and the vote elected one of them: false when every reading
  // disagrees with every other (noise), the line then left as read.
  bool agreed = false;
  size_t pivot = 0;  // the reading whose words and boxes carry the result
  OcrPage reading;   // that reading, its characters replaced by the majority's
  // the result's text differs from readings[0]'s (the current reading), or a character of it
  // had no majority (its word's confidence lowered to the character's share of the readings)
  bool changed = false;
};

// Combines readings of one line, readings[0] being the one the page has now. The pivot is the medoid (the reading closest to all others by
// edit distance over the characters); every other reading is aligned to it and votes for a
// character at each of the pivot's positions. The most votes win; a tie keeps the pivot's
// character. Insertions and deletions are not voted on: a character is only ever replaced.
VotedLine VoteReadings(const std::vector<OcrPage>& readings);

}  // namespace qikan
