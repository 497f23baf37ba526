#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/errors.h"

namespace qikan {

// Fixity: each issue folder holds manifest-sha256.txt, the SHA-256 of every other file in it,
// one BagIt manifest line a file ("<sha256>  <path>", paths relative to the folder, '/'-separated,
// sorted). Archive::CommitIssue and Archive::RewriteIssue write it last into the staged folder,
// so it is swapped in with the files it lists; `qikan merge` moves folders whole, manifest and all.
inline constexpr const char* kManifestName = "manifest-sha256.txt";

using Manifest = std::map<std::string, std::string>;  // relative path -> hex SHA-256

// The manifest's text: one line a file, in path order; '%', CR and LF in a path are
// percent-encoded as RFC 8493 asks.
std::string FormatManifest(const Manifest& manifest);
// Throws QikanError(kFixityFailed) naming `source` and the line that is not "<hex>  <path>".
Manifest ParseManifest(std::string_view text, const std::string& source);
// The manifest file in `dir`; nullopt when there is none.
std::optional<Manifest> ReadManifest(const std::filesystem::path& dir, const std::string& name);

// The regular files under `dir`, as '/'-separated relative paths in order, without the manifest
// at its top (`skip_top`, when given).
std::vector<std::string> FilesUnder(const std::filesystem::path& dir,
                                    std::string_view skip_top = kManifestName);

// Writes `dir`/manifest-sha256.txt (durably, replacing a hard link without writing through it)
// over every other file in `dir`. A file listed in `carried` (a file hard-linked from the issue
// as archived, with the archived manifest's hash) keeps that hash rather than being read again:
// a rebuild must not bless a page image damaged on disk since it was written.
void WriteIssueManifest(const std::filesystem::path& dir, const Manifest& carried = {});

// What tells one version of an issue folder from the next (its inode and its manifest's text):
// a swap puts another folder at the path. Equal before and after reading a folder: it held still.
std::string FolderVersion(const std::filesystem::path& dir);

// One thing a check found wrong. `issue` is the issue key, or empty for a bag.
struct FixityProblem {
  enum class Kind { kMissing, kChanged, kUnexpected, kNoManifest, kBadManifest, kUnreadable };
  Kind kind;
  std::string issue;
  std::string path;
  std::string detail;
};
const char* FixityProblemName(FixityProblem::Kind kind);  // MISSING, CHANGED, ...
// "CHANGED  <issue>  <path>  <detail>": the one line `qikan verify` prints for it.
std::string FixityProblemLine(const FixityProblem& problem);

struct FolderCheck {
  std::vector<FixityProblem> problems;
  uint64_t files = 0;  // files read
  uint64_t bytes = 0;
};

// Checks the issue folder `dir` against its manifest. An issue swapped in (by a run or a review
// decision) while it is read is read again: only what is still wrong once its folder and
// manifest held still during a whole check is reported.
FolderCheck CheckIssue(const std::filesystem::path& dir, const std::string& key);

struct VerifyOptions {
  std::filesystem::path archive;
  std::vector<std::string> keys;  // none: every issue in DIR/issues
  // Write a manifest for each issue that has none (an archive made before manifests), never
  // replacing one; takes the archive's lock.
  bool update_missing = false;
};

struct VerifySummary {
  int issues = 0;
  int damaged = 0;           // issues with a missing, changed, unexpected or unreadable file
  int without_manifest = 0;  // left without one (no --update-missing)
  int manifests_written = 0;
  uint64_t files = 0;
  uint64_t bytes = 0;
  double seconds = 0;
  std::vector<FixityProblem> problems;
  ExitStatus Status() const;  // kOk, or kFixityFailed when anything was found wrong
};

// Checks the archive's issues (`qikan verify --archive`). Reads without the archive's lock, as
// search, show and the review server do: issues are swapped in whole. `on_problem` is called
// for each problem as it is found. Throws kInputMissing for a missing archive or a key not in it.
VerifySummary VerifyArchive(const VerifyOptions& options,
                            const std::function<void(const FixityProblem&)>& on_problem = {});

// Checks a BagIt bag (`qikan verify --bag`): bagit.txt, every manifest-sha256.txt entry present
// with its hash, no payload file outside it, Payload-Oxum, and tagmanifest-sha256.txt.
VerifySummary VerifyBag(const std::filesystem::path& bag,
                        const std::function<void(const FixityProblem&)>& on_problem = {});

}  // namespace qikan
