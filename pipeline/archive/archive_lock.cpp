#include "pipeline/archive/archive_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <spdlog/spdlog.h>

#include "models/errors.h"

namespace qikan {
namespace fs = std::filesystem;

ArchiveLock::ArchiveLock(const fs::path& archive_root) {
  const fs::path file = archive_root / ".lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw QikanError(ExitStatus::kArchiveError, file.string(),
                     std::string("cannot open the archive lock: ") + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    std::string holder;
    if (error == EWOULDBLOCK) {
      char buffer[32] = {};
      const ssize_t n = ::pread(fd_, buffer, sizeof buffer - 1, 0);
      if (n > 0) holder = std::string(buffer, static_cast<size_t>(n));
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    }
    ::close(fd_);
    if (error == EWOULDBLOCK) {
      throw QikanError(ExitStatus::kLocked, archive_root.string(),
                       "another qikan run is using this archive (pid " +
                           (holder.empty() ? std::string("unknown") : holder) + ")");
    }
    throw QikanError(ExitStatus::kArchiveError, file.string(),
                     std::string("cannot lock the archive: ") + std::strerror(error));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    spdlog::warn("{}: cannot write the pid into the lock file: {}", file.string(),
                 std::strerror(errno));
  }
}

ArchiveLock::~ArchiveLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

namespace {

int OpenIssueLockFile(const fs::path& archive_root, std::string_view key) {
  const fs::path dir = archive_root / "locks";
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path file = dir / (std::string(key) + ".lock");
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw QikanError(ExitStatus::kArchiveError, file.string(),
                     std::string("cannot open the issue's lock: ") + std::strerror(errno));
  }
  return fd;
}

}  // namespace

IssueLock::IssueLock(const fs::path& archive_root, std::string_view key)
    : fd_(OpenIssueLockFile(archive_root, key)) {
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int error = errno;
    ::close(fd_);
    throw QikanError(ExitStatus::kArchiveError, (archive_root / "locks").string(),
                     std::string("cannot lock issue ") + std::string(key) + ": " +
                         std::strerror(error));
  }
}

std::optional<IssueLock> IssueLock::TryLock(const fs::path& archive_root, std::string_view key) {
  IssueLock lock;
  lock.fd_ = OpenIssueLockFile(archive_root, key);
  if (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) return std::nullopt;  // closes it
  return lock;
}

IssueLock::~IssueLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace qikan
