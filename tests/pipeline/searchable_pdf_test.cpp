// issue.pdf (pipeline/deliverables/searchable_pdf.h): the writer on recorded OCR of the degraded
// sample with a PDF made here, read back with Poppler's and qpdf's tools, as a reader would:
// the text pdftotext extracts is the record's, its words sit on the OCR's boxes, the scan's
// images are untouched, the outline holds the issue's articles; and a review correction reaches
// the PDF's text.
#define POINTERHOLDER_TRANSITION 4

#include "pipeline/deliverables/searchable_pdf.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <opencv2/imgproc.hpp>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFOutlineDocumentHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <regex>
#include <sstream>

#include "models/text.h"
#include "pipeline/review/review.h"
#include "pipeline/run/issue_job.h"
#include "stages/deskew.h"
#include "stages/orientation.h"
#include "tests/pipeline/review_archive.h"
#include <opencv2/imgcodecs.hpp>

#include "tests/pipeline/pdf_tools.h"
#include "tests/support/scan_fixture.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
constexpr int kDpi = 200;
using testing::Dehyphenated;
using testing::ImageList;
using testing::Lines;
using testing::PageText;
using testing::Quote;
using testing::Shell;

// The pages of the scan: white with a grey frame, the size of the recorded OCR's pages.
std::vector<cv::Mat> BlankScans(const std::vector<OcrPage>& pages) {
  std::vector<cv::Mat> scans;
  for (const auto& page : pages) {
    cv::Mat image(page.height, page.width, CV_8UC1, cv::Scalar(255));
    cv::rectangle(image, cv::Rect(40, 40, page.width - 80, page.height - 80), cv::Scalar(90), 6);
    scans.push_back(image);
  }
  return scans;
}

// Recorded OCR of the degraded sample, its record as qikan run makes it, and a scan of its size.
class SearchablePdfTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    pages_ = new std::vector<OcrPage>(
        LoadOcrPages(testing::SourcePath("tests/data/structure/" + std::string(testing::kReviewCase))));
    record_ = new IssueRecord(testing::RecordFromPages(*pages_, "scan.pdf"));
    testing::WriteImagePdf(*dir_ / "scan.pdf", BlankScans(*pages_), kDpi);
    testing::WriteFile(*dir_ / "issue.pdf",
                       SearchablePdf({.record = *record_, .pages = *pages_, .scan = *dir_ / "scan.pdf"}));
  }
  static void TearDownTestSuite() {
    delete record_;
    delete pages_;
    delete dir_;
  }
  static fs::path Pdf() { return *dir_ / "issue.pdf"; }

  static testing::TempDir* dir_;
  static std::vector<OcrPage>* pages_;
  static IssueRecord* record_;
};
testing::TempDir* SearchablePdfTest::dir_ = nullptr;
std::vector<OcrPage>* SearchablePdfTest::pages_ = nullptr;
IssueRecord* SearchablePdfTest::record_ = nullptr;

TEST_F(SearchablePdfTest, PdftotextReadsEachPageAsTheRecordHasIt) {
  ASSERT_EQ(record_->pages.size(), 13u);
  for (const PageRecord& page : record_->pages) {
    const std::vector<std::string> expected = Dehyphenated(Lines(page.text));
    const std::vector<std::string> read = Dehyphenated(Lines(PageText(Pdf(), page.index)));
    EXPECT_EQ(read, expected) << "page " << page.index;
  }
}

TEST_F(SearchablePdfTest, NoSpaceBetweenChineseCharactersLatinWordsKeepTheirs) {
  const std::u32string all = ToU32(Shell("pdftotext -enc UTF-8 " + Quote(Pdf()) + " -").text);
  size_t cjk_pairs = 0;
  for (size_t i = 1; i + 1 < all.size(); ++i) {
    if (all[i] == U' ') EXPECT_FALSE(IsCjk(all[i - 1]) && IsCjk(all[i + 1])) << i;
    cjk_pairs += IsCjk(all[i - 1]) && IsCjk(all[i]);
  }
  EXPECT_GT(cjk_pairs, 5000u);
  // The masthead's 第 5 期 and the colophon's phone number keep the record's spacing.
  EXPECT_NE(PageText(Pdf(), 1).find("杭州人大信息"), std::string::npos);
}

