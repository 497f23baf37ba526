#include "models/profile.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/errors.h"

namespace qikan {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PublicationProfile, id, generic, title, aliases,
                                                edition_pattern, editions, issue_pattern, publisher_pattern,
                                                date_pattern, toc_heading_pattern,
                                                digest_count_pattern, columns, digest_columns,
                                                column_banner_pattern, locality_suffixes,
                                                lexicon, organization_suffixes,
                                                common_surnames, other_surnames,
                                                compound_surnames,
                                                distribution_pattern, editor_pattern,
                                                phone_pattern, page_number_pattern)

PublicationProfile LoadProfile(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw QikanError(ExitStatus::kMissingDependency, file.string(), "profile cannot be read");
  }
  try {
    PublicationProfile profile = nlohmann::json::parse(in).get<PublicationProfile>();
    if (profile.id.empty() || (profile.title.empty() && !profile.generic)) {
      throw QikanError(ExitStatus::kMissingDependency, file.string(),
                       "profile needs an id and a title (or \"generic\": true)");
    }
    return profile;
  } catch (const nlohmann::json::exception& e) {
    throw QikanError(ExitStatus::kMissingDependency, file.string(),
                     std::string("profile is not valid JSON: ") + e.what());
  }
}

std::vector<PublicationProfile> LoadProfiles(const std::filesystem::path& folder) {
  std::vector<PublicationProfile> profiles;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (entry.path().extension() == ".json") profiles.push_back(LoadProfile(entry.path()));
  }
  if (profiles.empty()) {
    throw QikanError(ExitStatus::kMissingDependency, folder.string(),
                     "no publication profiles found");
  }
  std::sort(profiles.begin(), profiles.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return profiles;
}

const PublicationProfile* FindGenericProfile(const std::vector<PublicationProfile>& profiles) {
  for (const auto& profile : profiles) {
    if (profile.generic) return &profile;
  }
  return nullptr;
}

}  // namespace qikan
