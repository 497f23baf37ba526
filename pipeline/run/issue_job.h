#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/ocr_page.h"
#include "models/profile.h"
#include "models/record.h"
#include "stages/layout.h"
#include "stages/structure.h"

namespace qikan {

// The profiles in `folder`, or only the one named `id` when it is not empty; throws
// QikanError(kUsage) when no profile has that id.
std::vector<PublicationProfile> SelectProfiles(const std::filesystem::path& folder,
                                               const std::string& id);

// The issue-level stages that run once all pages are read: layout (reading order) and the
// structure parser, with the profile chosen from the masthead unless only one is given.
// Fills the record's structure fields; doubts become review items.
void ParseIssueStructure(const std::vector<OcrPage>& pages,
                         const std::vector<PublicationProfile>& profiles,
                         const StructureOptions& options, IssueRecord& record);

// The layout the parser sees, for looking into what it did.
IssueLayout LayoutForProfile(const std::vector<OcrPage>& pages, const PublicationProfile* profile);

// An issue's numbers as another issue of the archive printed them.
struct PrintedNumbers {
  std::string key;
  std::string title;
  std::string edition;
  std::string date;  // ISO 8601
  int number = 0;
  int cumulative_number = 0;
};

// Checks an issue's 第N期（总第M期） against the other issues of its publication in the archive:
// within a year the cumulative number is the issue number plus one constant, cumulative numbers
// grow with the date, and no two issues of one edition share a number. What disagrees becomes
// a masthead-number review item naming what was read and what the other issues say.
std::vector<ReviewItem> CheckIssueNumbers(const std::string& key, const IssueInfo& issue,
                                          const std::vector<PrintedNumbers>& others);

class Catalog;

// CheckIssueNumbers against the issues the catalog holds.
std::vector<ReviewItem> CheckIssueNumbersInCatalog(const Catalog& catalog, const std::string& key,
                                                   const IssueInfo& issue);

// `options` with the authors the catalog credits, the organizations its attributions name and
// the columns its articles stand in, in two or more issues other than `key`
// (StructureOptions::known_authors, known_organizations, known_columns): what the parser mends
// doubtful names against, or takes them for confirmed by.
StructureOptions WithKnownNames(StructureOptions options, const Catalog& catalog,
                                  const std::string& key);

// Reads an archived issue's pages/NNNN.json back, in page order.
std::vector<OcrPage> LoadOcrPages(const std::filesystem::path& issue_dir);

}  // namespace qikan