TEST_F(SearchablePdfTest, ChineseWordIsFoundOnItsPage) {
  int found = 0;
  for (const PageRecord& page : record_->pages) {
    if (page.text.find("燃气") == std::string::npos) continue;
    ++found;
    EXPECT_NE(PageText(Pdf(), page.index).find("燃气"), std::string::npos) << page.index;
  }
  EXPECT_GT(found, 0);
}

// pdftotext -bbox's words (points, y down) in the OCR's pixels.
struct BoxWord {
  std::string text;
  double x_min, y_min, x_max, y_max;
};
std::vector<BoxWord> BboxWords(const fs::path& pdf, int page, double dpi) {
  const std::string html =
      Shell(fmt::format("pdftotext -bbox -enc UTF-8 -f {0} -l {0} {1} -", page, Quote(pdf))).text;
  static const std::regex word(
      R"re(<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>)re");
  std::vector<BoxWord> words;
  const double k = dpi / 72;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), word); it != std::sregex_iterator();
       ++it) {
    words.push_back({(*it)[5], std::stod((*it)[1]) * k, std::stod((*it)[2]) * k,
                     std::stod((*it)[3]) * k, std::stod((*it)[4]) * k});
  }
  return words;
}

// Each word pdftotext finds begins at an OCR word's left edge and ends at an OCR word's right
// edge (a run of CJK words reads as one word), and spans the height of the line(s) those words
// are on (a record line the layout joined from two OCR lines of one row is set at their common
// height).
TEST_F(SearchablePdfTest, WordBoxesLieOnTheOcrBoxesWithinTwoPixels) {
  constexpr double kPx = 2;
  size_t checked = 0;
  for (size_t p = 0; p < pages_->size(); ++p) {
    for (const BoxWord& found : BboxWords(Pdf(), static_cast<int>(p + 1), kDpi)) {
      // Of the lines with a word at the found word's edge, the one it overlaps most.
      std::optional<Box> left_line, right_line;
      double left_overlap = 0, right_overlap = 0;
      for (const auto& block : (*pages_)[p].blocks) {
        for (const auto& line : block.lines) {
          const double overlap = std::min<double>(found.y_max, line.box.Bottom()) -
                                 std::max<double>(found.y_min, line.box.y);
          for (const auto& word : line.words) {
            if (std::abs(found.x_min - word.box.x) <= kPx && overlap > left_overlap) {
              left_line = line.box;
              left_overlap = overlap;
            }
            if (std::abs(found.x_max - word.box.Right()) <= kPx && overlap > right_overlap) {
              right_line = line.box;
              right_overlap = overlap;
            }
          }
        }
      }
      ASSERT_TRUE(left_line && right_line)
          << "page " << p + 1 << ": " << found.text << " at x " << found.x_min << "-" << found.x_max;
      const int top = std::min(left_line->y, right_line->y);
      const int bottom = std::max(left_line->Bottom(), right_line->Bottom());
      EXPECT_NEAR(found.y_min, top, kPx) << "page " << p + 1 << ": " << found.text;
      EXPECT_NEAR(found.y_max, bottom, kPx) << "page " << p + 1 << ": " << found.text;
      ++checked;
    }
  }
  EXPECT_GT(checked, 250u);
}

