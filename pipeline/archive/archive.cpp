#include "pipeline/archive/archive.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <set>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "models/errors.h"
#include "pipeline/archive/archive_lock.h"
#include "pipeline/archive/fixity.h"
#include "pipeline/deliverables/deliverables.h"

namespace qikan {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void ThrowArchiveError(const fs::path& path, const std::string& what) {
  throw QikanError(ExitStatus::kArchiveError, path.string(),
                   fmt::format("{}: {}", what, std::strerror(errno)));
}

void SyncPath(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) ThrowArchiveError(path, "cannot open to sync");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) ThrowArchiveError(path, "cannot sync");
}

std::string UniqueSuffix() {
  static std::atomic<unsigned> counter{0};
  return fmt::format("{}.{}", ::getpid(), counter++);
}

}  // namespace

void WriteFileDurably(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) ThrowArchiveError(path, "cannot create");
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ThrowArchiveError(path, "cannot write");
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    ThrowArchiveError(path, "cannot sync");
  }
  if (::close(fd) != 0) ThrowArchiveError(path, "cannot close");
}

Archive::Archive(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  fs::create_directories(root_ / "issues", ec);
  if (!ec) fs::create_directories(root_ / "tmp", ec);
  if (ec) {
    throw QikanError(ExitStatus::kArchiveError, root_.string(),
                     "cannot create the archive: " + ec.message());
  }
}

fs::path Archive::IssueDir(const std::string& key) const { return root_ / "issues" / key; }

bool Archive::HasIssue(const std::string& key) const {
  return fs::exists(IssueDir(key) / "record.json");
}

namespace {

// Writes the record (with a review item for each deliverable that failed), its text and the
// deliverables into `staging`; returns the paths written.
std::vector<std::string> WriteRecordAndDeliverables(const fs::path& staging, const IssueRecord& record,
                                const std::vector<OcrPage>& ocr_pages, nlohmann::json record_json,
                                const fs::path& scan, const fs::path& archived) {
  const Deliverables deliverables = BuildDeliverables(
      {.record = record, .pages = ocr_pages, .scan = scan, .archived = archived});
  for (const auto& failure : deliverables.failures) {
    record_json["review"].push_back(failure);
  }
  // A rebuild starts from hard links to the archived files: unlink before writing, so the
  // archived issue is never written through.
  std::vector<std::string> written;
  auto write = [&](const fs::path& relative, std::string_view bytes) {
    written.push_back(relative.generic_string());
    const fs::path path = staging / relative;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    fs::remove(path, ec);
    WriteFileDurably(path, bytes);
  };
  write("record.json", record_json.dump(2) + "\n");
  write("text.txt", record.Text());
  for (const auto& file : deliverables.files) write(file.path, file.bytes);
  return written;
}

// Moves `staging` into place as `target`, swapping out the issue there in one step.
void SwapIntoPlace(const fs::path& staging, const fs::path& target, const fs::path& issues) {
  if (fs::exists(target)) {
    // Swap old and new in one step; the old one is then in `staging`, for the caller to drop.
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
      ThrowArchiveError(target, "cannot replace");
    }
  } else if (::rename(staging.c_str(), target.c_str()) != 0) {
    ThrowArchiveError(target, "cannot move into place");
  }
  SyncPath(issues);
}

// Syncs every folder under `dir` and `dir` itself.
void SyncTree(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec)) SyncPath(it->path());
  }
  SyncPath(dir);
}

}  // namespace

