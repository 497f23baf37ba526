// issue.pdf end to end: qikan run on the degraded sample (pages skewed up to 3 degrees, one upside
// down), the real Tesseract; the PDF read back as the record has it, over the scan's own images.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "models/record.h"
#include "tests/pipeline/pdf_tools.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::Dehyphenated;
using testing::ImageList;
using testing::Lines;
using testing::PageText;
using testing::Quote;
using testing::Shell;

constexpr const char* kSample = "samples/seed-2025-05-degraded-200.pdf";

// One run of the sample, shared by the checks.
class SearchablePdfSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    const std::string command = testing::BinaryPath("pipeline/qikan") + " run " +
                                Quote(testing::SourcePath(kSample)) + " --archive " +
                                Quote(*dir_ / "archive") + " --jobs 2 > /dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
    for (const auto& entry : fs::directory_iterator(*dir_ / "archive" / "issues")) issue_ = entry.path();
    std::ifstream in(issue_ / "record.json");
    record_ = new IssueRecord(nlohmann::json::parse(in).get<IssueRecord>());
  }
  static void TearDownTestSuite() {
    delete record_;
    delete dir_;
  }
  static testing::TempDir* dir_;
  static fs::path issue_;
  static IssueRecord* record_;
};
testing::TempDir* SearchablePdfSample::dir_ = nullptr;
fs::path SearchablePdfSample::issue_;
IssueRecord* SearchablePdfSample::record_ = nullptr;

TEST_F(SearchablePdfSample, EachPageReadsAsTheRecordOverTheScansImages) {
  const fs::path pdf = issue_ / "issue.pdf";
  ASSERT_TRUE(fs::exists(pdf));
  ASSERT_EQ(record_->pages.size(), 13u);
  for (const PageRecord& page : record_->pages) {
    EXPECT_EQ(Dehyphenated(Lines(PageText(pdf, page.index))), Dehyphenated(Lines(page.text)))
        << page.index;
  }
  EXPECT_EQ(ImageList(pdf), ImageList(testing::SourcePath(kSample)));
  const testing::Output check = Shell("qpdf --check " + Quote(pdf));
  EXPECT_EQ(check.status, 0) << check.text;
  EXPECT_NE(Shell("pdfinfo -enc UTF-8 " + Quote(pdf)).text.find("杭州人大信息 2025年第5期（总第711期）"),
            std::string::npos);
  // Page 7 went in upside down: shown turned, its image as scanned.
  EXPECT_EQ(record_->pages[6].rotation, 180);
  EXPECT_TRUE(std::regex_search(Shell("pdfinfo -f 7 -l 7 " + Quote(pdf)).text,
                                std::regex("Page +7 rot: +180")));
  for (const auto& item : record_->review) EXPECT_NE(item.reason, "deliverable-failed") << item.detail;
}

}  // namespace
}  // namespace qikan