TEST_F(SearchablePdfTest, TheScansImagesAreCopiedByteForByte) {
  const std::string input = ImageList(*dir_ / "scan.pdf");
  EXPECT_EQ(std::count(input.begin(), input.end(), '\n'), 13);
  EXPECT_EQ(ImageList(Pdf()), input);
  fs::create_directories(*dir_ / "in");
  fs::create_directories(*dir_ / "out");
  ASSERT_EQ(Shell("pdfimages -all " + Quote(*dir_ / "scan.pdf") + " " + Quote(*dir_ / "in/i")).status, 0);
  ASSERT_EQ(Shell("pdfimages -all " + Quote(Pdf()) + " " + Quote(*dir_ / "out/i")).status, 0);
  size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(*dir_ / "in")) {
    const fs::path out = *dir_ / "out" / entry.path().filename();
    ASSERT_TRUE(fs::exists(out)) << out;
    EXPECT_EQ(testing::ReadFile(out), testing::ReadFile(entry.path())) << out;
    ++compared;
  }
  EXPECT_EQ(compared, 13u);
}

TEST_F(SearchablePdfTest, QpdfFindsNothingWrong) {
  const testing::Output check = Shell("qpdf --check " + Quote(Pdf()));
  EXPECT_EQ(check.status, 0) << check.text;
  EXPECT_NE(check.text.find("No syntax or stream encoding errors found"), std::string::npos)
      << check.text;
}

TEST_F(SearchablePdfTest, MetadataNamesTheIssue) {
  EXPECT_EQ(IssueTitle(*record_), "杭州人大信息 2025年第5期（总第711期）");
  const std::string info = Shell("pdfinfo -enc UTF-8 " + Quote(Pdf())).text;
  EXPECT_NE(info.find("Title:           杭州人大信息 2025年第5期（总第711期）"), std::string::npos) << info;
  EXPECT_NE(info.find("Pages:           13"), std::string::npos) << info;
  const std::string xmp = Shell("pdfinfo -meta " + Quote(Pdf())).text;
  EXPECT_NE(xmp.find("<pdfaid:part>2</pdfaid:part>"), std::string::npos) << xmp;
  EXPECT_NE(xmp.find("<dc:date><rdf:Seq><rdf:li>2025-07-11</rdf:li>"), std::string::npos) << xmp;
  const std::string fonts = Shell("pdffonts " + Quote(Pdf())).text;
  EXPECT_NE(fonts.find("GlyphLessFont                        CID TrueType      Identity-H       yes no  yes"), std::string::npos) << fonts;
}

// The page (1-based) each outline item's destination is, by title, depth first.
std::multimap<std::string, int> Outline(const fs::path& pdf) {
  QPDF qpdf;
  qpdf.processFile(pdf.c_str());
  std::map<QPDFObjGen, int> page_numbers;
  int n = 0;
  for (auto& page : QPDFPageDocumentHelper(qpdf).getAllPages()) {
    page_numbers[page.getObjectHandle().getObjGen()] = ++n;
  }
  QPDFOutlineDocumentHelper outlines(qpdf);
  std::multimap<std::string, int> items;
  std::function<void(std::vector<QPDFOutlineObjectHelper>)> walk =
      [&](std::vector<QPDFOutlineObjectHelper> level) {
        for (auto& item : level) {
          items.emplace(item.getTitle(), page_numbers[item.getDestPage().getObjGen()]);
          walk(item.getKids());
        }
      };
  walk(outlines.getTopLevelOutlines());
  return items;
}

TEST_F(SearchablePdfTest, OutlineListsEveryTocArticleAtItsStartPage) {
  const std::multimap<std::string, int> outline = Outline(Pdf());
  size_t listed = 0;
  for (const TocEntry& entry : record_->toc) {
    if (!entry.title) continue;
    const auto article = std::find_if(record_->articles.begin(), record_->articles.end(),
                                      [&](const Article& a) { return a.title == *entry.title; });
    ASSERT_NE(article, record_->articles.end()) << *entry.title;
    const auto item = outline.find(*entry.title);
    ASSERT_NE(item, outline.end()) << *entry.title;
    EXPECT_EQ(item->second, article->start_page) << *entry.title;
    ASSERT_NE(outline.find(entry.column), outline.end()) << entry.column;
    ++listed;
  }
  EXPECT_EQ(listed, 7u);  // the seed issue has seven titled entries
}

