// The corrections model (pipeline/review/review.h) on an archive made from recorded OCR: word and line
// corrections reach the record, its text and the search index through the structure parser;
// structure corrections land on the parsed record; a correction the OCR no longer supports is
// reported stale instead of being applied.
#include "pipeline/review/review.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <optional>
#include <thread>
#include <nlohmann/json.hpp>

#include "models/errors.h"
#include "pipeline/archive/archive_lock.h"
#include "pipeline/run/issue_job.h"
#include "tests/pipeline/review_archive.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::kReviewCase;
using testing::kReviewKey;

std::vector<std::string> HitKeys(const Catalog& catalog, const std::string& text) {
  std::vector<std::string> keys;
  for (const auto& hit : catalog.Search({.text = text})) keys.push_back(hit.issue_key);
  return keys;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class ReviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir("review_test");
    archive_.emplace(dir_);
    catalog_.emplace(Catalog::Open(CatalogPath(dir_)));
    run_ = catalog_->BeginRun("test", "{}");
    testing::ArchiveCase(*archive_, *catalog_, run_, kReviewCase, kReviewKey);
    ocr_ = LoadOcrPages(archive_->IssueDir(kReviewKey));
    profiles_ = LoadProfiles(testing::SourcePath("models/profiles"));
  }
  void TearDown() override {
    catalog_.reset();
    fs::remove_all(dir_);
  }

  CorrectionRow Word(int page, const std::string& target, const std::string& after,
                     const std::string& who = "wang") {
    const auto t = ParseTextTarget(target);
    return CorrectionRow{.issue_key = kReviewKey,
                         .page = page,
                         .target = target,
                         .before = *TextAt(ocr_[static_cast<size_t>(page - 1)], *t),
                         .after = after,
                         .reviewer = who};
  }

  int Add(const CorrectionRow& row, int version) {
    const auto stored = catalog_->AddCorrection(row, version);
    EXPECT_TRUE(stored.has_value());
    return stored.value_or(-1);
  }

  RebuiltIssue Rebuild() { return RebuildIssue(*archive_, *catalog_, kReviewKey, profiles_); }

  fs::path dir_;
  std::optional<Archive> archive_;
  std::optional<Catalog> catalog_;
  int64_t run_ = 0;
  std::vector<OcrPage> ocr_;
  std::vector<PublicationProfile> profiles_;
};

TEST(TextTarget, ParsesWordAndLineIdsAndRejectsAnythingElse) {
  const auto word = ParseTextTarget("b1.l5.w20");
  ASSERT_TRUE(word);
  EXPECT_EQ(word->block, 1);
  EXPECT_EQ(word->line, 5);
  EXPECT_EQ(word->word, 20);
  EXPECT_EQ(word->Id(), "b1.l5.w20");
  const auto line = ParseTextTarget("b0.l3");
  ASSERT_TRUE(line);
  EXPECT_TRUE(line->IsLine());
  EXPECT_EQ(line->Id(), "b0.l3");
  for (const char* bad : {"", "b0", "b0.l", "b-1.l2", "b0.l3.w", "b0.l3.w2.x", "l3.b0", "b0.l3.w2 ",
                          "../b0.l1", "b0x.l1", "b0.l99999999"}) {
    EXPECT_FALSE(ParseTextTarget(bad)) << bad;
  }
}

