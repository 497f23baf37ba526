#include "models/text.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

namespace qikan {

std::u32string ToU32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    char32_t cp = c;
    if (c >= 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0x80) {
      out.push_back(U'\uFFFD');  // stray continuation byte
      ++i;
      continue;
    }
    if (i + extra >= s.size()) {  // truncated sequence at the end
      out.push_back(U'\uFFFD');
      break;
    }
    for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += 1 + extra;
  }
  return out;
}

std::string ToUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char32_t c : text) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

bool IsCharacter(char32_t c) { return IsHan(c) || (c < 0x80 && std::isalnum(static_cast<int>(c))); }

bool HoldsNoCharacter(std::u32string_view text) {
  return std::none_of(text.begin(), text.end(), IsCharacter);
}

bool IsCjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) ||   // radicals, CJK punctuation, kana, Han
         (c >= 0xF900 && c <= 0xFAFF) ||   // compatibility ideographs
         (c >= 0xFE30 && c <= 0xFE4F) ||   // CJK compatibility forms
         (c >= 0xFF00 && c <= 0xFFEF) ||   // full-width forms
         (c >= 0x2018 && c <= 0x201F) ||   // curly quotes as used in Chinese print
         c == 0x2014 || c == 0x2026 ||     // em dash, ellipsis
         c == 0x00B7 ||                    // middle dot (代表·局长)
         (c >= 0x20000 && c <= 0x3FFFF);   // Han extensions
}

bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == 0x3000 || c == 0xA0; }

std::string RemoveCjkSpaces(std::string_view utf8) {
  const std::u32string in = ToU32(utf8);
  std::u32string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (!IsSpace(in[i])) {
      out.push_back(in[i]);
      continue;
    }
    size_t j = i;
    while (j < in.size() && IsSpace(in[j])) ++j;
    const bool at_edge = out.empty() || j == in.size() || out.back() == U'\n' || in[j] == U'\n';
    const bool cjk_side = !at_edge && (IsCjk(out.back()) || IsCjk(in[j]));
    if (!at_edge && !cjk_side) out.push_back(U' ');
    i = j - 1;
  }
  return ToUtf8(out);
}

std::string NormalizePunctuation(std::string_view utf8) {
  std::u32string text = ToU32(utf8);
  auto neighbour = [&](size_t i, int step) -> char32_t {
    for (long k = static_cast<long>(i) + step; k >= 0 && k < static_cast<long>(text.size());
         k += step) {
      if (!IsSpace(text[static_cast<size_t>(k)])) return text[static_cast<size_t>(k)];
    }
    return 0;
  };
  // Brackets around digits or Latin that run straight on into more of them are part of a number
  // ("电话：(0571)85250657"): the pair keeps its half-width form even after a CJK colon.
  std::vector<bool> keep(text.size(), false);
  for (size_t open = 0; open < text.size(); ++open) {
    if (text[open] != U'(') continue;
    size_t close = open + 1;
    bool cjk_inside = false;
    while (close < text.size() && text[close] != U')' && text[close] != U'(') {
      cjk_inside = cjk_inside || IsCjk(text[close]);
      ++close;
    }
    if (close >= text.size() || text[close] != U')' || cjk_inside) continue;
    const char32_t next = close + 1 < text.size() ? text[close + 1] : 0;
    if (next > 0 && next < 0x80 && std::isalnum(static_cast<int>(next))) {
      keep[open] = keep[close] = true;
    }
  }
  bool open_quote = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    const char32_t before = neighbour(i, -1);
    const char32_t after = neighbour(i, +1);
    const bool cjk_context = (before && IsCjk(before)) || (after && IsCjk(after));
    if (!cjk_context || keep[i]) continue;
    switch (c) {
      case U',': text[i] = U'，'; break;
      case U':': text[i] = U'：'; break;
      case U';': text[i] = U'；'; break;
      case U'!': text[i] = U'！'; break;
      case U'?': text[i] = U'？'; break;
      case U'(': text[i] = U'（'; break;
      case U')': text[i] = U'）'; break;
      case U'"':
        text[i] = open_quote ? U'“' : U'”';
        open_quote = !open_quote;
        break;
      default: break;
    }
  }
  return ToUtf8(text);
}

