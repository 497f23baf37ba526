#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/errors.h"
#include "models/record.h"

namespace qikan {

// The archive's catalog: an SQLite database at DIR/catalog.sqlite that indexes what the issue
// folders hold (issues, pages, articles, briefs, authors, review items), remembers every input
// by content hash and every run, and answers full-text searches over the articles and briefs.
//
// The folders are the truth; the catalog is derived from them and can be rebuilt from their
// record.json files (RepairFromArchive). Hence the order in the runner: the issue folder is
// renamed into place first, then CommitIssue; a crash in between leaves a folder the catalog
// lacks, which CheckAgainstArchive finds and RepairFromArchive imports.
//
// How the runner uses it:
//
//   Catalog catalog = Catalog::Open(CatalogPath(options.archive));
//   const int64_t run_id = catalog.BeginRun(QIKAN_VERSION, settings_json);
//   catalog.RepairFromArchive(options.archive, run_id);  // what a crashed run left unindexed
//   // per input, after hashing it:
//   if (auto seen = catalog.FindInput(sha); seen && seen->status == InputStatus::kDone &&
//       seen->issue_key && !options.force) {
//     catalog.RecordInputDone(run_id, sha, input, *seen->issue_key);  // skip: same scan again
//   }
//   // per issue, right after Archive::CommitIssue (from any worker thread):
//   catalog.CommitIssue(run_id, key, record, settings_hash, "issues/" + key + "/record.json");
//   // per failed input:
//   catalog.RecordInputFailure(run_id, sha_or_empty, input, e.status(), e.what(), quarantined);
//   catalog.FinishRun(run_id, summary.Status(), summary_json);
//
// Thread safety: one Catalog may be used from any number of threads at once; calls are
// serialized on its single connection. Several processes may open the same file (a run and a
// review server, say): SQLite's WAL mode lets readers proceed during a write, and writers wait
// up to about 5 s for one another before failing.
//
// Failures are QikanError(kArchiveError) naming the catalog file (or the folder that could not
// be read); DecideReviewItem's unknown item is kUsage.

enum class InputStatus { kDone, kFailed, kQuarantined };
enum class ReviewStatus { kOpen, kApproved, kRejected };
enum class HitKind { kArticle, kBrief };

const char* InputStatusName(InputStatus status);    // "done", "failed", "quarantined"
const char* ReviewStatusName(ReviewStatus status);  // "open", "approved", "rejected"
const char* HitKindName(HitKind kind);              // "article", "brief"

// DIR/catalog.sqlite for the archive at DIR.
std::filesystem::path CatalogPath(const std::filesystem::path& archive_root);

// An input file as last seen, identified by the SHA-256 of its content, so a renamed or
// re-dropped scan is recognised. `status` is the outcome of its latest attempt.
struct InputRow {
  std::string sha256;
  std::string path;            // where it was first seen
  std::string last_seen_path;  // where it was seen most recently
  std::optional<int64_t> first_seen_run;
  std::optional<int64_t> last_run;
  InputStatus status = InputStatus::kDone;
  std::string error;  // empty unless failed or quarantined
  ExitStatus exit_status = ExitStatus::kOk;
  // The issue it became; absent when it never got into the archive, or its folder was removed.
  std::optional<std::string> issue_key;
};

struct IssueRow {
  std::string key;
  std::string sha256;
  std::string source_file;
  std::string title;
  std::string edition;
  std::optional<int> number;
  std::optional<int> cumulative_number;
  std::string publisher;
  std::string date;  // ISO 8601, empty when unreadable
  int pages = 0;
  double mean_confidence = 0;  // mean of the pages' mean word confidence
  std::string pipeline_version;
  std::string settings_hash;       // empty when imported by RepairFromArchive
  std::string record_path;         // as given to CommitIssue (archive-relative by convention)
  std::string record_fingerprint;  // SHA-256 of the record's compact JSON
  std::string committed_at;        // UTC, 2025-07-11T10:00:00.000Z
  std::optional<int64_t> run_id;
  // "none" (nothing to review), "open" (some item still open), "done" (all items decided).
  std::string review_status;
  int articles = 0;
  int briefs = 0;
  int open_review_items = 0;
  int rejected_review_items = 0;
};

// How far a person has reviewed the issue: "nothing to review", "open" (some item still open),
// "approved" (every item approved: the issue is reviewed) or "rejected" (all decided, some
// rejected).
std::string IssueReviewState(const IssueRow& issue);

// Every field narrows the search; an empty `text` lists what the other fields select.
struct SearchQuery {
  // Words separated by spaces (ASCII or 　), all of which must occur in the title or body (of
  // an article) or the text (of a brief). A word of 3 characters or more is looked up in the
  // trigram full-text index; the index cannot look up shorter words (燃气, 人大), so those are
  // matched with LIKE '%word%' over the same text, which scans every row: fine for an archive
  // of this size. ASCII letters match regardless of case on both paths.
  std::string text;
  std::string column;  // exact column name, e.g. 代表风采
  std::string author;  // exact name of one of the authors, e.g. 唐方媛
  // Exact locality of an article (建德市 in 建德市：强化监督…). Briefs have no locality of their
  // own; a brief matches when its contributing organization starts with it (建德市人大常委会).
  std::string locality;
  std::string from_date;        // inclusive ISO 8601 prefix: 2025, 2025-07 or 2025-07-11
  std::string to_date;          // inclusive: 2025-07 takes in the whole of July
  std::optional<HitKind> kind;  // articles or briefs only
  // true: only issues whose every review item a person approved; false: only issues with an
  // item still open.
  std::optional<bool> reviewed;
  int limit = 50;
};

struct SearchHit {
  HitKind kind = HitKind::kArticle;
  int64_t id = 0;  // articles.id or briefs.id; changes when the issue is committed again
  std::string issue_key;
  std::string issue_date;
  std::optional<int> issue_number;
  std::string title;  // empty for a brief
  std::string column;
  std::optional<std::string> locality;
  int start_page = 0;
  int end_page = 0;
  // About 60 characters of the body (or of the title, when only the title matched) around the
  // first match, every occurrence of a query word in it set in 【】, with … where it was cut;
  // without query words, the start of the body.
  std::string snippet;
};

struct ReviewRow {
  int64_t id = 0;
  std::string issue_key;
  int page = 0;
  std::string reason;
  std::string detail;
  ReviewStatus status = ReviewStatus::kOpen;
  std::string note;
  std::string created_at;
  std::string decided_at;  // empty while open
};

struct ReviewFilter {
  std::string issue_key;  // empty: every issue
  std::optional<ReviewStatus> status;
  std::string reason;  // empty: every reason
  int limit = 1000;
};

// A reviewer's correction, kept apart from the OCR (which is never overwritten): append-only, the
// latest per (issue, page, target) wins. `page` is 0 for a structure correction, whose target
// is a record field such as articles[3].title.
struct CorrectionRow {
  int64_t id = 0;
  std::string issue_key;
  int page = 0;
  std::string target;  // "b0.l3.w2", "b0.l3", or a field path when page is 0
  std::string before;  // the OCR's (or parser's) text at the target when it was corrected
  std::string after;
  std::string reviewer;
  std::string created_at;
};

// Who last changed a page (a correction or a decision) or an issue's structure, and how often:
// the version a reviewer's write must be based on.
struct EditStamp {
  int version = 0;
  std::string changed_by;
  std::string changed_at;
};

// A page's review as a reviewer decided it, with its edit stamp.
struct ReviewPageRow {
  std::string issue_key;
  int page = 0;
  EditStamp stamp;
  ReviewStatus status = ReviewStatus::kOpen;  // as last decided
  std::string comment;
  std::string reviewer;    // who decided
  std::string decided_at;  // empty while undecided
};

// One (issue, page) with review items, for the review queue; page 0 holds whole-issue items.
struct ReviewQueueRow {
  std::string issue_key;
  std::string issue_date;
  std::optional<int> issue_number;
  int page = 0;
  double mean_confidence = 0;  // the page's; the issue's for page 0
  // open while any item is open; rejected when any is rejected; else approved.
  ReviewStatus status = ReviewStatus::kOpen;
  int version = 0;
  int corrections = 0;  // corrections stored for this page (every version)
  // The page's estimated character error rate (the issue's for page 0); none for a record
  // written before qikan estimated it. The queue puts the highest first.
  std::optional<double> estimated_cer;
  std::vector<ReviewRow> items;
};

// Issue keys on which the archive folder and the catalog disagree.
struct CatalogDiscrepancies {
  std::vector<std::string> missing_from_catalog;  // a folder with record.json, no catalog row
  std::vector<std::string> missing_from_archive;  // a catalog row, no folder with record.json
  // Both present but record.json is not what the catalog indexed (a crash between replacing a
  // folder and committing it). Only filled by a content check.
  std::vector<std::string> stale;

