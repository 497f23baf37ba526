// The qikan command end to end: the real binary, the real Tesseract, files on disk.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>

#include "models/text.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) { return "'" + s + "'"; }

Result RunQikan(const TempDir& dir, const std::string& args) {
  const std::string binary = testing::BinaryPath("pipeline/qikan");
  const std::string command = Quote(binary) + " " + args + " >" + Quote((dir / "out").string()) +
                              " 2>" + Quote((dir / "err").string());
  const int raw = std::system(command.c_str());
  return Result{.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1,
                .out = ReadFile(dir / "out"),
                .err = ReadFile(dir / "err")};
}

const std::vector<std::string> kPageLines = {
    "市人大常委会依法行权助力打造人工智能创新高地",
    "建德市人大常委会聚焦燃气安全难题，在全力推进",
    "管道燃气进村入户工作的基础上，强化监督履职。",
};

cv::Mat TextPage() {
  testing::TextPageSpec spec;
  spec.lines = kPageLines;
  spec.width = 1240;  // A4 at 150 dpi
  spec.height = 1754;
  spec.margin = 120;
  spec.glyph_px = 34;
  return testing::DrawTextPage(spec);
}

cv::Mat BlankPage() { return cv::Mat(1754, 1240, CV_8UC1, cv::Scalar(255)); }

void Encrypt(const fs::path& in, const fs::path& out) {
  QPDF pdf;
  pdf.processFile(in.c_str());
  QPDFWriter writer(pdf, out.c_str());
  writer.setR6EncryptionParameters("user-secret", "owner-secret", true, true, true, true, true,
                                   true, qpdf_r3p_full, true);
  writer.write();
}

class CliTest : public ::testing::Test {
 protected:
  std::string Archive() const { return Quote((dir_ / "archive").string()); }
  int CommittedIssues() const {
    if (!fs::exists(dir_ / "archive" / "issues")) return 0;
    int n = 0;
    for (const auto& entry : fs::directory_iterator(dir_ / "archive" / "issues")) {
      EXPECT_TRUE(fs::exists(entry.path() / "record.json")) << entry.path();
      EXPECT_TRUE(fs::exists(entry.path() / "text.txt")) << entry.path();
      ++n;
    }
    return n;
  }
  void ExpectNothingHalfWritten() const {
    if (fs::exists(dir_ / "archive" / "tmp")) EXPECT_TRUE(fs::is_empty(dir_ / "archive" / "tmp"));
  }
  // A bad input alone: its status, one error line naming it and the reason, nothing archived.
  void ExpectRejected(const fs::path& input, int status, const std::string& reason,
                      const std::string& extra_args = "") {
    const Result r = RunQikan(dir_, "run " + Quote(input.string()) + " --archive " + Archive() +
                                        " --jobs 1 " + extra_args);
    EXPECT_EQ(r.status, status) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("qikan: error: " + input.string() + ": ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
    EXPECT_EQ(CommittedIssues(), 0);
    ExpectNothingHalfWritten();
  }
  TempDir dir_;
};

TEST_F(CliTest, HelpDocumentsCommandsAndExitStatuses) {
  const Result r = RunQikan(dir_, "run --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--archive"), std::string::npos);
  EXPECT_NE(r.out.find("--jobs"), std::string::npos);
  EXPECT_NE(r.out.find("Exit status"), std::string::npos);
}

TEST_F(CliTest, BadCommandLineExitsOne) {
  EXPECT_EQ(RunQikan(dir_, "run").status, 1);
  EXPECT_EQ(RunQikan(dir_, "frobnicate").status, 1);
}

TEST_F(CliTest, OcrsAScannedPdfIntoTheArchive) {
  testing::WriteImagePdf(dir_ / "issue.pdf", {TextPage(), BlankPage()}, 150);
  const Result r =
      RunQikan(dir_, "run " + Quote((dir_ / "issue.pdf").string()) + " --archive " + Archive());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("ok ", 0), 0u) << r.out;
  ASSERT_EQ(CommittedIssues(), 1);
  const fs::path issue = fs::directory_iterator(dir_ / "archive" / "issues")->path();
  const auto record = nlohmann::json::parse(ReadFile(issue / "record.json"));
  EXPECT_EQ(record["schema"], "qikan.issue/1");
  EXPECT_EQ(record["source"]["file"], (dir_ / "issue.pdf").string());
  EXPECT_EQ(record["source"]["pages"], 2);
  ASSERT_EQ(record["pages"].size(), 2u);
  const auto& page = record["pages"][0];
  EXPECT_EQ(page["index"], 1);
  EXPECT_NEAR(page["dpi"].get<double>(), 150, 0.5);
  EXPECT_EQ(page["width"], 1240);
  EXPECT_EQ(page["height"], 1754);
  EXPECT_GT(page["mean_confidence"].get<double>(), 80);
  std::string truth;
  for (const auto& line : kPageLines) truth += line + "\n";
  const std::string text = page["text"];
  EXPECT_LT(CharacterErrorRate(truth, text), 0.05) << text;
  EXPECT_EQ(text.find("市 人"), std::string::npos) << "spaces between CJK characters: " << text;
  EXPECT_EQ(record["pages"][1]["text"], "");
  EXPECT_EQ(ReadFile(issue / "text.txt"), text + "\f");
  // The page as read is kept beside its OCR, the size the boxes were measured on.
  const cv::Mat kept = cv::imread((issue / "pages" / "0001.jpg").string(), cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept.channels(), 1);
  EXPECT_EQ(kept.cols, 1240);
  EXPECT_EQ(kept.rows, 1754);
  ExpectNothingHalfWritten();

  const Result again =
      RunQikan(dir_, "run " + Quote((dir_ / "issue.pdf").string()) + " --archive " + Archive());
  EXPECT_EQ(again.status, 0);
  EXPECT_EQ(again.out.rfind("skip ", 0), 0u) << again.out;
}

