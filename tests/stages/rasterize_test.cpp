// qpdf 11 deprecates its PointerHolder in favour of std::shared_ptr; opt in to the new API.
#define POINTERHOLDER_TRANSITION 4

#include "stages/rasterize.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <opencv2/imgproc.hpp>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>

#include "models/errors.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;

struct PixDeleter {
  void operator()(Pix* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// An A4 page of Chinese text at `dpi`, as a scanner would deliver it.
cv::Mat TextPage(int dpi) {
  return testing::DrawTextPage({.lines = testing::SeedProseLines(20, 24),
                                .glyph_px = dpi / 5,
                                .width = static_cast<int>(210 / 25.4 * dpi + 0.5),
                                .height = static_cast<int>(297 / 25.4 * dpi + 0.5),
                                .margin = dpi * 3 / 4});
}

// A white page with a black box in its top-left quarter, quick to make at any size.
cv::Mat BoxPage(int width, int height) {
  cv::Mat page(height, width, CV_8UC1, cv::Scalar(255));
  cv::rectangle(page, cv::Rect(width / 8, height / 8, width / 4, height / 4), cv::Scalar(0),
                cv::FILLED);
  return page;
}

// A box page with a band of 4 px stripes offset by 2 px, which any slip in byte order within
// Leptonica's 32-bit words scrambles.
cv::Mat StripedPage(int width, int height) {
  cv::Mat page = BoxPage(width, height);
  for (int x = 2; x < width; x += 8) {
    cv::rectangle(page, cv::Rect(x, height / 2, 4, height / 4), cv::Scalar(0), cv::FILLED);
  }
  return page;
}

PixPtr ToPix(const cv::Mat& gray, int dpi) {
  PixPtr pix(pixCreate(gray.cols, gray.rows, 8));
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < gray.rows; ++y) {
    l_uint32* line = pixGetData(pix.get()) + y * wpl;
    for (int x = 0; x < gray.cols; ++x) SET_DATA_BYTE(line, x, gray.at<uchar>(y, x));
  }
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

double MeanAbsDiff(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total());
}

// The mean difference of `page` from `truth`, ignoring what a drift of one pixel explains.
double DriftTolerantDiff(const cv::Mat& page, const cv::Mat& truth) {
  cv::Mat darkest;
  cv::Mat lightest;
  cv::erode(truth, darkest, cv::Mat());
  cv::dilate(truth, lightest, cv::Mat());
  cv::Mat too_dark;
  cv::Mat too_light;
  cv::subtract(darkest, page, too_dark);
  cv::subtract(page, lightest, too_light);
  return (cv::sum(too_dark)[0] + cv::sum(too_light)[0]) / static_cast<double>(page.total());
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string Stream(const std::string& dict_entries, const std::string& data) {
  return "<< " + dict_entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n" +
         data + "\nendstream";
}

// One page of `page_entries` (box, resources, ...) drawn by `content`, then `extra` objects
// numbered from 5.
std::string OnePagePdf(const std::string& page_entries, const std::string& content,
                       const std::vector<std::string>& extra = {}) {
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /Contents 4 0 R " + page_entries + " >>",
      Stream("", content)};
  objects.insert(objects.end(), extra.begin(), extra.end());
  return testing::BuildPdf(objects);
}

std::string GrayImageObject(const cv::Mat& gray) {
  const std::string pixels(gray.ptr<char>(), gray.total());
  return Stream("/Type /XObject /Subtype /Image /Width " + std::to_string(gray.cols) +
                    " /Height " + std::to_string(gray.rows) +
                    " /ColorSpace /DeviceGray /BitsPerComponent 8",
                pixels);
}

// A US Letter page with a black rectangle at (72, 72)-(216, 144) pt, no images.
std::string VectorPdf() {
  return OnePagePdf("/MediaBox [0 0 612 792] /Resources << >>", "0 g 72 72 144 72 re f");
}

class RasterizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "qikan_rasterize_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `pages` as an image-only PDF, each page one image at `dpi`, as scanners write them.
  fs::path WriteImagePdf(const std::string& name, const std::vector<cv::Mat>& pages, int dpi,
                         int encoding) {
    const fs::path path = dir_ / name;
    std::unique_ptr<Pixa, void (*)(Pixa*)> pixa(pixaCreate(0),
                                                 [](Pixa* p) { pixaDestroy(&p); });
    for (const cv::Mat& page : pages) pixaAddPix(pixa.get(), ToPix(page, dpi).release(), L_INSERT);
    EXPECT_EQ(pixaConvertToPdf(pixa.get(), dpi, 1.0, encoding, 75, "test", path.c_str()), 0);
    return path;
  }

