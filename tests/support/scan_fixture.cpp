#include "tests/support/scan_fixture.h"

#include <leptonica/allheaders.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>

namespace qikan::testing {
namespace {

struct PixDeleter {
  void operator()(PIX* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

PixPtr ToPix(const cv::Mat& gray) {
  std::vector<unsigned char> png;
  cv::imencode(".png", gray, png);
  return PixPtr(pixReadMem(png.data(), png.size()));
}

}  // namespace

void WriteImagePdf(const std::filesystem::path& path, const std::vector<cv::Mat>& pages, int dpi) {
  PIXA* pixa = pixaCreate(static_cast<l_int32>(pages.size()));
  for (const auto& page : pages) {
    PixPtr pix = ToPix(page);
    pixSetResolution(pix.get(), dpi, dpi);
    pixaAddPix(pixa, pix.get(), L_COPY);
  }
  const l_int32 rc =
      pixaConvertToPdf(pixa, dpi, 1.0f, L_JPEG_ENCODE, 85, nullptr, path.c_str());
  pixaDestroy(&pixa);
  if (rc != 0) throw std::runtime_error("cannot write test PDF " + path.string());
}

std::string BuildPdf(const std::vector<std::string>& objects) {
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (const size_t offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

TempDir::TempDir() {
  std::random_device device;
  path_ = std::filesystem::temp_directory_path() /
          ("qikan-test-" + std::to_string(device()) + std::to_string(device()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace qikan::testing
