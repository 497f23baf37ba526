#include "pipeline/archive/fixity.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "pipeline/archive/archive.h"
#include "pipeline/archive/archive_lock.h"
#include "pipeline/archive/hash.h"

namespace qikan {
namespace fs = std::filesystem;
namespace {

std::string EncodePath(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (c == '%') out += "%25";
    else if (c == '\n') out += "%0A";
    else if (c == '\r') out += "%0D";
    else out += c;
  }
  return out;
}

std::string DecodePath(std::string_view path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string_view rest = path.substr(i);
    if (rest.starts_with("%25")) { out += '%'; i += 2; }
    else if (rest.starts_with("%0A") || rest.starts_with("%0a")) { out += '\n'; i += 2; }
    else if (rest.starts_with("%0D") || rest.starts_with("%0d")) { out += '\r'; i += 2; }
    else out += path[i];
  }
  return out;
}

bool IsHex64(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

std::optional<std::string> ReadSmallFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares the files under `dir` (listed as `prefix` + relative path) with `manifest`.
void CompareWithManifest(const fs::path& dir, const std::vector<std::string>& files,
                         const Manifest& manifest, const std::string& issue, FolderCheck& check) {
  const std::set<std::string> present(files.begin(), files.end());
  for (const auto& [path, sha] : manifest) {
    if (!present.contains(path)) {
      check.problems.push_back({FixityProblem::Kind::kMissing, issue, path, ""});
      continue;
    }
    uint64_t bytes = 0;
    std::string actual;
    try {
      actual = Sha256OfFile(dir / path, &bytes);
    } catch (const QikanError& e) {
      check.problems.push_back({FixityProblem::Kind::kUnreadable, issue, path, e.what()});
      continue;
    }
    ++check.files;
    check.bytes += bytes;
    std::string expected = sha;
    std::transform(expected.begin(), expected.end(), expected.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (actual != expected) {
      check.problems.push_back({FixityProblem::Kind::kChanged, issue, path,
                                fmt::format("sha256 {}, manifest says {}", actual, expected)});
    }
  }
  for (const auto& path : files) {
    if (!manifest.contains(path)) {
      check.problems.push_back(
          {FixityProblem::Kind::kUnexpected, issue, path, "not in the manifest"});
    }
  }
}

FolderCheck CheckIssueOnce(const fs::path& dir, const std::string& key) {
  FolderCheck check;
  std::optional<Manifest> manifest;
  try {
    manifest = ReadManifest(dir, kManifestName);
  } catch (const QikanError& e) {
    check.problems.push_back({FixityProblem::Kind::kBadManifest, key, kManifestName, e.what()});
    return check;
  }
  if (!manifest) {
    check.problems.push_back({FixityProblem::Kind::kNoManifest, key, kManifestName, ""});
    return check;
  }
  CompareWithManifest(dir, FilesUnder(dir), *manifest, key, check);
  return check;
}

Manifest ComputeManifest(const fs::path& dir, const Manifest& carried) {
  Manifest manifest;
  for (const auto& path : FilesUnder(dir)) {
    const auto known = carried.find(path);
    manifest[path] = known != carried.end() ? known->second : Sha256OfFile(dir / path);
  }
  return manifest;
}

// Gives an issue without a manifest one, never replacing one that appeared meanwhile: the
// manifest is written aside and linked into place (link fails when the name exists).
bool AddMissingManifest(const fs::path& archive, const fs::path& dir) {
  const fs::path aside = archive / "tmp" / fmt::format("manifest-{}-{}", dir.filename().string(),
                                                       ::getpid());
  std::error_code ignored;
  fs::create_directories(aside.parent_path(), ignored);
  WriteFileDurably(aside, FormatManifest(ComputeManifest(dir, {})));
  const int rc = ::link(aside.c_str(), (dir / kManifestName).c_str());
  const int error = errno;
  fs::remove(aside, ignored);
  if (rc != 0 && error != EEXIST) {
    throw QikanError(ExitStatus::kArchiveError, (dir / kManifestName).string(),
                     std::string("cannot write the manifest: ") + std::strerror(error));
  }
  return rc == 0;
}

std::vector<std::string> IssueKeys(const fs::path& issues) {
  std::vector<std::string> keys;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(issues, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with('.') && entry.is_directory(error)) keys.push_back(name);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string FormatManifest(const Manifest& manifest) {
  std::string text;
  for (const auto& [path, sha] : manifest) text += sha + "  " + EncodePath(path) + "\n";
  return text;
}

Manifest ParseManifest(std::string_view text, const std::string& source) {
  Manifest manifest;
  int number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    const size_t space = line.find_first_of(" \t");
    const size_t path = space == std::string_view::npos ? space : line.find_first_not_of(" \t", space);
    if (path == std::string_view::npos || !IsHex64(line.substr(0, space))) {
      throw QikanError(ExitStatus::kFixityFailed, source,
                       fmt::format("line {} is not \"<sha256>  <path>\"", number));
    }
    manifest[DecodePath(line.substr(path))] = std::string(line.substr(0, space));
  }
  return manifest;
}

std::optional<Manifest> ReadManifest(const fs::path& dir, const std::string& name) {
  const std::optional<std::string> text = ReadSmallFile(dir / name);
  if (!text) return std::nullopt;
  return ParseManifest(*text, (dir / name).string());
}

std::vector<std::string> FilesUnder(const fs::path& dir, std::string_view skip_top) {
  std::vector<std::string> files;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(dir, error); !error && it != fs::end(it);
       it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    std::string relative = it->path().lexically_relative(dir).generic_string();
    if (!skip_top.empty() && relative == skip_top) continue;
    files.push_back(std::move(relative));
  }
  std::sort(files.begin(), files.end());
  return files;
}

void WriteIssueManifest(const fs::path& dir, const Manifest& carried) {
  const Manifest manifest = ComputeManifest(dir, carried);
  std::error_code ignored;
  fs::remove(dir / kManifestName, ignored);  // a hard link to the archived one
  WriteFileDurably(dir / kManifestName, FormatManifest(manifest));
}

const char* FixityProblemName(FixityProblem::Kind kind) {
  switch (kind) {
    case FixityProblem::Kind::kMissing: return "MISSING";
    case FixityProblem::Kind::kChanged: return "CHANGED";
    case FixityProblem::Kind::kUnexpected: return "UNEXPECTED";
    case FixityProblem::Kind::kNoManifest: return "NO-MANIFEST";
    case FixityProblem::Kind::kBadManifest: return "BAD-MANIFEST";
    case FixityProblem::Kind::kUnreadable: return "UNREADABLE";
  }
  return "?";
}

std::string FixityProblemLine(const FixityProblem& problem) {
  return fmt::format("{:<12} {}  {}{}", FixityProblemName(problem.kind), problem.issue,
                     problem.path, problem.detail.empty() ? "" : "  " + problem.detail);
}

std::string FolderVersion(const fs::path& dir) {
  struct stat st {};
  const ino_t inode = ::stat(dir.c_str(), &st) == 0 ? st.st_ino : 0;
  const std::optional<std::string> manifest = ReadSmallFile(dir / kManifestName);
  return fmt::format("{}\n{}", inode, manifest ? Sha256Hex(*manifest) : "none");
}

FolderCheck CheckIssue(const fs::path& dir, const std::string& key) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    const std::string before = FolderVersion(dir);
    FolderCheck check = CheckIssueOnce(dir, key);
    if (check.problems.empty() || attempt == kAttempts || FolderVersion(dir) == before) return check;
  }
}

