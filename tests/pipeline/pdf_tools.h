#pragma once

// Reading a PDF back with the tools a reader has (pdftotext, pdfimages), for the tests of
// issue.pdf.
#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace qikan::testing {

namespace fs = std::filesystem;

struct Output {
  int status = -1;
  std::string text;
};

inline Output Shell(const std::string& command) {
  Output out;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.text.append(buffer.data(), n);
  const int raw = ::pclose(pipe);
  out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

inline std::string Quote(const fs::path& path) { return "'" + path.string() + "'"; }

inline std::string PageText(const fs::path& pdf, int page) {
  return Shell(fmt::format("pdftotext -enc UTF-8 -f {0} -l {0} {1} -", page, Quote(pdf))).text;
}

// The record's page text and pdftotext's, line by line: blank lines and the form feed dropped,
// each line's white space at its ends trimmed (nothing inside a line is touched).
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line.erase(std::remove(line.begin(), line.end(), '\f'), line.end());
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    lines.push_back(line.substr(first, line.find_last_not_of(" \t") - first + 1));
  }
  return lines;
}

// pdftotext joins a line that ends in a hyphen to the next and drops the hyphen (Poppler's
// TextOutputDev dehyphenates; it has no switch for it), but only inside one flow of text: a
// line that ends its flow keeps its hyphen (a contents line OCR read as "…第一区-"). Applied to
// both the record's lines and pdftotext's, the two read the same either way.
inline std::vector<std::string> Dehyphenated(std::vector<std::string> lines) {
  std::vector<std::string> out;
  for (auto& line : lines) {
    if (!out.empty() && out.back().ends_with('-')) {
      out.back().pop_back();
      out.back() += line;
    } else {
      out.push_back(std::move(line));
    }
  }
  return out;
}

inline std::string ImageList(const fs::path& pdf) {
  // page num type width height color comp bpc enc interp [object ID] x-ppi y-ppi size ratio:
  // all but the object number, which a new file renumbers.
  std::string kept;
  std::istringstream lines(Shell("pdfimages -list " + Quote(pdf)).text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::vector<std::string> f{std::istream_iterator<std::string>(fields), {}};
    if (f.size() < 16 || f[0] == "page") continue;
    f.erase(f.begin() + 10, f.begin() + 12);
    for (const auto& field : f) kept += field + " ";
    kept += "\n";
  }
  return kept;
}

}  // namespace qikan::testing
