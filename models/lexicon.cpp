#include "models/lexicon.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "models/errors.h"

namespace qikan {
namespace {

// Byte offsets of the code points of `utf8`, and its length at the end.
std::vector<size_t> CodePointStarts(std::string_view utf8) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(utf8.size());
  return starts;
}

}  // namespace

Lexicon Lexicon::Read(std::istream& in, const std::string& name) {
  Lexicon lexicon;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string word;
    double frequency = 0;
    if (!(fields >> word >> frequency) || frequency < 0) {
      throw std::runtime_error(name + ":" + std::to_string(number) +
                               ": not \"word frequency [tag]\"");
    }
    lexicon.Add(word, frequency);
  }
  return lexicon;
}

const Lexicon& Lexicon::Load(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Lexicon>> loaded;
  const std::lock_guard lock(mutex);
  auto& slot = loaded[path];
  if (!slot) {
    std::ifstream in(path);
    if (!in) {
      throw QikanError(ExitStatus::kMissingDependency, path,
                       "cannot read the doubt stage's word list (apt-get install python3-jieba)");
    }
    try {
      slot = std::make_unique<Lexicon>(Read(in, path));
    } catch (const std::runtime_error& e) {
      throw QikanError(ExitStatus::kMissingDependency, path, e.what());
    }
  }
  return *slot;
}

void Lexicon::Add(std::string_view utf8_word, double frequency) {
  words_[std::string(utf8_word)] += frequency;
  total_ += frequency;
}

double Lexicon::Frequency(std::string_view utf8_word) const {
  const auto it = words_.find(utf8_word);
  return it == words_.end() ? 0 : it->second;
}

std::vector<Lexicon::Piece> Lexicon::Segment(std::string_view han) const {
  const std::vector<size_t> at = CodePointStarts(han);
  const size_t n = at.size() - 1;
  if (n == 0 || total_ <= 0) return {};
  const double log_total = std::log(total_);
  // best[i]: the highest log-probability of a split of the first i characters; from[i] where
  // its last word starts.
  std::vector<double> best(n + 1, -std::numeric_limits<double>::infinity());
  std::vector<size_t> from(n + 1, 0);
  std::vector<double> frequency(n + 1, 0);
  best[0] = 0;
  for (size_t end = 1; end <= n; ++end) {
    for (size_t start = end > kLongestWord ? end - kLongestWord : 0; start < end; ++start) {
      double f = Frequency(han.substr(at[start], at[end] - at[start]));
      const double known = f;
      if (f <= 0) {
        if (end - start > 1) continue;
        f = kUnknownFrequency;
      }
      const double score = best[start] + std::log(f) - log_total;
      if (score > best[end]) {
        best[end] = score;
        from[end] = start;
        frequency[end] = known;
      }
    }
  }
  std::vector<Piece> pieces;
  for (size_t end = n; end > 0; end = from[end]) {
    pieces.push_back({.chars = end - from[end], .frequency = frequency[end]});
  }
  return {pieces.rbegin(), pieces.rend()};
}

}  // namespace qikan