TEST_F(ReviewTest, AWordCorrectionReachesTheRecordTextArticleAndSearch) {
  // Page 4 as read: 邻避选址难等闫疾 (顽疾).
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  ASSERT_GE(at.word, 0);
  ASSERT_EQ(HitKeys(*catalog_, "等闫疾"), std::vector<std::string>{kReviewKey});
  ASSERT_TRUE(HitKeys(*catalog_, "等顽疾").empty());

  Add(Word(4, at.Id(), "顽"), 0);
  const RebuiltIssue rebuilt = Rebuild();

  ASSERT_EQ(rebuilt.results.size(), 1u);
  EXPECT_EQ(rebuilt.results[0].outcome, CorrectionOutcome::kApplied);
  EXPECT_NE(rebuilt.record.pages[3].text.find("等顽疾"), std::string::npos);
  EXPECT_EQ(rebuilt.record.pages[3].text.find("等闫疾"), std::string::npos);
  const std::string text = ReadFile(archive_->IssueDir(kReviewKey) / "text.txt");
  EXPECT_NE(text.find("等顽疾"), std::string::npos);
  EXPECT_EQ(text.find("等闫疾"), std::string::npos);
  bool in_article = false;
  for (const auto& article : rebuilt.record.articles) {
    for (const auto& paragraph : article.paragraphs) {
      in_article = in_article || paragraph.find("等顽疾") != std::string::npos;
    }
  }
  EXPECT_TRUE(in_article);
  EXPECT_EQ(HitKeys(*catalog_, "等顽疾"), std::vector<std::string>{kReviewKey});
  EXPECT_TRUE(HitKeys(*catalog_, "等闫疾").empty());

  // record.json says the change came from a reviewer, and when.
  const auto json = nlohmann::json::parse(ReadFile(archive_->IssueDir(kReviewKey) / "record.json"));
  bool found = false;
  for (const auto& c : json["corrections"]) {
    if (c["source"] == "reviewer:wang") {
      found = true;
      EXPECT_EQ(c["page"], 4);
      EXPECT_EQ(c["field"], "ocr." + at.Id());
      EXPECT_EQ(c["before"], "闫");
      EXPECT_EQ(c["after"], "顽");
      EXPECT_FALSE(c["at"].get<std::string>().empty());
    }
  }
  EXPECT_TRUE(found);
  // The OCR as read is untouched, and the catalog agrees with the folder.
  EXPECT_EQ(TextAt(LoadOcrPages(archive_->IssueDir(kReviewKey))[3], *ParseTextTarget(at.Id())),
            "闫");
  EXPECT_TRUE(catalog_->CheckAgainstArchive(dir_, CheckDepth::kContent).empty());
}

TEST_F(ReviewTest, ALineCorrectionReplacesTheWholeLine) {
  const auto at = testing::FindWord(ocr_[3], "人大第委会连续两年", "第");
  ASSERT_GE(at.word, 0);
  const std::string line = ocr_[3].blocks[at.block].lines[at.line].text;
  std::string fixed = line;
  fixed.replace(fixed.find("第委会"), std::string("第").size(), "常");
  Add(Word(4, at.LineId(), fixed), 0);
  const RebuiltIssue rebuilt = Rebuild();
  EXPECT_EQ(rebuilt.results.at(0).outcome, CorrectionOutcome::kApplied);
  EXPECT_EQ(rebuilt.pages[3].blocks[at.block].lines[at.line].text, fixed);
  EXPECT_NE(rebuilt.record.pages[3].text.find("人大常委会连续两年"), std::string::npos);
  EXPECT_EQ(HitKeys(*catalog_, "人大常委会连续两年"), std::vector<std::string>{kReviewKey});
}

TEST_F(ReviewTest, TheLatestCorrectionOfATargetOrItsLineWins) {
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  const auto other = testing::FindWord(ocr_[3], "等闫疾", "疾");
  ASSERT_GE(other.word, 0);
  std::vector<CorrectionRow> rows = {Word(4, at.Id(), "严"), Word(4, at.Id(), "顽"),
                                     Word(4, other.Id(), "症")};
  for (size_t i = 0; i < rows.size(); ++i) rows[i].id = static_cast<int64_t>(i + 1);
  std::vector<OcrPage> pages = ocr_;
  auto results = ApplyTextCorrections(pages, rows);
  EXPECT_EQ(results[0].outcome, CorrectionOutcome::kSuperseded);
  EXPECT_EQ(results[1].outcome, CorrectionOutcome::kApplied);
  EXPECT_NE(pages[3].blocks[at.block].lines[at.line].text.find("等顽症，"), std::string::npos);

  // A line correction after them replaces both; a word correction after that wins again.
  CorrectionRow line = Word(4, at.LineId(), "整行重写");
  line.id = 4;
  rows.push_back(line);
  pages = ocr_;
  results = ApplyTextCorrections(pages, rows);
  EXPECT_EQ(results[1].outcome, CorrectionOutcome::kSuperseded);
  EXPECT_EQ(results[2].outcome, CorrectionOutcome::kSuperseded);
  EXPECT_EQ(results[3].outcome, CorrectionOutcome::kApplied);
  EXPECT_EQ(pages[3].blocks[at.block].lines[at.line].text, "整行重写");

  CorrectionRow later = Word(4, at.Id(), "顽");
  later.id = 5;
  rows.push_back(later);
  pages = ocr_;
  results = ApplyTextCorrections(pages, rows);
  EXPECT_EQ(results[3].outcome, CorrectionOutcome::kSuperseded);
  EXPECT_EQ(results[4].outcome, CorrectionOutcome::kApplied);
  EXPECT_NE(pages[3].blocks[at.block].lines[at.line].text.find("等顽疾"), std::string::npos);
}

