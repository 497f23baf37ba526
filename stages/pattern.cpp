#include "stages/pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdexcept>

namespace qikan {

struct Pattern::Impl {
  struct CodeDeleter {
    void operator()(pcre2_code* code) const { pcre2_code_free(code); }
  };
  struct MatchDataDeleter {
    void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
  };
  std::unique_ptr<pcre2_code, CodeDeleter> code;
};

Pattern::Pattern(std::string_view pattern) : impl_(std::make_unique<Impl>()), source_(pattern) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  impl_->code.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                  PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr));
  if (!impl_->code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw std::invalid_argument("bad pattern '" + std::string(pattern) + "' at " +
                                std::to_string(offset) + ": " +
                                reinterpret_cast<const char*>(message));
  }
}

Pattern::~Pattern() = default;
Pattern::Pattern(Pattern&&) noexcept = default;
Pattern& Pattern::operator=(Pattern&&) noexcept = default;

std::string Pattern::Match::Group(const std::string& name) const {
  const auto it = groups.find(name);
  return it == groups.end() ? std::string() : it->second;
}

std::optional<Pattern::Match> Pattern::Search(std::string_view subject) const {
  std::unique_ptr<pcre2_match_data, Impl::MatchDataDeleter> data(
      pcre2_match_data_create_from_pattern(impl_->code.get(), nullptr));
  const int rc = pcre2_match(impl_->code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                             subject.size(), 0, 0, data.get(), nullptr);
  if (rc < 0) return std::nullopt;
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
  Match match;
  match.begin = ovector[0];
  match.end = ovector[1];
  match.text = std::string(subject.substr(match.begin, match.end - match.begin));

  uint32_t name_count = 0;
  uint32_t entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(impl_->code.get(), PCRE2_INFO_NAMECOUNT, &name_count);
  pcre2_pattern_info(impl_->code.get(), PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(impl_->code.get(), PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < name_count; ++i) {
    PCRE2_SPTR entry = table + i * entry_size;
    const int group = (entry[0] << 8) | entry[1];
    if (group >= rc) continue;
    const PCRE2_SIZE begin = ovector[2 * group];
    const PCRE2_SIZE end = ovector[2 * group + 1];
    if (begin == PCRE2_UNSET) continue;
    match.groups[reinterpret_cast<const char*>(entry + 2)] =
        std::string(subject.substr(begin, end - begin));
  }
  return match;
}

}  // namespace qikan
