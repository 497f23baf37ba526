#include "pipeline/archive/archive.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/errors.h"

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

void Archive::CommitIssue(const std::string& key, const IssueRecord& record,
                          const std::vector<OcrPage>& ocr_pages,
                          const std::vector<std::string>& page_images) const {
  const fs::path staging = root_ / "tmp" / fmt::format("{}.{}", key, UniqueSuffix());
  std::error_code ec;
  fs::create_directories(staging / "pages", ec);
  if (ec) ThrowArchiveError(staging, "cannot create");
  try {
    WriteFileDurably(staging / "record.json", nlohmann::json(record).dump(2) + "\n");
    WriteFileDurably(staging / "text.txt", record.Text());
    for (size_t i = 0; i < ocr_pages.size(); ++i) {
      WriteFileDurably(staging / "pages" / fmt::format("{:04d}.json", i + 1),
                       nlohmann::json(ocr_pages[i]).dump());
    }
    for (size_t i = 0; i < page_images.size(); ++i) {
      if (page_images[i].empty()) continue;
      WriteFileDurably(staging / "pages" / fmt::format("{:04d}.jpg", i + 1), page_images[i]);
    }
    SyncPath(staging / "pages");
    SyncPath(staging);

    const fs::path target = IssueDir(key);
    if (fs::exists(target)) {
      // Swap old and new in one step, then drop the old one from tmp/.
      if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
        ThrowArchiveError(target, "cannot replace");
      }
    } else if (::rename(staging.c_str(), target.c_str()) != 0) {
      ThrowArchiveError(target, "cannot move into place");
    }
    SyncPath(root_ / "issues");
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  fs::remove_all(staging, ec);  // the replaced issue, if there was one
}

void Archive::RemoveTemporaries() const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / "tmp", ec)) {
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace qikan