// A rebuild from the archived issue.pdf: its images, the new text only.
TEST_F(SearchablePdfTest, RebuildReplacesTheTextLayerOnTheArchivedPages) {
  testing::TempDir archived;
  fs::copy_file(Pdf(), archived / "issue.pdf");
  std::vector<OcrPage> pages = *pages_;
  IssueRecord record = *record_;
  const testing::WordAt at = testing::FindWord(pages[3], "聚焦燃气", "燃气");
  ASSERT_GE(at.block, 0);
  OcrLine& line = pages[3].blocks[static_cast<size_t>(at.block)].lines[static_cast<size_t>(at.line)];
  line.words[static_cast<size_t>(at.word)].text = "煤气";
  line.RebuildFromWords();
  ParseIssueStructure(pages, LoadProfiles(testing::SourcePath("models/profiles")), {}, record);
  ASSERT_NE(record.pages[3].text, record_->pages[3].text);
  const std::string rebuilt = SearchablePdf({.record = record, .pages = pages, .archived = archived.path()});
  testing::WriteFile(archived / "rebuilt.pdf", rebuilt);
  EXPECT_EQ(Dehyphenated(Lines(PageText(archived / "rebuilt.pdf", 4))),
            Dehyphenated(Lines(record.pages[3].text)));
  EXPECT_EQ(ImageList(archived / "rebuilt.pdf"), ImageList(Pdf()));
  EXPECT_EQ(Shell("qpdf --check " + Quote(archived / "rebuilt.pdf")).status, 0);
}

TEST_F(SearchablePdfTest, WithoutScanOrPdfThePageImagesAreUsed) {
  testing::TempDir archived;
  fs::create_directories(archived / "pages");
  for (size_t i = 0; i < pages_->size(); ++i) {
    testing::WriteFile(archived / fmt::format("pages/{:04d}.jpg", i + 1), testing::PageJpeg((*pages_)[i]));
  }
  testing::WriteFile(archived / "issue.pdf",
                     SearchablePdf({.record = *record_, .pages = *pages_, .archived = archived.path()}));
  EXPECT_EQ(Dehyphenated(Lines(PageText(archived / "issue.pdf", 2))),
            Dehyphenated(Lines(record_->pages[1].text)));
  const std::string list = ImageList(archived / "issue.pdf");
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 13);
}

TEST_F(SearchablePdfTest, AnImageScanIsEmbeddedLosslesslyUnderTheSameTextLayer) {
  // A folder of page images (PNG here, lossless): the pages are the scan's pixels, grey, at its
  // resolution, and pdftotext reads the record's text from them as from a PDF scan.
  testing::TempDir scan;
  const std::vector<cv::Mat> images = BlankScans(*pages_);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(cv::imwrite((scan / fmt::format("page{}.png", i + 1)).string(), images[i]));
  }
  IssueRecord three = *record_;
  three.pages.resize(3);
  const std::vector<OcrPage> ocr(pages_->begin(), pages_->begin() + 3);
  testing::WriteFile(scan / "issue.pdf",
                     SearchablePdf({.record = three, .pages = ocr, .scan = scan.path()}));
  for (const PageRecord& page : three.pages) {
    EXPECT_EQ(Dehyphenated(Lines(PageText(scan / "issue.pdf", page.index))),
              Dehyphenated(Lines(page.text)))
        << "page " << page.index;
  }
  const std::string list = ImageList(scan / "issue.pdf");
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 3) << list;
  EXPECT_NE(list.find(fmt::format(" {} {} gray 1 8 image", images[0].cols, images[0].rows)),
            std::string::npos)
      << list;
  // The image drawn is the scan's, pixel for pixel.
  const auto rendered = Shell("pdfimages -f 1 -l 1 -png " + Quote(scan / "issue.pdf") + " " +
                              Quote(scan / "out"));
  ASSERT_EQ(rendered.status, 0);
  const cv::Mat back = cv::imread((scan / "out-000.png").string(), cv::IMREAD_GRAYSCALE);
  ASSERT_EQ(back.size(), images[0].size());
  EXPECT_EQ(cv::countNonZero(back != images[0]), 0);
  EXPECT_EQ(Shell("qpdf --check " + Quote(scan / "issue.pdf")).status, 0);
}

