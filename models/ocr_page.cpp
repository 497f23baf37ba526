#include "models/ocr_page.h"

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
