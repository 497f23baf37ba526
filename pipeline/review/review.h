#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/ocr_page.h"
#include "models/profile.h"
#include "models/record.h"
#include "pipeline/archive/archive.h"
#include "pipeline/archive/catalog.h"
#include "stages/structure.h"

namespace qikan {

// A reviewer's corrections, applied on top of what OCR read (pages/NNNN.json is never changed):
// word and line corrections to the OCR pages before the structure parser runs again, structure
// corrections (a title, an author list, the issue date) to the parsed record after it. The
// catalog keeps them (Catalog::AddCorrection); every rebuild applies them afresh, so a rerun of
// the OCR keeps what still fits and reports the rest as stale instead of misapplying it.

// "b0.l3.w2" (block 0, line 3, word 2) or "b0.l3" (a whole line): indexes into an OcrPage.
struct TextTarget {
  int block = 0;
  int line = 0;
  int word = -1;  // -1: the whole line

  bool IsLine() const { return word < 0; }
  std::string Id() const;
};
std::optional<TextTarget> ParseTextTarget(std::string_view id);
// The OCR's text at `target`; nullopt when the page has no such block, line or word.
std::optional<std::string> TextAt(const OcrPage& page, const TextTarget& target);

enum class CorrectionOutcome {
  kApplied,
  kStale,       // what is at the target now is not what the reviewer corrected: left out
  kSuperseded,  // a later correction of the same target (or of its whole line) replaces it
};
const char* CorrectionOutcomeName(CorrectionOutcome outcome);  // "applied", "stale", ...

struct CorrectionResult {
  CorrectionRow correction;
  CorrectionOutcome outcome = CorrectionOutcome::kApplied;
  // A title correction applied to the other half of the title too (the TOC entry of an article,
  // or the article of a TOC entry): that field, else empty.
  std::string linked_field;
};

// Applies the page corrections (page >= 1) to `pages` (page n at index n-1), the latest per
// target winning; within a line, the latest correction of the line or of one of its words
// decides: a line correction replaces every earlier word correction of that line, and word
// corrections made after a line correction replace that line correction. Returns one result
// per page correction, in the order given.
std::vector<CorrectionResult> ApplyTextCorrections(std::vector<OcrPage>& pages,
                                                   const std::vector<CorrectionRow>& corrections);

// Record fields a reviewer may correct: issue.{title,edition,number,cumulative_number,publisher,
// date}, toc[i].{column,title}, articles[i].{title,column,locality},
// articles[i].attribution.{organization,authors}, briefs[i].{text,column}.
// The field's value as JSON; nullopt when `field` is not correctable or out of range.
std::optional<nlohmann::json> StructureField(const IssueRecord& record, const std::string& field);
// Sets the field; throws QikanError(kUsage) with a readable sentence when the field is not
// correctable, out of range or `value` has the wrong type (authors: an array of strings;
// numbers: an integer or null; the rest: a string).
void SetStructureField(IssueRecord& record, const std::string& field, const nlohmann::json& value);
// A correction stores its values as text: a string as is, anything else as JSON.
std::string StoredValue(const nlohmann::json& value);
nlohmann::json ValueFromStored(const std::string& field, const std::string& stored);

// The TOC entry that lists article `field` names (articles[i].title -> toc[j].title), or the
// article a TOC entry lists (the reverse): the entry whose title reads the same or nearly so
// (at most a third of its characters differ), the closest; nullopt when none does.
std::optional<std::string> LinkedTitleField(const IssueRecord& parsed, const std::string& field);

// Applies the structure corrections (page 0), latest per field, to a freshly parsed record.
// One whose `before` no longer matches the parsed value is stale. A title correction also
// corrects its linked title (LinkedTitleField) unless that one has a correction of its own.
std::vector<CorrectionResult> ApplyStructureCorrections(
    IssueRecord& record, const std::vector<CorrectionRow>& corrections);

// An issue as rebuilt from its OCR and the reviewers' corrections.
struct RebuiltIssue {
  IssueRecord parsed;  // structure as parsed from the corrected text, before structure corrections
  IssueRecord record;  // what is delivered: parsed + structure corrections + record.corrections
  std::vector<OcrPage> pages;  // the OCR pages with the text corrections applied
  std::vector<CorrectionResult> results;  // every stored correction and what became of it
};

// The review items the page job made (OCR confidence, failed pages): they survive a rebuild,
// while the structure parser's are made afresh.
bool IsPageJobReview(const ReviewItem& item);

// Rebuilds `archived` (the issue's record as archived) from `ocr` and `corrections`: the text
// corrections, then layout and the structure parser (the record's own profile when it is one
// of `profiles`), then the structure corrections; each applied correction is added to
// record.corrections with source "reviewer:NAME".
RebuiltIssue BuildCorrectedIssue(const IssueRecord& archived, const std::vector<OcrPage>& ocr,
                                 const std::vector<CorrectionRow>& corrections,
                                 const std::vector<PublicationProfile>& profiles,
                                 const StructureOptions& options = {});

// The record as JSON for record.json: each reviewer's correction also says when it was made
// (and, for a title, which linked title it corrected too: "also"), and "decisions" lists the
// pages a person approved or rejected: page, decision, reviewer, at (UTC), comment.
nlohmann::json RecordJsonWithCorrectionTimes(const RebuiltIssue& issue,
                                             const std::vector<ReviewPageRow>& decisions = {});

// "2025-07-11T10:00:00.000Z" as this machine's local time, "2025-07-11 18:00"; the text as
// given when it is not such a time.
std::string LocalTime(const std::string& utc);

// How people name an issue: 杭州人大信息 第5期（总第711期） 2025-07-11 普刊; the key when
// nothing was read.
std::string IssueLabel(const IssueRow& issue);

// The whole rebuild of an archived issue: reads record.json and pages/*.json, applies the
// catalog's corrections, checks its numbers against the catalog's other issues, rewrites
// record.json, text.txt and the deliverables in one step (Archive::RewriteIssue) and commits
// the issue to the catalog again (search index; review decisions on unchanged items survive).
// The caller serializes rebuilds of one issue.
RebuiltIssue RebuildIssue(const Archive& archive, Catalog& catalog, const std::string& key,
                          const std::vector<PublicationProfile>& profiles,
                          const StructureOptions& options = {});

// The same rebuild with this build's parser from scratch (`qikan reparse`): the publication's
// profile is chosen again, and the record says which version parsed it (parser_version). The
// OCR is the archived one: only `qikan run --force` reads the pages again.
RebuiltIssue ReparseIssue(const Archive& archive, Catalog& catalog, const std::string& key,
                          const std::vector<PublicationProfile>& profiles,
                          const StructureOptions& options = {});

// Rebuilds every archived issue whose record does not hold what its stored corrections make of
// its OCR now, e.g. after `qikan run --force` read the issue again and wrote a record without
// them: what still fits is applied again, the rest is stale. Returns the keys rebuilt. A record
// that cannot be read is logged and skipped.
std::vector<std::string> ReapplyCorrections(const Archive& archive, Catalog& catalog,
                                            const std::vector<PublicationProfile>& profiles,
                                            const StructureOptions& options = {});

// record.json of an archived issue; throws QikanError(kArchiveError) when unreadable.
IssueRecord ReadIssueRecord(const Archive& archive, const std::string& key);

}  // namespace qikan
