#include "pipeline/run/discovery.h"

#include <algorithm>
#include <optional>
#include <cctype>
#include <set>
#include <string>
#include <system_error>

#include <sys/stat.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

namespace qikan {
namespace fs = std::filesystem;
namespace {

std::string LowerExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool IsPdf(const fs::path& path) { return LowerExtension(path) == ".pdf"; }
bool IsTiff(const fs::path& path) {
  const std::string ext = LowerExtension(path);
  return ext == ".tif" || ext == ".tiff";
}
bool IsPageImage(const fs::path& path) {
  static const std::set<std::string> kImages = {".png", ".jpg", ".jpeg", ".tif", ".tiff",
                                                ".bmp", ".pnm", ".webp"};
  return kImages.contains(LowerExtension(path));
}

bool IsHidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

// A TIFF holding more than one page is an issue of its own.
bool IsMultiPageTiff(const fs::path& path) {
  if (!IsTiff(path)) return false;
  try {
    return cv::imcount(path.string(), cv::IMREAD_GRAYSCALE) > 1;
  } catch (const std::exception&) {
    return false;  // unreadable: a page image; the rasterize stage reports it
  }
}

fs::path Canonical(const fs::path& path) {
  std::error_code error;
  fs::path canonical = fs::weakly_canonical(path, error);
  return error ? path.lexically_normal() : canonical;
}

bool SamePath(const fs::path& a, const fs::path& b) {
  if (b.empty()) return false;
  std::error_code error;
  return fs::equivalent(a, b, error) || Canonical(a) == b;
}

struct Visit {
  std::vector<fs::path> issues;
  bool has_images = false;  // page images, PDFs or TIFFs anywhere in it
};

// A folder is known by its device and inode, however many paths (symbolic links, bind mounts)
// lead to it: each is walked at most once.
struct FolderId {
  dev_t device = 0;
  ino_t inode = 0;
  auto operator<=>(const FolderId&) const = default;
};

std::optional<FolderId> IdOf(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
  return FolderId{.device = st.st_dev, .inode = st.st_ino};
}

// Whether `inner` is `outer` or lies under it (both canonical).
bool Within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

// One discovery: what it has walked, so that a link back up the tree (`self -> .`,
// `loop -> ..`) or a second link to the same folder cannot make it walk anything twice.
struct Walk {
  fs::path archive;
  std::set<FolderId> walked;
  std::vector<FolderId> ancestors;  // the folders from the root down to the one being walked
};

std::vector<fs::path> SortedEntries(const fs::path& dir) {
  std::vector<fs::path> entries;
  std::error_code error;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, error), end;
       !error && it != end; it.increment(error)) {
    entries.push_back(it->path());
  }
  if (error) spdlog::warn("{}: cannot list: {}", dir.string(), error.message());
  std::sort(entries.begin(), entries.end(), [](const fs::path& a, const fs::path& b) {
    return NaturalLess(a.filename().string(), b.filename().string());
  });
  return entries;
}

// Walks `dir` (already marked walked); every warning about it is written once, here.
Visit VisitFolder(const fs::path& dir, Walk& walk, int depth) {
  Visit visit;
  std::vector<fs::path> pdfs, pages, multi_tiffs;
  std::vector<Visit> subfolders;
  std::vector<std::string> loops, too_deep;
  bool subfolder_images = false;
  const fs::path here = Canonical(dir);
  for (const auto& entry : SortedEntries(dir)) {
    if (IsHidden(entry)) {
      spdlog::debug("{}: hidden, skipped", entry.string());
      continue;
    }
    std::error_code error;
    if (fs::is_directory(entry, error)) {
      if (SamePath(entry, walk.archive)) {
        spdlog::debug("{}: the archive, skipped", entry.string());
        continue;
      }
      const std::optional<FolderId> id = IdOf(entry);
      if (!id) continue;
      // A link to this folder or one above it, whether or not the walk started above it.
      const bool link_up = fs::is_symlink(entry, error) && Within(here, Canonical(entry));
      if (link_up ||
          std::find(walk.ancestors.begin(), walk.ancestors.end(), *id) != walk.ancestors.end()) {
        loops.push_back(entry.filename().string());
        continue;
      }
      if (walk.walked.contains(*id)) {
        spdlog::debug("{}: a folder already walked by another path, skipped", entry.string());
        continue;
      }
      if (depth >= kMaxDiscoveryDepth) {
        too_deep.push_back(entry.filename().string());
        continue;
      }
      walk.walked.insert(*id);
      walk.ancestors.push_back(*id);
      Visit sub = VisitFolder(entry, walk, depth + 1);
      walk.ancestors.pop_back();
      subfolder_images = subfolder_images || sub.has_images;
      subfolders.push_back(std::move(sub));
    } else if (fs::is_regular_file(entry, error)) {
      if (IsPdf(entry)) {
        pdfs.push_back(entry);
      } else if (IsMultiPageTiff(entry)) {
        multi_tiffs.push_back(entry);
      } else if (IsPageImage(entry)) {
        pages.push_back(entry);
      } else {
        spdlog::debug("{}: not a scan, ignored", entry.string());
      }
    }
  }
  if (!loops.empty()) {
    spdlog::warn("{}: {} lead(s) back to this folder or one above it (a loop); not followed",
                 dir.string(), fmt::join(loops, ", "));
  }
  if (!too_deep.empty()) {
    spdlog::warn("{}: {} more than {} folders below the inbox; not walked", dir.string(),
                 fmt::join(too_deep, ", "), kMaxDiscoveryDepth);
  }
  visit.has_images = subfolder_images || !pdfs.empty() || !pages.empty() || !multi_tiffs.empty();
  if (!pages.empty() && pdfs.empty() && multi_tiffs.empty() && !subfolder_images) {
    visit.issues.push_back(dir);  // a folder of page images
    return visit;
  }
  if (!pages.empty()) {
    spdlog::warn("{}: {} page image(s) beside PDFs, multi-page TIFFs or image folders; ignored",
                 dir.string(), pages.size());
  }
  // PDFs and multi-page TIFFs in name order, then the subfolders' issues.
  std::vector<fs::path> files = pdfs;
  files.insert(files.end(), multi_tiffs.begin(), multi_tiffs.end());
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return NaturalLess(a.filename().string(), b.filename().string());
  });
  visit.issues = std::move(files);
  for (auto& sub : subfolders) {
    visit.issues.insert(visit.issues.end(), sub.issues.begin(), sub.issues.end());
  }
  return visit;
}

}  // namespace

bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i]));
    const bool db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::string na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;
}

std::vector<fs::path> DiscoverInputs(const std::vector<fs::path>& roots, const fs::path& archive) {
  std::vector<fs::path> inputs;
  std::set<fs::path> seen;
  auto add = [&](const fs::path& path) {
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(path, error);
    if (error) canonical = path.lexically_normal();
    if (seen.insert(canonical).second) inputs.push_back(path);
  };
  Walk walk{.archive = archive.empty() ? archive : Canonical(archive)};
  for (const auto& root : roots) {
    std::error_code error;
    if (!fs::is_directory(root, error)) {
      add(root);  // a file (or a missing path: the run reports it)
      continue;
    }
    const std::optional<FolderId> id = IdOf(root);
    if (!id || !walk.walked.insert(*id).second) continue;  // a root given twice is walked once
    walk.ancestors = {*id};
    for (const auto& input : VisitFolder(root, walk, 0).issues) add(input);
  }
  return inputs;
}

}  // namespace qikan
