// The runner with the archive's catalog and lock: what a nightly batch relies on.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "pipeline/archive/catalog.h"
#include "pipeline/run/discovery.h"
#include "pipeline/archive/hash.h"
#include "pipeline/run/runner.h"
#include "tests/support/fake_ocr.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::FakeEngine;
using testing::SmallTextPage;
using testing::TempDir;



class BatchTest : public ::testing::Test {
 protected:
  fs::path Archive() const { return dir_ / "archive"; }
  RunOptions Options() const {
    RunOptions options;
    options.archive = Archive();
    options.jobs = 2;
    return options;
  }
  EngineFactory Fake() {
    return [this] {
      return std::make_unique<FakeEngine>(
          &calls_, std::vector<std::string>{"杭州人大信息", "建德市人大常委会聚焦燃气安全难题"});
    };
  }
  RunSummary RunOne(const fs::path& input) { return RunIssues({input}, Options(), Fake()); }
  Catalog OpenCatalog() const { return Catalog::Open(CatalogPath(Archive())); }

  TempDir dir_;
  std::atomic<int> calls_{0};
};

TEST_F(BatchTest, ARunCatalogsItsIssueAndInput) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage(), SmallTextPage()}, 150);
  const RunSummary summary = RunOne(dir_ / "a.pdf");
  ASSERT_EQ(summary.issues.size(), 1u);
  ASSERT_EQ(summary.issues[0].status, ExitStatus::kOk) << summary.issues[0].error;
  const std::string key = summary.issues[0].key;
  const std::string sha = Sha256OfInput(dir_ / "a.pdf");

  const Catalog catalog = OpenCatalog();
  const auto issue = catalog.FindIssue(key);
  ASSERT_TRUE(issue.has_value());
  EXPECT_EQ(issue->sha256, sha);
  EXPECT_EQ(issue->pages, 2);
  EXPECT_EQ(issue->settings_hash, SettingsHash(Options()));
  EXPECT_EQ(issue->record_path, "issues/" + key + "/record.json");
  EXPECT_EQ(issue->pipeline_version, QIKAN_VERSION);
  ASSERT_TRUE(issue->run_id.has_value());
  EXPECT_EQ(catalog.Issues().size(), 1u);

  const auto input = catalog.FindInput(sha);
  ASSERT_TRUE(input.has_value());
  EXPECT_EQ(input->status, InputStatus::kDone);
  EXPECT_EQ(input->issue_key, key);
  EXPECT_EQ(input->last_seen_path, (dir_ / "a.pdf").string());
  EXPECT_TRUE(catalog.CheckAgainstArchive(Archive(), CheckDepth::kContent).empty());
}

TEST_F(BatchTest, TheSettingsHashFollowsTheOptionsThatShapeTheRecord) {
  RunOptions a = Options();
  RunOptions b = Options();
  b.jobs = 7;
  b.force = true;
  EXPECT_EQ(SettingsHash(a), SettingsHash(b));
  b.rasterize.render_dpi = 200;
  EXPECT_NE(SettingsHash(a), SettingsHash(b));
  b = Options();
  b.tesseract.page_segmentation_mode = 6;
  EXPECT_NE(SettingsHash(a), SettingsHash(b));
  b = Options();
  b.tesseract.language = "chi_tra";
  EXPECT_NE(SettingsHash(a), SettingsHash(b));
  EXPECT_EQ(SettingsHash(a).size(), 64u);
}

// A record is stale when the model file it was read with is another, even under the same
// language name, and when the clean-up before OCR was another.
TEST_F(BatchTest, TheSettingsHashCoversTheModelFileLoadedAndTheCleanup) {
  const fs::path models = dir_ / "tessdata";
  fs::create_directories(models);
  testing::WriteFile(models / "chi_sim.traineddata", "model one");
  RunOptions a = Options();
  a.tesseract.tessdata_dir = models;
  const std::string first = SettingsHash(a);
  EXPECT_EQ(SettingsHash(a), first);

  testing::WriteFile(models / "chi_sim.traineddata", "model two");
  const std::string second = SettingsHash(a);
  EXPECT_NE(second, first);
  testing::WriteFile(models / "chi_sim.traineddata", "model one");  // installed again, same bytes
  EXPECT_EQ(SettingsHash(a), first);

  RunOptions b = a;
  b.page.cleanup.remove_dark_edges = !a.page.cleanup.remove_dark_edges;
  EXPECT_NE(SettingsHash(b), first);
  b = a;
  b.page.cleanup.speckle_max_em = a.page.cleanup.speckle_max_em + 0.05;
  EXPECT_NE(SettingsHash(b), first);
  b = a;
  b.tesseract.variables = {{"user_words_file", "words.txt"}};
  EXPECT_NE(SettingsHash(b), first);
}

