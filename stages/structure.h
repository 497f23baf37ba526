#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/profile.h"
#include "models/record.h"
#include "stages/layout.h"

namespace qikan {

struct StructureOptions {
  // How alike (1 - edit distance / length) a heading and a TOC title must be to be one title.
  double title_similarity = 0.6;
  // Headings are set larger than body text, or centred, or both.
  double heading_glyph_ratio = 1.12;
  // Without a contents, a heading's characters stand this many body glyphs apart or more.
  double heading_pitch_ratio = 1.2;
  // A paragraph's first line is indented by two characters; TOC titles by four or more.
  double paragraph_indent_min = 1.2;
  double paragraph_indent_max = 3.2;
  // A character or digit boxed as flat as a dot is dot leaders OCR misread only when read below
  // this confidence (misread leaders read at 5-40, a title's last character boxed flat at 90).
  float flat_leader_max_confidence = 70;
  // A word of marks only read below this confidence is a speck OCR read as a mark (show-through
  // in the gap after a contents' column name read "，”" at 0; print's marks read at 60 and up).
  float speck_confidence = 40;
  // An attribution is a short parenthesized line.
  size_t attribution_max_chars = 60;
  // An attribution that ends its column may wrap into the top of the next column or page: its
  // tail there is set flush right (within this many body glyphs of the column's right edge,
  // with more white on its left) and closes the parenthesis.
  double attribution_tail_right_gap = 1.5;
  // An attribution's line that stops this many glyphs short of its column's edge did not wrap:
  // a paragraph that starts under it is the next text's, not the attribution's, and a line
  // atop the next column that stops so short is no first line of a tail wrapping on below it.
  double attribution_short_line = 1.0;
  // An author's name with a character read below this confidence is flagged for review unless
  // the issue's or the catalog's other readings settle it (stages/names.h); names OCR misread on
  // the tuning scans had a character at 0-51, right ones mostly 65 and up. An organization with
  // such characters may be mended (known_organizations).
  float min_name_confidence = 80;
  // A name whose characters are all read at this or above, though doubtful, settles another
  // reading of the issue a character away (蒋丽华 at 57 mends 葛丽华 at 0).
  float name_settles_confidence = 50;
  // Authors the catalog credits in two or more other issues (Catalog::RecurringAuthors): a
  // doubtful name read as one of them stands, and one a character away from exactly one of
  // them is mended to it (a correction from "catalog", and a review item to confirm it).
  std::vector<std::string> known_authors;
  // Organizations the catalog's attributions name in two or more other issues
  // (Catalog::RecurringOrganizations): an organization read with doubtful characters (below
  // min_name_confidence), as close to exactly one of them as it has doubtful characters, is
  // mended to it (a correction from "catalog", and a review item to confirm it).
  std::vector<std::string> known_organizations;
  // Columns the catalog's articles stand in in two or more other issues
  // (Catalog::RecurringColumns): a contents' column name read as one of them is confirmed,
  // however doubtful its characters (min_column_confidence).
  std::vector<std::string> known_columns;
  // How many characters such a mend may change at most (and never more than a fifth of them).
  size_t organization_max_mend = 2;
  // A publisher with a character read below this confidence that the lexicon did not mend is
  // flagged for review (莆 at 0 for 萧 in 萧山区人大常委会办公室; right publishers' characters of
  // the tuning sets stood at 68 and up).
  float min_publisher_confidence = 60;
  // So is a column name of the contents that is none of the profile's nor the catalog's
  // (known_columns; dev2 e18: 视点 read 视反, 反 at 0; chi_sim reads right column names set bold
  // at 22-58 now and then, which the other issues confirm).
  float min_column_confidence = 60;
  // A title read in the contents and again over its article, the two readings differing in a
  // character: the character read with at least this confidence, and this much surer than the
  // other reading's (the words' confidences), is taken whichever reading is kept (dev3 g07:
  // contents "…高质量发民", 民 at 46, heading "…发展", 展 at 93).
  float title_character_confidence = 80;
  float title_character_margin = 15;
  // ... and a character only the other reading holds is put in where the line of the kept one
  // leaves white this many glyphs wide (its words otherwise standing less than half that apart).
  double title_lost_glyph = 0.7;
  // A masthead number (date, issue number) read from a word of digits below this confidence is
  // kept and flagged for review: a wrong date in the catalog is worse than a doubtful one. Such
  // words were read again by the digits model (stages/folio.h RereadNumbers), whose right
  // readings of the samples' dates stand at 79-80 and whose wrong ones chi_sim left at 27-36.
  float min_digit_confidence = 70;
  // How alike (1 - edit distance / length) the masthead's title must be to the profile's to be
  // read as it: one character in six misread. A title less alike (余杭人大信息 for 杭州人大信息)
  // is another publication's, kept as read and flagged.
  double title_mend_similarity = 0.8;
  // Dates before this year are misreadings (the People's Republic's periodicals start in 1949).
  int earliest_year = 1949;
};

// What the parser made of a line: PageLine's role and item.
struct LinePart {
  std::string role;
  int item = -1;
};

// What the structure parser recovered from one issue.
struct ParsedIssue {
  IssueInfo issue;
  std::vector<TocEntry> toc;
  std::vector<Article> articles;
  std::vector<Brief> briefs;
  Colophon colophon;
  std::vector<Correction> corrections;
  std::vector<ReviewItem> review;
  std::vector<LinePart> line_parts;  // one per line of the layout
};

// Recovers masthead, table of contents, articles (headings reconciled with the TOC), attributions,
// briefs and colophon from an issue's lines in reading order. Doubts become review items.
ParsedIssue ParseStructure(const IssueLayout& layout, const PublicationProfile& profile,
                           const StructureOptions& options);

// "（余杭区人大常委会办公室 符 腾）" -> organization 余杭区人大常委会办公室, authors [符腾]. Single
// characters separated by a space are one padded two-character name. `spaced` has a space
// wherever print has a gap. `known`: names the archive holds (StructureOptions::known_authors),
// which settle where a run of names printed without a gap is split.
Attribution ParseAttribution(std::string_view spaced, const PublicationProfile& profile,
                             const std::vector<std::string>* known = nullptr);

// 建德市 for 建德市：强化监督…; nullopt when the title does not start with a place.
std::optional<std::string> LocalityOf(std::string_view title, const PublicationProfile& profile);

// The profile whose title best matches the first lines of page 1; nullptr when none does.
const PublicationProfile* ChooseProfile(const std::vector<PublicationProfile>& profiles,
                                        const IssueLayout& layout);

// Mends words one OCR error away from a lexicon term (人大第委会 -> 人大常委会, 篇安县 -> 淳安县):
// a substitution, a dropped or an inserted character. Returns the mended text.
std::string MendWithLexicon(std::string_view text, const std::vector<std::string>& lexicon);

// Two readings of one title, TOC and heading, that differ in single characters: where the other
// reading's character makes a stretch of three characters the article's body prints and the
// kept reading's does not, the other's character is taken. A place or a person a title names is
// usually printed again in the body, and read there at body size: the body of "淳安县：梓桐镇
// 探索…" prints 梓桐镇 three times, while its TOC line read 梓 at 25 and its heading 样 at 32.
// Where the readings disagree and neither's character is so printed, the body's character is
// taken where the body prints the title's characters round it (two each side; three at the
// title's ends) with one character there and only one: "…营商环丧" over a heading read
// "…营商于", the body's "营商环境".
std::string MendTitleFromBody(std::string_view kept, std::string_view other, std::string_view body);

// A title reading whose quotes do not pair (a heading's opening quote lost: "建德市：三张清单”推动…")
// given the other reading's quotes where that one has them and it has none, when the other's
// pair and the result's then do ("建德市：“三张清单”推动…", whatever else the two read apart).
// So is a reading with no quotes at all where the other's pair (a pair OCR lost: "三张清单推动…"
// under "“三张清单”推动…"). Otherwise `kept` as it is. With `other_pairs` false, the other's quotes need not pair: two
// readings that each lost a quote of one pair, not the same one ("“三张清单推动…" and
// "三张清单”推动…"), give "“三张清单”推动…".
std::string PutBackQuotes(std::string_view kept, std::string_view other, bool other_pairs = true);

// 1 - edit distance / longer length, over code points.
double Similarity(std::string_view a, std::string_view b);

}  // namespace qikan
