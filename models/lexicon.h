#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qikan {

// Words of modern Chinese with how often each is used, for telling text that reads as Chinese
// from a misreading: OCR that misreads 楷体 or a worn scan puts out real characters, but rare
// ones, alone, in sequences no word list holds ("区人大常委佘聚焦"). The list is Debian's
// python3-jieba dict.txt (349,046 words, "word frequency tag" a line); a publication's own
// vocabulary (its profile's lexicon) is added to it.
class Lexicon {
 public:
  // jieba's format: one word a line, then its frequency, then optional fields. Throws
  // std::runtime_error naming `name` and the line on a line without a frequency.
  static Lexicon Read(std::istream& in, const std::string& name);
  // Read once per process and path, then shared (read-only) by every page. Throws QikanError
  // (missing dependency) when the file cannot be read.
  static const Lexicon& Load(const std::string& path);

  // Adds `frequency` to the word's (a publication's own words given a frequency of their own).
  void Add(std::string_view utf8_word, double frequency);
  // 0 for a word the list does not hold.
  double Frequency(std::string_view utf8_word) const;
  size_t size() const { return words_.size(); }

  // The most probable split of `han` (a run of Han characters, UTF-8) into words, each word's
  // probability its frequency over the list's total, a character the list does not hold taken
  // as one word of frequency `unknown_frequency` (jieba's unigram segmentation).
  struct Piece {
    size_t chars = 0;      // code points
    double frequency = 0;  // 0: no word of the list
  };
  std::vector<Piece> Segment(std::string_view han) const;

  double total() const { return total_; }
  static constexpr double kUnknownFrequency = 0.5;
  static constexpr size_t kLongestWord = 8;  // code points; longer list words are not tried

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, double, Hash, std::equal_to<>> words_;
  double total_ = 0;
};

}  // namespace qikan
