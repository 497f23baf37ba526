#include "stages/leaders.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include <opencv2/imgproc.hpp>

#include "models/text.h"
#include "stages/image.h"
#include "stages/ink_fit.h"

namespace qikan {
namespace {

struct Dot {
  Box box;
  double cx = 0, cy = 0;
};

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  const auto mid = values.begin() + static_cast<long>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

std::vector<Dot> FindDots(const cv::Mat& ink, double glyph_px, const LeaderOptions& options) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  const double largest = options.max_dot * glyph_px;
  std::vector<Dot> dots;
  for (int i = 1; i < n; ++i) {
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    if (w > largest || h > largest || std::max(w, h) < options.min_dot_px) continue;
    if (std::max(w, h) > options.max_elongation * std::min(w, h)) continue;
    dots.push_back({.box = {.x = stats.at<int>(i, cv::CC_STAT_LEFT),
                            .y = stats.at<int>(i, cv::CC_STAT_TOP),
                            .width = w,
                            .height = h},
                    .cx = centroids.at<double>(i, 0),
                    .cy = centroids.at<double>(i, 1)});
  }
  std::sort(dots.begin(), dots.end(), [](const Dot& a, const Dot& b) { return a.cx < b.cx; });
  return dots;
}

// The dots outside the run within a glyph above or below it: a screen has rows of them.
int DotsAboveAndBelow(const std::vector<Dot>& dots, const Box& run, double glyph_px) {
  int count = 0;
  for (const Dot& d : dots) {
    if (d.cx < run.x || d.cx > run.Right()) continue;
    const bool above = d.cy < run.y && d.cy >= run.y - glyph_px;
    const bool below = d.cy > run.Bottom() && d.cy <= run.Bottom() + glyph_px;
    count += above || below;
  }
  return count;
}

bool IsLeaderText(const std::string& text) {
  const std::u32string t = ToU32(text);
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char32_t c) {
    return c == U'…' || c == U'⋯' || c == U'.' || c == U'·' || c == U'．' || c == U'。' ||
           c == U'_' || c == U'-' || c == U'—' || c == U' ';
  });
}

double Chars(const std::vector<OcrWord>& words) {
  double n = 0;
  for (const auto& w : words) n += static_cast<double>(Utf8Length(w.text));
  return n;
}

bool InRun(const Box& word, const Box& run) {
  const double middle = word.x + word.width / 2.0;
  return middle >= run.x && middle <= run.Right();
}

// The words of one side of the dots (the title's, before them; the page's, after), leaving out
// those the dots make up (a word lying a third of its width or more on them).
struct Side {
  std::vector<OcrWord> words;
  double chars = 0, confidence = 0;
  bool digits = false;  // every word digits
  int straddling = 0;   // words left out that stand partly on the dots
  Side(const std::vector<OcrWord>& all, const Box& run, bool before) {
    for (const OcrWord& w : all) {
      const int on = std::min(w.box.Right(), run.Right()) - std::max(w.box.x, run.x);
      if (InRun(w.box, run) || 3 * on >= w.box.width) {
        // Left out with the dots, it began on this side of them: this side was read with them.
        straddling += before ? w.box.x < run.x : w.box.Right() > run.Right();
        continue;
      }
      const double middle = w.box.x + w.box.width / 2.0;
      if ((middle < run.x) == before) words.push_back(w);
    }
    chars = Chars(words);
    confidence = WordsConfidence(words);
    digits = !words.empty() && std::all_of(words.begin(), words.end(), [](const OcrWord& w) {
      return std::all_of(w.text.begin(), w.text.end(),
                         [](char c) { return (c >= '0' && c <= '9') || c == ' '; });
    });
  }
};

// Whether `reading` holds a word on ink where `page` has none (no word of it on half its box):
// inked in the middle half of its box (a quote chi_sim invents in a printed gap stands on white).
bool ReadsInkLeftUnread(const cv::Mat& gray, const Side& reading, const Side& page) {
  for (const OcrWord& w : reading.words) {
    const bool covered = std::any_of(page.words.begin(), page.words.end(), [&](const OcrWord& o) {
      return 2 * (std::min(w.box.Right(), o.box.Right()) - std::max(w.box.x, o.box.x)) >=
             w.box.width;
    });
    if (covered) continue;
    if (InkInMiddle(gray, cv::Rect(w.box.x, w.box.y, w.box.width, w.box.height)) >= 0.05) {
      return true;
    }
  }
  return false;
}