  bool empty() const {
    return missing_from_catalog.empty() && missing_from_archive.empty() && stale.empty();
  }
};

enum class CheckDepth {
  kPresence,  // compares folder names with catalog keys: cheap
  kContent,   // also reads every record.json and compares it with the catalog's fingerprint
};

struct RepairReport {
  std::vector<std::string> imported;  // re-read from record.json (missing or stale)
  std::vector<std::string> removed;   // catalog rows whose folder is gone
  std::vector<std::string> failed;    // "KEY: reason" for record.json files that could not be read
};

class Catalog {
 public:
  // Opens (creating if need be) the catalog file and brings its schema up to date. Throws
  // kArchiveError when the file is not a catalog, cannot be opened, or was made by a newer
  // qikan (its schema version is above ours).
  static Catalog Open(const std::filesystem::path& file);

  Catalog(Catalog&&) noexcept;
  Catalog& operator=(Catalog&&) noexcept;
  ~Catalog();

  const std::filesystem::path& file() const;
  int SchemaVersion() const;  // the file's PRAGMA user_version
  static int CurrentSchemaVersion();

  // A run starts as "running". The archive lock lets one run at a time write, so any run still
  // "running" when another begins was interrupted, and is marked so here.
  int64_t BeginRun(const std::string& pipeline_version, const std::string& settings_json);
  // status: "ok" when kOk, else "failed"; the exit status itself is stored too.
  void FinishRun(int64_t run_id, ExitStatus exit_status, const std::string& summary_json);

