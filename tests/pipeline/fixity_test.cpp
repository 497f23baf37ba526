// Fixity (pipeline/archive/fixity.h): every issue folder carries manifest-sha256.txt, kept right
// by every commit and rewrite, and `qikan verify` finds a changed, missing or added file.
#include "pipeline/archive/fixity.h"

#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "models/errors.h"
#include "pipeline/archive/hash.h"
#include "pipeline/archive/merge.h"
#include "pipeline/run/shard.h"
#include "tests/pipeline/fixity_archive.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::CommitSynthetic;
using testing::FlipByte;
using testing::ReadFile;
using testing::RunQikan;
using testing::TempDir;
using testing::WriteFile;

class Fixity : public ::testing::Test {
 protected:
  Fixity() : archive_(dir_.path() / "archive") {
    CommitSynthetic(archive_, "k1", "2025-05-01");
    CommitSynthetic(archive_, "k2", "2025-06-01", 3);
  }
  VerifySummary Verify(std::vector<std::string> keys = {}, bool update_missing = false) {
    return VerifyArchive({.archive = archive_.root(), .keys = keys, .update_missing = update_missing});
  }
  fs::path Issue(const std::string& key) const { return archive_.IssueDir(key); }

  TempDir dir_;
  Archive archive_;
};

TEST_F(Fixity, CommitWritesAManifestOfEveryOtherFileInBagItForm) {
  const std::string text = ReadFile(Issue("k2") / kManifestName);
  const std::vector<std::string> files = FilesUnder(Issue("k2"));
  ASSERT_GE(files.size(), 8u);  // record, text, 3 page JSON, 3 page images
  std::string expected;
  for (const auto& file : files) expected += Sha256OfFile(Issue("k2") / file) + "  " + file + "\n";
  EXPECT_EQ(text, expected);  // sorted, "<sha256>  <path>", every file but itself
  EXPECT_NE(text.find("  pages/0003.jpg\n"), std::string::npos);
  EXPECT_EQ(text.find(kManifestName), std::string::npos);
}

TEST_F(Fixity, ACleanArchivePasses) {
  const VerifySummary summary = Verify();
  EXPECT_EQ(summary.Status(), ExitStatus::kOk);
  EXPECT_TRUE(summary.problems.empty());
  EXPECT_EQ(summary.issues, 2);
  EXPECT_EQ(summary.files, FilesUnder(Issue("k1")).size() + FilesUnder(Issue("k2")).size());
  EXPECT_GT(summary.bytes, 40000u);
}

TEST_F(Fixity, AFlippedByteIsReportedAsChanged) {
  FlipByte(Issue("k2") / "pages" / "0002.jpg");
  const VerifySummary summary = Verify();
  EXPECT_EQ(summary.Status(), ExitStatus::kFixityFailed);
  ASSERT_EQ(summary.problems.size(), 1u);
  EXPECT_EQ(summary.problems[0].kind, FixityProblem::Kind::kChanged);
  EXPECT_EQ(summary.problems[0].issue, "k2");
  EXPECT_EQ(summary.problems[0].path, "pages/0002.jpg");
  EXPECT_EQ(summary.damaged, 1);
  EXPECT_EQ(Verify({"k1"}).Status(), ExitStatus::kOk);  // only the issues named
}

TEST_F(Fixity, ADeletedFileIsReportedAsMissingAndAnAddedOneAsUnexpected) {
  fs::remove(Issue("k1") / "text.txt");
  WriteFile(Issue("k1") / "pages" / "notes.txt", "added by hand");
  const VerifySummary summary = Verify();
  ASSERT_EQ(summary.problems.size(), 2u);
  EXPECT_EQ(summary.problems[0].kind, FixityProblem::Kind::kMissing);
  EXPECT_EQ(summary.problems[0].path, "text.txt");
  EXPECT_EQ(summary.problems[1].kind, FixityProblem::Kind::kUnexpected);
  EXPECT_EQ(summary.problems[1].path, "pages/notes.txt");
  EXPECT_EQ(summary.Status(), ExitStatus::kFixityFailed);
}

TEST_F(Fixity, AnUnreadableManifestLineIsReported) {
  WriteFile(Issue("k1") / kManifestName, "not a hash  record.json\n");
  const VerifySummary summary = Verify();
  ASSERT_EQ(summary.problems.size(), 1u);
  EXPECT_EQ(summary.problems[0].kind, FixityProblem::Kind::kBadManifest);
  EXPECT_NE(summary.problems[0].detail.find("line 1"), std::string::npos);
}

TEST_F(Fixity, AnIssueWithoutAManifestIsReportedAndUpdateMissingAddsOneNeverReplacingOne) {
  fs::remove(Issue("k1") / kManifestName);
  FlipByte(Issue("k2") / "record.json", 3);
  const std::string k2_manifest = ReadFile(Issue("k2") / kManifestName);
  VerifySummary summary = Verify();
  ASSERT_EQ(summary.problems.size(), 2u);
  EXPECT_EQ(summary.problems[0].kind, FixityProblem::Kind::kNoManifest);
  EXPECT_NE(summary.problems[0].detail.find("--update-missing"), std::string::npos);
  EXPECT_EQ(summary.without_manifest, 1);

  summary = Verify({}, /*update_missing=*/true);
  EXPECT_EQ(summary.manifests_written, 1);
  EXPECT_EQ(ReadFile(Issue("k2") / kManifestName), k2_manifest);  // damage not blessed
  summary = Verify();
  ASSERT_EQ(summary.problems.size(), 1u);
  EXPECT_EQ(summary.problems[0].issue, "k2");
  EXPECT_EQ(summary.problems[0].kind, FixityProblem::Kind::kChanged);
  EXPECT_TRUE(fs::is_empty(archive_.root() / "tmp"));
}