TEST_F(ReviewTest, CorrectionsSurviveARebuildAndGoStaleWhenTheOcrUnderThemChanges) {
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  Add(Word(4, at.Id(), "顽"), 0);
  const RebuiltIssue first = Rebuild();
  const std::string record_once = ReadFile(archive_->IssueDir(kReviewKey) / "record.json");
  const RebuiltIssue second = Rebuild();
  EXPECT_EQ(second.results.at(0).outcome, CorrectionOutcome::kApplied);
  EXPECT_EQ(nlohmann::json(second.record), nlohmann::json(first.record));
  EXPECT_EQ(ReadFile(archive_->IssueDir(kReviewKey) / "record.json"), record_once);

  // The issue is read again (a forced rerun) and OCR now reads another character there.
  std::vector<OcrPage> reread = ocr_;
  reread[3].blocks[at.block].lines[at.line].words[at.word].text = "頑";
  testing::ArchiveCase(*archive_, *catalog_, run_, kReviewCase, kReviewKey, &reread);
  const RebuiltIssue after_rerun = Rebuild();
  EXPECT_EQ(after_rerun.results.at(0).outcome, CorrectionOutcome::kStale);
  EXPECT_NE(after_rerun.record.pages[3].text.find("等頑疾"), std::string::npos);
  EXPECT_EQ(after_rerun.record.pages[3].text.find("等顽疾"), std::string::npos);
  for (const auto& c : after_rerun.record.corrections) EXPECT_NE(c.source, "reviewer:wang");
  // The correction itself is kept.
  EXPECT_EQ(catalog_->Corrections(kReviewKey).size(), 1u);
}

TEST_F(ReviewTest, ARerunRecordGetsTheCorrectionsThatStillFitBack) {
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  const auto stale_at = testing::FindWord(ocr_[3], "人大第委会", "第");
  Add(Word(4, at.Id(), "顽"), 0);
  Add(Word(4, stale_at.Id(), "常"), 1);
  Rebuild();
  EXPECT_TRUE(ReapplyCorrections(*archive_, *catalog_, profiles_).empty());  // nothing to do

  // qikan run --force reads the issue again (one of the two words now reads otherwise) and
  // writes a record without corrections.
  std::vector<OcrPage> reread = ocr_;
  reread[3].blocks[stale_at.block].lines[stale_at.line].words[stale_at.word].text = "帛";
  testing::ArchiveCase(*archive_, *catalog_, run_, kReviewCase, kReviewKey, &reread);
  ASSERT_EQ(HitKeys(*catalog_, "等闫疾"), std::vector<std::string>{kReviewKey});

  EXPECT_EQ(ReapplyCorrections(*archive_, *catalog_, profiles_),
            std::vector<std::string>{kReviewKey});
  EXPECT_EQ(HitKeys(*catalog_, "等顽疾"), std::vector<std::string>{kReviewKey});
  EXPECT_TRUE(HitKeys(*catalog_, "等闫疾").empty());
  const IssueRecord record = ReadIssueRecord(*archive_, kReviewKey);
  EXPECT_NE(record.pages[3].text.find("人大帛委会"), std::string::npos);
  int reviewer_entries = 0;
  for (const auto& c : record.corrections) reviewer_entries += c.source == "reviewer:wang";
  EXPECT_EQ(reviewer_entries, 1);
  EXPECT_TRUE(ReapplyCorrections(*archive_, *catalog_, profiles_).empty());
  EXPECT_TRUE(catalog_->CheckAgainstArchive(dir_, CheckDepth::kContent).empty());
}

