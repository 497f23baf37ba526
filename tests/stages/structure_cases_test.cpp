// The structure parser on recorded OCR (tests/data/structure/<case>/), no Tesseract involved:
// adding a case means adding its pages and its expected record.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/profile.h"
#include "pipeline/run/evaluate.h"
#include "pipeline/run/issue_job.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Cases() {
  std::vector<std::string> cases;
  for (const auto& entry : fs::directory_iterator(testing::SourcePath("tests/data/structure"))) {
    if (entry.is_directory()) cases.push_back(entry.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

nlohmann::json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

class StructureCase : public ::testing::TestWithParam<std::string> {};

TEST_P(StructureCase, RecoversTheExpectedStructure) {
  const fs::path dir = testing::SourcePath("tests/data/structure/" + GetParam());
  const std::vector<OcrPage> pages = LoadOcrPages(dir);
  const auto profiles = LoadProfiles(testing::SourcePath("models/profiles"));
  IssueRecord record;
  ParseIssueStructure(pages, profiles, StructureOptions{}, record);
  const IssueRecord expected = ReadJson(dir / "expected.json").get<IssueRecord>();
  nlohmann::json bounds = nlohmann::json::object();
  if (fs::exists(dir / "bounds.json")) bounds = ReadJson(dir / "bounds.json");

  const StructureScore score = ScoreStructure(record, expected);
  std::string misses;
  for (const auto& m : score.masthead_mismatches) misses += "\n  " + m;
  for (const auto& m : score.misses) misses += "\n  missed " + m;
  SCOPED_TRACE(misses);
  EXPECT_EQ(record.profile, "hangzhou-renda-xinxi");
  EXPECT_GE(score.masthead_matched, bounds.value("masthead", score.masthead_fields));
  EXPECT_GE(score.toc.F1(), bounds.value("toc_f1", 1.0));
  EXPECT_GE(score.headings.F1(), bounds.value("headings_f1", 1.0));
  EXPECT_GE(score.briefs.F1(), bounds.value("briefs_f1", 1.0));
  EXPECT_GE(score.attributions.F1(), bounds.value("attributions_f1", 1.0));
  EXPECT_LE(score.body_cer, bounds.value("body_cer", 0.0));
  if (bounds.value("exact_colophon", true)) {
    EXPECT_EQ(record.colophon.editor, expected.colophon.editor);
    EXPECT_EQ(record.colophon.phone, expected.colophon.phone);
    EXPECT_EQ(record.colophon.distribution, expected.colophon.distribution);
  }
  if (bounds.value("exact_layout", true) == false) return;  // pages and paragraphs as well
  ASSERT_EQ(record.articles.size(), expected.articles.size());
  for (size_t i = 0; i < record.articles.size(); ++i) {
    EXPECT_EQ(record.articles[i].locality, expected.articles[i].locality) << i;
    EXPECT_EQ(record.articles[i].start_page, expected.articles[i].start_page) << i;
    EXPECT_EQ(record.articles[i].end_page, expected.articles[i].end_page) << i;
    EXPECT_EQ(record.articles[i].paragraphs.size(), expected.articles[i].paragraphs.size()) << i;
  }
  ASSERT_EQ(record.briefs.size(), expected.briefs.size());
  for (size_t i = 0; i < record.briefs.size(); ++i) {
    EXPECT_EQ(record.briefs[i].page, expected.briefs[i].page) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Recorded, StructureCase, ::testing::ValuesIn(Cases()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace qikan