TEST_F(CliTest, MissingPath) {
  ExpectRejected(dir_ / "nowhere.pdf", 2, "no such file");
}

TEST_F(CliTest, TextFileNamedPdf) {
  WriteFile(dir_ / "notes.pdf", "Minutes of the meeting\n");
  ExpectRejected(dir_ / "notes.pdf", 3, "not a PDF");
}

TEST_F(CliTest, TruncatedPdf) {
  testing::WriteImagePdf(dir_ / "whole.pdf", {TextPage(), TextPage()}, 150);
  const std::string bytes = ReadFile(dir_ / "whole.pdf");
  WriteFile(dir_ / "cut.pdf", bytes.substr(0, bytes.size() / 3));
  ExpectRejected(dir_ / "cut.pdf", 3, "damaged");
}

TEST_F(CliTest, EncryptedPdf) {
  testing::WriteImagePdf(dir_ / "open.pdf", {TextPage()}, 150);
  Encrypt(dir_ / "open.pdf", dir_ / "locked.pdf");
  ExpectRejected(dir_ / "locked.pdf", 4, "encrypted");
}

TEST_F(CliTest, PdfWithoutPages) {
  WriteFile(dir_ / "empty.pdf", testing::BuildPdf({"<< /Type /Catalog /Pages 2 0 R >>",
                                                   "<< /Type /Pages /Kids [] /Count 0 >>"}));
  ExpectRejected(dir_ / "empty.pdf", 5, "no pages");
}

TEST_F(CliTest, PdfOfBlankPages) {
  testing::WriteImagePdf(dir_ / "blank.pdf", {BlankPage(), BlankPage()}, 150);
  ExpectRejected(dir_ / "blank.pdf", 5, "blank");
}

