#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace qikan {

// A compiled PCRE2 pattern over UTF-8 text (Unicode classes on), as publication profiles write
// them: `第\s*(?<number>\d+)\s*期`. Throws std::invalid_argument on a bad pattern.
class Pattern {
 public:
  explicit Pattern(std::string_view pattern);
  ~Pattern();
  Pattern(Pattern&&) noexcept;
  Pattern& operator=(Pattern&&) noexcept;

  struct Match {
    std::string text;  // the whole match
    size_t begin = 0;  // byte offsets of the whole match
    size_t end = 0;
    std::map<std::string, std::string> groups;  // named groups that took part
    std::string Group(const std::string& name) const;
  };

  std::optional<Match> Search(std::string_view subject) const;
  bool Matches(std::string_view subject) const { return Search(subject).has_value(); }
  const std::string& source() const { return source_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string source_;
};

}  // namespace qikan
