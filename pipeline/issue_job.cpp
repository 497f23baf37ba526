#include "pipeline/issue_job.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/errors.h"

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
