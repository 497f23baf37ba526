#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace qikan {

// What the structure parser knows about one publication: its title, how its masthead lines,
// table of contents, attributions and colophon are printed. Patterns are PCRE2 over text whose
// punctuation was normalized to the full-width forms print uses (models/text.h), with named
// groups the parser reads. Everything specific to a publication lives here, in
// models/profiles/<id>.json, never in the parser.
struct PublicationProfile {
  std::string id;
  // The profile of no publication in particular (models/profiles/generic.json): what newsletters
  // of this kind share. Used when no profile's title matches the masthead; never chosen by it.
  bool generic = false;
  std::string title;                // as printed in the masthead; empty in the generic profile
  std::vector<std::string> aliases;  // other printed forms of the title

  // Masthead lines.
  std::string edition_pattern;    // group: edition
  std::vector<std::string> editions;  // the editions it prints (普刊, 增刊…); another is flagged
  std::string issue_pattern;      // groups: number, cumulative
  std::string publisher_pattern;  // group: publisher
  std::string date_pattern;       // groups: year, month, day

  // Table of contents.
  std::string toc_heading_pattern;   // the 目 录 line
  std::string digest_count_pattern;  // group: count ("4 则")
  std::vector<std::string> columns;  // column names seen so far: a help, not a requirement
  std::vector<std::string> digest_columns;  // columns of untitled briefs (信息摘登)

  // Body.
  std::string column_banner_pattern;  // a column name printed in the body, e.g. 【情况交流】
  std::vector<std::string> locality_suffixes;  // 建德市 in 建德市：… ends with one of these
  // Terms of the publication's own vocabulary (bodies, offices, places). A word in a title or an
  // attribution one OCR error away from a term is read as the term, and the change recorded.
  std::vector<std::string> lexicon;
  // How contributing organizations end (…办公室, …工委): where print's gap before an author's
  // name was not seen, the name starts after the last of these.
  std::vector<std::string> organization_suffixes;
  // Family names of the people it prints, as strings of single characters (the hundred most
  // common, then others) and a list of two-character ones: where print's gaps between names
  // were not seen (沈一鸣钱程), a run of names is split where family names start.
  std::string common_surnames;
  std::string other_surnames;
  std::vector<std::string> compound_surnames;

  // Colophon.
  std::string distribution_pattern;  // group: first (text after 送：)
  std::string editor_pattern;        // group: editor
  std::string phone_pattern;         // group: phone

  // Page furniture.
  std::string page_number_pattern;  // a page number line, e.g. "— 3 —"
};

// Reads a profile; throws QikanError(kMissingDependency) when it cannot be read or is invalid.
PublicationProfile LoadProfile(const std::filesystem::path& file);

// Every profile in a folder (models/profiles), sorted by id.
std::vector<PublicationProfile> LoadProfiles(const std::filesystem::path& folder);

// The generic profile among `profiles`; nullptr when there is none.
const PublicationProfile* FindGenericProfile(const std::vector<PublicationProfile>& profiles);

}  // namespace qikan
