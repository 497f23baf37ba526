#include "pipeline/run/runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "pipeline/archive/catalog.h"
#include "pipeline/run/issue_job.h"
#include "tests/support/fake_ocr.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

using testing::FakeEngine;
using testing::SmallTextPage;
using testing::TempDir;



cv::Mat BlankPage() { return cv::Mat(800, 600, CV_8UC1, cv::Scalar(255)); }

class RunnerTest : public ::testing::Test {
 protected:
  RunOptions Options(int jobs = 2) {
    RunOptions options;
    options.archive = dir_ / "archive";
    options.jobs = jobs;
    return options;
  }
  EngineFactory Fake(int throw_on_call = -1) {
    return [this, throw_on_call] {
      return std::make_unique<FakeEngine>(&calls_, std::vector<std::string>{"杭州人大信息"},
                                          throw_on_call);
    };
  }
  TempDir dir_;
  std::atomic<int> calls_{0};
};

TEST_F(RunnerTest, CommitsEachIssueWithItsPagesInOrder) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage(), SmallTextPage(), SmallTextPage()}, 150);
  testing::WriteImagePdf(dir_ / "b.pdf", {SmallTextPage()}, 150);
  const RunSummary summary = RunIssues({dir_ / "a.pdf", dir_ / "b.pdf"}, Options(), Fake());

  ASSERT_EQ(summary.issues.size(), 2u);
  EXPECT_EQ(summary.Status(), ExitStatus::kOk);
  EXPECT_EQ(summary.pages, 4);
  EXPECT_EQ(calls_.load(), 4);
  const auto& a = summary.issues[0];
  EXPECT_EQ(a.input, (dir_ / "a.pdf").string());
  const auto record = nlohmann::json::parse(
      testing::ReadFile(dir_ / "archive" / "issues" / a.key / "record.json"));
  EXPECT_EQ(record["schema"], "qikan.issue/1");
  EXPECT_EQ(record["source"]["pages"], 3);
  EXPECT_EQ(record["source"]["sha256"].get<std::string>().size(), 64u);
  ASSERT_EQ(record["pages"].size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(record["pages"][i]["index"], i + 1);
    EXPECT_NEAR(record["pages"][i]["dpi"].get<double>(), 150, 0.5);
    EXPECT_EQ(record["pages"][i]["text"], "杭州人大信息\n");
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "archive" / "issues" / a.key / "pages" / "0003.json"));
  EXPECT_EQ(testing::ReadFile(dir_ / "archive" / "issues" / a.key / "text.txt"),
            "杭州人大信息\n\f杭州人大信息\n\f杭州人大信息\n");
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "archive" / "tmp"));
}

std::vector<nlohmann::json> ReviewItems(const nlohmann::json& record, const std::string& reason) {
  std::vector<nlohmann::json> items;
  for (const auto& item : record["review"]) {
    if (item["reason"] == reason) items.push_back(item);
  }
  return items;
}

TEST_F(RunnerTest, AnIssueWithAPageWhoseFirstOcrFailedIsArchivedAndReportedAsFailedPages) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage(), SmallTextPage()}, 150);
  const RunSummary summary = RunIssues({dir_ / "a.pdf"}, Options(1), Fake(/*throw_on_call=*/2));
  ASSERT_EQ(summary.issues.size(), 1u);
  const IssueOutcome& outcome = summary.issues[0];
  EXPECT_EQ(outcome.status, ExitStatus::kPagesFailed);
  EXPECT_EQ(outcome.pages_failed, 1);
  EXPECT_NE(outcome.error.find("1 of 2 pages failed (page 2: engine exploded)"), std::string::npos)
      << outcome.error;
  EXPECT_EQ(summary.Status(), ExitStatus::kPagesFailed);
  const RunSummary::Counts counts = summary.IssueCounts();
  EXPECT_EQ(counts.ok, 0);
  EXPECT_EQ(counts.failed, 0);
  EXPECT_EQ(counts.partial, 1);
  EXPECT_EQ(counts.pages_failed, 1);
  // The readable page is archived; the failed one waits in review.
  const auto record = nlohmann::json::parse(testing::ReadFile(
      dir_ / "archive" / "issues" / outcome.key / "record.json"));
  const auto failed = ReviewItems(record, "page-failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["page"], 2);
  EXPECT_EQ(failed[0]["detail"], "engine exploded");
  EXPECT_EQ(record["pages"][0]["text"], "杭州人大信息\n");
  EXPECT_EQ(record["pages"][1]["text"], "");
  // The run's summary counts it too.
  const auto report = nlohmann::json::parse(testing::ReadFile(summary.summary_file));
  EXPECT_EQ(report["issues"]["partial"], 1);
  EXPECT_EQ(report["pages_failed"], 1);
  ASSERT_EQ(report["failures"].size(), 1u);
  EXPECT_EQ(report["failures"][0]["exit_status"], 11);
}

