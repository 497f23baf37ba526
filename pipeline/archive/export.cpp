#include "pipeline/archive/export.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "models/errors.h"
#include "models/record.h"
#include "pipeline/archive/archive.h"
#include "pipeline/archive/catalog.h"
#include "pipeline/archive/fixity.h"
#include "pipeline/archive/hash.h"
#include "pipeline/version.h"

namespace qikan {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void ThrowWriteError(const fs::path& path, const std::string& what, int error) {
  throw QikanError(ExitStatus::kArchiveError, path.string(),
                   fmt::format("{}: {}", what, std::strerror(error)));
}

void SyncPath(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) ThrowWriteError(path, "cannot open to sync", errno);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) ThrowWriteError(path, "cannot sync", error);
}

// One issue's folder in the bag: its files' hashes (relative to the folder) and size.
struct StagedIssue {
  Manifest manifest;
  uint64_t bytes = 0;
};

// Puts the files of issue folder `from` into `to` (copied and synced, or hard-linked) and hashes
// what was put there, checking it against the issue's own manifest. An issue swapped in while it
// is staged (a run, a review decision) is staged again.
StagedIssue StageIssue(const fs::path& from, const fs::path& to, const std::string& key,
                       bool link) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    const std::string version = FolderVersion(from);
    std::error_code error;
    fs::remove_all(to, error);
    StagedIssue staged;
    std::optional<Manifest> own;
    std::string damage;
    try {
      own = ReadManifest(from, kManifestName);
    } catch (const QikanError& e) {
      damage = e.Line();
    }
    for (const auto& path : FilesUnder(from, "")) {
      const fs::path target = to / path;
      fs::create_directories(target.parent_path());
      if (link) {
        fs::create_hard_link(from / path, target, error);
        if (error) ThrowWriteError(target, "cannot hard-link (--link needs one file system)", error.value());
      } else {
        fs::copy_file(from / path, target, error);
        if (error) ThrowWriteError(target, "cannot copy " + (from / path).string(), error.value());
        SyncPath(target);
      }
      uint64_t bytes = 0;
      staged.manifest[path] = Sha256OfFile(target, &bytes);
      staged.bytes += bytes;
    }
    if (own && damage.empty()) {
      for (const auto& [path, sha] : *own) {
        const auto it = staged.manifest.find(path);
        if (it == staged.manifest.end()) damage = "missing " + path;
        else if (it->second != sha) damage = "changed " + path;
        if (!damage.empty()) break;
      }
      for (const auto& [path, sha] : staged.manifest) {
        if (damage.empty() && path != kManifestName && !own->contains(path)) {
          damage = "unexpected " + path;
        }
      }
    }
    if (FolderVersion(from) != version && attempt < kAttempts) continue;
    if (!damage.empty()) {
      throw QikanError(ExitStatus::kFixityFailed, key,
                       fmt::format("does not match its manifest ({}); not exported: `qikan verify "
                                   "--archive DIR {}` lists what is wrong",
                                   damage, key));
    }
    if (!own) spdlog::warn("{}: no manifest to check the issue against before export", key);
    return staged;
  }
}

std::string Today() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

// The publishers the issues' records name, in order of first appearance.
std::vector<std::string> Publishers(const fs::path& issues, const std::vector<std::string>& keys) {
  std::vector<std::string> publishers;
  for (const auto& key : keys) {
    try {
      std::ifstream in(issues / key / "record.json");
      const std::string publisher = nlohmann::json::parse(in).get<IssueRecord>().issue.publisher;
      if (!publisher.empty() &&
          std::find(publishers.begin(), publishers.end(), publisher) == publishers.end()) {
        publishers.push_back(publisher);
      }
    } catch (const std::exception& e) {
      spdlog::warn("{}: cannot read the publisher from record.json: {}", key, e.what());
    }
  }
  return publishers;
}

