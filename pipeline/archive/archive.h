#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/ocr_page.h"
#include "models/record.h"

namespace qikan {

// The archive folder. Every issue lands whole or not at all: its files are written into
// tmp/, fsynced, and the folder is renamed into issues/<key> in one step (an existing issue is
// swapped out atomically), so a crash never leaves a half-written issue behind.
//
//   DIR/issues/<key>/record.json   the issue record (schema qikan.issue/1)
//   DIR/issues/<key>/text.txt      the pages' text, pages separated by form feeds
//   DIR/issues/<key>/pages/0001.json  each page's OCR: blocks, lines, words, boxes, confidences
//   DIR/issues/<key>/pages/0001.jpg   the page as read (deskewed, upright): the boxes fit it
//   DIR/issues/<key>/...           the deliverables (pipeline/deliverables/deliverables.h),
//                                  rebuilt with the record whenever it is rewritten
//   DIR/tmp/                       work in progress; cleared at the start of every run
class Archive {
 public:
  explicit Archive(std::filesystem::path root);  // creates the folders; throws kArchiveError

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path IssueDir(const std::string& key) const;
  bool HasIssue(const std::string& key) const;

  // `page_images` (JPEG bytes, one per page or none; an empty one is skipped) become
  // pages/NNNN.jpg. `scan` is the input the pages were read from (the searchable PDF shows its
  // images); a deliverable that cannot be made becomes a review item in the record written.
  void CommitIssue(const std::string& key, const IssueRecord& record,
                   const std::vector<OcrPage>& ocr_pages,
                   const std::vector<std::string>& page_images = {},
                   const std::filesystem::path& scan = {}) const;

  // Rewrites an archived issue's record (`record_json` is what record.json holds: the record
  // with what only the archive keeps, such as reviewers' decisions), its text and every
  // deliverable, in one step: the folder is staged in tmp/ (page images hard-linked, not
  // copied) and swapped in, so the files never disagree with each other. Throws
  // kArchiveError; the issue is then as it was.
  void RewriteIssue(const std::string& key, const IssueRecord& record,
                    const std::vector<OcrPage>& ocr_pages, nlohmann::json record_json) const;

  // Removes what a crashed run left in tmp/, but not the staging folder of an issue whose
  // IssueLock is held. Call only while no other run uses the archive.
  void RemoveTemporaries() const;

 private:
  std::filesystem::path root_;
};

// Writes `bytes` to `path` and fsyncs it; throws QikanError(kArchiveError).
void WriteFileDurably(const std::filesystem::path& path, std::string_view bytes);

}  // namespace qikan