// Whether `reading` reads a side better than `page` did: surer by `better_by`, or more of it
// about as surely where the page reading is in doubt (read below `sure`, with words on the dots,
// or leaving ink the new reading reads unread).
const Side& BetterSide(const cv::Mat& gray, const Side& reading, const Side& page,
                       const LeaderOptions& options) {
  if (reading.words.empty()) return page;
  if (page.words.empty()) return reading;
  const bool surer = reading.confidence >= page.confidence + options.better_by;
  const bool doubtful = page.confidence < options.sure || page.straddling > 0 ||
                        ReadsInkLeftUnread(gray, reading, page);
  const bool more = doubtful && reading.chars > page.chars &&
                    reading.confidence >= page.confidence - 3;
  return surer || more ? reading : page;
}

// `box` of the page with the dots whited out, read as one line: its words in page coordinates,
// those read below `min_word_confidence` and those made up over a surer word left out.
std::vector<OcrWord> ReadWithoutDots(const cv::Mat& masked, const Box& box, double glyph,
                                     const Box& run, OcrEngine& engine,
                                     const RereadOptions& reread, const LeaderOptions& options) {
  const RereadRegion region{.box = box, .glyph_px = glyph};
  const RegionImage cut = CutRegion(masked, region, reread);
  const OcrPage read = engine.Recognize(cut.image, Segmentation::kSingleLine);
  std::vector<OcrWord> words;
  for (const auto& block : read.blocks) {
    for (const auto& line : block.lines) {
      for (OcrWord w : line.words) {
        if (w.text.find_first_not_of(' ') == std::string::npos) continue;
        if (w.confidence < options.min_word_confidence) continue;
        w.box = ToPage(cut, w.box);
        if (!InRun(w.box, run)) words.push_back(std::move(w));
      }
    }
  }
  // chi_sim reading the white the dots left makes up a character over the page number
  // ("人4", read at 21-45, 人's box on 4's): an unsure word whose box lies half on a surer
  // word's is none.
  std::vector<bool> made_up(words.size(), false);
  for (size_t i = 0; i < words.size(); ++i) {
    const OcrWord& w = words[i];
    if (w.confidence >= options.made_up_below) continue;
    for (const OcrWord& o : words) {
      const int overlap = std::min(w.box.Right(), o.box.Right()) - std::max(w.box.x, o.box.x);
      if (o.confidence > w.confidence && 2 * overlap >= w.box.width) made_up[i] = true;
    }
  }
  for (size_t i = words.size(); i-- > 0;) {
    if (made_up[i]) words.erase(words.begin() + static_cast<long>(i));
  }
  return words;
}

}  // namespace

