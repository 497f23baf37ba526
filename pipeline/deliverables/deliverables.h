#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/ocr_page.h"
#include "models/record.h"

namespace qikan {

// One file of an archived issue, by its path inside the issue folder ("issue.pdf",
// "alto/0001.xml").
struct ArchiveFile {
  std::string path;
  std::string bytes;
};

// What an issue's deliverables are made from. The writers are pure functions of these: the
// record and the page OCR (boxes in the pixels of pages/NNNN.jpg), and the page images the
// searchable PDF shows, taken from the scanned input when a run has it at hand, else from the
// issue as archived before (a review correction or a re-parse rebuilds the text layer on the
// images already archived).
struct DeliverableSources {
  const IssueRecord& record;
  const std::vector<OcrPage>& pages;
  std::filesystem::path scan;      // the input as scanned (PDF, TIFF, image folder); may be empty
  std::filesystem::path archived;  // the issue's folder as archived before; may be empty
};

// The deliverables, and a review item (reason "deliverable-failed", naming the file and why)
// for each writer that failed: a failing writer never costs the issue its record or the other
// deliverables.
struct Deliverables {
  std::vector<ArchiveFile> files;
  std::vector<ReviewItem> failures;
};

Deliverables BuildDeliverables(const DeliverableSources& sources);

// The paths (or folder prefixes ending in '/') of every file a writer may produce, so that a
// rebuild removes one a writer no longer makes.
std::vector<std::string> DeliverablePaths();

}  // namespace qikan