  // Replaces everything the catalog holds about issue `key` (pages, articles, authors, briefs,
  // review items) with `record`'s, in one transaction, durably; calling it again for the same
  // key is harmless. Marks the input record.source.sha256 (when set) as done, becoming `key`.
  // A review decision survives when the new record has an item with the same page, reason and
  // detail, so a forced rerun does not undo people's work.
  void CommitIssue(int64_t run_id, const std::string& key, const IssueRecord& record,
                   const std::string& settings_hash, const std::string& record_path);

  // CommitIssue for several issues in one transaction (`qikan merge`): one sync instead of one
  // per issue, and the index pages they share written once. All or none.
  struct IssueToCommit {
    std::string key;
    IssueRecord record;
    std::string settings_hash;
    std::string record_path;
  };
  void CommitIssues(int64_t run_id, const std::vector<IssueToCommit>& issues);

  // The input was seen and its issue `key` is in the archive (committed now or earlier).
  void RecordInputDone(int64_t run_id, const std::string& sha256, const std::string& path,
                       const std::string& key);
  // Every failure is logged for the run; when the input could be hashed its row also records
  // the failure (its issue_key, if any, is kept: an earlier good issue stays in the archive).
  void RecordInputFailure(int64_t run_id, const std::string& sha256_or_empty,
                          const std::string& path, ExitStatus status, const std::string& error,
                          bool quarantined);

