#pragma once

#include <filesystem>
#include <vector>

namespace qikan {

// How deep below a root discovery walks (an inbox of year/month/issue folders is 3 deep).
constexpr int kMaxDiscoveryDepth = 32;

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
// Symbolic links to folders are followed, but no folder is walked twice (folders are known by
// device and inode): a link back to its own folder or one above it (`self -> .`, `loop -> ..`)
// is a loop, skipped with one warning per folder holding such links; a second path to a folder
// already walked is skipped; folders more than kMaxDiscoveryDepth below a root are not walked
// (one warning per folder). Each folder's warnings are written once.
std::vector<std::filesystem::path> DiscoverInputs(const std::vector<std::filesystem::path>& roots,
                                                  const std::filesystem::path& archive);

// Natural order of names: "page2" before "page10".
bool NaturalLess(const std::string& a, const std::string& b);

}  // namespace qikan
