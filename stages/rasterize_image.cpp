#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include <leptonica/allheaders.h>

#include "models/errors.h"
#include "stages/rasterize_internal.h"

namespace qikan {
namespace fs = std::filesystem;

namespace {

// The newsletter is printed on A4; its long side in inches.
constexpr double kA4LongSideInches = 297 / 25.4;
// A recorded resolution that makes the page's long side shorter than a postcard's or longer
// than A2's was not written by the scanner.
constexpr double kMinLongSideInches = 4;
constexpr double kMaxLongSideInches = 24;

struct PixDeleter {
  void operator()(Pix* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Leptonica prints its errors to stderr; the failures it reports become QikanErrors here.
// The setting is process-wide, so Leptonica stays quiet for the other stages too.
void SilenceLeptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

// Editors often write 72 or 96 dpi, or nothing, into images they save. When the recorded value
// gives an implausible paper size, estimate from the pixels instead, assuming an A4 page.
double PageDpi(int recorded_dpi, int width, int height) {
  const double long_side_px = std::max(width, height);
  if (recorded_dpi > 0) {
    const double long_side_inches = long_side_px / recorded_dpi;
    if (long_side_inches >= kMinLongSideInches && long_side_inches <= kMaxLongSideInches) {
      return recorded_dpi;
    }
  }
  return std::round(long_side_px / kA4LongSideInches);
}

// Scans come as 1, 2, 4, 8, 16 or 32 bpp, some with a colormap or an alpha channel.
PixPtr ToGray8(Pix* pix) {
  PixPtr opaque;
  if (pixGetDepth(pix) == 32 && pixGetSpp(pix) == 4) {
    opaque.reset(pixAlphaBlendUniform(pix, 0xffffff00));  // transparent is paper white
    if (opaque) pix = opaque.get();
  }
  return PixPtr(pixConvertTo8(pix, 0));
}

cv::Mat ToMat(Pix* gray8) {
  // Leptonica packs pixels into 32-bit words, first pixel in the most significant byte, so on a
  // little-endian machine a row's bytes are out of order in memory until swapped.
  const PixPtr ordered(pixEndianByteSwapNew(gray8));
  if (!ordered) throw std::bad_alloc();
  const cv::Mat view(static_cast<int>(pixGetHeight(ordered.get())),
                     static_cast<int>(pixGetWidth(ordered.get())), CV_8UC1,
                     pixGetData(ordered.get()), pixGetWpl(ordered.get()) * sizeof(l_uint32));
  return view.clone();
}

// One page: which file, and which page of it (0-based, for multi-page TIFFs).
struct PageRef {
  size_t file = 0;
  int page_in_file = 0;
};

class ImageSource final : public PageSource {
 public:
  ImageSource(const fs::path& input, std::vector<ImageFile> files,
              const RasterizeOptions& options)
      : input_(input), files_(std::move(files)), options_(options) {
    SilenceLeptonica();
    names_files_ = files_.size() != 1 || files_.front().path != input_;
    for (size_t file = 0; file < files_.size(); ++file) {
      const int pages = CountPages(files_[file]);
      for (int page = 0; page < pages; ++page) pages_.push_back({file, page});
    }
  }

  int PageCount() const override { return static_cast<int>(pages_.size()); }

  fs::path JpegFile(int index) const override {
    if (index < 1 || index > PageCount()) return {};
    const ImageFile& file = files_[pages_[static_cast<size_t>(index - 1)].file];
    return file.format == ScanFormat::kJpeg ? file.path : fs::path();
  }

  RasterPage Page(int index) override {
    if (index < 1 || index > PageCount()) throw std::out_of_range("no such page");
    const PageRef& ref = pages_[static_cast<size_t>(index - 1)];
    const ImageFile& file = files_[ref.file];
    const bool tiff = file.format == ScanFormat::kTiff;
    const std::string label = PageLabel(index, file);

    int width = 0;
    int height = 0;
    int unused = 0;
    const bool header_read =
        tiff ? readHeaderTiff(file.path.c_str(), ref.page_in_file, &width, &height, &unused,
                              &unused, &unused, &unused, &unused) == 0
             : pixReadHeader(file.path.c_str(), &unused, &width, &height, &unused, &unused,
                             &unused) == 0;
    if (!header_read) Fail(ExitStatus::kInputInvalid, label + ": image header is damaged");
    // Before decoding: a huge page would take its memory before it could be refused.
    CheckPageSize(input_, label, width, height, options_);

    const PixPtr pix(tiff ? pixReadTiff(file.path.c_str(), ref.page_in_file)
                          : pixRead(file.path.c_str()));
    if (!pix) Fail(ExitStatus::kInputInvalid, label + ": image data is damaged");
    const PixPtr gray = ToGray8(pix.get());
    if (!gray) Fail(ExitStatus::kInputInvalid, label + ": unsupported pixel format");
    return RasterPage{.index = index,
                      .gray = ToMat(gray.get()),
                      .dpi = PageDpi(pixGetXRes(pix.get()), width, height),
                      .native = true};
  }

 private:
  int CountPages(const ImageFile& file) const {
    const std::string name = names_files_ ? file.path.filename().string() + ": " : "";
    if (file.format != ScanFormat::kTiff) {
      int format = 0;
      int width = 0;
      int height = 0;
      int unused = 0;
      if (pixReadHeader(file.path.c_str(), &format, &width, &height, &unused, &unused,
                        &unused) != 0 ||
          width <= 0 || height <= 0) {
        Fail(ExitStatus::kInputInvalid, name + "image data is damaged");
      }
      return 1;
    }
    const std::unique_ptr<std::FILE, FileCloser> stream(std::fopen(file.path.c_str(), "rb"));
    int count = 0;
    if (!stream || tiffGetCount(stream.get(), &count) != 0 || count < 1) {
      Fail(ExitStatus::kInputInvalid, name + "TIFF is damaged");
    }
    return count;
  }

  std::string PageLabel(int index, const ImageFile& file) const {
    const std::string label = "page " + std::to_string(index);
    return names_files_ ? label + " (" + file.path.filename().string() + ")" : label;
  }

  [[noreturn]] void Fail(ExitStatus status, const std::string& reason) const {
    throw QikanError(status, input_.string(), reason);
  }

  fs::path input_;
  std::vector<ImageFile> files_;
  RasterizeOptions options_;
  bool names_files_ = false;  // a folder's pages: messages name the file
  std::vector<PageRef> pages_;
};

}  // namespace

std::unique_ptr<PageSource> OpenImageScan(const fs::path& input, std::vector<ImageFile> files,
                                          const RasterizeOptions& options) {
  return std::make_unique<ImageSource>(input, std::move(files), options);
}

}  // namespace qikan
