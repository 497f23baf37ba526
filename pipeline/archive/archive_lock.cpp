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

}  // namespace qikan
