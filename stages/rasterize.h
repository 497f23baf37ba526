#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

namespace qikan {

struct RasterizeOptions {
  // Resolution for pages that are not one full-page scanner image (vector pages, strips).
  double render_dpi = 300;
  // Pages with more pixels than this are refused (a 600 dpi A3 page is ~70 Mpx).
  double max_page_megapixels = 150;
};

// One page image, 8-bit grayscale, at `dpi`.
struct RasterPage {
  int index = 0;  // 1-based
  cv::Mat gray;
  double dpi = 0;
  bool native = false;  // the scanner's own image at its own resolution, not a rendering
};

// A scanned issue opened for reading, page by page so that memory stays bounded. Pages may be
// read in any order from one thread; open one source per thread for parallel reading.
class PageSource {
 public:
  virtual ~PageSource() = default;
  virtual int PageCount() const = 0;
  virtual RasterPage Page(int index) = 0;  // 1-based; throws QikanError
  // The file the page is, when it is one whole JPEG file (a camera's or scanner's JPEG, a folder
  // of them), so that a searchable PDF can show it as it came; empty for any other page.
  virtual std::filesystem::path JpegFile(int index) const {
    (void)index;
    return {};
  }
};

// Opens a PDF, a (multi-page) TIFF or other image, or a folder of page images taken in natural
// name order (page2 before page10), hidden and non-image files skipped. Types are told by
// content, not by extension. A PDF page that is one full-page scanner image comes at that
// image's own resolution (native), as does one tiled from strips or tiles of one resolution
// that cover its box; other PDF pages are rendered at render_dpi.
// Throws QikanError naming the input: kInputMissing (missing, unreadable), kInputInvalid (wrong
// type, damaged), kInputEncrypted (password required), kInputEmpty (no pages). Page() throws
// kPageTooLarge before decoding a page over the limit, kInputInvalid for one it cannot decode.
std::unique_ptr<PageSource> OpenScan(const std::filesystem::path& input,
                                     const RasterizeOptions& options);

}  // namespace qikan