  fs::path WriteImage(const std::string& name, const cv::Mat& gray, int dpi, int format) {
    const fs::path path = dir_ / name;
    EXPECT_EQ(pixWrite(path.c_str(), ToPix(gray, dpi).get(), format), 0);
    return path;
  }

  fs::path dir_;
};

// Opens `input` and reads every page, expecting a QikanError that names the input.
void ExpectScanError(const fs::path& input, const RasterizeOptions& options, ExitStatus status,
                     const std::string& reason_part) {
  try {
    auto source = OpenScan(input, options);
    for (int i = 1; i <= source->PageCount(); ++i) source->Page(i);
    ADD_FAILURE() << input << " was read without error";
  } catch (const QikanError& e) {
    EXPECT_EQ(ExitStatusName(e.status()), std::string(ExitStatusName(status))) << e.Line();
    EXPECT_EQ(e.file(), input.string());
    EXPECT_NE(std::string(e.what()).find(reason_part), std::string::npos) << e.Line();
    EXPECT_TRUE(e.Line().starts_with(input.string() + ": ")) << e.Line();
  }
}

struct ScanPdfCase {
  int dpi;
  int encoding;
};

class ScannedPdfTest : public RasterizeTest,
                       public ::testing::WithParamInterface<ScanPdfCase> {};

// Leptonica rounds the page box to whole points (595x842 for A4), so the image's resolution by
// the box is a hair off the scanner's: 200.15 for 200.
TEST_P(ScannedPdfTest, GivesEachPageAtTheScannersDpiAndSize) {
  const ScanPdfCase& c = GetParam();
  const cv::Mat first = TextPage(c.dpi);
  const cv::Mat second = BoxPage(first.cols, first.rows);
  const fs::path pdf = WriteImagePdf("scan.pdf", {first, second}, c.dpi, c.encoding);

  auto source = OpenScan(pdf, RasterizeOptions{.render_dpi = 150});
  ASSERT_EQ(source->PageCount(), 2);
  for (int index : {1, 2}) {
    const RasterPage page = source->Page(index);
    const cv::Mat& original = index == 1 ? first : second;
    EXPECT_EQ(page.index, index);
    EXPECT_TRUE(page.native);
    EXPECT_NEAR(page.dpi, c.dpi, 0.5);
    ASSERT_EQ(page.gray.type(), CV_8UC1);
    ASSERT_EQ(page.gray.size(), original.size());
    EXPECT_LT(DriftTolerantDiff(page.gray, original), 0.5) << "page " << index;
  }
}

INSTANTIATE_TEST_SUITE_P(Encodings, ScannedPdfTest,
                         ::testing::Values(ScanPdfCase{200, L_FLATE_ENCODE},
                                           ScanPdfCase{300, L_JPEG_ENCODE}),
                         [](const auto& info) { return std::to_string(info.param.dpi) + "dpi"; });