TEST_F(BatchTest, TheSettingsHashCoversTheVotersAndTheirModelFiles) {
  const fs::path models = dir_ / "voter";
  fs::create_directories(models);
  testing::WriteFile(models / "chi_sim.traineddata", "voter one");
  RunOptions a = Options();
  a.page.vote.voters = {{"", 1.0}, {"chi_sim@" + models.string(), 1.0}};
  const std::string first = SettingsHash(a);
  testing::WriteFile(models / "chi_sim.traineddata", "voter two");
  EXPECT_NE(SettingsHash(a), first);
  testing::WriteFile(models / "chi_sim.traineddata", "voter one");
  EXPECT_EQ(SettingsHash(a), first);
  RunOptions b = a;
  b.page.vote.voters[1].scale = 1.3;
  EXPECT_NE(SettingsHash(b), first);
  b = a;
  b.page.folio.digits_model = "chi_sim";  // another model reads the page numbers
  EXPECT_NE(SettingsHash(b), first);
}

TEST_F(BatchTest, ARunOnALockedArchiveStopsWithLocked) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  fs::create_directories(Archive());
  // flock locks belong to the open file description: this one conflicts with the runner's own.
  const int fd = ::open((Archive() / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ASSERT_EQ(::write(fd, "4242\n", 5), 5);
  try {
    RunOne(dir_ / "a.pdf");
    ADD_FAILURE() << "expected QikanError(kLocked)";
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kLocked);
    EXPECT_NE(std::string(e.what()).find("pid 4242"), std::string::npos) << e.what();
    EXPECT_EQ(e.file(), Archive().string());
  }
  EXPECT_EQ(calls_.load(), 0);
  EXPECT_FALSE(fs::exists(Archive() / "issues") && !fs::is_empty(Archive() / "issues"));
  ::close(fd);  // released: the next run goes ahead and writes its own pid

  const RunSummary summary = RunOne(dir_ / "a.pdf");
  EXPECT_EQ(summary.Status(), ExitStatus::kOk);
  EXPECT_EQ(testing::ReadFile(Archive() / ".lock"), std::to_string(::getpid()) + "\n");
}

TEST_F(BatchTest, ARenamedCopyOfAnInputIsSkippedByItsContent) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  const RunSummary first = RunOne(dir_ / "a.pdf");
  ASSERT_EQ(calls_.load(), 1);
  fs::copy_file(dir_ / "a.pdf", dir_ / "renamed.pdf");

  const RunSummary again = RunOne(dir_ / "renamed.pdf");
  ASSERT_EQ(again.issues.size(), 1u);
  EXPECT_EQ(again.issues[0].status, ExitStatus::kOk);
  EXPECT_TRUE(again.issues[0].skipped);
  EXPECT_EQ(again.issues[0].key, first.issues[0].key);
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_EQ(std::distance(fs::directory_iterator(Archive() / "issues"), fs::directory_iterator()),
            1);

  const auto input = OpenCatalog().FindInput(Sha256OfInput(dir_ / "a.pdf"));
  ASSERT_TRUE(input.has_value());
  EXPECT_EQ(input->path, (dir_ / "a.pdf").string());
  EXPECT_EQ(input->last_seen_path, (dir_ / "renamed.pdf").string());
  EXPECT_EQ(input->issue_key, first.issues[0].key);
}

