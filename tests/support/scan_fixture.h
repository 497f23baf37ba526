#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace qikan::testing {

// Writes gray page images as an image-only PDF (one full-page JPEG per page at `dpi`), the way
// a scanner does; made with Leptonica so tests need no binary fixtures.
void WriteImagePdf(const std::filesystem::path& path, const std::vector<cv::Mat>& pages, int dpi);

// A PDF whose objects are numbered from 1 in order (object 1 the catalog), with a correct
// cross-reference table: hand-made PDFs for the cases a PDF library will not write.
std::string BuildPdf(const std::vector<std::string>& objects);

// A fresh empty folder under the system temp dir, removed when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void WriteFile(const std::filesystem::path& path, const std::string& bytes);
std::string ReadFile(const std::filesystem::path& path);

}  // namespace qikan::testing