ExitStatus VerifySummary::Status() const {
  return problems.empty() ? ExitStatus::kOk : ExitStatus::kFixityFailed;
}

VerifySummary VerifyArchive(const VerifyOptions& options,
                            const std::function<void(const FixityProblem&)>& on_problem) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path issues = options.archive / "issues";
  std::error_code error;
  if (!fs::is_directory(issues, error)) {
    throw QikanError(ExitStatus::kInputMissing, options.archive.string(), "no archive here");
  }
  for (const auto& key : options.keys) {
    if (key.empty() || key.find('/') != std::string::npos || key.starts_with('.') ||
        !fs::is_directory(issues / key, error)) {
      throw QikanError(ExitStatus::kInputMissing, key, "no such issue in the archive");
    }
  }
  std::optional<ArchiveLock> lock;
  if (options.update_missing) lock.emplace(options.archive);
  const std::vector<std::string> keys = options.keys.empty() ? IssueKeys(issues) : options.keys;
  VerifySummary summary;
  for (const auto& key : keys) {
    const fs::path dir = issues / key;
    if (!fs::is_directory(dir, error)) continue;  // gone since it was listed
    FolderCheck check = CheckIssue(dir, key);
    ++summary.issues;
    summary.files += check.files;
    summary.bytes += check.bytes;
    bool damaged = false;
    for (auto& problem : check.problems) {
      if (problem.kind == FixityProblem::Kind::kNoManifest) {
        if (options.update_missing) {
          summary.manifests_written += AddMissingManifest(options.archive, dir) ? 1 : 0;
          continue;
        }
        ++summary.without_manifest;
        problem.detail = fmt::format("no manifest; `qikan verify --archive {} --update-missing` "
                                     "writes one from the files as they are now",
                                     options.archive.string());
      } else {
        damaged = true;
      }
      if (on_problem) on_problem(problem);
      summary.problems.push_back(std::move(problem));
    }
    summary.damaged += damaged ? 1 : 0;
  }
  summary.seconds = SecondsSince(start);
  return summary;
}