TEST_F(RunnerTest, AnIssueNoPageOfWhichCouldBeReadFailsWithFailedPages) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  const RunSummary summary = RunIssues({dir_ / "a.pdf"}, Options(1), Fake(/*throw_on_call=*/1));
  ASSERT_EQ(summary.issues.size(), 1u);
  EXPECT_EQ(summary.issues[0].status, ExitStatus::kPagesFailed);
  EXPECT_NE(summary.issues[0].error.find("no page could be read"), std::string::npos);
  EXPECT_EQ(summary.IssueCounts().failed, 1);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "archive" / "issues"));
}

// The page model reads the page; the vote's other models are not installed (a plain CMake
// build without scripts/setup), so the vote stage throws on every page that has an attribution.
class NoVoterModelsEngine : public FakeEngine {
 public:
  using FakeEngine::FakeEngine;
  OcrEngine* Alternate(const std::string& model) override {
    throw QikanError(ExitStatus::kMissingDependency, model, "voter model not installed");
  }
};

TEST_F(RunnerTest, ARefinementStageThatFailsLeavesThePageAsItWasWithAReviewItem) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage(), SmallTextPage()}, 150);
  const std::vector<std::string> lines = {"杭州人大信息", "（建德市人大常委会办公室 唐方媛）"};
  const RunSummary summary = RunIssues({dir_ / "a.pdf"}, Options(1), [&] {
    return std::make_unique<NoVoterModelsEngine>(&calls_, lines);
  });
  ASSERT_EQ(summary.issues.size(), 1u);
  EXPECT_EQ(summary.issues[0].status, ExitStatus::kOk) << summary.issues[0].error;
  const auto record = nlohmann::json::parse(testing::ReadFile(
      dir_ / "archive" / "issues" / summary.issues[0].key / "record.json"));
  ASSERT_EQ(record["pages"].size(), 2u);
  for (const auto& page : record["pages"]) {
    // (the record's text has no spaces between CJK characters)
    EXPECT_EQ(page["text"], "杭州人大信息\n（建德市人大常委会办公室唐方媛）\n");
    EXPECT_NEAR(page["mean_confidence"].get<double>(), 90, 0.01);
  }
  EXPECT_TRUE(ReviewItems(record, "page-failed").empty());
  const auto failed = ReviewItems(record, "stage-failed");
  ASSERT_EQ(failed.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(failed[i]["page"], i + 1);
    const std::string detail = failed[i]["detail"];
    EXPECT_EQ(detail.rfind("vote: ", 0), 0u) << detail;
    EXPECT_NE(detail.find("voter model not installed"), std::string::npos) << detail;
  }
}

