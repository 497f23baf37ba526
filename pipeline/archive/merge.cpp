#include "pipeline/archive/merge.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "models/record.h"
#include "pipeline/archive/archive.h"
#include "pipeline/archive/archive_lock.h"
#include "pipeline/run/shard.h"
#include "pipeline/version.h"

namespace qikan {
namespace fs = std::filesystem;
namespace {

std::string UtcNow(const char* format) {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

// Renames are durable once their folder is synced; a failure here is only a warning, since the
// next run's catalog check finds whatever a crash undid.
void SyncFolder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    spdlog::warn("{}: cannot sync: {}", folder.string(), std::strerror(errno));
  }
  if (fd >= 0) ::close(fd);
}

// The numbered folders under DIR/shards, in order.
std::vector<int> ShardIndexes(const fs::path& archive) {
  std::vector<int> shards;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(archive / "shards", error)) {
    const std::string name = entry.path().filename().string();
    int index = -1;
    const auto [end, parse_error] = std::from_chars(name.data(), name.data() + name.size(), index);
    if (parse_error == std::errc() && end == name.data() + name.size() && index >= 0 &&
        entry.is_directory(error)) {
      shards.push_back(index);
    }
  }
  std::sort(shards.begin(), shards.end());
  return shards;
}

std::vector<std::string> CommittedKeys(const fs::path& shard) {
  std::vector<std::string> keys;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(shard / "issues", error)) {
    if (fs::exists(entry.path() / "record.json", error)) {
      keys.push_back(entry.path().filename().string());
    }
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

IssueRecord ReadRecord(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw QikanError(ExitStatus::kArchiveError, file.string(), "cannot be read");
  try {
    return nlohmann::json::parse(in).get<IssueRecord>();
  } catch (const std::exception& e) {
    throw QikanError(ExitStatus::kArchiveError, file.string(),
                     std::string("not a readable record: ") + e.what());
  }
}

class Merge {
 public:
  Merge(const fs::path& archive, Catalog& catalog, int64_t run_id,
        const std::function<void(const MergeOutcome&)>& on_issue, MergeSummary& summary)
      : archive_(archive), catalog_(catalog), run_id_(run_id), on_issue_(on_issue),
        summary_(summary) {}

  void Shard(int index) {
    const fs::path dir = ShardDir(archive_, index);
    std::optional<ArchiveLock> lock;
    try {
      lock.emplace(dir);
    } catch (const QikanError& e) {
      if (e.status() != ExitStatus::kLocked) throw;
      spdlog::warn("shard {}: {}; left alone", index, e.Line());
      summary_.busy_shards.push_back(index);
      return;
    }
    const std::vector<std::string> keys = CommittedKeys(dir);
    if (keys.empty()) return;
    std::optional<Catalog> shard_catalog;
    if (fs::exists(CatalogPath(dir))) shard_catalog.emplace(Catalog::Open(CatalogPath(dir)));
    for (const auto& key : keys) {
      MergeOutcome outcome{.shard = index, .key = key};
      try {
        Issue(dir, key, shard_catalog ? &*shard_catalog : nullptr, outcome);
      } catch (const std::exception& e) {
        outcome.kind = MergeOutcome::Kind::kFailed;
        outcome.detail = e.what();
      }
      if (outcome.kind == MergeOutcome::Kind::kMerged) {
        moved_.push_back(std::move(outcome));
        if (moved_.size() >= kBatch) CatalogMoved(dir);
      } else {
        Report(std::move(outcome));
      }
    }
    CatalogMoved(dir);
    // The shard's catalog forgets the issues that left (their inputs stay known by content).
    if (shard_catalog) shard_catalog->RepairFromArchive(dir);
  }

 private:
  void Issue(const fs::path& shard, const std::string& key, const Catalog* shard_catalog,
             MergeOutcome& outcome) {
    const fs::path from = shard / "issues" / key;
    const IssueRecord record = ReadRecord(from / "record.json");
    const std::string& sha = record.source.sha256;
    if (const auto existing = Existing(sha, key)) {
      outcome.kind = MergeOutcome::Kind::kDuplicate;
      outcome.detail = *existing;
      // Out of the shard in one rename, then deleted: a crash midway leaves it in DIR/tmp,
      // which the next run or merge clears.
      const fs::path doomed = archive_ / "tmp" / fmt::format("duplicate-{}-{}", key, ::getpid());
      if (::rename(from.c_str(), doomed.c_str()) != 0) {
        throw QikanError(ExitStatus::kArchiveError, from.string(),
                         std::string("cannot move out of the shard: ") + std::strerror(errno));
      }
      std::error_code error;
      fs::remove_all(doomed, error);
      if (!sha.empty()) catalog_.RecordInputDone(run_id_, sha, record.source.file, *existing);
      return;
    }
    const fs::path to = archive_ / "issues" / key;
    if (fs::exists(to)) {
      throw QikanError(ExitStatus::kArchiveError, to.string(),
                       "the key is taken by an issue of other content; left in the shard");
    }
    if (::rename(from.c_str(), to.c_str()) != 0) {
      throw QikanError(ExitStatus::kArchiveError, from.string(),
                       fmt::format("cannot move into {}: {}", to.string(), std::strerror(errno)));
    }
    std::string settings_hash;
    if (shard_catalog) {
      if (const auto row = shard_catalog->FindIssue(key)) settings_hash = row->settings_hash;
    }
    // Also marks the input (record.source) done as this issue.
    to_catalog_.push_back(Catalog::IssueToCommit{.key = key,
                                                 .record = record,
                                                 .settings_hash = settings_hash,
                                                 .record_path = "issues/" + key + "/record.json"});
  }

  // Makes the renames so far durable and catalogs their issues in one transaction (a sync per
  // issue made merging 1,000 issues take 25 s). Should the merge die before, the next run or
  // merge catalogs the moved folders from their record.json (CheckDepth::kContent).
  void CatalogMoved(const fs::path& shard) {
    if (moved_.empty()) return;
    SyncFolder(shard / "issues");
    SyncFolder(archive_ / "issues");
    try {
      catalog_.CommitIssues(run_id_, to_catalog_);
    } catch (const QikanError& e) {
      throw QikanError(ExitStatus::kArchiveError, e.file(),
                       fmt::format("{} issues are in the archive but could not be cataloged ({}); "
                                   "the next run or merge catalogs them",
                                   moved_.size(), e.what()));
    }
    to_catalog_.clear();
    for (auto& outcome : moved_) Report(std::move(outcome));
    moved_.clear();
  }

  // The key under which content `sha` is in DIR/issues already (moved by this merge and not
  // cataloged yet, or in the catalog; else a folder of the same key holding the same content).
  std::optional<std::string> Existing(const std::string& sha, const std::string& key) const {
    for (const auto& pending : to_catalog_) {
      if (!sha.empty() && pending.record.source.sha256 == sha) return pending.key;
    }
    if (!sha.empty()) {
      const auto seen = catalog_.FindInput(sha);
      if (seen && seen->status == InputStatus::kDone && seen->issue_key &&
          fs::exists(archive_ / "issues" / *seen->issue_key / "record.json")) {
        return seen->issue_key;
      }
    }
    const fs::path same_key = archive_ / "issues" / key / "record.json";
    if (fs::exists(same_key) && ReadRecord(same_key).source.sha256 == sha) return key;
    return std::nullopt;
  }

  void Report(MergeOutcome outcome) {
    switch (outcome.kind) {
      case MergeOutcome::Kind::kMerged:
        spdlog::info("merged {} from shard {}", outcome.key, outcome.shard);
        break;
      case MergeOutcome::Kind::kDuplicate:
        spdlog::info("duplicate {} in shard {}: the same content is in the archive as {}",
                     outcome.key, outcome.shard, outcome.detail);
        break;
      case MergeOutcome::Kind::kFailed:
        spdlog::warn("cannot merge {} from shard {}: {}", outcome.key, outcome.shard,
                     outcome.detail);
        break;
    }
    if (on_issue_) on_issue_(outcome);
    summary_.issues.push_back(std::move(outcome));
  }

  static constexpr size_t kBatch = 200;
  const fs::path& archive_;
  Catalog& catalog_;
  std::vector<MergeOutcome> moved_;  // renamed into DIR/issues, not cataloged yet
  std::vector<Catalog::IssueToCommit> to_catalog_;
  const int64_t run_id_;
  const std::function<void(const MergeOutcome&)>& on_issue_;
  MergeSummary& summary_;
};

const char* KindName(MergeOutcome::Kind kind) {
  switch (kind) {
    case MergeOutcome::Kind::kMerged: return "merged";
    case MergeOutcome::Kind::kDuplicate: return "duplicate";
    case MergeOutcome::Kind::kFailed: return "failed";
  }
  return "?";
}

nlohmann::json SummaryJson(const MergeSummary& summary, const std::string& started_at) {
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& issue : summary.issues) {
    issues.push_back({{"shard", issue.shard},
                      {"key", issue.key},
                      {"outcome", KindName(issue.kind)},
                      {"detail", issue.detail}});
  }
  return {{"run_id", summary.run_id},
          {"command", "merge"},
          {"started_at", started_at},
          {"finished_at", UtcNow("%Y-%m-%dT%H:%M:%SZ")},
          {"seconds", summary.seconds},
          {"shards", summary.shards},
          {"busy_shards", summary.busy_shards},
          {"merged", summary.Count(MergeOutcome::Kind::kMerged)},
          {"duplicates", summary.Count(MergeOutcome::Kind::kDuplicate)},
          {"failed", summary.Count(MergeOutcome::Kind::kFailed)},
          {"issues", std::move(issues)}};
}

}  // namespace