TEST_F(BatchTest, AStaleIssueIsRedoneInPlaceOnlyWhenAsked) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  const RunSummary first = RunOne(dir_ / "a.pdf");
  ASSERT_EQ(calls_.load(), 1);

  RunOptions other = Options();
  other.rasterize.render_dpi = 200;  // other settings: the record is stale
  const RunSummary unasked = RunIssues({dir_ / "a.pdf"}, other, Fake());
  EXPECT_TRUE(unasked.issues[0].skipped);
  EXPECT_EQ(calls_.load(), 1);

  other.reprocess_stale = true;
  const RunSummary redone = RunIssues({dir_ / "a.pdf"}, other, Fake());
  EXPECT_FALSE(redone.issues[0].skipped);
  EXPECT_EQ(redone.issues[0].key, first.issues[0].key);
  EXPECT_EQ(calls_.load(), 2);
  EXPECT_EQ(OpenCatalog().FindIssue(first.issues[0].key)->settings_hash, SettingsHash(other));

  const RunSummary fresh = RunIssues({dir_ / "a.pdf"}, other, Fake());  // now up to date
  EXPECT_TRUE(fresh.issues[0].skipped);
  EXPECT_EQ(calls_.load(), 2);
  EXPECT_EQ(std::distance(fs::directory_iterator(Archive() / "issues"), fs::directory_iterator()),
            1);
}

TEST_F(BatchTest, TwoNamesForTheSameContentInOneRunAreProcessedOnce) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  fs::copy_file(dir_ / "a.pdf", dir_ / "b.pdf");
  const RunSummary summary = RunIssues({dir_ / "a.pdf", dir_ / "b.pdf"}, Options(), Fake());
  ASSERT_EQ(summary.issues.size(), 2u);
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_FALSE(summary.issues[0].skipped);
  EXPECT_TRUE(summary.issues[1].skipped);
  EXPECT_EQ(summary.issues[0].key, summary.issues[1].key);
}

TEST_F(BatchTest, ForceRedoesARenamedCopy) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  RunOne(dir_ / "a.pdf");
  fs::copy_file(dir_ / "a.pdf", dir_ / "renamed.pdf");
  RunOptions forced = Options();
  forced.force = true;
  const RunSummary summary = RunIssues({dir_ / "renamed.pdf"}, forced, Fake());
  EXPECT_FALSE(summary.issues[0].skipped);
  EXPECT_EQ(calls_.load(), 2);
}

TEST_F(BatchTest, FailuresAreRecordedInTheCatalog) {
  testing::WriteFile(dir_ / "bad.pdf", "<html>not a pdf</html>");
  const RunSummary summary =
      RunIssues({dir_ / "bad.pdf", dir_ / "missing.pdf"}, Options(), Fake());
  ASSERT_EQ(summary.issues.size(), 2u);
  EXPECT_EQ(summary.issues[0].status, ExitStatus::kInputInvalid);
  EXPECT_EQ(summary.issues[1].status, ExitStatus::kInputMissing);

  const Catalog catalog = OpenCatalog();
  const auto bad = catalog.FindInput(Sha256OfInput(dir_ / "bad.pdf"));
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status, InputStatus::kFailed);
  EXPECT_EQ(bad->exit_status, ExitStatus::kInputInvalid);
  EXPECT_FALSE(bad->error.empty());
  EXPECT_FALSE(bad->issue_key.has_value());
  EXPECT_TRUE(catalog.Issues().empty());

  // Fixed and dropped again under the same name: it is processed, and the row says done.
  testing::WriteImagePdf(dir_ / "bad.pdf", {SmallTextPage()}, 150);
  const RunSummary fixed = RunOne(dir_ / "bad.pdf");
  EXPECT_EQ(fixed.Status(), ExitStatus::kOk);
  EXPECT_EQ(OpenCatalog().FindInput(Sha256OfInput(dir_ / "bad.pdf"))->status, InputStatus::kDone);
}

TEST_F(BatchTest, ALostCatalogIsRebuiltFromTheArchiveWithoutReadingAgain) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  const RunSummary first = RunOne(dir_ / "a.pdf");
  ASSERT_EQ(calls_.load(), 1);
  const std::string key = first.issues[0].key;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(CatalogPath(Archive()).string() + suffix);
  }

  const RunSummary again = RunOne(dir_ / "a.pdf");
  EXPECT_TRUE(again.issues[0].skipped);
  EXPECT_EQ(calls_.load(), 1);
  const Catalog catalog = OpenCatalog();
  const auto issue = catalog.FindIssue(key);
  ASSERT_TRUE(issue.has_value());
  EXPECT_EQ(issue->pages, 1);
  const auto input = catalog.FindInput(Sha256OfInput(dir_ / "a.pdf"));
  ASSERT_TRUE(input.has_value());
  EXPECT_EQ(input->issue_key, key);
}

