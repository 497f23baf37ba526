#pragma once

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

struct Pix;

namespace qikan::samplegen {

struct PixDeleter {
  void operator()(Pix* pix) const;
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

enum class PageEncoding { kJpeg, kFlate, kG4 };

// One scanned page as the files store it: the compressed bytes that go into the PDF, and the
// pixels a reader decodes from them, which the PNG and TIFF outputs carry unchanged.
struct EncodedPage {
  PageEncoding encoding = PageEncoding::kJpeg;
  std::vector<uint8_t> jpeg;  // the JPEG file, when encoding is kJpeg
  PixPtr pix;                 // decoded pixels, resolution set to the scan's dpi
  int dpi = 0;
};

// `image` is 8-bit grey, BGR, or 0/255 grey for a 1-bit page (`binary`).
EncodedPage EncodePage(const cv::Mat& image, int dpi, bool binary, int jpeg_quality);

// An image-only PDF: one full-page image per page, the page's size in points being the image's
// size at its dpi, so a reader can infer the native resolution.
void WritePdf(const std::string& path, const std::vector<EncodedPage>& pages,
              const std::string& title);
void WriteMultipageTiff(const std::string& path, const std::vector<EncodedPage>& pages);
void WritePng(const std::string& path, const EncodedPage& page);

}  // namespace qikan::samplegen