// The digits reader (the folio's and the text's numbers) fails on every page: the page keeps
// what OCR read, with a review item naming the stage. (Before, the numbers stage was no
// refinement: its failure emptied the page.)
TEST_F(RunnerTest, ADigitsReaderThatFailsLeavesThePagesTextAndNamesTheStage) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  RunOptions options = Options(1);
  options.page.digits_engine = [](const std::string& model) -> OcrEngine* {
    throw std::runtime_error("digits model " + model + " unreadable");
  };
  const RunSummary summary = RunIssues({dir_ / "a.pdf"}, options, Fake());
  ASSERT_EQ(summary.issues.size(), 1u);
  EXPECT_EQ(summary.issues[0].status, ExitStatus::kOk) << summary.issues[0].error;
  const auto record = nlohmann::json::parse(testing::ReadFile(
      dir_ / "archive" / "issues" / summary.issues[0].key / "record.json"));
  ASSERT_EQ(record["pages"].size(), 1u);
  EXPECT_EQ(record["pages"][0]["text"], "杭州人大信息\n");
  EXPECT_TRUE(ReviewItems(record, "page-failed").empty());
  bool numbers = false;
  for (const auto& item : ReviewItems(record, "stage-failed")) {
    const std::string detail = item["detail"];
    numbers = numbers || detail.rfind("numbers: digits model eng unreadable", 0) == 0;
  }
  EXPECT_TRUE(numbers) << record["review"].dump();
}

TEST_F(RunnerTest, SkipsIssuesAlreadyInTheArchiveUnlessForced) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  RunIssues({dir_ / "a.pdf"}, Options(), Fake());
  std::filesystem::copy_file(dir_ / "a.pdf", dir_ / "a-again.pdf");
  const RunSummary again = RunIssues({dir_ / "a.pdf"}, Options(), Fake());
  ASSERT_EQ(again.issues.size(), 1u);
  EXPECT_TRUE(again.issues[0].skipped);
  EXPECT_EQ(calls_.load(), 1);

  RunOptions forced = Options();
  forced.force = true;
  const RunSummary redone = RunIssues({dir_ / "a.pdf"}, forced, Fake());
  EXPECT_FALSE(redone.issues[0].skipped);
  EXPECT_EQ(calls_.load(), 2);
}

TEST_F(RunnerTest, AForcedRerunKeepsWhatAReviewerCorrected) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage(), SmallTextPage()}, 150);
  const RunSummary first = RunIssues({dir_ / "a.pdf"}, Options(), Fake());
  ASSERT_EQ(first.issues.size(), 1u);
  const std::string key = first.issues[0].key;
  {
    Catalog catalog = Catalog::Open(CatalogPath(dir_ / "archive"));
    ASSERT_TRUE(catalog.AddCorrection(CorrectionRow{.issue_key = key,
                                                    .page = 2,
                                                    .target = "b0.l0",
                                                    .before = "杭州人大信息",
                                                    .after = "杭州人大简报",
                                                    .reviewer = "审校"},
                                      0));
  }
  RunOptions forced = Options();
  forced.force = true;
  const RunSummary redone = RunIssues({dir_ / "a.pdf"}, forced, Fake());
  ASSERT_EQ(redone.issues.size(), 1u);
  EXPECT_EQ(redone.issues[0].status, ExitStatus::kOk);
  const auto record = nlohmann::json::parse(
      testing::ReadFile(dir_ / "archive" / "issues" / key / "record.json"));
  EXPECT_EQ(record["pages"][0]["text"], "杭州人大信息\n");
  EXPECT_EQ(record["pages"][1]["text"], "杭州人大简报\n");
  bool from_reviewer = false;
  for (const auto& correction : record["corrections"]) {
    from_reviewer |= correction["source"] == "reviewer:审校" && correction["page"] == 2;
  }
  EXPECT_TRUE(from_reviewer) << record["corrections"].dump();
  EXPECT_TRUE(record["corrections"].back().contains("at")) << record["corrections"].dump();
  // The OCR as read stays as read.
  EXPECT_NE(testing::ReadFile(dir_ / "archive" / "issues" / key / "pages" / "0002.json")
                .find("杭州人大信息"),
            std::string::npos);
}