TEST_F(BatchTest, AnIssueFolderTheCatalogMissedIsImportedAtTheStart) {
  // A crash between renaming the folder into place and committing it to the catalog: here, a
  // second archive's folder copied in behind the catalog's back.
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  testing::WriteImagePdf(dir_ / "b.pdf", {SmallTextPage(), SmallTextPage()}, 150);
  RunOne(dir_ / "a.pdf");
  RunOptions other = Options();
  other.archive = dir_ / "other";
  const RunSummary b = RunIssues({dir_ / "b.pdf"}, other, Fake());
  fs::copy(other.archive / "issues" / b.issues[0].key, Archive() / "issues" / b.issues[0].key,
           fs::copy_options::recursive);
  ASSERT_FALSE(OpenCatalog().FindIssue(b.issues[0].key).has_value());

  const int calls = calls_.load();
  const RunSummary again = RunOne(dir_ / "b.pdf");
  EXPECT_TRUE(again.issues[0].skipped);
  EXPECT_EQ(calls_.load(), calls);
  EXPECT_TRUE(OpenCatalog().FindIssue(b.issues[0].key).has_value());
  EXPECT_EQ(OpenCatalog().Issues().size(), 2u);
}

TEST_F(BatchTest, AnIssueFolderSwappedBehindTheCatalogsBackIsReindexedAtTheStart) {
  // A forced rerun that crashed after swapping the folder, before committing to the catalog.
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage()}, 150);
  const std::string key = RunOne(dir_ / "a.pdf").issues[0].key;
  const fs::path record_path = Archive() / "issues" / key / "record.json";
  auto record = nlohmann::json::parse(testing::ReadFile(record_path));
  record["issue"]["title"] = "杭州人大信息（改）";
  testing::WriteFile(record_path, record.dump());
  ASSERT_EQ(OpenCatalog().CheckAgainstArchive(Archive(), CheckDepth::kContent).stale,
            std::vector<std::string>{key});

  const int calls = calls_.load();
  EXPECT_TRUE(RunOne(dir_ / "a.pdf").issues[0].skipped);
  EXPECT_EQ(calls_.load(), calls);
  const Catalog catalog = OpenCatalog();
  EXPECT_TRUE(catalog.CheckAgainstArchive(Archive(), CheckDepth::kContent).empty());
  EXPECT_EQ(catalog.FindIssue(key)->title, "杭州人大信息（改）");
}


TEST_F(BatchTest, ABadInputIsQuarantinedWhileTheRestOfTheBatchSucceeds) {
  const fs::path inbox = dir_ / "inbox";
  fs::create_directories(inbox / "2024");
  testing::WriteImagePdf(inbox / "good.pdf", {SmallTextPage()}, 150);
  testing::WriteFile(inbox / "2024" / "bad.pdf", "not a pdf at all");
  // A bad file of the same name already in today's quarantine: not overwritten.
  RunOptions options = Options();
  options.quarantine = true;
  options.input_roots = {inbox};
  const std::vector<fs::path> inputs = DiscoverInputs({inbox}, Archive());
  ASSERT_EQ(inputs.size(), 2u);
  const RunSummary first = RunIssues(inputs, options, Fake());
  ASSERT_EQ(first.issues.size(), 2u);
  EXPECT_EQ(first.issues[1].status, ExitStatus::kInputInvalid);
  EXPECT_EQ(first.issues[0].status, ExitStatus::kOk) << first.issues[0].error;
  EXPECT_FALSE(fs::exists(inbox / "2024" / "bad.pdf"));
  EXPECT_TRUE(fs::exists(inbox / "good.pdf"));
  const fs::path moved = first.issues[1].quarantined_to;
  ASSERT_FALSE(moved.empty());
  EXPECT_TRUE(fs::exists(moved));
  EXPECT_EQ(moved.filename(), "bad.pdf");
  EXPECT_EQ(moved.parent_path().filename(), "2024");  // the path under the inbox kept
  EXPECT_EQ(moved.parent_path().parent_path().parent_path(), Archive() / "quarantine");
  const auto row = OpenCatalog().FindInput(Sha256OfInput(moved));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->status, InputStatus::kQuarantined);

  // The same bad file dropped again: quarantined beside the first, not over it.
  testing::WriteFile(inbox / "2024" / "bad.pdf", "not a pdf at all");
  const RunSummary second = RunIssues(DiscoverInputs({inbox}, Archive()), options, Fake());
  ASSERT_EQ(second.issues.size(), 2u);
  EXPECT_EQ(second.issues[0].skipped, true);
  const fs::path moved_again = second.issues[1].quarantined_to;
  ASSERT_FALSE(moved_again.empty());
  EXPECT_NE(moved_again, moved);
  EXPECT_TRUE(fs::exists(moved));
  EXPECT_TRUE(fs::exists(moved_again));
  EXPECT_EQ(moved_again.filename(), "bad (2).pdf");
}

