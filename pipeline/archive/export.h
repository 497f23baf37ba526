#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qikan {

// `qikan export`: archived issues as one BagIt bag (RFC 8493), for deposit elsewhere:
//   OUT/bagit.txt               BagIt-Version 1.0, UTF-8 tag files
//   OUT/bag-info.txt            Source-Organization, Bagging-Date, Payload-Oxum,
//                               External-Identifier (one per issue key), Bag-Software-Agent
//   OUT/manifest-sha256.txt     every payload file
//   OUT/tagmanifest-sha256.txt  the three tag files above
//   OUT/data/<key>/...          each issue's folder as archived (record, text, pages,
//                               deliverables, its own manifest-sha256.txt)
// The bag is made in OUT.tmp-XXXXXX beside OUT and renamed into place, so OUT is whole or absent.
struct ExportOptions {
  std::filesystem::path archive;
  std::vector<std::string> keys;
  std::filesystem::path bag;  // must not exist
  std::string organization;   // Source-Organization; empty: the issues' publishers
  // Hard-link the payload to the archive's files rather than copying it (same file system
  // only): fast, but then the bag's files are the archive's, and editing one edits both.
  bool link = false;
};

struct ExportSummary {
  int issues = 0;
  uint64_t files = 0;  // payload files
  uint64_t bytes = 0;
  double seconds = 0;
};

// Throws QikanError: kOutputExists when OUT exists, kInputMissing for an archive or key not
// there, kFixityFailed when an issue's files do not match its manifest (a damaged issue is not
// exported; `qikan verify` lists what is wrong), kArchiveError when the bag cannot be written.
ExportSummary ExportBag(const ExportOptions& options);

// The keys of the catalog's issues dated within [from, to] (ISO 8601 prefixes, inclusive: "2025"
// to "2025-06" takes in January 2025 to June 2025), or all of them; in date order. An issue
// without a readable date is only taken by `all`. Throws kInputMissing without a catalog.
struct IssueSelection {
  bool all = false;
  std::string from_date;
  std::string to_date;
};
std::vector<std::string> SelectIssues(const std::filesystem::path& archive,
                                      const IssueSelection& selection);

}  // namespace qikan
