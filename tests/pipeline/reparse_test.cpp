// `qikan reparse` (ReparseIssue, pipeline/review/review.h): this build's parser on an archived
// issue's OCR, without reading a page again; the record says which version parsed it, and the
// command picks the issues an older parser made.
#include <gtest/gtest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "pipeline/review/review.h"
#include "pipeline/version.h"
#include "tests/pipeline/review_archive.h"
#include "tests/support/scan_fixture.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::ArchiveCase;
using testing::FreshDir;

// An issue as an older qikan left it: the same OCR, but a parser that found no structure.
void MakeOlderParserRecord(const Archive& archive, Catalog& catalog, int64_t run,
                           const std::string& key) {
  IssueRecord record = ReadIssueRecord(archive, key);
  record.pipeline_version = "0.0.1";
  record.toc.clear();
  record.articles.clear();
  record.briefs.clear();
  archive.CommitIssue(key, record, LoadOcrPages(archive.IssueDir(key)));
  catalog.CommitIssue(run, key, record, "settings", "issues/" + key + "/record.json");
}

class ReparseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDir("reparse");
    archive_.emplace(dir_);
    catalog_.emplace(Catalog::Open(dir_ / "catalog.sqlite"));
    const int64_t run = catalog_->BeginRun("test", "{}");
    ArchiveCase(*archive_, *catalog_, run, testing::kReviewCase, testing::kReviewKey);
    ArchiveCase(*archive_, *catalog_, run, "seed-2025-05-clean-300", testing::kOtherKey);
    MakeOlderParserRecord(*archive_, *catalog_, run, testing::kReviewKey);
  }
  void TearDown() override {
    catalog_.reset();
    archive_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::optional<Archive> archive_;
  std::optional<Catalog> catalog_;
};

TEST_F(ReparseTest, TheArchivedOcrIsParsedAgainAndTheRecordSaysByWhichVersion) {
  const auto profiles = LoadProfiles(testing::SourcePath("models/profiles"));
  const RebuiltIssue rebuilt = ReparseIssue(*archive_, *catalog_, testing::kReviewKey, profiles);
  EXPECT_FALSE(rebuilt.record.toc.empty());
  EXPECT_FALSE(rebuilt.record.articles.empty());
  const IssueRecord archived = ReadIssueRecord(*archive_, testing::kReviewKey);
  EXPECT_EQ(archived.articles.size(), rebuilt.record.articles.size());
  EXPECT_EQ(archived.parser_version, QIKAN_VERSION);
  EXPECT_EQ(archived.pipeline_version, "0.0.1");  // the OCR is still the older version's
  // The catalog indexes what was found.
  SearchQuery query;
  query.text = archived.articles.front().title;
  bool found = false;
  for (const auto& hit : catalog_->Search(query)) found |= hit.issue_key == testing::kReviewKey;
  EXPECT_TRUE(found) << query.text;
}

TEST_F(ReparseTest, TheCommandReparsesOnlyWhatAnOlderParserMade) {
  const std::string other_before = testing::ReadFile(archive_->IssueDir(testing::kOtherKey) / "record.json");
  // The other issue was made by "test", not this version: mark it as this version's.
  IssueRecord other = ReadIssueRecord(*archive_, testing::kOtherKey);
  other.pipeline_version = QIKAN_VERSION;
  archive_->CommitIssue(testing::kOtherKey, other, LoadOcrPages(archive_->IssueDir(testing::kOtherKey)));
  const std::string other_now = testing::ReadFile(archive_->IssueDir(testing::kOtherKey) / "record.json");
  catalog_.reset();

  const std::string command =
      fmt::format("{} reparse --stale --archive {} --profiles-dir {} > {} 2>&1",
                  testing::BinaryPath("pipeline/qikan"), dir_.string(),
                  testing::SourcePath("models/profiles"), (dir_ / "out.txt").string());
  ASSERT_EQ(std::system(command.c_str()), 0) << testing::ReadFile(dir_ / "out.txt");
  const std::string out = testing::ReadFile(dir_ / "out.txt");
  EXPECT_NE(out.find(std::string(testing::kReviewKey) + ": reparsed"), std::string::npos) << out;
  EXPECT_EQ(out.find(testing::kOtherKey), std::string::npos) << out;
  EXPECT_EQ(testing::ReadFile(archive_->IssueDir(testing::kOtherKey) / "record.json"), other_now);
  EXPECT_NE(other_before, "");
  EXPECT_FALSE(ReadIssueRecord(*archive_, testing::kReviewKey).articles.empty());

  // An unknown key is reported and fails the command; nothing else is touched.
  const std::string missing = fmt::format("{} reparse no-such-key --archive {} > {} 2>&1",
                                          testing::BinaryPath("pipeline/qikan"), dir_.string(),
                                          (dir_ / "out.txt").string());
  const int status = std::system(missing.c_str());
  EXPECT_EQ(WEXITSTATUS(status), static_cast<int>(ExitStatus::kArchiveError));
  EXPECT_NE(testing::ReadFile(dir_ / "out.txt").find("no-such-key: no such issue"), std::string::npos);
}

// `qikan parse` prints what a reparse would write: the structure, and each page's text in the
// reading order this build's layout gives it (a benchmark scores reading order on archived OCR).
TEST_F(ReparseTest, ParsePrintsEachPagesTextInReadingOrder) {
  const fs::path issue = archive_->IssueDir(testing::kOtherKey);
  const std::string command = fmt::format(
      "{} parse {} --profiles-dir {} > {} 2> {}", testing::BinaryPath("pipeline/qikan"),
      issue.string(), testing::SourcePath("models/profiles"), (dir_ / "parse.json").string(),
      (dir_ / "parse.err").string());
  ASSERT_EQ(std::system(command.c_str()), 0) << testing::ReadFile(dir_ / "parse.err");
  const auto parsed = nlohmann::json::parse(testing::ReadFile(dir_ / "parse.json"));
  const IssueRecord archived = ReadIssueRecord(*archive_, testing::kOtherKey);
  ASSERT_TRUE(parsed.contains("page_texts"));
  ASSERT_EQ(parsed["page_texts"].size(), archived.pages.size());
  for (size_t i = 0; i < archived.pages.size(); ++i) {
    EXPECT_FALSE(archived.pages[i].text.empty()) << "page " << i + 1;
    EXPECT_EQ(parsed["page_texts"][i].get<std::string>(), archived.pages[i].text) << "page " << i + 1;
  }
  EXPECT_EQ(parsed["articles"].size(), archived.articles.size());
}

}  // namespace
}  // namespace qikan