std::u32string StripWhitespace(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (!IsSpace(c) && c != U'\n' && c != U'\r') out.push_back(c);
  }
  return out;
}

namespace {

// Levenshtein distance from `a` to `b`, or (free_ends) to the closest stretch of `b`: then the
// first row costs nothing and the answer is the last row's least.
size_t Distance(std::u32string_view a, std::u32string_view b, bool free_ends) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = free_ends ? 0 : j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return free_ends ? *std::min_element(prev.begin(), prev.end()) : prev[b.size()];
}

}  // namespace

size_t EditDistance(std::u32string_view a, std::u32string_view b) { return Distance(a, b, false); }

size_t SubstringDistance(std::u32string_view needle, std::u32string_view haystack) {
  return Distance(needle, haystack, true);
}

std::vector<AlignedPair> AlignCharacters(std::u32string_view a, std::u32string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> cost(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) cost[i][0] = i;
  for (size_t j = 0; j <= m; ++j) cost[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      cost[i][j] = std::min({cost[i - 1][j] + 1, cost[i][j - 1] + 1,
                             cost[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
  }
  std::vector<AlignedPair> script;
  size_t i = n, j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)) {
      script.push_back({--i, --j});
    } else if (i > 0 && (j == 0 || cost[i][j] == cost[i - 1][j] + 1)) {
      script.push_back({--i, kUnaligned});
    } else {
      script.push_back({kUnaligned, --j});
    }
  }
  std::reverse(script.begin(), script.end());
  return script;
}

double CharacterErrorRate(std::string_view truth, std::string_view hypothesis) {
  const std::u32string t = StripWhitespace(ToU32(truth));
  const std::u32string h = StripWhitespace(ToU32(hypothesis));
  if (t.empty()) return h.empty() ? 0.0 : 1.0;
  return static_cast<double>(EditDistance(t, h)) / static_cast<double>(t.size());
}

namespace {

std::string Escaped(const char* format, unsigned value) {
  char text[16];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

bool IsControl(char32_t c, bool allow_line_breaks) {
  if (allow_line_breaks && (c == U'\n' || c == U'\t')) return false;
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

// The length of the well-formed UTF-8 sequence at `s[i]` (shortest form, no surrogates), or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t extra = 0;
  char32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    extra = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    extra = 2;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    extra = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + extra >= s.size()) return 0;
  for (size_t k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  const char32_t min = extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return 1 + extra;
}

}  // namespace

std::optional<char32_t> FirstControlCharacter(std::string_view utf8, bool allow_line_breaks) {
  for (char32_t c : ToU32(utf8)) {
    if (IsControl(c, allow_line_breaks)) return c;
  }
  return std::nullopt;
}

std::string ForTerminal(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    const size_t length = Utf8SequenceLength(utf8, i);
    if (length == 0) {
      out += Escaped("\\x%02x", static_cast<unsigned char>(utf8[i]));
      ++i;
      continue;
    }
    const char32_t c = ToU32(utf8.substr(i, length)).front();
    if (IsControl(c, /*allow_line_breaks=*/true)) {
      out += Escaped(c < 0x80 ? "\\x%02x" : "\\u%04x", static_cast<unsigned>(c));
    } else {
      out.append(utf8, i, length);
    }
    i += length;
  }
  return out;
}

std::string BelowThreshold(double value, double threshold) {
  int decimals = 0;
  double scale = 1;
  while (decimals < 3 && std::fabs(std::round(threshold * scale) - threshold * scale) > 1e-3) {
    ++decimals;
    scale *= 10;
  }
  const double shown = std::floor(value * scale + 1e-9) / scale;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f < %.*f", decimals, shown, decimals, threshold);
  return text;
}

}  // namespace qikan
