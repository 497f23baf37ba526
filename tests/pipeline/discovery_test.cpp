// Discovery of the issues in an inbox tree, on temporary trees.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "pipeline/run/discovery.h"
#include "tests/support/scan_fixture.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

void Touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  WriteFile(path, "x");
}

cv::Mat Gray() { return cv::Mat(40, 30, CV_8UC1, cv::Scalar(200)); }

void WriteTiff(const fs::path& path, int pages) {
  fs::create_directories(path.parent_path());
  std::vector<cv::Mat> images(static_cast<size_t>(pages), Gray());
  ASSERT_TRUE(cv::imwritemulti(path.string(), images));
}

std::vector<std::string> Relative(const std::vector<fs::path>& paths, const fs::path& base) {
  std::vector<std::string> out;
  for (const auto& path : paths) out.push_back(path.lexically_relative(base).generic_string());
  return out;
}

TEST(DiscoveryTest, WalksAnInboxTree) {
  TempDir dir;
  const fs::path inbox = dir / "inbox";
  Touch(inbox / "issue-10.pdf");
  Touch(inbox / "issue-9.PDF");
  Touch(inbox / "notes.txt");
  Touch(inbox / "letter.docx");
  WriteTiff(inbox / "tiffs" / "issue-12.tif", 3);
  Touch(inbox / "2024" / "issue-711" / "page10.png");
  Touch(inbox / "2024" / "issue-711" / "page2.png");
  Touch(inbox / "2024" / "issue-711" / "readme.txt");
  Touch(inbox / "2024" / "issue-712" / "p1.jpg");
  Touch(inbox / "2024" / "issue-713.pdf");
  Touch(inbox / ".hidden" / "secret.pdf");
  Touch(inbox / ".partial.pdf");
  Touch(inbox / "empty-folder" / "notes.txt");
  const std::vector<fs::path> found = DiscoverInputs({inbox}, dir / "archive");
  EXPECT_EQ(Relative(found, inbox),
            (std::vector<std::string>{"issue-9.PDF", "issue-10.pdf", "2024/issue-713.pdf",
                                      "2024/issue-711", "2024/issue-712", "tiffs/issue-12.tif"}));
}

TEST(DiscoveryTest, SkipsTheArchiveNestedInTheInbox) {
  TempDir dir;
  const fs::path inbox = dir / "inbox";
  Touch(inbox / "a.pdf");
  Touch(inbox / "archive" / "quarantine" / "2026-01-01" / "bad.pdf");
  Touch(inbox / "archive" / "issues" / "a-1234" / "pages" / "0001.png");
  EXPECT_EQ(Relative(DiscoverInputs({inbox}, inbox / "archive"), inbox),
            (std::vector<std::string>{"a.pdf"}));
  // The archive given by another spelling of the same folder.
  EXPECT_EQ(Relative(DiscoverInputs({inbox}, inbox / "x" / ".." / "archive"), inbox),
            (std::vector<std::string>{"a.pdf"}));
}

TEST(DiscoveryTest, AFolderOfPageImagesIsOneIssue) {
  TempDir dir;
  const fs::path folder = dir / "issue-711";
  Touch(folder / "001.png");
  Touch(folder / "002.png");
  WriteTiff(folder / "003.tif", 1);  // a one-page TIFF is a page
  const std::vector<fs::path> found = DiscoverInputs({folder}, dir / "archive");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], folder);
}

TEST(DiscoveryTest, AFileRootIsOneIssueWhateverItIs) {
  TempDir dir;
  Touch(dir / "a.pdf");
  Touch(dir / "b.txt");
  const std::vector<fs::path> found =
      DiscoverInputs({dir / "a.pdf", dir / "b.txt", dir / "missing.pdf", dir / "a.pdf"},
                     dir / "archive");
  EXPECT_EQ(found, (std::vector<fs::path>{dir / "a.pdf", dir / "b.txt", dir / "missing.pdf"}));
}