TEST_F(ReviewTest, AStructureCorrectionSetsTheFieldAndReachesSearch) {
  const IssueRecord parsed = testing::RecordFromPages(ocr_, "x.pdf");
  ASSERT_GE(parsed.articles.size(), 2u);
  const std::string field = "articles[1].title";
  const auto before = StructureField(parsed, field);
  ASSERT_TRUE(before);
  EXPECT_EQ(*before, parsed.articles[1].title);
  Add({.issue_key = kReviewKey,
       .page = 0,
       .target = field,
       .before = StoredValue(*before),
       .after = "建德市：燃气安全网络审校标题",
       .reviewer = "li"},
      0);
  Add({.issue_key = kReviewKey,
       .page = 0,
       .target = "articles[1].attribution.authors",
       .before = StoredValue(*StructureField(parsed, "articles[1].attribution.authors")),
       .after = R"(["王审校","李审校"])",
       .reviewer = "li"},
      1);
  const RebuiltIssue rebuilt = Rebuild();
  EXPECT_EQ(rebuilt.record.articles[1].title, "建德市：燃气安全网络审校标题");
  ASSERT_TRUE(rebuilt.record.articles[1].attribution);
  EXPECT_EQ(rebuilt.record.articles[1].attribution->authors,
            (std::vector<std::string>{"王审校", "李审校"}));
  EXPECT_EQ(rebuilt.parsed.articles[1].title, parsed.articles[1].title);
  EXPECT_EQ(HitKeys(*catalog_, "燃气安全网络审校"), std::vector<std::string>{kReviewKey});
  SearchQuery by_author{.author = "王审校"};
  EXPECT_EQ(catalog_->Search(by_author).size(), 1u);
  int reviewer_entries = 0;
  for (const auto& c : rebuilt.record.corrections) {
    if (c.source == "reviewer:li") ++reviewer_entries;
  }
  EXPECT_EQ(reviewer_entries, 2);
}

TEST_F(ReviewTest, StructureFieldsAreCheckedByNameRangeAndType) {
  IssueRecord record = testing::RecordFromPages(ocr_, "x.pdf");
  EXPECT_FALSE(StructureField(record, "articles[999].title"));
  EXPECT_FALSE(StructureField(record, "articles[0].paragraphs"));
  EXPECT_FALSE(StructureField(record, "source.file"));
  EXPECT_FALSE(StructureField(record, "articles[0].title.x"));
  EXPECT_THROW(SetStructureField(record, "articles[0].title", 5), QikanError);
  EXPECT_THROW(SetStructureField(record, "articles[0].attribution.authors", "王"), QikanError);
  EXPECT_THROW(SetStructureField(record, "issue.number", "五"), QikanError);
  SetStructureField(record, "issue.number", 6);
  EXPECT_EQ(record.issue.number, 6);
  SetStructureField(record, "issue.date", "2025-06-01");
  EXPECT_EQ(record.issue.date, "2025-06-01");
  EXPECT_EQ(ValueFromStored("issue.number", "6"), 6);
  EXPECT_EQ(ValueFromStored("articles[0].title", "6"), "6");
}

TEST_F(ReviewTest, AStructureCorrectionGoesStaleWhenTheParserReadsTheFieldDifferently) {
  Add({.issue_key = kReviewKey,
       .page = 0,
       .target = "articles[1].title",
       .before = "not what the parser reads",
       .after = "改过的标题",
       .reviewer = "li"},
      0);
  const RebuiltIssue rebuilt = Rebuild();
  EXPECT_EQ(rebuilt.results.at(0).outcome, CorrectionOutcome::kStale);
  EXPECT_NE(rebuilt.record.articles[1].title, "改过的标题");
}