TEST_F(RasterizeTest, VectorPdfIsRenderedAtRenderDpi) {
  const fs::path pdf = dir_ / "vector.pdf";
  WriteFile(pdf, VectorPdf());
  auto source = OpenScan(pdf, RasterizeOptions{.render_dpi = 100});
  ASSERT_EQ(source->PageCount(), 1);
  const RasterPage page = source->Page(1);
  EXPECT_FALSE(page.native);
  EXPECT_EQ(page.dpi, 100);
  ASSERT_EQ(page.gray.size(), cv::Size(850, 1100));
  // The rectangle's centre, (144, 108) pt from the bottom left, and a point far from it.
  EXPECT_LT(page.gray.at<uchar>(1100 - 150, 200), 50);
  EXPECT_GT(page.gray.at<uchar>(300, 425), 250);
}

TEST_F(RasterizeTest, PageOfSeveralImagesIsRenderedAtRenderDpi) {
  // The first image alone would pass for a 150 dpi scan of the whole page.
  const fs::path pdf = dir_ / "strips.pdf";
  WriteFile(pdf, OnePagePdf("/MediaBox [0 0 72 72] /Resources << /XObject << /Im1 5 0 R "
                            "/Im2 6 0 R >> >>",
                            "q 72 0 0 72 0 0 cm /Im1 Do Q q 72 0 0 36 0 0 cm /Im2 Do Q",
                            {GrayImageObject(BoxPage(150, 150)),
                             GrayImageObject(BoxPage(150, 75))}));
  auto source = OpenScan(pdf, RasterizeOptions{.render_dpi = 100});
  const RasterPage page = source->Page(1);
  EXPECT_FALSE(page.native);
  EXPECT_EQ(page.dpi, 100);
  EXPECT_EQ(page.gray.size(), cv::Size(100, 100));
}

// A 1-bit image XObject of `rows` of `bilevel` (0 or 255), packed 8 pixels a byte (1 = white).
std::string BilevelImageObject(const cv::Mat& bilevel, cv::Range rows) {
  std::string bits;
  for (int y = rows.start; y < rows.end; ++y) {
    for (int x = 0; x < bilevel.cols; x += 8) {
      unsigned char byte = 0;
      for (int bit = 0; bit < 8; ++bit) {
        const bool white = x + bit >= bilevel.cols || bilevel.at<uchar>(y, x + bit) > 127;
        byte = static_cast<unsigned char>(byte | (white ? 0x80 >> bit : 0));
      }
      bits.push_back(static_cast<char>(byte));
    }
  }
  return Stream("/Type /XObject /Subtype /Image /Width " + std::to_string(bilevel.cols) +
                    " /Height " + std::to_string(rows.size()) +
                    " /ColorSpace /DeviceGray /BitsPerComponent 1",
                bits);
}

// A page stored as a book scanner stores it: horizontal 1-bit strips of `strip_rows` rows each,
// stacked to fill a page box sized for `dpi`.
std::string StripTiledPdf(const cv::Mat& bilevel, int strip_rows, double dpi) {
  const double pt = 72.0 / dpi;  // points per scanner pixel
  std::string resources, content;
  std::vector<std::string> images;
  for (int top = 0, n = 0; top < bilevel.rows; top += strip_rows, ++n) {
    const cv::Range rows(top, std::min(bilevel.rows, top + strip_rows));
    const std::string name = "/S" + std::to_string(n);
    resources += " " + name + " " + std::to_string(5 + n) + " 0 R";
    content += fmt::format("q {:.4f} 0 0 {:.4f} 0 {:.4f} cm {} Do Q\n", bilevel.cols * pt,
                           rows.size() * pt, (bilevel.rows - rows.end) * pt, name);
    images.push_back(BilevelImageObject(bilevel, rows));
  }
  return OnePagePdf(fmt::format("/MediaBox [0 0 {:.4f} {:.4f}] /Resources << /XObject <<{} >> >>",
                                bilevel.cols * pt, bilevel.rows * pt, resources),
                    content, images);
}

