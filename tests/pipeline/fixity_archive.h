#pragma once

// Small archives for the fixity and export tests, made by Archive::CommitIssue from synthetic
// records (no Tesseract), and the qikan binary run as a user runs it.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "pipeline/archive/archive.h"
#include "pipeline/archive/catalog.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/text_page.h"

namespace qikan::testing {

inline IssueRecord SyntheticRecord(const std::string& text, const std::string& date, int pages) {
  IssueRecord record;
  record.source.file = "scan-" + date + ".pdf";
  record.issue.title = "杭州人大信息";
  record.issue.publisher = "杭州市人大常委会办公厅";
  record.issue.date = date;
  for (int i = 1; i <= pages; ++i) {
    record.pages.push_back({.index = i});
    record.pages.back().text = text + " 第" + std::to_string(i) + "页";
  }
  return record;
}

// Commits issue `key` with `pages` pages (OCR JSON and a page "image" of some kilobytes each)
// into the archive and, when given, its catalog.
inline void CommitSynthetic(const Archive& archive, const std::string& key, const std::string& date,
                            int pages = 2, Catalog* catalog = nullptr) {
  const IssueRecord record = SyntheticRecord("正文" + key, date, pages);
  std::vector<OcrPage> ocr(static_cast<size_t>(pages));
  std::vector<std::string> images;
  for (int i = 0; i < pages; ++i) {
    ocr[static_cast<size_t>(i)].width = 100;
    ocr[static_cast<size_t>(i)].height = 140;
    images.push_back(std::string(20000 + 1000 * static_cast<size_t>(i), static_cast<char>('a' + i)) + key);
  }
  archive.CommitIssue(key, record, ocr, images);
  if (catalog) {
    const int64_t run = catalog->BeginRun("test", "{}");
    catalog->CommitIssue(run, key, record, "settings", "issues/" + key + "/record.json");
  }
}

// Changes one byte of `file` in place (as a disk error would: same inode, hard links and all).
inline void FlipByte(const std::filesystem::path& file, std::streamoff at = 10) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(at);
  char c = 0;
  io.get(c);
  io.seekp(at);
  io.put(static_cast<char>(c ^ 0x01));
}

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Runs `command` in a shell, its output into files under `dir`.
inline CommandResult RunCommand(const std::filesystem::path& dir, const std::string& command) {
  const std::string full = command + " >" + Quote((dir / "out").string()) + " 2>" +
                           Quote((dir / "err").string());
  const int raw = std::system(full.c_str());
  return {.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1,
          .out = ReadFile(dir / "out"),
          .err = ReadFile(dir / "err")};
}

inline CommandResult RunQikan(const std::filesystem::path& dir, const std::string& args) {
  return RunCommand(dir, Quote(BinaryPath("pipeline/qikan")) + " " + args);
}

}  // namespace qikan::testing