TEST_F(ReviewTest, VersionsRefuseAStaleWriteAndDecisionsFollowThePage) {
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  EXPECT_EQ(Add(Word(4, at.Id(), "顽"), 0), 1);
  EXPECT_FALSE(catalog_->AddCorrection(Word(4, at.Id(), "严", "zhao"), 0));
  EXPECT_EQ(catalog_->Corrections(kReviewKey).size(), 1u);
  const ReviewPageRow page = catalog_->ReviewPage(kReviewKey, 4);
  EXPECT_EQ(page.stamp.version, 1);
  EXPECT_EQ(page.stamp.changed_by, "wang");
  EXPECT_FALSE(page.stamp.changed_at.empty());

  ASSERT_EQ(catalog_->FindIssue(kReviewKey)->review_status, "open");
  EXPECT_FALSE(catalog_->DecidePage(kReviewKey, 4, 0, ReviewStatus::kApproved, "", "wang"));
  EXPECT_EQ(catalog_->DecidePage(kReviewKey, 4, 1, ReviewStatus::kApproved, "ok", "wang"), 2);
  for (const auto& item : catalog_->ReviewItems({.issue_key = kReviewKey})) {
    if (item.page == 4) {
      EXPECT_EQ(item.status, ReviewStatus::kApproved);
      EXPECT_EQ(item.note, "ok");
    }
  }
  // The decision survives the rebuild a later correction makes.
  Rebuild();
  for (const auto& item : catalog_->ReviewItems({.issue_key = kReviewKey})) {
    if (item.page == 4 && item.reason == "low-confidence") {
      EXPECT_EQ(item.status, ReviewStatus::kApproved);
    }
  }
  const auto queue = catalog_->ReviewQueue({.issue_key = kReviewKey, .status = ReviewStatus::kApproved});
  ASSERT_FALSE(queue.empty());
  EXPECT_EQ(queue[0].page, 4);
  EXPECT_EQ(queue[0].corrections, 1);
  EXPECT_EQ(queue[0].version, 2);
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

// A run reading an issue again holds its IssueLock from its corrections to its last rewrite: a
// reviewer's rebuild of that issue waits for it, then builds on what the run committed (not on
// the folder the run replaced).
TEST_F(ReviewTest, ARebuildWaitsForARunCommittingTheSameIssue) {
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  ASSERT_GE(at.word, 0);
  Add(Word(4, at.Id(), "顽"), 0);
  std::optional<IssueLock> run_lock;
  run_lock.emplace(dir_, kReviewKey);
  std::atomic<bool> done{false};
  std::thread reviewer([&] {
    Rebuild();
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_FALSE(done) << "the rebuild did not wait for the issue's lock";
  EXPECT_EQ(ReadFile(archive_->IssueDir(kReviewKey) / "text.txt").find("等顽疾"),
            std::string::npos);
  run_lock.reset();
  reviewer.join();
  EXPECT_TRUE(done);
  EXPECT_NE(ReadFile(archive_->IssueDir(kReviewKey) / "text.txt").find("等顽疾"),
            std::string::npos);
}

// A run's clean-up of tmp/ leaves alone the staging folder of an issue someone is rewriting,
// and removes what a crash left.
TEST_F(ReviewTest, RemoveTemporariesSparesTheStagingOfALockedIssue) {
  const fs::path busy = dir_ / "tmp" / (std::string(kReviewKey) + ".4242.0");
  const fs::path left = dir_ / "tmp" / (std::string(testing::kOtherKey) + ".4242.1");
  fs::create_directories(busy / "pages");
  fs::create_directories(left / "pages");
  {
    const IssueLock lock(dir_, kReviewKey);
    archive_->RemoveTemporaries();
    EXPECT_TRUE(fs::exists(busy));
    EXPECT_FALSE(fs::exists(left));
  }
  archive_->RemoveTemporaries();
  EXPECT_FALSE(fs::exists(busy));
}

}  // namespace
}  // namespace qikan