TEST(DiscoveryTest, ImagesBesideIssueFoldersAreNotAnIssue) {
  TempDir dir;
  const fs::path inbox = dir / "inbox";
  Touch(inbox / "stray.png");
  Touch(inbox / "issue-1" / "1.png");
  Touch(inbox / "issue-2.pdf");
  EXPECT_EQ(Relative(DiscoverInputs({inbox}, dir / "archive"), inbox),
            (std::vector<std::string>{"issue-2.pdf", "issue-1"}));
  // A folder whose subfolder holds images is not itself a folder of pages.
  TempDir dir2;
  Touch(dir2 / "top" / "cover.png");
  Touch(dir2 / "top" / "inner" / "1.png");
  EXPECT_EQ(Relative(DiscoverInputs({dir2 / "top"}, dir2 / "archive"), dir2.path()),
            (std::vector<std::string>{"top/inner"}));
}

TEST(DiscoveryTest, EmptyOrTextOnlyInboxFindsNothing) {
  TempDir dir;
  Touch(dir / "inbox" / "readme.txt");
  fs::create_directories(dir / "inbox" / "empty");
  EXPECT_TRUE(DiscoverInputs({dir / "inbox"}, dir / "archive").empty());
}

// The warnings written while it lives, one per line.
class WarningLog {
 public:
  WarningLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%v");
    auto logger = std::make_shared<spdlog::logger>("discovery-test", sink);
    logger->set_level(spdlog::level::warn);
    spdlog::set_default_logger(logger);
  }
  ~WarningLog() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

TEST(DiscoveryTest, SymbolicLinkLoopsAreSkippedWithOneWarningAndNoFolderIsWalkedTwice) {
  TempDir dir;
  const fs::path inbox = dir / "inbox";
  Touch(inbox / "a.pdf");
  Touch(inbox / "b" / "1.png");
  Touch(inbox / "b" / "2.png");
  Touch(inbox / "c" / "x.pdf");
  Touch(dir / "elsewhere" / "y.pdf");
  fs::create_directory_symlink(".", inbox / "self");
  fs::create_directory_symlink("..", inbox / "loop");  // above the inbox: it holds the inbox
  fs::create_directory_symlink("c", inbox / "z-alias");  // a second path to c
  fs::create_directory_symlink(".", inbox / "b" / ".self");  // hidden: never looked at
  WarningLog log;
  const std::vector<fs::path> found = DiscoverInputs({inbox}, dir / "archive");
  EXPECT_EQ(Relative(found, inbox), (std::vector<std::string>{"a.pdf", "b", "c/x.pdf"}));
  const std::vector<std::string> warnings = log.Lines();
  ASSERT_EQ(warnings.size(), 1u) << ::testing::PrintToString(warnings);
  EXPECT_NE(warnings[0].find("loop, self"), std::string::npos) << warnings[0];
}

TEST(DiscoveryTest, AFolderLinkedFromInsideAFolderOfPagesIsStillAFolderOfPages) {
  TempDir dir;
  const fs::path issue = dir / "inbox" / "issue-5";
  Touch(issue / "1.png");
  Touch(issue / "2.png");
  fs::create_directory_symlink(".", issue / "again");
  fs::create_directory_symlink("../..", issue / "up");
  WarningLog log;
  EXPECT_EQ(Relative(DiscoverInputs({dir / "inbox"}, dir / "archive"), dir / "inbox"),
            (std::vector<std::string>{"issue-5"}));
  EXPECT_EQ(log.Lines().size(), 1u);
}

TEST(DiscoveryTest, FoldersDeeperThanTheBoundAreNotWalked) {
  TempDir dir;
  fs::path deep = dir / "inbox";
  for (int i = 0; i <= kMaxDiscoveryDepth; ++i) deep /= "d";
  Touch(deep.parent_path() / "shallow.pdf");
  Touch(deep / "too-deep.pdf");
  WarningLog log;
  const std::vector<fs::path> found = DiscoverInputs({dir / "inbox"}, dir / "archive");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].filename(), "shallow.pdf");
  ASSERT_EQ(log.Lines().size(), 1u);
  EXPECT_NE(log.Lines()[0].find("not walked"), std::string::npos);
}

TEST(DiscoveryTest, NaturalOrder) {
  EXPECT_TRUE(NaturalLess("page2", "page10"));
  EXPECT_FALSE(NaturalLess("page10", "page2"));
  EXPECT_TRUE(NaturalLess("a", "b"));
  EXPECT_TRUE(NaturalLess("issue-9.PDF", "issue-10.pdf"));
}

}  // namespace
}  // namespace qikan
