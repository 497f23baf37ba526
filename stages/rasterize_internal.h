#pragma once

// Shared by rasterize.cpp, rasterize_pdf.cpp and rasterize_image.cpp; not part of the stage's
// interface (that is stages/rasterize.h).

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "stages/rasterize.h"

namespace qikan {

// What a file is, by its first bytes.
enum class ScanFormat { kUnknown, kPdf, kTiff, kPng, kJpeg, kJp2, kBmp, kPnm, kWebp, kGif };

struct ImageFile {
  std::filesystem::path path;
  ScanFormat format = ScanFormat::kUnknown;
};

std::unique_ptr<PageSource> OpenPdfScan(const std::filesystem::path& pdf,
                                        const RasterizeOptions& options);

// The pages of `files` in order (a multi-page TIFF gives all its pages). `input` is what errors
// name: the image itself, or the folder whose pages the files are.
std::unique_ptr<PageSource> OpenImageScan(const std::filesystem::path& input,
                                          std::vector<ImageFile> files,
                                          const RasterizeOptions& options);

// Throws kPageTooLarge when a page of width x height pixels is over the limit; `page` names the
// page in the message ("page 3").
void CheckPageSize(const std::filesystem::path& input, const std::string& page, double width,
                   double height, const RasterizeOptions& options);

}  // namespace qikan
