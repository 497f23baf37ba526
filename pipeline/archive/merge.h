#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "models/errors.h"
#include "pipeline/archive/catalog.h"

namespace qikan {

// `qikan merge --archive DIR`: moves the issues the shards committed (DIR/shards/*/issues/<key>,
// see pipeline/run/shard.h) into DIR/issues/, one rename each (shards live inside DIR, so on the
// same file system), and catalogs them in DIR/catalog.sqlite with the settings hash their
// shard's catalog recorded.
//
// - It holds DIR/.lock, as a run does (kLocked when a run or another merge holds it), clears
//   DIR/tmp and first catalogs what a killed run or merge left uncataloged.
// - A shard whose lock is held (its run is still going) is left alone and listed in
//   `busy_shards`; so is every shard's tmp/ (half-done work): only whole, committed issue
//   folders move.
// - An issue whose content (record.json's source.sha256) is already in DIR/issues, under any
//   key, is a duplicate: its shard copy is removed. A key taken by other content (a clash of
//   the 8 hex digits of the key) is left in the shard and reported as failed.
// - Safe to run again at any time: a second merge finds nothing to move. A merge killed
//   between a rename and the catalog update is repaired by the next run or merge.
struct MergeOptions {
  std::filesystem::path archive;
  bool write_summary = true;  // DIR/logs/merge-<UTC timestamp>-<run id>.json
};

struct MergeOutcome {
  enum class Kind { kMerged, kDuplicate, kFailed };
  Kind kind = Kind::kMerged;
  int shard = 0;
  std::string key;     // the issue's folder name in the shard
  std::string detail;  // the key it duplicates, or why it failed
};

struct MergeSummary {
  std::vector<MergeOutcome> issues;
  std::vector<int> shards;       // the shards looked into
  std::vector<int> busy_shards;  // left alone: their run still holds their lock
  RepairReport repair;           // what the catalog check at the start fixed
  int64_t run_id = 0;            // the merge's row in the catalog's runs table
  double seconds = 0;
  std::filesystem::path summary_file;

  int Count(MergeOutcome::Kind kind) const;
  ExitStatus Status() const;  // kArchiveError when an issue failed to move, else kOk
};

// Throws QikanError: kInputMissing when DIR is not a folder, kLocked, kArchiveError.
MergeSummary MergeShards(const MergeOptions& options,
                         const std::function<void(const MergeOutcome&)>& on_issue = {});

}  // namespace qikan