int MergeSummary::Count(MergeOutcome::Kind kind) const {
  return static_cast<int>(std::count_if(issues.begin(), issues.end(),
                                        [&](const MergeOutcome& o) { return o.kind == kind; }));
}

ExitStatus MergeSummary::Status() const {
  return Count(MergeOutcome::Kind::kFailed) > 0 ? ExitStatus::kArchiveError : ExitStatus::kOk;
}

MergeSummary MergeShards(const MergeOptions& options,
                         const std::function<void(const MergeOutcome&)>& on_issue) {
  const auto start = std::chrono::steady_clock::now();
  const std::string started_at = UtcNow("%Y-%m-%dT%H:%M:%SZ");
  std::error_code error;
  if (!fs::is_directory(options.archive, error)) {
    throw QikanError(ExitStatus::kInputMissing, options.archive.string(), "no archive folder here");
  }
  const Archive archive(options.archive);
  const ArchiveLock lock(options.archive);
  archive.RemoveTemporaries();
  Catalog catalog = Catalog::Open(CatalogPath(options.archive));
  MergeSummary summary;
  summary.run_id =
      catalog.BeginRun(QIKAN_VERSION, nlohmann::json{{"command", "merge"}}.dump());
  try {
    summary.repair = catalog.RepairFromArchive(options.archive, summary.run_id, CheckDepth::kContent);
    for (const auto& key : summary.repair.imported) spdlog::info("catalog: imported {}", key);
    for (const auto& key : summary.repair.removed) spdlog::info("catalog: removed {}", key);
    summary.shards = ShardIndexes(options.archive);
    Merge merge(options.archive, catalog, summary.run_id, on_issue, summary);
    for (const int shard : summary.shards) merge.Shard(shard);
  } catch (const QikanError& e) {
    catalog.FinishRun(summary.run_id, e.status(), nlohmann::json{{"error", e.Line()}}.dump());
    throw;
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const nlohmann::json json = SummaryJson(summary, started_at);
  catalog.FinishRun(summary.run_id, summary.Status(), json.dump());
  if (options.write_summary) {
    const fs::path logs = options.archive / "logs";
    fs::create_directories(logs, error);
    const fs::path file = logs / fmt::format("merge-{}-{}.json", UtcNow("%Y%m%dT%H%M%SZ"),
                                             summary.run_id);
    try {
      WriteFileDurably(file, json.dump(2) + "\n");
      summary.summary_file = file;
    } catch (const QikanError& e) {
      spdlog::warn("cannot write the merge summary: {}", e.Line());
    }
  }
  return summary;
}

}  // namespace qikan
