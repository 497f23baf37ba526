#pragma once

// An archive made from recorded OCR output (tests/data/structure/<case>/pages), the way qikan run
// makes one but without Tesseract: pages, page images, the parsed record, the catalog rows.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "models/profile.h"
#include "models/text.h"
#include "pipeline/archive/archive.h"
#include "pipeline/archive/catalog.h"
#include "pipeline/run/issue_job.h"
#include "tests/support/text_page.h"

namespace qikan::testing {

inline constexpr const char* kReviewCase = "seed-2025-05-degraded-200";
inline constexpr const char* kReviewKey = "seed-degraded";
inline constexpr const char* kOtherKey = "seed-clean";
inline constexpr float kReviewBelow = 90.3f;

// A small real JPEG, the size of the page (the boxes' coordinate system), mostly white.
inline std::string PageJpeg(const OcrPage& page) {
  cv::Mat image(page.height / 8, page.width / 8, CV_8UC1, cv::Scalar(255));
  std::vector<uchar> bytes;
  cv::imencode(".jpg", image, bytes);
  return std::string(bytes.begin(), bytes.end());
}

// The record qikan run would make from these pages: page records, the page job's
// low-confidence items, then the structure parser.
inline IssueRecord RecordFromPages(const std::vector<OcrPage>& pages, const std::string& source) {
  IssueRecord record;
  record.pipeline_version = "test";
  record.source = {.file = source, .sha256 = "", .pages = static_cast<int>(pages.size())};
  for (size_t i = 0; i < pages.size(); ++i) {
    const float confidence = pages[i].MeanConfidence();
    record.pages.push_back(PageRecord{.index = static_cast<int>(i + 1),
                                      .dpi = 200,
                                      .width = pages[i].width,
                                      .height = pages[i].height,
                                      .mean_confidence = confidence});
    if (confidence < kReviewBelow) {
      record.review.push_back({.page = static_cast<int>(i + 1),
                               .reason = "low-confidence",
                               .detail = "mean word confidence " + BelowThreshold(confidence, kReviewBelow)});
    }
  }
  ParseIssueStructure(pages, LoadProfiles(SourcePath("models/profiles")), StructureOptions{},
                      record);
  return record;
}

// Archives the recorded case under `key` and commits it to the catalog.
inline void ArchiveCase(const Archive& archive, Catalog& catalog, int64_t run,
                        const std::string& case_name, const std::string& key,
                        const std::vector<OcrPage>* override_pages = nullptr) {
  const std::vector<OcrPage> pages =
      override_pages ? *override_pages
                     : LoadOcrPages(SourcePath("tests/data/structure/" + case_name));
  const IssueRecord record = RecordFromPages(pages, case_name + ".pdf");
  std::vector<std::string> images;
  for (const auto& page : pages) images.push_back(PageJpeg(page));
  archive.CommitIssue(key, record, pages, images);
  catalog.CommitIssue(run, key, record, "settings", "issues/" + key + "/record.json");
}

// A fresh folder per test.
inline std::filesystem::path FreshDir(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      fmt::format("{}-{}-{}-{}", prefix, ::getpid(), info->test_suite_name(), info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The line on `page` whose text contains `phrase`, and the index of the word `word` in it.
struct WordAt {
  int block = -1, line = -1, word = -1;
  std::string Id() const { return fmt::format("b{}.l{}.w{}", block, line, word); }
  std::string LineId() const { return fmt::format("b{}.l{}", block, line); }
};
inline WordAt FindWord(const OcrPage& page, const std::string& phrase, const std::string& word) {
  for (size_t b = 0; b < page.blocks.size(); ++b) {
    for (size_t l = 0; l < page.blocks[b].lines.size(); ++l) {
      const OcrLine& line = page.blocks[b].lines[l];
      if (line.text.find(phrase) == std::string::npos) continue;
      for (size_t w = 0; w < line.words.size(); ++w) {
        if (line.words[w].text == word) {
          return {static_cast<int>(b), static_cast<int>(l), static_cast<int>(w)};
        }
      }
    }
  }
  return {};
}

}  // namespace qikan::testing