  std::optional<InputRow> FindInput(const std::string& sha256) const;
  std::optional<IssueRow> FindIssue(const std::string& key) const;
  std::vector<IssueRow> Issues() const;  // by date, then key
  // The authors credited in `min_issues` issues or more other than `except_key`: a name OCR
  // read alike in issues read apart is the name printed (a misreading rarely repeats).
  std::vector<std::string> RecurringAuthors(int min_issues, const std::string& except_key) const;
  // The organizations attributions (an article's or a brief's) name in `min_issues` issues or
  // more other than `except_key`, as RecurringAuthors.
  std::vector<std::string> RecurringOrganizations(int min_issues, const std::string& except_key) const;
  // The columns articles stand in in `min_issues` issues or more other than `except_key`, as
  // RecurringAuthors.
  std::vector<std::string> RecurringColumns(int min_issues, const std::string& except_key) const;

  // Best matches first (full-text rank when any word went through the index), then newest.
  std::vector<SearchHit> Search(const SearchQuery& query) const;

  std::vector<ReviewRow> ReviewItems(const ReviewFilter& filter = {}) const;
  // Records a person's decision (kOpen reopens the item); the issue's review_status follows.
  // Throws QikanError(kUsage) when there is no item `item_id`.
  void DecideReviewItem(int64_t item_id, ReviewStatus status, const std::string& note = "");

  // Review of pages in the browser (qikan review). The writes check `expected_version` against
  // the stored one in the same transaction and change nothing when it differs: they return the
  // new version, or nullopt on a conflict.
  //
  // Pages with review items matching `filter` (issue, reason: some item of the page has it;
  // status: the page's), open first, then lowest confidence; at most filter.limit.
  std::vector<ReviewQueueRow> ReviewQueue(const ReviewFilter& filter = {}) const;
  ReviewPageRow ReviewPage(const std::string& key, int page) const;  // version 0 when untouched
  // The pages of the issue a person approved or rejected (page 0: the whole-issue items).
  std::vector<ReviewPageRow> DecidedPages(const std::string& key) const;
  EditStamp StructureStamp(const std::string& key) const;
  std::vector<CorrectionRow> Corrections(const std::string& key) const;  // oldest first
  // Stores `correction` (its id and created_at are set here); page 0 checks the issue's
  // structure version, any other page that page's version.
  std::optional<int> AddCorrection(const CorrectionRow& correction, int expected_version);
  // CommitIssue for a record rebuilt with reviewers' corrections: keeps the issue's run, settings
  // hash and record path. Throws kArchiveError when the issue is not in the catalog.
  void RecommitIssue(const std::string& key, const IssueRecord& record);
  // Decides every review item of the page and records the comment.
  std::optional<int> DecidePage(const std::string& key, int page, int expected_version,
                                ReviewStatus status, const std::string& comment,
                                const std::string& reviewer);

  // Compares the catalog with DIR/issues/*/record.json. Throws kArchiveError when DIR/issues
  // cannot be listed (a wrong path must not look like an empty archive).
  CatalogDiscrepancies CheckAgainstArchive(const std::filesystem::path& archive_root,
                                           CheckDepth depth = CheckDepth::kPresence) const;
  // Imports record.json of every issue the catalog lacks (or, with kContent, holds stale) and
  // removes rows whose folder is gone. Imported issues get `run_id` (none when absent) and an
  // empty settings hash. A record.json that cannot be read is reported, not thrown.
  RepairReport RepairFromArchive(const std::filesystem::path& archive_root,
                                 std::optional<int64_t> run_id = std::nullopt,
                                 CheckDepth depth = CheckDepth::kPresence);

 private:
  struct Impl;
  explicit Catalog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace qikan
