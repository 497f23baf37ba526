#include "models/ocr_page.h"

#include <algorithm>

#include "models/text.h"

namespace qikan {

Box WordsBox(const std::vector<OcrWord>& words) {
  Box box;
  for (const auto& word : words) box = box.Union(word.box);
  return box;
}

double WordsConfidence(const std::vector<OcrWord>& words) {
  double weighted = 0;
  double chars = 0;
  for (const auto& word : words) {
    const double n = static_cast<double>(Utf8Length(word.text));
    weighted += n * word.confidence;
    chars += n;
  }
  return chars > 0 ? weighted / chars : 0.0;
}

void OcrLine::RebuildFromWords() {
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word.text;
  box = WordsBox(words);
  text = RemoveCjkSpaces(joined);
  confidence = static_cast<float>(WordsConfidence(words));
}

int OcrLine::EraseCharacters(std::vector<size_t> at) {
  std::vector<std::u32string> texts;
  std::vector<std::pair<size_t, size_t>> where;  // each character's word and index in its text
  for (size_t w = 0; w < words.size(); ++w) {
    texts.push_back(ToU32(words[w].text));
    for (size_t i = 0; i < texts[w].size(); ++i) {
      if (!IsSpace(texts[w][i])) where.emplace_back(w, i);
    }
  }
  std::sort(at.begin(), at.end());
  at.erase(std::unique(at.begin(), at.end()), at.end());
  std::erase_if(at, [&](size_t i) { return i >= where.size(); });
  if (at.empty()) return 0;
  // From the line's end back, so the places still to take out do not move.
  for (auto it = at.rbegin(); it != at.rend(); ++it) {
    const auto [w, k] = where[*it];
    Box& word_box = words[w].box;
    const size_t n = StripWhitespace(texts[w]).size();
    const size_t before = StripWhitespace(std::u32string_view(texts[w]).substr(0, k)).size();
    if (n > 1 && !word_box.Empty()) {
      int share = word_box.width / static_cast<int>(n);
      if (before == 0) {
        if (w + 1 < words.size() && !words[w + 1].box.Empty()) {
          share = std::clamp(words[w + 1].box.x - 1 - word_box.x, 0, share);
        }
        word_box.x += share;
      }
      word_box.width -= share;
    }
    texts[w].erase(k, 1);
  }
  for (size_t w = words.size(); w-- > 0;) {
    if (StripWhitespace(texts[w]).empty()) {
      words.erase(words.begin() + static_cast<std::ptrdiff_t>(w));
    } else {
      words[w].text = ToUtf8(texts[w]);
    }
  }
  const Box kept = box;
  RebuildFromWords();
  box = kept;
  return static_cast<int>(at.size());
}

void OcrBlock::RebuildFromLines() {
  box = Box{};
  for (const auto& line : lines) box = box.Union(line.box);
}

float OcrPage::MeanConfidence() const {
  double weighted = 0;
  double chars = 0;
  for (const auto& block : blocks) {
    for (const auto& line : block.lines) {
      for (const auto& word : line.words) {
        const double n = static_cast<double>(Utf8Length(word.text));
        weighted += n * word.confidence;
        chars += n;
      }
    }
  }
  return chars > 0 ? static_cast<float>(weighted / chars) : 0.0f;
}

std::string OcrPage::Text() const {
  std::string out;
  for (const auto& block : blocks) {
    if (!out.empty()) out += '\n';
    for (const auto& line : block.lines) {
      out += line.text;
      out += '\n';
    }
  }
  return out;
}

int OcrPage::WordCount() const {
  int n = 0;
  for (const auto& block : blocks) {
    for (const auto& line : block.lines) n += static_cast<int>(line.words.size());
  }
  return n;
}

const OcrLine* OcrPage::FindLine(const Box& box) const {
  for (const auto& block : blocks) {
    for (const auto& line : block.lines) {
      if (line.box == box) return &line;
    }
  }
  return nullptr;
}

}  // namespace qikan