TEST_F(RunnerTest, TheSameInputTwiceInOneRunIsProcessedOnce) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  const RunSummary summary = RunIssues({dir_ / "a.pdf", dir_ / "a.pdf"}, Options(), Fake());
  ASSERT_EQ(summary.issues.size(), 2u);
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_TRUE(summary.issues[0].skipped != summary.issues[1].skipped);
}

TEST_F(RunnerTest, OneBadInputDoesNotStopTheOthers) {
  testing::WriteImagePdf(dir_ / "good.pdf", {SmallTextPage()}, 150);
  testing::WriteFile(dir_ / "bad.pdf", "<html>not a pdf</html>");
  testing::WriteImagePdf(dir_ / "blank.pdf", {BlankPage(), BlankPage()}, 150);
  const RunSummary summary = RunIssues(
      {dir_ / "bad.pdf", dir_ / "good.pdf", dir_ / "blank.pdf"}, Options(), Fake());
  ASSERT_EQ(summary.issues.size(), 3u);
  EXPECT_EQ(summary.issues[0].status, ExitStatus::kInputInvalid);
  EXPECT_NE(summary.issues[0].error.find("bad.pdf"), std::string::npos);
  EXPECT_EQ(summary.issues[1].status, ExitStatus::kOk);
  EXPECT_EQ(summary.issues[2].status, ExitStatus::kInputEmpty);
  EXPECT_NE(summary.issues[2].error.find("blank"), std::string::npos);
  EXPECT_EQ(summary.Status(), ExitStatus::kSeveralFailures);

  int committed = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(dir_ / "archive" / "issues")) {
    EXPECT_TRUE(std::filesystem::exists(entry.path() / "record.json"));
    ++committed;
  }
  EXPECT_EQ(committed, 1);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "archive" / "tmp"));
}

TEST_F(RunnerTest, AnEngineThatCannotLoadStopsTheRunBeforeAnyPageIsRead) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  EngineFactory broken = []() -> std::unique_ptr<OcrEngine> {
    throw QikanError(ExitStatus::kMissingDependency, "chi_sim", "model not found");
  };
  try {
    RunIssues({dir_ / "a.pdf"}, Options(), broken);
    FAIL() << "expected QikanError";
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kMissingDependency);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "archive" / "issues"));
}

TEST_F(RunnerTest, LeftoversOfACrashedRunAreClearedAndAnIssueIsReplacedWhole) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  std::filesystem::create_directories(dir_ / "archive" / "tmp" / "a-deadbeef.123.0");
  RunOptions options = Options();
  const RunSummary first = RunIssues({dir_ / "a.pdf"}, options, Fake());
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "archive" / "tmp"));

  options.force = true;
  const RunSummary second = RunIssues({dir_ / "a.pdf"}, options, Fake());
  EXPECT_EQ(first.issues[0].key, second.issues[0].key);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "archive" / "tmp"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "archive" / "issues" / first.issues[0].key / "record.json"));
}

TEST(IssueKey, IsTheInputNameAndTheStartOfItsHash) {
  EXPECT_EQ(IssueKey("/x/2025 第5期.pdf", "0123456789abcdef"), "2025_第5期-01234567");
  EXPECT_EQ(IssueKey("scans/issue-711/", "fedcba9876543210"), "issue-711-fedcba98");
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

TEST(SelectProfiles, AllOrTheOneNamedAndAnUnknownNameIsAUsageError) {
  const std::string folder = testing::SourcePath("models/profiles");
  EXPECT_FALSE(SelectProfiles(folder, "").empty());
  const auto one = SelectProfiles(folder, "hangzhou-renda-xinxi");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].id, "hangzhou-renda-xinxi");
  try {
    SelectProfiles(folder, "no-such-paper");
    FAIL() << "expected QikanError";
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kUsage);
    EXPECT_NE(std::string(e.what()).find("no-such-paper"), std::string::npos);
  }
}

}  // namespace
}  // namespace qikan