TEST_F(SearchablePdfTest, AJpegPageIsShownAsTheJpegItCameAs) {
  testing::TempDir scan;
  const std::vector<cv::Mat> images = BlankScans(*pages_);
  std::vector<std::string> files;
  for (size_t i = 0; i < 2; ++i) {
    const fs::path path = scan / fmt::format("page{}.jpg", i + 1);
    ASSERT_TRUE(cv::imwrite(path.string(), images[i]));
    files.push_back(testing::ReadFile(path));
  }
  IssueRecord two = *record_;
  two.pages.resize(2);
  const std::vector<OcrPage> ocr(pages_->begin(), pages_->begin() + 2);
  testing::WriteFile(scan / "issue.pdf",
                     SearchablePdf({.record = two, .pages = ocr, .scan = scan.path()}));
  EXPECT_EQ(Dehyphenated(Lines(PageText(scan / "issue.pdf", 2))),
            Dehyphenated(Lines(two.pages[1].text)));
  const std::string list = ImageList(scan / "issue.pdf");
  EXPECT_NE(list.find(" gray 1 8 jpeg"), std::string::npos) << list;
  ASSERT_EQ(Shell("pdfimages -all " + Quote(scan / "issue.pdf") + " " + Quote(scan / "out")).status, 0);
  EXPECT_EQ(testing::ReadFile(scan / "out-000.jpg"), files[0]);
  EXPECT_EQ(testing::ReadFile(scan / "out-001.jpg"), files[1]);
}

TEST_F(SearchablePdfTest, NothingToBuildOnIsAnError) {
  EXPECT_THROW(SearchablePdf({.record = *record_, .pages = *pages_}), std::runtime_error);
}

// The mapping from the OCR's pixels back onto the scan, against the page job's own stages: a
// mark drawn on the scan is turned and deskewed as the page job does it, found on the level
// page, given a word there, and the word must come out of the PDF over the mark on the scan.
TEST(SearchablePdfGeometry, WordOnATurnedDeskewedPageLandsOnTheScansMark) {
  for (const int rotation : {0, 90, 180, 270}) {
    for (const double skew : {0.0, 2.5, -1.2}) {
      testing::TempDir dir;
      const cv::Size scan_size = rotation % 180 ? cv::Size(1169, 827) : cv::Size(827, 1169);
      cv::Mat scan(scan_size, CV_8UC1, cv::Scalar(255));
      // One character's square on the scan as the scanner saw it (Poppler boxes a tilted word
      // from its first character's baseline, so a long word's box is off by its half length
      // times the tilt's sine: one character keeps that under a pixel).
      const cv::Rect mark(200, 300, 30, 30);
      cv::rectangle(scan, mark, cv::Scalar(0), cv::FILLED);
      const cv::Mat level = ApplyDeskew(TurnClockwise(scan, rotation), {.degrees = skew});
      const cv::Rect found = cv::boundingRect(level < 128);
      // The word is the mark as the level page shows it (its bounding box, which a skew widens).
      OcrPage page{.width = level.cols, .height = level.rows};
      OcrWord word{.text = "A", .box = {.x = found.x, .y = found.y, .width = found.width,
                                         .height = found.height}, .confidence = 90};
      page.blocks.push_back({.box = word.box, .lines = {{.text = "A", .box = word.box,
                                                         .confidence = 90, .words = {word}}}});
      IssueRecord record;
      record.pages.push_back({.index = 1, .dpi = 100, .width = level.cols, .height = level.rows,
                              .rotation = rotation, .skew_degrees = skew, .text = "A\n"});
      testing::WriteImagePdf(dir / "scan.pdf", {scan}, 100);
      const std::vector<OcrPage> pages = {page};
      testing::WriteFile(dir / "out.pdf",
                         SearchablePdf({.record = record, .pages = pages, .scan = dir / "scan.pdf"}));
      const std::vector<BoxWord> words = BboxWords(dir / "out.pdf", 1, 100);
      ASSERT_EQ(words.size(), 1u) << rotation << " " << skew;
      EXPECT_EQ(words[0].text, "A");
      // The page is shown turned as the page job turned it (/Rotate): the mark where the turned
      // scan has it, and the word's centre on the mark's (the centre is what turns keep).
      const cv::Rect shown = cv::boundingRect(TurnClockwise(scan, rotation) < 128);
      const double cx = (words[0].x_min + words[0].x_max) / 2, cy = (words[0].y_min + words[0].y_max) / 2;
      EXPECT_NEAR(cx, shown.x + shown.width / 2.0, 2) << rotation << " " << skew;
      EXPECT_NEAR(cy, shown.y + shown.height / 2.0, 2) << rotation << " " << skew;
      EXPECT_TRUE(std::regex_search(Shell("pdfinfo " + Quote(dir / "out.pdf")).text,
                                    std::regex(fmt::format("Page rot: +{}\n", rotation))));
      // Rebuilt on the archived issue.pdf, turned back to the scan's own /Rotate first: the same.
      fs::rename(dir / "out.pdf", dir / "issue.pdf");
      testing::WriteFile(dir / "again.pdf",
                         SearchablePdf({.record = record, .pages = pages, .archived = dir.path()}));
      const std::vector<BoxWord> again = BboxWords(dir / "again.pdf", 1, 100);
      ASSERT_EQ(again.size(), 1u);
      EXPECT_NEAR(again[0].x_min, words[0].x_min, 0.01);
      EXPECT_NEAR(again[0].y_min, words[0].y_min, 0.01);
    }
  }
}