TEST_F(RasterizeTest, PageTiledFromStripsIsReadAtTheStripsOwnResolution) {
  // 96 dpi, as the page box of the real book scan claims; 23 rows a strip, the last one shorter.
  cv::Mat bilevel;
  cv::threshold(TextPage(96), bilevel, 160, 255, cv::THRESH_BINARY);
  const fs::path pdf = dir_ / "strips.pdf";
  WriteFile(pdf, StripTiledPdf(bilevel, 23, 96));
  auto source = OpenScan(pdf, RasterizeOptions{.render_dpi = 300});
  const RasterPage page = source->Page(1);
  EXPECT_TRUE(page.native);
  EXPECT_NEAR(page.dpi, 96, 0.5);
  ASSERT_EQ(page.gray.size(), bilevel.size()) << "not upsampled to 300 dpi";
  EXPECT_LT(DriftTolerantDiff(page.gray, bilevel), 0.5);
}

TEST_F(RasterizeTest, StripsOfDifferentResolutionsAreRenderedAtRenderDpi) {
  // The top half's strip at 100 dpi, the bottom half's at 50: no one resolution to read it at.
  const fs::path pdf = dir_ / "mixed.pdf";
  WriteFile(pdf, OnePagePdf("/MediaBox [0 0 72 72] /Resources << /XObject << /Im1 5 0 R "
                            "/Im2 6 0 R >> >>",
                            "q 72 0 0 36 0 36 cm /Im1 Do Q q 72 0 0 36 0 0 cm /Im2 Do Q",
                            {GrayImageObject(BoxPage(100, 50)),
                             GrayImageObject(BoxPage(50, 25))}));
  const RasterPage page = OpenScan(pdf, RasterizeOptions{.render_dpi = 120})->Page(1);
  EXPECT_FALSE(page.native);
  EXPECT_EQ(page.gray.size(), cv::Size(120, 120));
}

TEST_F(RasterizeTest, RotatedScanPageIsTurnedAndKeepsItsPixels) {
  // 200x101 px on a 144x72 pt page: 100 dpi across and 101 down, as when a producer rounds the
  // page box. Left half black, right half white.
  cv::Mat scan(101, 200, CV_8UC1, cv::Scalar(255));
  scan(cv::Rect(0, 0, 100, 101)).setTo(0);
  const fs::path pdf = dir_ / "rotated.pdf";
  WriteFile(pdf, OnePagePdf("/MediaBox [0 0 144 72] /Rotate 90 "
                            "/Resources << /XObject << /Im1 5 0 R >> >>",
                            "q 144 0 0 72 0 0 cm /Im1 Do Q", {GrayImageObject(scan)}));
  const RasterPage page = OpenScan(pdf, {})->Page(1);
  EXPECT_TRUE(page.native);
  EXPECT_GE(page.dpi, 100);
  EXPECT_LE(page.dpi, 101);
  ASSERT_EQ(page.gray.size(), cv::Size(101, 200));
  // Turned clockwise for display, the image's left half becomes the page's top half.
  EXPECT_LT(page.gray.at<uchar>(50, 50), 20);
  EXPECT_GT(page.gray.at<uchar>(150, 50), 235);
}

TEST_F(RasterizeTest, MultiPageTiffGivesEachPageInOrderAtItsDpi) {
  const fs::path tiff = dir_ / "issue.tif";
  const std::vector<int> widths = {1200, 1210, 1220};
  for (size_t i = 0; i < widths.size(); ++i) {
    ASSERT_EQ(pixWriteTiff(tiff.c_str(), ToPix(StripedPage(widths[i], 1700), 300).get(),
                           IFF_TIFF_ZIP, i == 0 ? "w" : "a"),
              0);
  }
  auto source = OpenScan(tiff, {});
  ASSERT_EQ(source->PageCount(), 3);
  for (int index = 1; index <= 3; ++index) {
    const RasterPage page = source->Page(index);
    EXPECT_EQ(page.index, index);
    EXPECT_EQ(page.gray.cols, widths[static_cast<size_t>(index - 1)]);
    EXPECT_EQ(page.dpi, 300);
    EXPECT_TRUE(page.native);
    EXPECT_EQ(MeanAbsDiff(page.gray, StripedPage(page.gray.cols, 1700)), 0);
  }
}