void Archive::CommitIssue(const std::string& key, const IssueRecord& record,
                          const std::vector<OcrPage>& ocr_pages,
                          const std::vector<std::string>& page_images,
                          const fs::path& scan) const {
  const fs::path staging = root_ / "tmp" / fmt::format("{}.{}", key, UniqueSuffix());
  std::error_code ec;
  fs::create_directories(staging / "pages", ec);
  if (ec) ThrowArchiveError(staging, "cannot create");
  try {
    for (size_t i = 0; i < ocr_pages.size(); ++i) {
      WriteFileDurably(staging / "pages" / fmt::format("{:04d}.json", i + 1),
                       nlohmann::json(ocr_pages[i]).dump());
    }
    for (size_t i = 0; i < page_images.size(); ++i) {
      if (page_images[i].empty()) continue;
      WriteFileDurably(staging / "pages" / fmt::format("{:04d}.jpg", i + 1), page_images[i]);
    }
    WriteRecordAndDeliverables(staging, record, ocr_pages, nlohmann::json(record), scan,
                               HasIssue(key) ? IssueDir(key) : fs::path());
    WriteIssueManifest(staging);  // last: it lists every file above
    SyncTree(staging);
    SwapIntoPlace(staging, IssueDir(key), root_ / "issues");
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  fs::remove_all(staging, ec);  // the replaced issue, if there was one
}

void Archive::RewriteIssue(const std::string& key, const IssueRecord& record,
                           const std::vector<OcrPage>& ocr_pages,
                           nlohmann::json record_json) const {
  const fs::path target = IssueDir(key);
  if (!HasIssue(key)) ThrowArchiveError(target, "no such issue to rewrite");
  const fs::path staging = root_ / "tmp" / fmt::format("{}.{}", key, UniqueSuffix());
  std::error_code ec;
  try {
    // Everything but the deliverables, linked (the record, text and deliverables are written
    // anew; a deliverable a writer no longer makes is not carried over).
    const std::vector<std::string> owned = DeliverablePaths();
    auto is_deliverable = [&](const std::string& relative) {
      for (const auto& path : owned) {
        if (relative == path || (path.ends_with('/') && relative.starts_with(path))) return true;
      }
      return false;
    };
    fs::create_directories(staging, ec);
    if (ec) ThrowArchiveError(staging, "cannot create");
    std::set<std::string> linked;
    for (auto it = fs::recursive_directory_iterator(target); it != fs::end(it); ++it) {
      const fs::path relative = fs::relative(it->path(), target);
      if (it->is_directory()) {
        fs::create_directories(staging / relative);
        continue;
      }
      if (is_deliverable(relative.generic_string())) continue;
      linked.insert(relative.generic_string());
      fs::create_hard_link(it->path(), staging / relative, ec);
      if (ec) fs::copy_file(it->path(), staging / relative);  // another file system
    }
    for (const auto& path :
         WriteRecordAndDeliverables(staging, record, ocr_pages, std::move(record_json), {}, target)) {
      linked.erase(path);
    }
    // The linked files keep the hashes the archived manifest gives them (when it can be read).
    Manifest carried;
    try {
      if (const auto archived = ReadManifest(target, kManifestName)) {
        for (const auto& [path, sha] : *archived) {
          if (linked.contains(path)) carried.emplace(path, sha);
        }
      }
    } catch (const QikanError&) {
      // A damaged manifest: the linked files are hashed anew (qikan verify reports it first).
    }
    WriteIssueManifest(staging, carried);  // last: it lists every file above
    SyncTree(staging);
    SwapIntoPlace(staging, target, root_ / "issues");
  } catch (const QikanError&) {
    fs::remove_all(staging, ec);
    throw;
  } catch (const std::exception& e) {
    fs::remove_all(staging, ec);
    throw QikanError(ExitStatus::kArchiveError, target.string(),
                     std::string("cannot rewrite: ") + e.what());
  }
  fs::remove_all(staging, ec);  // the issue as it was
}

void Archive::RemoveTemporaries() const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / "tmp", ec)) {
    // KEY.PID.N: an issue's staging folder, left alone while someone (the review server)
    // holds that issue's lock and is still writing it.
    std::string key = entry.path().filename().string();
    for (int dots = 0; dots < 2; ++dots) {
      if (const size_t dot = key.rfind('.'); dot != std::string::npos) key.resize(dot);
    }
    if (key.empty()) {
      fs::remove_all(entry.path(), ec);
      continue;
    }
    try {
      if (const auto lock = IssueLock::TryLock(root_, key)) fs::remove_all(entry.path(), ec);
    } catch (const QikanError& e) {
      spdlog::warn("{}", e.Line());
    }
  }
}

}  // namespace qikan
