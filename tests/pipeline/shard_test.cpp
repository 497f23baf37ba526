// Sharding a batch by content and merging the shards' staging areas into one archive, without
// OCR: the committed issue folders are written here the way Archive::CommitIssue writes them.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "models/errors.h"
#include "models/record.h"
#include "pipeline/archive/archive_lock.h"
#include "pipeline/archive/catalog.h"
#include "pipeline/archive/hash.h"
#include "pipeline/archive/merge.h"
#include "pipeline/run/runner.h"
#include "pipeline/run/shard.h"
#include "tests/support/scan_fixture.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

std::string ShaOf(const std::string& content) { return Sha256Hex(content); }

// A committed issue of content `content`, named `name`, in `issues_dir`; returns its key.
std::string CommitFake(const fs::path& issues_dir, const std::string& name,
                       const std::string& content) {
  IssueRecord record;
  record.pipeline_version = "test";
  record.source = SourceInfo{.file = "/inbox/" + name + ".pdf", .sha256 = ShaOf(content), .pages = 1};
  record.issue.title = "杭州人大信息";
  record.issue.date = "2025-07-11";
  record.articles.push_back(Article{.column = "监督纵横", .title = "燃气安全 " + name,
                                    .start_page = 1, .end_page = 1,
                                    .paragraphs = {"管道燃气进村入户 " + content}});
  const std::string key = IssueKey(fs::path(name + ".pdf"), record.source.sha256);
  fs::create_directories(issues_dir / key / "pages");
  WriteFile(issues_dir / key / "record.json", nlohmann::json(record).dump(2));
  WriteFile(issues_dir / key / "text.txt", record.Text());
  return key;
}