TEST_F(CliTest, UnreadableImage) {
  WriteFile(dir_ / "page.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(200, '\x5a'));
  ExpectRejected(dir_ / "page.png", 3, "page.png");
}

TEST_F(CliTest, HugePage) {
  testing::WriteImagePdf(dir_ / "big.pdf", {TextPage()}, 150);
  ExpectRejected(dir_ / "big.pdf", 6, "limit", "--max-page-mpx 0.5");
}

TEST_F(CliTest, GoodInputsAreArchivedWhenOthersFail) {
  testing::WriteImagePdf(dir_ / "good.pdf", {TextPage()}, 150);
  WriteFile(dir_ / "bad.pdf", "not a pdf at all");
  const Result r = RunQikan(dir_, "run " + Quote((dir_ / "bad.pdf").string()) + " " +
                                      Quote((dir_ / "good.pdf").string()) + " " +
                                      Quote((dir_ / "missing.tif").string()) + " --archive " +
                                      Archive());
  EXPECT_EQ(r.status, 9) << r.err;  // two different failures
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
  EXPECT_NE(r.err.find("bad.pdf"), std::string::npos);
  EXPECT_NE(r.err.find("missing.tif"), std::string::npos);
  EXPECT_EQ(CommittedIssues(), 1);
  ExpectNothingHalfWritten();
}

TEST_F(CliTest, MissingModelIsItsOwnFailure) {
  testing::WriteImagePdf(dir_ / "good.pdf", {TextPage()}, 150);
  fs::create_directories(dir_ / "no-models");
  const Result r = RunQikan(dir_, "run " + Quote((dir_ / "good.pdf").string()) + " --archive " +
                                      Archive() + " --tessdata " +
                                      Quote((dir_ / "no-models").string()));
  EXPECT_EQ(r.status, 7) << r.err;
  EXPECT_NE(r.err.find("chi_sim"), std::string::npos) << r.err;
  EXPECT_EQ(CommittedIssues(), 0);
}

// A models folder like the source tree's, without the vote's npm model (a plain CMake build
// where scripts/install-ocr-model never ran).
fs::path ModelsWithoutVoters(const fs::path& dir) {
  const fs::path models = dir / "models";
  fs::create_directories(models / "ocr");
  fs::copy_file(testing::SourcePath("models/ocr/manifest.json"), models / "ocr" / "manifest.json");
  fs::copy(testing::SourcePath("models/profiles"), models / "profiles", fs::copy_options::recursive);
  return models;
}

TEST_F(CliTest, AMissingVoterModelStopsTheRunBeforeAnyPageNamingTheFileAndItsInstaller) {
  testing::WriteImagePdf(dir_ / "good.pdf", {TextPage()}, 150);
  const fs::path models = ModelsWithoutVoters(dir_.path());
  const Result r = RunQikan(dir_, "run " + Quote((dir_ / "good.pdf").string()) + " --archive " +
                                      Archive() + " --models " + Quote(models.string()));
  EXPECT_EQ(r.status, 7) << r.err;
  EXPECT_NE(r.err.find((models / "ocr" / "voters" / "npm-4.0.0" / "chi_sim.traineddata").string()),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("scripts/install-ocr-model"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");  // no issue line: nothing was read
  EXPECT_FALSE(fs::exists(dir_ / "archive"));  // not even the archive was opened
  // A --models folder that is not one is refused, not passed over.
  const Result wrong = RunQikan(dir_, "run " + Quote((dir_ / "good.pdf").string()) +
                                          " --archive " + Archive() + " --models " +
                                          Quote((dir_ / "nowhere").string()));
  EXPECT_EQ(wrong.status, 7) << wrong.err;
  EXPECT_NE(wrong.err.find("nowhere"), std::string::npos) << wrong.err;
}

TEST_F(CliTest, AnInstalledQikanRunsWithTheModelsInstalledBesideIt) {
  const fs::path prefix = dir_ / "prefix";
  const std::string install = "cmake --install " + Quote(testing::BinaryPath("")) + " --prefix " +
                              Quote(prefix.string()) + " >" + Quote((dir_ / "install.log").string()) +
                              " 2>&1";
  ASSERT_EQ(std::system(install.c_str()), 0) << ReadFile(dir_ / "install.log");
  ASSERT_TRUE(fs::exists(prefix / "bin" / "qikan"));
  EXPECT_TRUE(fs::exists(prefix / "share" / "qikan" / "models" / "ocr" / "manifest.json"));
  EXPECT_TRUE(fs::exists(prefix / "share" / "qikan" / "models" / "profiles"));
  EXPECT_TRUE(fs::exists(prefix / "share" / "qikan" / "models" / "ocr" / "voters" / "npm-4.0.0" /
                         "chi_sim.traineddata"));

  testing::WriteImagePdf(dir_ / "issue.pdf", {TextPage()}, 150);
  const std::string command = "cd " + Quote(dir_.path().string()) + " && env -u QIKAN_MODELS " +
                              Quote((prefix / "bin" / "qikan").string()) +
                              " --log-level info run issue.pdf --archive archive >out 2>err";
  const int raw = std::system(command.c_str());
  const std::string err = ReadFile(dir_ / "err");
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), 0) << err;
  EXPECT_EQ(ReadFile(dir_ / "out").rfind("ok ", 0), 0u) << ReadFile(dir_ / "out");
  EXPECT_NE(err.find("models: " + (prefix / "share" / "qikan" / "models").string() + " (installed)"),
            std::string::npos)
      << err;
  EXPECT_EQ(CommittedIssues(), 1);
}

TEST_F(CliTest, SearchAndShowReadTheCatalogOfARun) {
  testing::WriteImagePdf(dir_ / "issue.pdf", {TextPage()}, 150);
  const Result run =
      RunQikan(dir_, "run " + Quote((dir_ / "issue.pdf").string()) + " --archive " + Archive());
  ASSERT_EQ(run.status, 0) << run.err;
  ASSERT_TRUE(fs::exists(dir_ / "archive" / "catalog.sqlite"));
  const std::string key = fs::directory_iterator(dir_ / "archive" / "issues")->path().filename();

  // One page of prose has no articles or briefs the parser recognises; search must still answer.
  const Result search = RunQikan(dir_, "search 燃气 --archive " + Archive());
  EXPECT_EQ(search.status, 0) << search.err;
  const Result json = RunQikan(dir_, "search 燃气 安全 --archive " + Archive() +
                                         " --from 2020 --to 2030-12 --limit 5 --json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_TRUE(nlohmann::json::parse(json.out).is_array()) << json.out;
  EXPECT_EQ(RunQikan(dir_, "search 燃气 --archive " + Archive() + " --from 2025-7").status, 1);

  const Result show = RunQikan(dir_, "show " + key + " --archive " + Archive());
  ASSERT_EQ(show.status, 0) << show.err;
  EXPECT_NE(show.out.find(key), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("Articles"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("Review items"), std::string::npos) << show.out;
  const Result record = RunQikan(dir_, "show " + key + " --archive " + Archive() + " --json");
  ASSERT_EQ(record.status, 0) << record.err;
  EXPECT_EQ(nlohmann::json::parse(record.out)["schema"], "qikan.issue/1");

  const Result unknown = RunQikan(dir_, "show nothing-00000000 --archive " + Archive());
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("nothing-00000000"), std::string::npos) << unknown.err;
}

TEST_F(CliTest, SearchShowAndReviewWithoutAnArchiveExitTwo) {
  const std::string nowhere = Quote((dir_ / "nowhere").string());
  Result r = RunQikan(dir_, "search 燃气 --archive " + nowhere);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("no archive"), std::string::npos) << r.err;
  fs::create_directories(dir_ / "archive");
  r = RunQikan(dir_, "show some-key --archive " + Archive());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no catalog"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "archive" / "catalog.sqlite"));
  EXPECT_EQ(RunQikan(dir_, "search --help").status, 0);
  // Review neither serves nor makes an archive where there is none.
  r = RunQikan(dir_, "review --port 0 --archive " + nowhere);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("no archive"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "nowhere"));
  r = RunQikan(dir_, "review --port 0 --archive " + Archive());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no catalog"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "archive" / "catalog.sqlite"));
}