TEST_F(BatchTest, WithoutQuarantineAFailedInputStaysInPlace) {
  testing::WriteFile(dir_ / "bad.pdf", "not a pdf at all");
  const RunSummary summary = RunOne(dir_ / "bad.pdf");
  ASSERT_EQ(summary.issues.size(), 1u);
  EXPECT_EQ(summary.issues[0].status, ExitStatus::kInputInvalid);
  EXPECT_TRUE(summary.issues[0].quarantined_to.empty());
  EXPECT_TRUE(fs::exists(dir_ / "bad.pdf"));
  EXPECT_FALSE(fs::exists(Archive() / "quarantine"));
}

TEST_F(BatchTest, EachRunWritesALogAndAJsonSummary) {
  testing::WriteImagePdf(dir_ / "a.pdf", {SmallTextPage(), SmallTextPage()}, 150);
  testing::WriteImagePdf(dir_ / "b.pdf", {SmallTextPage()}, 150);
  testing::WriteFile(dir_ / "bad.pdf", "not a pdf at all");
  RunIssues({dir_ / "a.pdf"}, Options(), Fake());
  const RunSummary summary =
      RunIssues({dir_ / "a.pdf", dir_ / "b.pdf", dir_ / "bad.pdf"}, Options(), Fake());
  ASSERT_FALSE(summary.summary_file.empty());
  ASSERT_TRUE(fs::exists(summary.summary_file));
  EXPECT_EQ(summary.summary_file.parent_path(), Archive() / "logs");
  EXPECT_TRUE(summary.summary_file.filename().string().starts_with("run-"));
  ASSERT_FALSE(summary.log_file.empty());
  ASSERT_TRUE(fs::exists(summary.log_file));
  EXPECT_EQ(summary.log_file.stem(), summary.summary_file.stem());
  const std::string log = testing::ReadFile(summary.log_file);
  EXPECT_NE(log.find("bad.pdf"), std::string::npos) << log;

  const nlohmann::json json = nlohmann::json::parse(testing::ReadFile(summary.summary_file));
  EXPECT_EQ(json.at("run_id").get<int64_t>(), summary.run_id);
  EXPECT_EQ(json.at("issues").at("ok"), 1);
  EXPECT_EQ(json.at("issues").at("skipped"), 1);
  EXPECT_EQ(json.at("issues").at("failed"), 1);
  EXPECT_EQ(json.at("pages"), 1);
  EXPECT_EQ(json.at("jobs"), 2);
  ASSERT_EQ(json.at("failures").size(), 1u);
  EXPECT_EQ(json.at("failures")[0].at("input"), (dir_ / "bad.pdf").string());
  EXPECT_EQ(json.at("failures")[0].at("status"), ExitStatusName(ExitStatus::kInputInvalid));
  EXPECT_FALSE(json.at("failures")[0].at("error").get<std::string>().empty());
  for (const char* key : {"started_at", "finished_at", "seconds", "pages_per_minute",
                          "stage_seconds"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_TRUE(json.at("stage_seconds").contains("ocr")) << json.dump();
  // One summary per run.
  size_t summaries = 0;
  for (const auto& entry : fs::directory_iterator(Archive() / "logs")) {
    summaries += entry.path().extension() == ".json";
  }
  EXPECT_EQ(summaries, 2u);
}

}  // namespace
}  // namespace qikan