TEST_F(RasterizeTest, FolderGivesItsPageImagesInNaturalOrder) {
  const fs::path folder = dir_ / "issue";
  fs::create_directories(folder / "thumbs");
  WriteImage("issue/page10.png", BoxPage(310, 400), 0, IFF_PNG);
  WriteImage("issue/page2.png", BoxPage(320, 400), 0, IFF_PNG);
  WriteImage("issue/page1.png", BoxPage(330, 400), 0, IFF_PNG);
  WriteImage("issue/.page0.png", BoxPage(340, 400), 0, IFF_PNG);
  WriteImage("issue/thumbs/page3.png", BoxPage(350, 400), 0, IFF_PNG);
  WriteFile(folder / "notes.txt", "scanned 2024-05-01\n");
  WriteFile(folder / "Thumbs.db", std::string("\xd0\xcf\x11\xe0 not an image", 18));

  auto source = OpenScan(folder, {});
  ASSERT_EQ(source->PageCount(), 3);
  EXPECT_EQ(source->Page(1).gray.cols, 330);
  EXPECT_EQ(source->Page(2).gray.cols, 320);
  EXPECT_EQ(source->Page(3).gray.cols, 310);
}

TEST_F(RasterizeTest, ImageDpiIsTheRecordedOneUnlessImplausible) {
  const cv::Mat a4_at_200 = BoxPage(1654, 2339);
  EXPECT_EQ(OpenScan(WriteImage("300.png", BoxPage(2480, 3508), 300, IFF_PNG), {})->Page(1).dpi,
            300);
  EXPECT_EQ(OpenScan(WriteImage("none.png", a4_at_200, 0, IFF_PNG), {})->Page(1).dpi, 200);
  EXPECT_EQ(OpenScan(WriteImage("72.png", a4_at_200, 72, IFF_PNG), {})->Page(1).dpi, 200);
  EXPECT_EQ(OpenScan(WriteImage("real72.png", BoxPage(595, 842), 72, IFF_PNG), {})->Page(1).dpi,
            72);
}

struct ImageFormatCase {
  const char* name;
  int format;
  double max_mean_diff;  // lossy formats blur the stripes; a byte-order slip gives ~64
};

class ImageFormatTest : public RasterizeTest,
                        public ::testing::WithParamInterface<ImageFormatCase> {};