std::string BagInfo(const ExportOptions& options, const std::vector<std::string>& keys,
                    const ExportSummary& summary, const fs::path& issues) {
  std::string info;
  const std::vector<std::string> organizations =
      options.organization.empty() ? Publishers(issues, keys)
                                   : std::vector<std::string>{options.organization};
  for (const auto& organization : organizations) info += "Source-Organization: " + organization + "\n";
  info += "Bagging-Date: " + Today() + "\n";
  info += fmt::format("Payload-Oxum: {}.{}\n", summary.bytes, summary.files);
  for (const auto& key : keys) info += "External-Identifier: " + key + "\n";
  info += fmt::format("Bag-Software-Agent: qikan {}\n", QIKAN_VERSION);
  return info;
}

void SyncFolders(const fs::path& root) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_directory()) SyncPath(entry.path());
  }
  SyncPath(root);
}

}  // namespace

ExportSummary ExportBag(const ExportOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code error;
  if (fs::exists(fs::symlink_status(options.bag, error))) {
    throw QikanError(ExitStatus::kOutputExists, options.bag.string(),
                     "exists already; give the path of a bag to create");
  }
  const fs::path issues = options.archive / "issues";
  if (!fs::is_directory(issues, error)) {
    throw QikanError(ExitStatus::kInputMissing, options.archive.string(), "no archive here");
  }
  std::vector<std::string> keys;
  for (const auto& key : options.keys) {
    if (key.empty() || key.find('/') != std::string::npos || key.starts_with('.') ||
        !fs::is_directory(issues / key, error)) {
      throw QikanError(ExitStatus::kInputMissing, key, "no such issue in the archive");
    }
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  if (keys.empty()) throw QikanError(ExitStatus::kUsage, "", "no issues to export");

  const fs::path parent = options.bag.parent_path().empty() ? "." : options.bag.parent_path();
  std::string pattern = (parent / (options.bag.filename().string() + ".tmp-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) ThrowWriteError(pattern, "cannot create", errno);
  const fs::path staging = pattern;
  ExportSummary summary;
  try {
    Manifest payload;
    for (const auto& key : keys) {
      const StagedIssue staged =
          StageIssue(issues / key, staging / "data" / key, key, options.link);
      for (const auto& [path, sha] : staged.manifest) payload["data/" + key + "/" + path] = sha;
      summary.bytes += staged.bytes;
      ++summary.issues;
    }
    summary.files = payload.size();
    WriteFileDurably(staging / "bagit.txt",
                     "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    WriteFileDurably(staging / "bag-info.txt", BagInfo(options, keys, summary, issues));
    WriteFileDurably(staging / "manifest-sha256.txt", FormatManifest(payload));
    Manifest tags;
    for (const char* tag : {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"}) {
      tags[tag] = Sha256OfFile(staging / tag);
    }
    WriteFileDurably(staging / "tagmanifest-sha256.txt", FormatManifest(tags));
    SyncFolders(staging);
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, options.bag.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) {
        throw QikanError(ExitStatus::kOutputExists, options.bag.string(),
                         "exists already (made while the bag was written); give another path");
      }
      ThrowWriteError(options.bag, "cannot move the bag into place", errno);
    }
    SyncPath(parent);
  } catch (...) {
    fs::remove_all(staging, error);
    throw;
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

std::vector<std::string> SelectIssues(const fs::path& archive, const IssueSelection& selection) {
  std::error_code error;
  const fs::path file = CatalogPath(archive);
  if (!fs::exists(file, error)) {
    throw QikanError(ExitStatus::kInputMissing, archive.string(),
                     "the archive has no catalog (catalog.sqlite) to select issues by date");
  }
  std::vector<std::string> keys;
  for (const auto& row : Catalog::Open(file).Issues()) {
    if (!selection.all) {
      if (row.date.empty()) continue;
      if (!selection.from_date.empty() && row.date < selection.from_date) continue;
      if (!selection.to_date.empty() &&
          row.date.substr(0, selection.to_date.size()) > selection.to_date) {
        continue;
      }
    }
    if (fs::is_directory(archive / "issues" / row.key, error)) keys.push_back(row.key);
  }
  return keys;
}

}  // namespace qikan
