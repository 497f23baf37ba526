#pragma once

#include <string>
#include <vector>

#include "models/record.h"

namespace qikan {

// Precision and recall of one kind of item (TOC entries, headings, attributions) against the
// truth, matching items exactly as multisets.
struct ItemScore {
  int expected = 0;
  int found = 0;
  int matched = 0;
  double Precision() const { return found ? static_cast<double>(matched) / found : 1.0; }
  double Recall() const { return expected ? static_cast<double>(matched) / expected : 1.0; }
  double F1() const;
};

// How a record's structure compares with the expected record (the sample generator's truth).
struct StructureScore {
  int masthead_fields = 6;
  int masthead_matched = 0;
  std::vector<std::string> masthead_mismatches;  // "date: 2025-07-11 != 2025-07-12"
  ItemScore toc;
  ItemScore headings;
  ItemScore attributions;  // organization + authors, of articles and briefs
  ItemScore briefs;        // brief count per column
  double body_cer = 0;     // article paragraphs and briefs, whitespace-insensitive
  std::vector<std::string> misses;  // what was expected and not found, for reading
};

StructureScore ScoreStructure(const IssueRecord& record, const IssueRecord& expected);

// Whitespace-insensitive CER of each page's text against the truth pages' text.
std::vector<double> PageCers(const IssueRecord& record, const std::vector<std::string>& truth);

}  // namespace qikan