TEST_F(CliTest, ASecondRunOnALockedArchiveExitsTen) {
  testing::WriteImagePdf(dir_ / "issue.pdf", {TextPage()}, 150);
  fs::create_directories(dir_ / "archive");
  const int fd = ::open((dir_ / "archive" / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ASSERT_EQ(::write(fd, "4242\n", 5), 5);
  const Result r =
      RunQikan(dir_, "run " + Quote((dir_ / "issue.pdf").string()) + " --archive " + Archive());
  ::close(fd);
  EXPECT_EQ(r.status, 10) << r.err;
  EXPECT_NE(r.err.find("another qikan run is using this archive (pid 4242)"), std::string::npos)
      << r.err;
  EXPECT_EQ(CommittedIssues(), 0);
}


TEST_F(CliTest, AnInboxTreeDryRunThenQuarantiningRun) {
  const fs::path inbox = dir_ / "inbox";
  fs::create_directories(inbox / "sub");
  testing::WriteImagePdf(inbox / "good.pdf", {TextPage()}, 150);
  WriteFile(inbox / "sub" / "bad.pdf", "not a pdf at all");
  WriteFile(inbox / "notes.txt", "not a scan");
  const std::string run = "run " + Quote(inbox.string()) + " --archive " + Archive();

  const Result dry = RunQikan(dir_, run + " --dry-run");
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_EQ(dry.out.rfind("new ", 0), 0u) << dry.out;
  EXPECT_NE(dry.out.find("FAILED  input-invalid"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("2 inputs: 1 new, 0 already in the archive, 1 failing"),
            std::string::npos)
      << dry.out;
  EXPECT_EQ(dry.out.find("notes.txt"), std::string::npos) << dry.out;
  EXPECT_FALSE(fs::exists(dir_ / "archive")) << "a dry run writes nothing";

  const Result r = RunQikan(dir_, run + " --quarantine");
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.out.find("ok      good-"), std::string::npos) << r.out;
  EXPECT_EQ(CommittedIssues(), 1);
  EXPECT_FALSE(fs::exists(inbox / "sub" / "bad.pdf"));
  EXPECT_TRUE(fs::exists(inbox / "notes.txt"));
  int quarantined = 0, summaries = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "archive" / "quarantine")) {
    if (entry.path().filename() == "bad.pdf") {
      ++quarantined;
      EXPECT_EQ(entry.path().parent_path().filename(), "sub");
    }
  }
  EXPECT_EQ(quarantined, 1);
  for (const auto& entry : fs::directory_iterator(dir_ / "archive" / "logs")) {
    if (entry.path().extension() != ".json") continue;
    ++summaries;
    const auto json = nlohmann::json::parse(ReadFile(entry.path()));
    EXPECT_EQ(json["issues"]["ok"], 1);
    EXPECT_EQ(json["issues"]["failed"], 1);
    EXPECT_EQ(json["pages"], 1);
  }
  EXPECT_EQ(summaries, 1);

  const Result again = RunQikan(dir_, run + " --dry-run");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out.rfind("skip ", 0), 0u) << again.out;
  EXPECT_NE(again.out.find("1 inputs: 0 new, 1 already in the archive, 0 failing"),
            std::string::npos)
      << again.out;
}

}  // namespace
}  // namespace qikan
