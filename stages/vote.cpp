#include "stages/vote.h"

#include <algorithm>
#include <map>
#include <string>

#include "models/text.h"

namespace qikan {
namespace {

// Two readings of a line nearly agree when they differ in at most this share of the longer's
// characters: a misread name or two in an attribution.
constexpr double kSupportDistance = 0.34;


// Where each character of a reading sits: its word, and its place in the word.
struct CharAt {
  char32_t c;
  OcrWord* word;
  size_t index;
};

std::vector<CharAt> Characters(OcrPage& page) {
  std::vector<CharAt> chars;
  for (auto& block : page.blocks) {
    for (auto& line : block.lines) {
      for (auto& word : line.words) {
        const std::u32string text = ToU32(word.text);
        for (size_t i = 0; i < text.size(); ++i) {
          if (text[i] != U' ') chars.push_back({text[i], &word, i});
        }
      }
    }
  }
  return chars;
}

// The characters a reading votes with: its words' characters, spaces left out (as Characters).
std::u32string VoteText(const OcrPage& page) {
  std::u32string text;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      for (const auto& word : line.words) {
        for (const char32_t c : ToU32(word.text)) {
          if (c != U' ') text += c;
        }
      }
    }
  }
  return text;
}

// For each position of `pivot`, the character of `other` aligned with it (0 where `other`
// has none), by a minimal edit script.
std::vector<char32_t> Align(const std::u32string& pivot, const std::u32string& other) {
  std::vector<char32_t> aligned(pivot.size(), 0);
  for (const AlignedPair& step : AlignCharacters(pivot, other)) {
    if (step.a != kUnaligned && step.b != kUnaligned) aligned[step.a] = other[step.b];
  }
  return aligned;
}

void RefreshLineTexts(OcrPage& page) {
  for (auto& block : page.blocks) {
    for (auto& line : block.lines) {
      std::string joined;
      for (const auto& word : line.words) joined += (joined.empty() ? "" : " ") + word.text;
      line.text = RemoveCjkSpaces(joined);
    }
  }
}

}  // namespace

bool NeedsOtherModels(const std::vector<OcrPage>& readings, const LineVoteOptions& options) {
  if (readings.empty()) return false;
  const std::u32string first = StripWhitespace(ToU32(readings.front().Text()));
  for (const auto& reading : readings) {
    if (StripWhitespace(ToU32(reading.Text())) != first) return true;
    for (const auto& block : reading.blocks) {
      for (const auto& line : block.lines) {
        for (const auto& word : line.words) {
          if (word.confidence < options.consult_below) return true;
        }
      }
    }
  }
  return false;
}

bool VoteSettled(const std::vector<OcrPage>& readings, size_t planned) {
  std::map<std::u32string, size_t> alike;
  for (const auto& reading : readings) {
    const std::u32string text = VoteText(reading);
    if (!text.empty() && 2 * ++alike[text] > planned) return true;
  }
  return false;
}

std::vector<RereadRegion> FindLinesToVote(const OcrPage& page, const LineVoteOptions& options) {
  std::vector<RereadRegion> regions;
  auto take = [&](const OcrLine& line) {
    // (The vote mends characters, not the line's extent: a reading's words past the line's
    // words by half a glyph are ink of the next column or of a mark past the margin, which the
    // line's box may take in, "赵晨曦》" boxed 100 px past its bracket.)
    const double glyph = MedianWordHeight(line);
    const int pad = static_cast<int>(0.5 * glyph);
    Box words = WordsBox(line.words);
    if (words.Empty()) words = line.box;
    regions.push_back(RereadRegion{.box = line.box,
                                   .glyph_px = glyph,
                                   .replaces = line.box,
                                   .confidence = 0,
                                   .within = Box{.x = words.x - pad, .y = words.y - pad,
                                                 .width = words.width + 2 * pad,
                                                 .height = words.height + 2 * pad}});
    return static_cast<int>(regions.size()) >= options.max_lines;
  };
  const size_t max_chars = static_cast<size_t>(options.max_chars);
  for (const auto& block : page.blocks) {
    for (size_t i = 0; i < block.lines.size(); ++i) {
      const std::u32string text = StripWhitespace(ToU32(block.lines[i].text));
      if (text.size() < 4 || text.size() > max_chars || !OpensBracket(text.front()) ||
          text.find(U'。') != std::u32string::npos) {
        continue;
      }
      if (ClosesBracket(text.back())) {
        if (take(block.lines[i])) return regions;
        continue;
      }
      // Wrapped by a narrow column: the lines right under it go on and the last closes it.
      if (std::any_of(text.begin(), text.end(), ClosesBracket)) continue;
      const Box& first = block.lines[i].box;
      size_t chars = text.size();
      size_t last = 0;
      for (size_t k = i + 1; k < block.lines.size() && k <= i + options.max_wrapped; ++k) {
        const Box& above = block.lines[k - 1].box;
        const Box& box = block.lines[k].box;
        const std::u32string next = StripWhitespace(ToU32(block.lines[k].text));
        chars += next.size();
        if (next.empty() || chars > max_chars || box.y - above.Bottom() > first.height ||
            box.x >= first.Right() || box.Right() <= first.x ||
            next.find(U'。') != std::u32string::npos ||
            std::any_of(next.begin(), next.end(), OpensBracket)) {
          break;
        }
        if (ClosesBracket(next.back())) {
          last = k;
          break;
        }
        if (std::any_of(next.begin(), next.end(), ClosesBracket)) break;
      }
      if (last == 0) continue;
      // (A speck OCR read as a small character between two of its lines, 办 at a quarter of
      // their height, is no line to read: cut at its size, the cut is its neighbours' ink.)
      const double glyph = MedianWordHeight(block.lines[i]);
      for (size_t k = i; k <= last; ++k) {
        if (MedianWordHeight(block.lines[k]) < 0.6 * glyph) continue;
        if (take(block.lines[k])) return regions;
      }
      i = last;
    }
  }
  return regions;
}

