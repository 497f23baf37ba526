#pragma once

#include <filesystem>

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

}  // namespace qikan