TEST_P(ImageFormatTest, IsRecognisedByContentAndReadAsGray) {
  const cv::Mat original = StripedPage(800, 1000);
  // A misleading extension: the type comes from the bytes.
  const fs::path path = WriteImage("page.dat", original, 100, GetParam().format);
  auto source = OpenScan(path, {});
  ASSERT_EQ(source->PageCount(), 1);
  const RasterPage page = source->Page(1);
  EXPECT_TRUE(page.native);
  EXPECT_EQ(page.gray.type(), CV_8UC1);
  ASSERT_EQ(page.gray.size(), original.size());
  EXPECT_LE(MeanAbsDiff(page.gray, original), GetParam().max_mean_diff);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, ImageFormatTest,
    ::testing::Values(ImageFormatCase{"Png", IFF_PNG, 0},
                      ImageFormatCase{"Jpeg", IFF_JFIF_JPEG, 1},
                      ImageFormatCase{"TiffG4", IFF_TIFF_G4, 0},
                      ImageFormatCase{"TiffLzw", IFF_TIFF_LZW, 0},
                      ImageFormatCase{"Bmp", IFF_BMP, 0},
                      ImageFormatCase{"Pnm", IFF_PNM, 0},
                      ImageFormatCase{"Gif", IFF_GIF, 0},
                      ImageFormatCase{"Webp", IFF_WEBP, 1},
                      ImageFormatCase{"Jp2", IFF_JP2, 5}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(RasterizeTest, ColourAndTransparencyBecomeGrayOnWhitePaper) {
  // Transparent black everywhere but an opaque red box.
  const PixPtr rgba(pixCreate(400, 500, 32));
  pixSetSpp(rgba.get(), 4);
  pixSetAllArbitrary(rgba.get(), 0x00000000);
  const PixPtr red_box(pixCreate(100, 100, 32));
  pixSetAllArbitrary(red_box.get(), 0xff0000ff);
  pixRasterop(rgba.get(), 50, 50, 100, 100, PIX_SRC, red_box.get(), 0, 0);
  const fs::path png = dir_ / "colour.png";
  ASSERT_EQ(pixWrite(png.c_str(), rgba.get(), IFF_PNG), 0);

  const RasterPage page = OpenScan(png, {})->Page(1);
  ASSERT_EQ(page.gray.type(), CV_8UC1);
  ASSERT_EQ(page.gray.size(), cv::Size(400, 500));
  EXPECT_EQ(page.gray.at<uchar>(300, 300), 255);
  EXPECT_NEAR(page.gray.at<uchar>(100, 100), 0.3 * 255, 15);  // red's luminance
}

TEST_F(RasterizeTest, PdfWithOnlyAnOwnerPasswordOpens) {
  const fs::path plain = dir_ / "plain.pdf";
  WriteFile(plain, VectorPdf());
  const fs::path locked = dir_ / "no-print.pdf";
  QPDF qpdf;
  qpdf.processFile(plain.c_str());
  QPDFWriter writer(qpdf, locked.c_str());
  writer.setR6EncryptionParameters("", "owner", true, false, false, false, false, false,
                                   qpdf_r3p_none, true);
  writer.write();

  auto source = OpenScan(locked, RasterizeOptions{.render_dpi = 100});
  ASSERT_EQ(source->PageCount(), 1);
  EXPECT_EQ(source->Page(1).gray.size(), cv::Size(850, 1100));
}

TEST_F(RasterizeTest, MissingPathIsInputMissing) {
  ExpectScanError(dir_ / "nowhere.pdf", {}, ExitStatus::kInputMissing,
                  "no such file or directory");
}

TEST_F(RasterizeTest, UnreadableFileIsInputMissing) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const fs::path pdf = dir_ / "secret.pdf";
  WriteFile(pdf, VectorPdf());
  fs::permissions(pdf, fs::perms::none);
  ExpectScanError(pdf, {}, ExitStatus::kInputMissing, "permission denied");
}

TEST_F(RasterizeTest, TextFileNamedPdfIsInvalid) {
  const fs::path pdf = dir_ / "x.pdf";
  WriteFile(pdf, "<html><body>404 Not Found</body></html>\n");
  ExpectScanError(pdf, {}, ExitStatus::kInputInvalid,
                  "not a PDF or image file (starts with \"<htm\")");
}

TEST_F(RasterizeTest, EmptyFileIsInvalid) {
  const fs::path pdf = dir_ / "empty.pdf";
  WriteFile(pdf, "");
  ExpectScanError(pdf, {}, ExitStatus::kInputInvalid, "file is empty");
}

TEST_F(RasterizeTest, TruncatedPdfIsInvalid) {
  const fs::path whole = WriteImagePdf("whole.pdf", {TextPage(200)}, 200, L_JPEG_ENCODE);
  const std::string bytes = ReadFile(whole);
  const fs::path half = dir_ / "half.pdf";
  WriteFile(half, bytes.substr(0, bytes.size() / 2));
  ExpectScanError(half, {}, ExitStatus::kInputInvalid, "PDF is damaged: file is truncated");
}

TEST_F(RasterizeTest, PasswordProtectedPdfIsEncrypted) {
  const fs::path plain = dir_ / "plain.pdf";
  WriteFile(plain, VectorPdf());
  const fs::path locked = dir_ / "locked.pdf";
  QPDF qpdf;
  qpdf.processFile(plain.c_str());
  QPDFWriter writer(qpdf, locked.c_str());
  writer.setR6EncryptionParameters("secret", "owner", true, true, true, true, true, true,
                                   qpdf_r3p_full, true);
  writer.write();
  ExpectScanError(locked, {}, ExitStatus::kInputEncrypted, "PDF is encrypted (password required)");
}

TEST_F(RasterizeTest, PdfWithoutPagesIsEmpty) {
  const fs::path pdf = dir_ / "blank.pdf";
  WriteFile(pdf, testing::BuildPdf({"<< /Type /Catalog /Pages 2 0 R >>",
                           "<< /Type /Pages /Kids [] /Count 0 >>"}));
  ExpectScanError(pdf, {}, ExitStatus::kInputEmpty, "PDF has no pages");
}

TEST_F(RasterizeTest, FolderWithoutPageImagesIsEmpty) {
  fs::create_directories(dir_ / "empty");
  ExpectScanError(dir_ / "empty", {}, ExitStatus::kInputEmpty, "folder contains no page images");

  fs::create_directories(dir_ / "stray");
  WriteFile(dir_ / "stray" / "notes.txt", "nothing scanned yet\n");
  WriteImage("stray/.hidden.png", BoxPage(100, 100), 0, IFF_PNG);
  ExpectScanError(dir_ / "stray", {}, ExitStatus::kInputEmpty, "folder contains no page images");
}

TEST_F(RasterizeTest, FolderPageNamedLikeAnImageButNotOneIsInvalid) {
  fs::create_directories(dir_ / "issue");
  WriteImage("issue/page1.png", BoxPage(100, 100), 0, IFF_PNG);
  WriteFile(dir_ / "issue" / "page2.png", "<!DOCTYPE html>");
  ExpectScanError(dir_ / "issue", {}, ExitStatus::kInputInvalid,
                  "page2.png is not an image (starts with \"<!DO\")");
}

TEST_F(RasterizeTest, CorruptImagesAreInvalid) {
  const fs::path png = dir_ / "page.png";
  WriteFile(png, std::string("\x89PNG\r\n\x1a\n", 8) + std::string(200, '\x5a'));
  ExpectScanError(png, {}, ExitStatus::kInputInvalid, "damaged");

  const fs::path tiff = dir_ / "page.tif";
  WriteFile(tiff, std::string("II*\0", 4) + std::string(200, '\x5a'));
  ExpectScanError(tiff, {}, ExitStatus::kInputInvalid, "damaged");
}

TEST_F(RasterizeTest, PageOverThePixelLimitIsRefusedBeforeDecoding) {
  const RasterizeOptions tiny{.max_page_megapixels = 0.5};
  const fs::path pdf = WriteImagePdf("scan.pdf", {BoxPage(1654, 2339)}, 200, L_FLATE_ENCODE);
  ExpectScanError(pdf, tiny, ExitStatus::kPageTooLarge,
                  "page 1 is 1654x2339 px, over the 0.5 Mpx limit");

  const fs::path vector = dir_ / "vector.pdf";
  WriteFile(vector, VectorPdf());
  ExpectScanError(vector, tiny, ExitStatus::kPageTooLarge,
                  "page 1 is 2550x3300 px, over the 0.5 Mpx limit");

  const fs::path png = WriteImage("page.png", BoxPage(1000, 1000), 0, IFF_PNG);
  ExpectScanError(png, tiny, ExitStatus::kPageTooLarge,
                  "page 1 is 1000x1000 px, over the 0.5 Mpx limit");
}

}  // namespace
}  // namespace qikan
