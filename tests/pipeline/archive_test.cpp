// The archive's issue folders (pipeline/archive/archive.h): an issue is committed whole, and
// rewritten (record, text, deliverables) in one step with its page files kept as they were.
#include "pipeline/archive/archive.h"

#include <gtest/gtest.h>
#include <sys/stat.h>


#include "models/errors.h"
#include "tests/support/scan_fixture.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

ino_t Inode(const fs::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_ino;
}

IssueRecord OnePageRecord(const std::string& text) {
  IssueRecord record;
  record.source.file = "a.pdf";
  record.pages.push_back({.index = 1});
  record.pages[0].text = text;
  return record;
}

OcrPage OnePage() {
  OcrPage page;
  page.width = 100;
  page.height = 100;
  return page;
}

TEST(Archive, RewriteReplacesRecordAndTextInOneStepAndKeepsThePageFiles) {
  TempDir dir;
  const Archive archive(dir.path() / "archive");
  archive.CommitIssue("k", OnePageRecord("旧的"), {OnePage()}, {"jpeg bytes"});
  const fs::path issue = archive.IssueDir("k");
  const ino_t image = Inode(issue / "pages" / "0001.jpg");

  nlohmann::json json = OnePageRecord("新的");
  json["decisions"] = nlohmann::json::array({{{"page", 1}}});
  archive.RewriteIssue("k", OnePageRecord("新的"), {OnePage()}, json);

  EXPECT_EQ(testing::ReadFile(issue / "text.txt"), "新的");
  EXPECT_EQ(nlohmann::json::parse(testing::ReadFile(issue / "record.json"))["decisions"][0]["page"], 1);
  // The page files are the archived ones (linked, not copied) and unchanged.
  EXPECT_EQ(Inode(issue / "pages" / "0001.jpg"), image);
  EXPECT_EQ(testing::ReadFile(issue / "pages" / "0001.jpg"), "jpeg bytes");
  EXPECT_TRUE(fs::exists(issue / "pages" / "0001.json"));
  // Nothing is left behind in tmp/.
  EXPECT_TRUE(fs::is_empty(dir.path() / "archive" / "tmp"));
}

TEST(Archive, ADeliverableThatCannotBeMadeIsAReviewItemAndTheRestIsWritten) {
  // No scan and no archived issue to take page images from (issue.pdf), and a record without
  // line sources (ALTO, and METS, which links to ALTO's blocks): each writer's failure is named in the record, which is written whole.
  TempDir dir;
  const Archive archive(dir.path() / "archive");
  archive.CommitIssue("k", OnePageRecord("正文"), {OnePage()}, {"jpeg bytes"});
  const fs::path issue = archive.IssueDir("k");
  const auto record = nlohmann::json::parse(testing::ReadFile(issue / "record.json"));
  std::vector<std::string> failed;
  for (const auto& item : record["review"]) {
    if (item["reason"] == "deliverable-failed") failed.push_back(item["detail"]);
  }
  ASSERT_EQ(failed.size(), 3u) << record["review"].dump();
  EXPECT_TRUE(failed[0].starts_with("issue.pdf: ")) << failed[0];
  EXPECT_TRUE(failed[1].starts_with("alto/: ")) << failed[1];
  EXPECT_TRUE(failed[2].starts_with("mets.xml: ")) << failed[2];
  EXPECT_FALSE(fs::exists(issue / "issue.pdf"));
  EXPECT_EQ(testing::ReadFile(issue / "text.txt"), "正文");
  EXPECT_TRUE(fs::exists(issue / "manifest-sha256.txt"));
}

TEST(Archive, RewritingAnIssueThatIsNotThereIsAnArchiveErrorAndLeavesNothing) {
  TempDir dir;
  const Archive archive(dir.path() / "archive");
  try {
    archive.RewriteIssue("missing", OnePageRecord("x"), {OnePage()}, OnePageRecord("x"));
    FAIL() << "no error";
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kArchiveError);
  }
  EXPECT_FALSE(fs::exists(archive.IssueDir("missing")));
  EXPECT_TRUE(fs::is_empty(dir.path() / "archive" / "tmp"));
}

}  // namespace
}  // namespace qikan