OcrPage ReadingOfLine(const OcrPage& page, const RereadRegion& region) {
  OcrPage reading{.width = page.width, .height = page.height};
  if (!region.replaces) return reading;
  if (const OcrLine* line = page.FindLine(*region.replaces)) {
    reading.blocks.push_back(OcrBlock{.box = line->box, .lines = {*line}});
  }
  return reading;
}

VotedLine VoteReadings(const std::vector<OcrPage>& readings) {
  VotedLine voted;
  if (readings.empty()) return voted;
  std::vector<std::u32string> texts;
  for (const auto& reading : readings) texts.push_back(VoteText(reading));

  // A pivot is a reading another reading nearly agrees with. Readings that agree with none
  // are noise (chi_sim on a letter-spaced 楷体 tail "斌  王晓燕  俞  斌）": "了了", "A", "2", ...),
  // and the medoid of noise is its shortest reading: with no two readings alike, the line stays
  // as read.
  auto supported = [&](size_t i) {
    for (size_t j = 0; j < texts.size(); ++j) {
      if (j == i || texts[j].empty()) continue;
      const size_t longer = std::max(texts[i].size(), texts[j].size());
      if (static_cast<double>(EditDistance(texts[i], texts[j])) <= kSupportDistance * static_cast<double>(longer)) {
        return true;
      }
    }
    return false;
  };
  size_t best_total = SIZE_MAX;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].empty() || !supported(i)) continue;
    size_t total = 0;
    for (size_t j = 0; j < texts.size(); ++j) total += EditDistance(texts[i], texts[j]);
    if (total < best_total) {  // ties go to the earlier reading, the page's own first
      best_total = total;
      voted.pivot = i;
    }
  }
  if (best_total == SIZE_MAX) {
    voted.pivot = 0;
    voted.reading = readings[0];
    return voted;
  }
  voted.agreed = true;
  voted.reading = readings[voted.pivot];
  std::vector<CharAt> chars = Characters(voted.reading);
  const std::u32string& pivot = texts[voted.pivot];
  std::vector<std::map<char32_t, int>> votes(pivot.size());
  for (size_t i = 0; i < pivot.size(); ++i) votes[i][pivot[i]] = 1;
  for (size_t j = 0; j < texts.size(); ++j) {
    if (j == voted.pivot || texts[j].empty()) continue;
    const std::vector<char32_t> aligned = Align(pivot, texts[j]);
    for (size_t i = 0; i < pivot.size(); ++i) {
      if (aligned[i] != 0) ++votes[i][aligned[i]];
    }
  }
  // A tie keeps the current reading's character where it has one, else the pivot's.
  const std::vector<char32_t> current =
      voted.pivot == 0 ? std::vector<char32_t>(pivot.begin(), pivot.end()) : Align(pivot, texts[0]);
  const auto voters = static_cast<int>(
      std::count_if(texts.begin(), texts.end(), [](const std::u32string& t) { return !t.empty(); }));
  bool doubted = false;
  for (size_t i = 0; i < chars.size(); ++i) {
    char32_t best = current[i] != 0 && votes[i].contains(current[i]) ? current[i] : pivot[i];
    for (const auto& [c, count] : votes[i]) {
      if (count > votes[i].at(best)) best = c;
    }
    // A character no majority of the readings holds is as sure as its share of them (3 of 7:
    // 42), and below half however the tie went, whatever the reading that carries it said: a
    // name decided by a split vote is flagged (StructureOptions::min_name_confidence, 50).
    const int share = std::min(100 * votes[i].at(best) / std::max(voters, 1), 49);
    if (2 * votes[i].at(best) <= voters && chars[i].word->confidence > share) {
      chars[i].word->confidence = static_cast<float>(share);
      doubted = true;
    }
    if (best == pivot[i]) continue;
    std::u32string word = ToU32(chars[i].word->text);
    word[chars[i].index] = best;
    chars[i].word->text = ToUtf8(word);
  }
  RefreshLineTexts(voted.reading);
  voted.changed = VoteText(voted.reading) != texts[0] || doubted;
  return voted;
}

}  // namespace qikan