std::vector<LeaderRun> FindLeaders(const cv::Mat& gray, double glyph_px,
                                   const LeaderOptions& options) {
  std::vector<LeaderRun> out;
  if (gray.empty() || glyph_px <= 0) return out;
  cv::Mat gray8 = gray, ink;
  if (gray.type() != CV_8UC1) gray.convertTo(gray8, CV_8U);
  cv::threshold(gray8, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  const std::vector<Dot> dots = FindDots(ink, glyph_px, options);
  // Chains of dots left to right, each dot going on the open chain on its row that it follows
  // closest; a chain the sweep has passed by more than a pitch is closed.
  struct Chain {
    std::vector<int> dots;
    double cy_sum = 0;
    double Row() const { return cy_sum / static_cast<double>(dots.size()); }
  };
  std::vector<Chain> open, closed;
  const double align = options.align * glyph_px, pitch = options.max_pitch * glyph_px;
  for (int i = 0; i < static_cast<int>(dots.size()); ++i) {
    const Dot& d = dots[static_cast<size_t>(i)];
    for (auto it = open.begin(); it != open.end();) {
      if (d.cx - dots[static_cast<size_t>(it->dots.back())].cx > pitch) {
        closed.push_back(std::move(*it));
        it = open.erase(it);
      } else {
        ++it;
      }
    }
    Chain* best = nullptr;
    for (Chain& c : open) {
      const double dy = std::abs(c.Row() - d.cy);
      if (dy <= align && d.cx > dots[static_cast<size_t>(c.dots.back())].cx &&
          (!best || dy < std::abs(best->Row() - d.cy))) {
        best = &c;
      }
    }
    if (!best) {
      open.push_back({});
      best = &open.back();
    }
    best->dots.push_back(i);
    best->cy_sum += d.cy;
  }
  for (Chain& c : open) closed.push_back(std::move(c));

  for (const Chain& c : closed) {
    if (static_cast<int>(c.dots.size()) < options.min_dots) continue;
    std::vector<double> pitches;
    Box box = dots[static_cast<size_t>(c.dots.front())].box;
    for (size_t k = 1; k < c.dots.size(); ++k) {
      const Dot& a = dots[static_cast<size_t>(c.dots[k - 1])];
      const Dot& b = dots[static_cast<size_t>(c.dots[k])];
      pitches.push_back(b.cx - a.cx);
      box = box.Union(b.box);
    }
    const double median = Median(pitches);
    const auto regular = std::count_if(pitches.begin(), pitches.end(), [&](double p) {
      return std::abs(p - median) <= options.pitch_spread * median;
    });
    if (median <= 0 ||
        static_cast<double>(regular) <
            options.regular_share * static_cast<double>(pitches.size())) {
      continue;
    }
    if (DotsAboveAndBelow(dots, box, glyph_px) >
        options.screen_share * static_cast<double>(c.dots.size())) {
      continue;
    }
    // Leaders stand alone in their row: the dots at the foot of a character (灬 in "焦燃")
    // have the rest of it above them.
    const int reach = static_cast<int>(options.alone * glyph_px);
    const cv::Rect around = cv::Rect(box.x, box.y - reach, box.width, box.height + 2 * reach) &
                            cv::Rect(0, 0, ink.cols, ink.rows);
    const double inked = cv::countNonZero(ink(around)) -
                         cv::countNonZero(ink(cv::Rect(box.x, box.y, box.width, box.height)));
    if (inked > options.alone_share * around.area()) continue;
    const int dots = static_cast<int>(c.dots.size());
    const int per_cell = std::clamp(
        static_cast<int>(std::lround(glyph_px / options.glyph_of_em / median)), 1, 3);
    out.push_back({.box = box,
                   .dots = dots,
                   .pitch = median,
                   .cells = std::max(1, static_cast<int>(std::lround(
                                            static_cast<double>(dots) / per_cell)))});
  }
  std::sort(out.begin(), out.end(), [](const LeaderRun& a, const LeaderRun& b) {
    return std::pair(a.box.y, a.box.x) < std::pair(b.box.y, b.box.x);
  });
  return out;
}

int ReadLeaderLines(const cv::Mat& gray, OcrEngine& engine, const RereadOptions& reread,
                    const LeaderOptions& options, OcrPage& page) {
  const double glyph = BodyGlyphHeight(page);
  if (glyph <= 0) return 0;
  const std::vector<LeaderRun> runs = FindLeaders(gray, glyph, options);
  if (runs.empty()) return 0;
  cv::Mat masked = gray.clone();
  // The dots' box and the grey of their edges around it.
  const int edge = 2 + static_cast<int>(0.1 * glyph);
  for (const LeaderRun& run : runs) {
    const cv::Rect r = cv::Rect(run.box.x - edge, run.box.y - edge, run.box.width + 2 * edge,
                                run.box.height + 2 * edge) &
                       cv::Rect(0, 0, masked.cols, masked.rows);
    masked(r).setTo(cv::Scalar(255));
  }
  int changed = 0, tried = 0;
  for (const LeaderRun& run : runs) {
    if (tried >= options.max_lines) break;
    // The lines of the run's row: their boxes hold its dots' height and reach it.
    const double row = run.box.y + run.box.height / 2.0;
    std::vector<std::pair<size_t, size_t>> lines;
    Box box = run.box;
    for (size_t b = 0; b < page.blocks.size(); ++b) {
      for (size_t l = 0; l < page.blocks[b].lines.size(); ++l) {
        const Box& lb = page.blocks[b].lines[l].box;
        if (lb.Empty() || lb.height > 2.5 * glyph) continue;
        if (row < lb.y - 0.25 * glyph || row > lb.Bottom() + 0.25 * glyph) continue;
        if (lb.Right() < run.box.x - 3 * glyph || lb.x > run.box.Right() + 3 * glyph) continue;
        lines.emplace_back(b, l);
        box = box.Union(lb);
      }
    }
    // The row's ink: the page after the dots, which the page reading may have lost with them,
    // is taken in up to a few cells past them. No line: the page reading left the row out, and
    // its ink beside the dots is the line (none: a dotted rule).
    const Box row_ink = WidenToRowInk(
        gray,
        Box{.x = run.box.x, .y = static_cast<int>(row - glyph / 2), .width = run.box.width,
            .height = static_cast<int>(glyph)},
        glyph);
    const int right = std::min(row_ink.Right(),
                               run.box.Right() + static_cast<int>(options.page_cells * glyph));
    if (right > run.box.Right()) {
      box = box.Union(Box{.x = run.box.Right(), .y = row_ink.y, .width = right - run.box.Right(),
                          .height = row_ink.height});
    }
    const bool unread = lines.empty();
    if (unread) {
      box = box.Union(row_ink);
      if (box.width <= run.box.width + glyph / 2) continue;
    }
    std::vector<OcrWord> old_words;
    for (const auto& [b, l] : lines) {
      const auto& words = page.blocks[b].lines[l].words;
      old_words.insert(old_words.end(), words.begin(), words.end());
    }
    const int cells = run.cells;
    // Leaders the page reading read as leaders, about as many as the dots print, are left as
    // read (an ellipsis in a body line, "……", read right).
    double read_as_leaders = 0;
    bool other_in_run = false;
    for (const OcrWord& w : old_words) {
      if (!InRun(w.box, run.box)) continue;
      if (IsLeaderText(w.text)) {
        read_as_leaders += static_cast<double>(Utf8Length(w.text));
      } else {
        other_in_run = true;
      }
    }
    if (!other_in_run && std::abs(read_as_leaders - cells) <= 0.3 * cells) continue;
    ++tried;

    OcrWord leaders{.box = run.box, .confidence = options.confidence};
    for (int k = 0; k < cells; ++k) leaders.text += "…";
    // The row read again without the dots, and what stands after them alone.
    const std::vector<OcrWord> again =
        ReadWithoutDots(masked, box, glyph, run.box, engine, reread, options);
    const Box after{.x = run.box.Right(), .y = box.y, .width = box.Right() - run.box.Right(),
                    .height = box.height};
    std::vector<OcrWord> alone;
    if (after.width >= options.min_page_width * glyph) {
      alone = ReadWithoutDots(masked, after, glyph, run.box, engine, reread, options);
    }
    // Each side of the dots from the reading that reads it best: the title as the page read
    // it (its words and the gaps between them, which the contents parser reads) unless the
    // new reading reads it surer; the page from the most confident reading of it.
    const Side title =
        BetterSide(gray, Side(again, run.box, true), Side(old_words, run.box, true), options);
    // A page is digits: a reading of digits goes before one of anything else ("5" read "号").
    Side page_number = Side(old_words, run.box, false);
    for (const Side& other : {Side(again, run.box, false), Side(alone, run.box, false)}) {
      if (other.words.empty()) continue;
      const auto rank = [](const Side& side) { return std::pair(side.digits, side.confidence); };
      if (rank(other) > rank(page_number)) page_number = other;
    }
    if (unread && std::max(title.confidence, page_number.confidence) < reread.unread_confidence) {
      continue;
    }
    OcrLine line;
    line.words = title.words;
    line.words.push_back(leaders);
    line.words.insert(line.words.end(), page_number.words.begin(), page_number.words.end());
    std::sort(line.words.begin(), line.words.end(),
              [](const OcrWord& a, const OcrWord& b) { return a.box.x < b.box.x; });
    line.RebuildFromWords();
    if (unread) {  // a block of its own, in reading order by its top
      OcrBlock block{.box = line.box, .lines = {std::move(line)}};
      const auto at = std::find_if(page.blocks.begin(), page.blocks.end(),
                                   [&](const OcrBlock& b) { return b.box.y > block.box.y; });
      page.blocks.insert(at, std::move(block));
      ++changed;
      continue;
    }
    // The new line takes the first old line's place; the others go.
    const auto [first_block, first_line] = lines.front();
    page.blocks[first_block].lines[first_line] = std::move(line);
    for (auto it = lines.rbegin(); it != lines.rend() - 1; ++it) {
      auto& block_lines = page.blocks[it->first].lines;
      block_lines.erase(block_lines.begin() + static_cast<long>(it->second));
    }
    ++changed;
  }
  std::erase_if(page.blocks, [](const OcrBlock& b) { return b.lines.empty(); });
  return changed;
}

}  // namespace qikan