// A reviewer's word correction, through RebuildIssue, reaches the archived issue.pdf.
TEST(SearchablePdfReview, ACorrectionChangesThePdfsText) {
  const fs::path dir = testing::FreshDir("searchable_pdf_review");
  {
    Archive archive(dir);
    Catalog catalog = Catalog::Open(CatalogPath(dir));
    const int64_t run = catalog.BeginRun("test", "{}");
    const std::vector<OcrPage> pages =
        LoadOcrPages(testing::SourcePath("tests/data/structure/" + std::string(testing::kReviewCase)));
    const IssueRecord record = testing::RecordFromPages(pages, "scan.pdf");
    testing::WriteImagePdf(dir / "scan.pdf", BlankScans(pages), kDpi);
    archive.CommitIssue(testing::kReviewKey, record, pages, {}, dir / "scan.pdf");
    catalog.CommitIssue(run, testing::kReviewKey, record, "settings",
                        "issues/" + std::string(testing::kReviewKey) + "/record.json");
    const fs::path pdf = archive.IssueDir(testing::kReviewKey) / "issue.pdf";
    ASSERT_TRUE(fs::exists(pdf));
    const std::string before = PageText(pdf, 4);
    ASSERT_NE(before.find("燃气"), std::string::npos);

    const testing::WordAt at = testing::FindWord(pages[3], "聚焦燃气", "燃气");
    ASSERT_GE(at.block, 0);
    ASSERT_TRUE(catalog.AddCorrection({.issue_key = testing::kReviewKey, .page = 4, .target = at.Id(),
                                       .before = "燃气", .after = "煤气", .reviewer = "wang"}, 0));
    const RebuiltIssue rebuilt = RebuildIssue(archive, catalog, testing::kReviewKey,
                                              LoadProfiles(testing::SourcePath("models/profiles")));
    const std::string after = PageText(pdf, 4);
    EXPECT_NE(after, before);
    EXPECT_EQ(Dehyphenated(Lines(after)), Dehyphenated(Lines(rebuilt.record.pages[3].text)));
    EXPECT_EQ(ImageList(pdf), ImageList(dir / "scan.pdf"));
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace qikan