VerifySummary VerifyBag(const fs::path& bag,
                        const std::function<void(const FixityProblem&)>& on_problem) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code error;
  if (!fs::is_directory(bag, error)) {
    throw QikanError(ExitStatus::kInputMissing, bag.string(), "no bag here");
  }
  const std::string name = bag.string();
  FolderCheck check;
  auto problem = [&](FixityProblem::Kind kind, const std::string& path, const std::string& detail) {
    check.problems.push_back({kind, name, path, detail});
  };
  const std::optional<std::string> declaration = ReadSmallFile(bag / "bagit.txt");
  if (!declaration) {
    problem(FixityProblem::Kind::kMissing, "bagit.txt", "not a bag without it");
  } else if (!declaration->starts_with("BagIt-Version: ")) {
    problem(FixityProblem::Kind::kBadManifest, "bagit.txt", "does not begin with BagIt-Version");
  }

  // The payload: data/ against manifest-sha256.txt, then Payload-Oxum.
  std::vector<std::string> payload;
  uint64_t payload_bytes = 0;
  for (const auto& path : FilesUnder(bag / "data", "")) {
    payload.push_back("data/" + path);
    const uintmax_t size = fs::file_size(bag / payload.back(), error);
    if (!error) payload_bytes += size;
  }
  std::optional<Manifest> manifest;
  try {
    manifest = ReadManifest(bag, "manifest-sha256.txt");
    if (!manifest) {
      problem(FixityProblem::Kind::kNoManifest, "manifest-sha256.txt",
              "qikan checks SHA-256 payload manifests only");
    }
  } catch (const QikanError& e) {
    problem(FixityProblem::Kind::kBadManifest, "manifest-sha256.txt", e.what());
  }
  if (manifest) {
    for (const auto& [path, sha] : *manifest) {
      if (!path.starts_with("data/") || fs::path(path).lexically_normal().generic_string() != path) {
        problem(FixityProblem::Kind::kBadManifest, "manifest-sha256.txt",
                "entry outside data/: " + path);
      }
    }
    CompareWithManifest(bag, payload, *manifest, name, check);
  }
  const std::optional<std::string> info = ReadSmallFile(bag / "bag-info.txt");
  const std::string oxum_label = "Payload-Oxum: ";
  if (info) {
    const size_t at = info->find(oxum_label);
    if (at != std::string::npos && (at == 0 || (*info)[at - 1] == '\n')) {
      const size_t begin = at + oxum_label.size();
      std::string oxum = info->substr(begin, info->find('\n', begin) - begin);
      if (oxum.ends_with('\r')) oxum.pop_back();
      const std::string actual = fmt::format("{}.{}", payload_bytes, payload.size());
      if (oxum != actual) {
        problem(FixityProblem::Kind::kChanged, "bag-info.txt",
                fmt::format("Payload-Oxum {} but the payload is {} (bytes.files)", oxum, actual));
      }
    }
  }

  // The tag files the tag manifest lists.
  try {
    if (const auto tags = ReadManifest(bag, "tagmanifest-sha256.txt")) {
      for (const auto& [path, sha] : *tags) {
        if (path.starts_with("data/") || fs::path(path).lexically_normal().generic_string() != path) {
          problem(FixityProblem::Kind::kBadManifest, "tagmanifest-sha256.txt",
                  "entry not a tag file: " + path);
        }
      }
      std::vector<std::string> present;
      for (const auto& [path, sha] : *tags) {
        if (fs::is_regular_file(bag / path, error)) present.push_back(path);
      }
      FolderCheck tag_check;
      CompareWithManifest(bag, present, *tags, name, tag_check);
      check.problems.insert(check.problems.end(), tag_check.problems.begin(),
                            tag_check.problems.end());
      check.files += tag_check.files;
      check.bytes += tag_check.bytes;
    }
  } catch (const QikanError& e) {
    problem(FixityProblem::Kind::kBadManifest, "tagmanifest-sha256.txt", e.what());
  }

  VerifySummary summary;
  std::set<std::string> issues;
  for (const auto& path : payload) issues.insert(path.substr(0, path.find('/', 5)));
  summary.issues = static_cast<int>(issues.size());
  summary.files = check.files;
  summary.bytes = check.bytes;
  summary.damaged = check.problems.empty() ? 0 : 1;
  for (auto& p : check.problems) {
    if (on_problem) on_problem(p);
    summary.problems.push_back(std::move(p));
  }
  summary.seconds = SecondsSince(start);
  return summary;
}

}  // namespace qikan
