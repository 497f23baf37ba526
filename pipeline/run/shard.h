#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/run/runner.h"

namespace qikan {

// One of N shards of a batch (`qikan run INBOX --archive DIR --shard K/N`), for running it on
// N machines at once with no coordinator: each input belongs to the shard its content hash
// falls in, whatever its name or the order it was discovered in, and each shard writes only its
// own staging area DIR/shards/K/ (an archive of its own: lock, tmp/, issues/, catalog, logs/).
// `qikan merge` (pipeline/archive/merge.h) then moves the staged issues into DIR/issues/.
struct ShardSpec {
  int index = 0;  // K, 0 <= K < N
  int count = 1;  // N
};

// "K/N" with 0 <= K < N (Slurm's $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT for an array
// 0-(N-1), Kubernetes' $JOB_COMPLETION_INDEX); throws QikanError(kUsage) otherwise.
ShardSpec ParseShard(const std::string& text);

// The shard a hex SHA-256 belongs to: its first 64 bits modulo `count`.
int ShardOfHash(const std::string& sha256, int count);

// DIR/shards/K.
std::filesystem::path ShardDir(const std::filesystem::path& archive, int index);

// A hash of an input's content that reads at most 128 KiB of each file: SHA-256 of its size
// and its first and last 64 KiB (for a folder of page images, of each file's name and that, in
// Sha256OfInput's order). The same content always gives the same fingerprint, whatever its name
// or path, so all copies of a scan fall in one shard (and are deduplicated there); each of N
// shards fingerprints every input of the inbox, so reading whole files (a full SHA-256) would
// read the inbox N times over shared storage. Only the shard an input falls in hashes it whole.
std::string ShardFingerprint(const std::filesystem::path& input);

// The shard an input belongs to: that of its content (ShardFingerprint); an input that cannot
// be read belongs to the shard of its path, so exactly one shard reports it.
int ShardOfInput(const std::filesystem::path& input, int count);

// The inputs of shard `spec`, in their order.
std::vector<std::filesystem::path> SelectShard(const std::vector<std::filesystem::path>& inputs,
                                               const ShardSpec& spec);

// What the main archive DIR/issues holds, by content: listed once (the key of an issue ends in
// the first 8 hex digits of its input's hash), confirmed from record.json's source.sha256 only
// for a key with those digits. Reads no catalog, so shards on other machines never open the
// main archive's SQLite file over shared storage.
class ArchivedContent {
 public:
  explicit ArchivedContent(const std::filesystem::path& archive);
  std::optional<std::string> Find(const std::string& sha256) const;  // the issue key

 private:
  std::filesystem::path issues_;
  std::vector<std::string> keys_;  // sorted by their last 8 characters
};

// Turns `options` (for the main archive DIR) into the shard's run: the archive becomes
// DIR/shards/K and content already in DIR/issues is skipped. Throws QikanError(kUsage) for
// --force and --reprocess-stale, which would redo issues of the main archive in a shard.
RunOptions ShardRunOptions(const RunOptions& options, const ShardSpec& spec);

}  // namespace qikan
