#include "tools/samplegen/pdf_writer.h"

#include <leptonica/allheaders.h>

#include <cstring>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>
#include <stdexcept>

namespace qikan::samplegen {
namespace {

// Leptonica allocates and frees with the C heap unless told otherwise; buffers it hands us or
// takes from us go through these.
struct LeptFree {
  void operator()(l_uint8* p) const { LEPT_FREE(p); }
};
using LeptBuffer = std::unique_ptr<l_uint8, LeptFree>;

PixPtr MatToPix(const cv::Mat& image, bool binary, int dpi) {
  const int w = image.cols, h = image.rows;
  PixPtr pix(pixCreate(w, h, binary ? 1 : image.channels() == 3 ? 32 : 8));
  if (!pix) throw std::runtime_error("pixCreate failed");
  for (int y = 0; y < h; ++y) {
    l_uint32* line = pixGetData(pix.get()) + static_cast<size_t>(y) * pixGetWpl(pix.get());
    if (image.channels() == 3) {
      const auto* row = image.ptr<cv::Vec3b>(y);
      for (int x = 0; x < w; ++x) {
        l_uint32 pixel = 0;
        composeRGBPixel(row[x][2], row[x][1], row[x][0], &pixel);
        line[x] = pixel;
      }
    } else {
      const auto* row = image.ptr<uint8_t>(y);
      for (int x = 0; x < w; ++x) {
        if (binary) {
          if (row[x] < 128) SET_DATA_BIT(line, x);  // 1 is black in a 1-bit Pix
        } else {
          SET_DATA_BYTE(line, x, row[x]);
        }
      }
    }
  }
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

// Writes the page's PDF bytes into a Leptonica byte array of its own.
L_BYTEA* PagePdf(const EncodedPage& page, const std::string& title) {
  L_COMP_DATA* cid = nullptr;
  if (page.encoding == PageEncoding::kJpeg) {
    // The CID takes the buffer over: hand it a copy on Leptonica's heap.
    auto* copy = static_cast<l_uint8*>(LEPT_MALLOC(page.jpeg.size()));
    std::memcpy(copy, page.jpeg.data(), page.jpeg.size());
    cid = l_generateJpegDataMem(copy, page.jpeg.size(), 0);
  } else {
    const l_int32 type = page.encoding == PageEncoding::kG4 ? L_G4_ENCODE : L_FLATE_ENCODE;
    pixGenerateCIData(page.pix.get(), type, 0, 0, &cid);
  }
  if (!cid) throw std::runtime_error("cannot encode page image for PDF");
  cid->res = page.dpi;
  l_uint8* data = nullptr;
  size_t size = 0;
  if (cidConvertToPdfData(cid, title.c_str(), &data, &size) != 0) {
    throw std::runtime_error("cannot make PDF page");
  }
  LeptBuffer owned(data);
  return l_byteaInitFromMem(data, size);
}

// Leptonica 1.82 joins pages under a Pages object that lacks its `endobj`. Readers recover from
// that, but quietly; qpdf rewrites the file whole, with a cross-reference table that holds.
void WriteRepairedPdf(const std::string& path, const l_uint8* data, size_t size) {
  QPDF pdf;
  pdf.setSuppressWarnings(true);
  pdf.processMemoryFile(path.c_str(), reinterpret_cast<const char*>(data), size);
  QPDFWriter writer(pdf, path.c_str());
  writer.setDeterministicID(true);
  writer.write();
}

}  // namespace

void PixDeleter::operator()(Pix* pix) const { pixDestroy(&pix); }

EncodedPage EncodePage(const cv::Mat& image, int dpi, bool binary, int jpeg_quality) {
  EncodedPage page{.dpi = dpi};
  if (binary || jpeg_quality <= 0) {
    page.encoding = binary ? PageEncoding::kG4 : PageEncoding::kFlate;
    page.pix = MatToPix(image, binary, dpi);
  } else {
    page.encoding = PageEncoding::kJpeg;
    // OpenCV's encoder optimises the Huffman tables, which Leptonica's does not: the samples are
    // committed, and a tenth off their size matters.
    if (!cv::imencode(".jpg", image, page.jpeg,
                      {cv::IMWRITE_JPEG_QUALITY, jpeg_quality, cv::IMWRITE_JPEG_OPTIMIZE, 1})) {
      throw std::runtime_error("JPEG encoding failed");
    }
    page.pix.reset(pixReadMemJpeg(page.jpeg.data(), page.jpeg.size(), 0, 1, nullptr, 0));
    if (!page.pix) throw std::runtime_error("JPEG decoding failed");
    pixSetResolution(page.pix.get(), dpi, dpi);
  }
  return page;
}

void WritePdf(const std::string& path, const std::vector<EncodedPage>& pages,
              const std::string& title) {
  l_pdfSetDateAndVersion(0);  // no creation date: the same input gives the same bytes
  l_pdfSetG4ImageMask(0);     // 1-bit pages as images, not stencil masks, as scanners write them
  L_PTRA* parts = ptraCreate(static_cast<l_int32>(pages.size()));
  auto release = [&] {
    l_int32 n = 0;
    ptraGetMaxIndex(parts, &n);
    for (l_int32 i = 0; i <= n; ++i) {
      auto* part = static_cast<L_BYTEA*>(ptraRemove(parts, i, L_NO_COMPACTION));
      if (part) l_byteaDestroy(&part);
    }
    ptraDestroy(&parts, 0, 0);
  };
  try {
    for (const EncodedPage& page : pages) ptraAdd(parts, PagePdf(page, title));
    l_uint8* data = nullptr;
    size_t size = 0;
    if (ptraConcatenatePdfToData(parts, nullptr, &data, &size) != 0) {
      throw std::runtime_error("cannot join PDF pages");
    }
    LeptBuffer owned(data);
    WriteRepairedPdf(path, data, size);
  } catch (...) {
    release();
    throw;
  }
  release();
}

void WriteMultipageTiff(const std::string& path, const std::vector<EncodedPage>& pages) {
  std::filesystem::remove(path);
  for (size_t i = 0; i < pages.size(); ++i) {
    Pix* pix = pages[i].pix.get();
    const l_int32 compression = pixGetDepth(pix) == 1 ? IFF_TIFF_G4 : IFF_TIFF_ZIP;
    if (pixWriteTiff(path.c_str(), pix, compression, i == 0 ? "w" : "a") != 0) {
      throw std::runtime_error("cannot write " + path);
    }
  }
}

void WritePng(const std::string& path, const EncodedPage& page) {
  if (pixWrite(path.c_str(), page.pix.get(), IFF_PNG) != 0) {
    throw std::runtime_error("cannot write " + path);
  }
}

}  // namespace qikan::samplegen