std::vector<std::string> Folders(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> CatalogKeys(const fs::path& archive) {
  std::vector<std::string> keys;
  for (const auto& row : Catalog::Open(CatalogPath(archive)).Issues()) keys.push_back(row.key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(ShardTest, ParsesKOfN) {
  EXPECT_EQ(ParseShard("0/1").index, 0);
  EXPECT_EQ(ParseShard("2/3").index, 2);
  EXPECT_EQ(ParseShard("2/3").count, 3);
  for (const std::string bad : {"3/3", "-1/3", "1/0", "1", "a/3", "1/3x", "", "/3", "1/"}) {
    try {
      ParseShard(bad);
      ADD_FAILURE() << bad;
    } catch (const QikanError& e) {
      EXPECT_EQ(e.status(), ExitStatus::kUsage) << bad;
    }
  }
}

TEST(ShardTest, EachInputFallsInExactlyOneShardByContentWhateverItsName) {
  TempDir dir;
  std::vector<fs::path> inputs;
  for (int i = 0; i < 40; ++i) {
    inputs.push_back(dir / ("scan-" + std::to_string(i) + ".pdf"));
    WriteFile(inputs.back(), "content " + std::to_string(i));
  }
  std::map<fs::path, int> shard_of;
  std::vector<size_t> sizes;
  for (int k = 0; k < 4; ++k) {
    const auto selected = SelectShard(inputs, ShardSpec{.index = k, .count = 4});
    sizes.push_back(selected.size());
    for (const auto& input : selected) {
      EXPECT_FALSE(shard_of.contains(input)) << input;
      shard_of[input] = k;
    }
  }
  EXPECT_EQ(shard_of.size(), inputs.size());
  for (const size_t size : sizes) EXPECT_GT(size, 0u);  // 40 inputs spread over all 4
  // A renamed copy goes where the original went; the order of the inputs does not matter.
  fs::copy_file(inputs[7], dir / "renamed.pdf");
  EXPECT_EQ(ShardOfInput(dir / "renamed.pdf", 4), shard_of[inputs[7]]);
  std::vector<fs::path> reversed(inputs.rbegin(), inputs.rend());
  for (const auto& input : SelectShard(reversed, ShardSpec{.index = 1, .count = 4})) {
    EXPECT_EQ(shard_of[input], 1);
  }
  // An input that cannot be read still belongs to exactly one shard.
  int owners = 0;
  for (int k = 0; k < 4; ++k) {
    owners += SelectShard({dir / "missing.pdf"}, ShardSpec{.index = k, .count = 4}).size();
  }
  EXPECT_EQ(owners, 1);
}

TEST(ShardTest, TheFingerprintReadsTheEndsOfALargeFileAndEachPageOfAFolder) {
  TempDir dir;
  std::string big(1 << 20, 'x');
  WriteFile(dir / "a.pdf", big);
  big[big.size() / 2] = 'y';  // not read
  WriteFile(dir / "b.pdf", big);
  big[10] = 'y';  // read
  WriteFile(dir / "c.pdf", big);
  EXPECT_EQ(ShardFingerprint(dir / "a.pdf"), ShardFingerprint(dir / "b.pdf"));
  EXPECT_NE(ShardFingerprint(dir / "a.pdf"), ShardFingerprint(dir / "c.pdf"));
  WriteFile(dir / "d.pdf", big + "z");  // another size
  EXPECT_NE(ShardFingerprint(dir / "c.pdf"), ShardFingerprint(dir / "d.pdf"));
  // A folder of pages: the same pages under another folder name are the same content.
  for (const std::string folder : {"issue-711", "copy of 711"}) {
    fs::create_directories(dir / folder);
    WriteFile(dir / folder / "0001.png", "page one");
    WriteFile(dir / folder / "0002.png", "page two");
  }
  EXPECT_EQ(ShardFingerprint(dir / "issue-711"), ShardFingerprint(dir / "copy of 711"));
  WriteFile(dir / "copy of 711" / "0002.png", "page 2");
  EXPECT_NE(ShardFingerprint(dir / "issue-711"), ShardFingerprint(dir / "copy of 711"));
}

TEST(ShardTest, FindsContentInTheMainArchiveByHashNotByName) {
  TempDir dir;
  const std::string key = CommitFake(dir / "issues", "issue-711", "seven eleven");
  const ArchivedContent archived(dir.path());
  EXPECT_EQ(archived.Find(ShaOf("seven eleven")), key);
  EXPECT_FALSE(archived.Find(ShaOf("seven twelve")));
  // Same first 8 hex digits in the key but another hash in the record: not the same content.
  std::string other = ShaOf("seven eleven");
  other.back() = other.back() == '0' ? '1' : '0';
  EXPECT_FALSE(archived.Find(other));
}

TEST(ShardTest, AShardRunRefusesForceAndStagesUnderShards) {
  RunOptions options;
  options.archive = "/srv/archive";
  const RunOptions shard = ShardRunOptions(options, ShardSpec{.index = 2, .count = 3});
  EXPECT_EQ(shard.archive, fs::path("/srv/archive/shards/2"));
  EXPECT_TRUE(shard.archived_elsewhere);
  options.force = true;
  EXPECT_THROW(ShardRunOptions(options, ShardSpec{.index = 0, .count = 3}), QikanError);
}

TEST(MergeTest, MovesEveryCommittedIssueOnceLeavesHalfDoneWorkAndIsIdempotent) {
  TempDir dir;
  const fs::path archive = dir / "archive";
  std::set<std::string> keys;
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < 2; ++i) {
      const std::string name = "issue-" + std::to_string(k) + "-" + std::to_string(i);
      keys.insert(CommitFake(ShardDir(archive, k) / "issues", name, name));
    }
  }
  // What a killed shard leaves: an issue half-written in its tmp/.
  fs::create_directories(ShardDir(archive, 1) / "tmp" / "half-1234abcd.99.0" / "pages");
  WriteFile(ShardDir(archive, 1) / "tmp" / "half-1234abcd.99.0" / "text.txt", "half");

  const MergeSummary first = MergeShards(MergeOptions{.archive = archive});
  EXPECT_EQ(first.Count(MergeOutcome::Kind::kMerged), 6);
  EXPECT_EQ(first.Status(), ExitStatus::kOk);
  EXPECT_EQ(first.shards, (std::vector<int>{0, 1, 2}));
  const auto merged = Folders(archive / "issues");
  EXPECT_EQ(std::set<std::string>(merged.begin(), merged.end()), keys);
  EXPECT_EQ(CatalogKeys(archive), merged);
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(Folders(ShardDir(archive, k) / "issues").empty());
  EXPECT_EQ(Folders(ShardDir(archive, 1) / "tmp"), std::vector<std::string>{"half-1234abcd.99.0"});
  EXPECT_TRUE(fs::exists(first.summary_file));
  const auto summary = nlohmann::json::parse(testing::ReadFile(first.summary_file));
  EXPECT_EQ(summary["merged"], 6);
  // Search sees the merged issues.
  SearchQuery query;
  query.text = "燃气安全";
  EXPECT_EQ(Catalog::Open(CatalogPath(archive)).Search(query).size(), 6u);

  const MergeSummary second = MergeShards(MergeOptions{.archive = archive});
  EXPECT_TRUE(second.issues.empty());
  EXPECT_EQ(Folders(archive / "issues"), merged);
  EXPECT_EQ(CatalogKeys(archive), merged);
}

TEST(MergeTest, DropsDuplicatesByContentUnderAnyName) {
  TempDir dir;
  const fs::path archive = dir / "archive";
  const std::string in_archive = CommitFake(archive / "issues", "july", "july content");
  CommitFake(ShardDir(archive, 0) / "issues", "july-again", "july content");
  const std::string august = CommitFake(ShardDir(archive, 0) / "issues", "august", "august");
  CommitFake(ShardDir(archive, 2) / "issues", "august-copy", "august");
  // The same content twice in one shard (staged by runs with different shard counts).
  CommitFake(ShardDir(archive, 0) / "issues", "zz-august-again", "august");

  const MergeSummary summary = MergeShards(MergeOptions{.archive = archive});
  EXPECT_EQ(summary.Count(MergeOutcome::Kind::kMerged), 1);
  EXPECT_EQ(summary.Count(MergeOutcome::Kind::kDuplicate), 3);
  EXPECT_EQ(Folders(archive / "issues"), (std::vector<std::string>{august, in_archive}));
  EXPECT_EQ(CatalogKeys(archive), (std::vector<std::string>{august, in_archive}));
  EXPECT_TRUE(Folders(ShardDir(archive, 0) / "issues").empty());
  EXPECT_TRUE(Folders(ShardDir(archive, 2) / "issues").empty());
  EXPECT_TRUE(Folders(archive / "tmp").empty());
}

TEST(MergeTest, CatalogsWhatAKilledMergeMovedAndInBatchesBeyondTwoHundred) {
  TempDir dir;
  const fs::path archive = dir / "archive";
  std::vector<std::string> keys;
  for (int i = 0; i < 230; ++i) {
    const std::string name = "issue-" + std::to_string(i);
    keys.push_back(CommitFake(ShardDir(archive, i % 2) / "issues", name, name));
  }
  // A merge killed after its rename, before its catalog transaction.
  fs::create_directories(archive / "issues");
  fs::rename(ShardDir(archive, 0) / "issues" / keys[0], archive / "issues" / keys[0]);

  const MergeSummary summary = MergeShards(MergeOptions{.archive = archive});
  EXPECT_EQ(summary.repair.imported, std::vector<std::string>{keys[0]});
  EXPECT_EQ(summary.Count(MergeOutcome::Kind::kMerged), 229);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(Folders(archive / "issues"), keys);
  EXPECT_EQ(CatalogKeys(archive), keys);
}

TEST(MergeTest, LeavesAShardWhoseRunIsGoingAloneAndTakesTheArchiveLock) {
  TempDir dir;
  const fs::path archive = dir / "archive";
  const std::string done = CommitFake(ShardDir(archive, 0) / "issues", "done", "done");
  const std::string running = CommitFake(ShardDir(archive, 1) / "issues", "running", "running");
  {
    const ArchiveLock shard_run(ShardDir(archive, 1));
    const MergeSummary summary = MergeShards(MergeOptions{.archive = archive});
    EXPECT_EQ(summary.busy_shards, std::vector<int>{1});
    EXPECT_EQ(Folders(archive / "issues"), std::vector<std::string>{done});
    EXPECT_EQ(Folders(ShardDir(archive, 1) / "issues"), std::vector<std::string>{running});
  }
  {
    const ArchiveLock other_run(archive);
    try {
      MergeShards(MergeOptions{.archive = archive});
      ADD_FAILURE() << "merged while the archive was locked";
    } catch (const QikanError& e) {
      EXPECT_EQ(e.status(), ExitStatus::kLocked);
    }
  }
  const MergeSummary later = MergeShards(MergeOptions{.archive = archive});
  EXPECT_TRUE(later.busy_shards.empty());
  EXPECT_EQ(Folders(archive / "issues").size(), 2u);
  EXPECT_EQ(CatalogKeys(archive).size(), 2u);
}

}  // namespace
}  // namespace qikan