TEST_F(Fixity, ARewrittenIssueHasARightManifest) {
  IssueRecord record = testing::SyntheticRecord("改正后的正文", "2025-05-01", 2);
  archive_.RewriteIssue("k1", record, {OcrPage{.width = 100, .height = 140}, OcrPage{.width = 100, .height = 140}},
                        nlohmann::json(record));
  EXPECT_EQ(Verify().Status(), ExitStatus::kOk);
  const Manifest manifest = *ReadManifest(Issue("k1"), kManifestName);
  EXPECT_EQ(manifest.at("text.txt"), Sha256Hex(record.Text()));
  EXPECT_EQ(manifest.size(), FilesUnder(Issue("k1")).size());
}

TEST_F(Fixity, ARewriteDoesNotBlessAPageDamagedOnDisk) {
  FlipByte(Issue("k1") / "pages" / "0001.jpg");  // the rewrite hard-links it as it is
  IssueRecord record = testing::SyntheticRecord("改正", "2025-05-01", 2);
  archive_.RewriteIssue("k1", record, {OcrPage{}, OcrPage{}}, nlohmann::json(record));
  const VerifySummary summary = Verify();
  ASSERT_EQ(summary.problems.size(), 1u);
  EXPECT_EQ(summary.problems[0].kind, FixityProblem::Kind::kChanged);
  EXPECT_EQ(summary.problems[0].path, "pages/0001.jpg");
}

// `qikan merge` moves a shard's issue folders whole: their manifests come along and still hold.
TEST(FixityMerge, MergedIssuesKeepTheirManifests) {
  TempDir dir;
  const fs::path archive = dir.path() / "archive";
  CommitSynthetic(Archive(archive), "main", "2025-04-01");
  CommitSynthetic(Archive(ShardDir(archive, 0)), "s0", "2025-05-01");
  CommitSynthetic(Archive(ShardDir(archive, 1)), "s1", "2025-06-01", 3);
  const std::string manifest = ReadFile(ShardDir(archive, 1) / "issues" / "s1" / kManifestName);
  ASSERT_EQ(MergeShards({.archive = archive, .write_summary = false}).Status(), ExitStatus::kOk);
  ASSERT_TRUE(fs::exists(archive / "issues" / "s1" / "record.json"));
  EXPECT_EQ(ReadFile(archive / "issues" / "s1" / kManifestName), manifest);
  const VerifySummary summary = VerifyArchive({.archive = archive});
  EXPECT_EQ(summary.issues, 3);
  EXPECT_TRUE(summary.problems.empty()) << FixityProblemLine(summary.problems.at(0));
}

// Review decisions rewrite an issue while a verify reads the archive: an issue swapped in
// mid-check is checked again, not reported damaged.
TEST_F(Fixity, AnIssueSwappedInDuringTheCheckIsNotReported) {
  std::atomic<bool> stop{false};
  std::atomic<int> rewrites{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      const IssueRecord record = testing::SyntheticRecord("版本" + std::to_string(i), "2025-06-01", 3);
      archive_.RewriteIssue("k2", record, {OcrPage{}, OcrPage{}, OcrPage{}}, nlohmann::json(record));
      ++rewrites;
    }
  });
  int checks = 0, problems = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < until || rewrites < 20) {
    problems += static_cast<int>(Verify({"k2"}).problems.size());
    ++checks;
  }
  stop = true;
  writer.join();
  EXPECT_GT(checks, 20);
  EXPECT_EQ(problems, 0) << "in " << checks << " checks during " << rewrites << " rewrites";
}

TEST_F(Fixity, TheCommandReportsEachProblemOnOneLineAndExits12) {
  const std::string archive = testing::Quote(archive_.root().string());
  testing::CommandResult r = RunQikan(dir_.path(), "verify --archive " + archive);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(^verify: 2 issues, \d+ files, [\d.]+ MB checked in [\d.]+s \([\d.]+ MB/s, [\d.]+ issues/s\): 0 damaged, 0 without a manifest\n$)")))
      << r.out;

  FlipByte(Issue("k1") / "record.json", 5);
  fs::remove(Issue("k2") / "pages" / "0003.json");
  WriteFile(Issue("k2") / "extra.bin", "x");
  r = RunQikan(dir_.path(), "verify --archive " + archive);
  EXPECT_EQ(r.status, 12) << r.out << r.err;
  EXPECT_NE(r.out.find("CHANGED      k1  record.json  sha256 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MISSING      k2  pages/0003.json\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("UNEXPECTED   k2  extra.bin"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 damaged"), std::string::npos) << r.out;

  r = RunQikan(dir_.path(), "verify --archive " + archive + " nosuchkey");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "qikan: error: nosuchkey: no such issue in the archive\n");
  EXPECT_EQ(RunQikan(dir_.path(), "verify").status, 1);
  EXPECT_EQ(RunQikan(dir_.path(), "verify --bag x --update-missing").status, 1);
}

}  // namespace
}  // namespace qikan
