#include "pipeline/run/issue_job.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "models/errors.h"
#include "pipeline/archive/catalog.h"

namespace qikan {

std::vector<PublicationProfile> SelectProfiles(const std::filesystem::path& folder,
                                               const std::string& id) {
  std::vector<PublicationProfile> profiles = LoadProfiles(folder);
  if (id.empty()) return profiles;
  for (auto& profile : profiles) {
    if (profile.id == id) return {std::move(profile)};
  }
  throw QikanError(ExitStatus::kUsage, folder.string(), "no profile named " + id);
}

IssueLayout LayoutForProfile(const std::vector<OcrPage>& pages, const PublicationProfile* profile) {
  LayoutOptions options;
  if (profile && !profile->page_number_pattern.empty()) {
    options.page_number_pattern = profile->page_number_pattern;
  }
  return AnalyzeLayout(pages, options);
}

void ParseIssueStructure(const std::vector<OcrPage>& pages,
                         const std::vector<PublicationProfile>& profiles,
                         const StructureOptions& options, IssueRecord& record) {
  // One profile given is one forced (--profile); otherwise the masthead chooses.
  const PublicationProfile* profile =
      profiles.size() == 1 && !profiles.front().generic ? &profiles.front() : nullptr;
  IssueLayout layout = LayoutForProfile(pages, profile);
  if (!profile) {
    profile = ChooseProfile(profiles, layout);
    if (profile) layout = LayoutForProfile(pages, profile);
  }
  // Page text in reading order (columns one after the other), not in Tesseract's block order.
  for (size_t i = 0; i < record.pages.size() && i < layout.page_texts.size(); ++i) {
    record.pages[i].text = layout.page_texts[i];
    record.pages[i].lines = layout.page_lines[i];
  }
  const PublicationProfile* generic = profile ? nullptr : FindGenericProfile(profiles);
  if (!profile) {
    record.review.push_back(
        {.page = 1,
         .reason = "profile-unknown",
         .detail = generic ? "no publication profile matches the masthead: read with the generic "
                             "profile (no column names or title to check against)"
                           : "no publication profile matches the masthead"});
    if (!generic) return;
    layout = LayoutForProfile(pages, generic);
  }
  ParsedIssue parsed = ParseStructure(layout, profile ? *profile : *generic, options);
  record.profile = profile ? profile->id : std::string();
  record.issue = std::move(parsed.issue);
  record.toc = std::move(parsed.toc);
  record.articles = std::move(parsed.articles);
  record.briefs = std::move(parsed.briefs);
  record.colophon = std::move(parsed.colophon);
  record.corrections = std::move(parsed.corrections);
  record.review.insert(record.review.end(), parsed.review.begin(), parsed.review.end());
  // What each line became, on the pages whose text is this layout's (the generic profile's
  // layout may read page numbers otherwise).
  for (size_t i = 0; i < layout.lines.size() && i < parsed.line_parts.size(); ++i) {
    const LayoutLine& line = layout.lines[i];
    const auto p = static_cast<size_t>(line.page - 1);
    if (p >= record.pages.size() || p >= layout.page_texts.size() ||
        record.pages[p].text != layout.page_texts[p]) {
      continue;
    }
    auto& page_lines = record.pages[p].lines;
    if (static_cast<size_t>(line.page_line) >= page_lines.size()) continue;
    page_lines[static_cast<size_t>(line.page_line)].role = parsed.line_parts[i].role;
    page_lines[static_cast<size_t>(line.page_line)].item = parsed.line_parts[i].item;
  }
}

std::vector<ReviewItem> CheckIssueNumbers(const std::string& key, const IssueInfo& issue,
                                          const std::vector<PrintedNumbers>& others) {
  std::vector<ReviewItem> review;
  if (!issue.number || !issue.cumulative_number || issue.date.size() < 4) return review;
  const std::string year = issue.date.substr(0, 4);
  const int difference = *issue.cumulative_number - *issue.number;
  const std::string read = fmt::format("第{}期（总第{}期）", *issue.number, *issue.cumulative_number);
  std::map<int, int> differences;  // of the year's other issues: how many give each
  for (const auto& other : others) {
    if (other.key == key || other.title != issue.title || other.date.size() < 4) continue;
    if (other.edition == issue.edition && other.date.substr(0, 4) == year &&
        other.number == *issue.number) {
      review.push_back({.page = 1,
                        .reason = "masthead-number",
                        .detail = fmt::format("{} read, and {} ({}) has 第{}期 of {} too; check it",
                                              read, other.key, other.date, other.number, year)});
    }
    if (other.cumulative_number == *issue.cumulative_number) {
      review.push_back({.page = 1,
                        .reason = "masthead-number",
                        .detail = fmt::format("{} read, and {} ({}) has 总第{}期 too; check it", read,
                                              other.key, other.date, other.cumulative_number)});
    }
    // Cumulative numbers grow with the date (one edition's sequence).
    if (other.edition == issue.edition && !other.date.empty() &&
        ((other.date < issue.date && other.cumulative_number > *issue.cumulative_number) ||
         (other.date > issue.date && other.cumulative_number < *issue.cumulative_number))) {
      review.push_back(
          {.page = 1,
           .reason = "masthead-number",
           .detail = fmt::format("{} of {} read, but {} of {} has 总第{}期; check it", read,
                                 issue.date, other.key, other.date, other.cumulative_number)});
      // Either may be the misreading: the date (11 read 1) as well as the numbers.
      review.push_back(
          {.page = 1,
           .reason = "masthead-date",
           .detail = fmt::format("date read as {} with 总第{}期, but {} of {} has 总第{}期; check it",
                                 issue.date, *issue.cumulative_number, other.key, other.date,
                                 other.cumulative_number)});
    }
    if (other.edition == issue.edition && other.date.substr(0, 4) == year) {
      ++differences[other.cumulative_number - other.number];
    }
  }
  if (!differences.empty() && !differences.contains(difference)) {
    const auto common = std::max_element(differences.begin(), differences.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
    review.push_back(
        {.page = 1,
         .reason = "masthead-number",
         .detail = fmt::format("{} read, but {} other issue(s) of {} give 总第 = 第 + {} (here {}); "
                               "check the numbers",
                               read, common->second, year, common->first, difference)});
  }
  return review;
}

std::vector<ReviewItem> CheckIssueNumbersInCatalog(const Catalog& catalog, const std::string& key,
                                                   const IssueInfo& issue) {
  std::vector<PrintedNumbers> others;
  for (const auto& row : catalog.Issues()) {
    if (!row.number || !row.cumulative_number) continue;
    others.push_back({.key = row.key, .title = row.title, .edition = row.edition, .date = row.date,
                      .number = *row.number, .cumulative_number = *row.cumulative_number});
  }
  return CheckIssueNumbers(key, issue, others);
}

StructureOptions WithKnownNames(StructureOptions options, const Catalog& catalog,
                                  const std::string& key) {
  options.known_authors = catalog.RecurringAuthors(2, key);
  options.known_organizations = catalog.RecurringOrganizations(2, key);
  options.known_columns = catalog.RecurringColumns(2, key);
  return options;
}

std::vector<OcrPage> LoadOcrPages(const std::filesystem::path& issue_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(issue_dir / "pages", ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (files.empty()) {
    throw QikanError(ExitStatus::kInputMissing, issue_dir.string(), "no pages/NNNN.json found");
  }
  std::sort(files.begin(), files.end());
  std::vector<OcrPage> pages;
  for (const auto& file : files) {
    std::ifstream in(file);
    pages.push_back(nlohmann::json::parse(in).get<OcrPage>());
  }
  return pages;
}

}  // namespace qikan
