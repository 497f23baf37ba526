#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace qikan {

// An archive's lock: an exclusive flock on DIR/.lock held for as long as the object lives, so
// only one process at a time writes the archive and its catalog (a run, a merge, or one
// shard's run in its own staging area DIR/shards/K). The holder's pid is written into the file
// for the message another process prints. The kernel drops the lock when the process ends,
// however it ends, so a crashed run never leaves the archive locked.
class ArchiveLock {
 public:
  // Throws QikanError(kLocked) naming the holder's pid when another process holds the lock,
  // QikanError(kArchiveError) when the lock file cannot be opened or locked.
  explicit ArchiveLock(const std::filesystem::path& archive_root);
  ~ArchiveLock();
  ArchiveLock(const ArchiveLock&) = delete;
  ArchiveLock& operator=(const ArchiveLock&) = delete;

 private:
  int fd_ = -1;
};

// One issue's write lock: an exclusive flock on DIR/locks/KEY.lock, held while a process reads,
// rebuilds and swaps in that issue's folder and commits it to the catalog. A run holds the
// archive lock for hours, but the review server writes the same archive meanwhile: the issue
// lock keeps a reviewer's rebuild and a run's commit of the same issue from interleaving (one
// would swap in a folder built from what the other replaced), and keeps a run's clean-up of
// tmp/ off a rebuild's staging folder. Held briefly, so waiting for it blocks. Not reentrant:
// one holder per process and issue at a time.
class IssueLock {
 public:
  // Waits for the lock. Throws QikanError(kArchiveError) when the file cannot be opened.
  IssueLock(const std::filesystem::path& archive_root, std::string_view key);
  // The lock if no one holds it, else nothing.
  static std::optional<IssueLock> TryLock(const std::filesystem::path& archive_root,
                                          std::string_view key);
  ~IssueLock();
  IssueLock(IssueLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  IssueLock& operator=(IssueLock&&) = delete;
  IssueLock(const IssueLock&) = delete;
  IssueLock& operator=(const IssueLock&) = delete;

 private:
  IssueLock() = default;
  int fd_ = -1;
};

}  // namespace qikan
