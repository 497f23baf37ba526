#pragma once

#include <filesystem>
#include <vector>

namespace qikan {

// The issues under the given roots, for `qikan run INBOX`:
//  - a root that is a file is one issue, whatever it is (the rasterize stage says if it is not
//    a scan);
//  - a folder is walked, skipping hidden entries and the archive folder `archive` (when the
//    archive is nested in the inbox):
//      each PDF is one issue, and so is each TIFF with more than one page;
//      a folder holding page images (png, jpg, jpeg, tif, tiff, bmp, pnm, webp; by extension),
//      no PDF and no subfolder with images is one issue (its pages in natural order);
//      other files (txt, docx, ...) are ignored, with a debug log line; loose page images
//      beside PDFs or image subfolders are ignored with a warning.
// A root folder of page images (images directly inside, no PDFs) is thus one issue, as before.
// Issues are listed root by root, in natural name order within each folder, each once.
std::vector<std::filesystem::path> DiscoverInputs(const std::vector<std::filesystem::path>& roots,
                                                  const std::filesystem::path& archive);

// Natural order of names: "page2" before "page10".
bool NaturalLess(const std::string& a, const std::string& b);

}  // namespace qikan
