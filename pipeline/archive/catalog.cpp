#include "pipeline/archive/catalog.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>
#include <variant>

#include "models/text.h"
#include "pipeline/archive/hash.h"

namespace qikan {
namespace fs = std::filesystem;
namespace {

// ---------------------------------------------------------------------------------------------
// The schema. Each string is one migration, applied in its own transaction together with the
// user_version it leads to; a released migration is never edited, only followed by a new one.

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> migrations = {
      // 1: the first catalog.
      R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: run ids appear in logs
  started_at TEXT NOT NULL,
  finished_at TEXT,
  pipeline_version TEXT NOT NULL,
  settings_json TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
  exit_status INTEGER,
  summary_json TEXT
);

CREATE TABLE issues (
  key TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  source_file TEXT NOT NULL,
  title TEXT NOT NULL,
  edition TEXT NOT NULL,
  number INTEGER,
  cumulative_number INTEGER,
  publisher TEXT NOT NULL,
  date TEXT NOT NULL,
  pages INTEGER NOT NULL,
  mean_confidence REAL NOT NULL,
  pipeline_version TEXT NOT NULL,
  settings_hash TEXT NOT NULL,
  record_path TEXT NOT NULL,
  record_fingerprint TEXT NOT NULL,
  committed_at TEXT NOT NULL,
  run_id INTEGER REFERENCES runs(id),
  review_status TEXT NOT NULL DEFAULT 'none' CHECK (review_status IN ('none', 'open', 'done'))
);
CREATE INDEX issues_date ON issues(date);
CREATE INDEX issues_sha256 ON issues(sha256);

-- issue_key has no foreign key: an input may name an issue the catalog has not imported yet
-- (an archive older than its catalog), and RepairFromArchive clears it when a folder goes.
CREATE TABLE inputs (
  sha256 TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  last_seen_path TEXT NOT NULL,
  first_seen_run INTEGER REFERENCES runs(id),
  last_run INTEGER REFERENCES runs(id),
  status TEXT NOT NULL CHECK (status IN ('done', 'failed', 'quarantined')),
  error TEXT NOT NULL DEFAULT '',
  exit_status INTEGER NOT NULL DEFAULT 0,
  issue_key TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX inputs_issue_key ON inputs(issue_key);

-- Every failed attempt, including inputs too broken to hash.
CREATE TABLE failures (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  sha256 TEXT,
  path TEXT NOT NULL,
  exit_status INTEGER NOT NULL,
  error TEXT NOT NULL,
  quarantined INTEGER NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX failures_run ON failures(run_id);

CREATE TABLE pages (
  issue_key TEXT NOT NULL REFERENCES issues(key) ON DELETE CASCADE,
  page_index INTEGER NOT NULL,
  dpi REAL NOT NULL,
  mean_confidence REAL NOT NULL,
  skew_degrees REAL NOT NULL,
  rotation INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (issue_key, page_index)
);

CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  issue_key TEXT NOT NULL REFERENCES issues(key) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  column_name TEXT NOT NULL,
  title TEXT NOT NULL,
  locality TEXT,
  start_page INTEGER NOT NULL,
  end_page INTEGER NOT NULL,
  body TEXT NOT NULL,  -- paragraphs separated by newlines
  UNIQUE (issue_key, ordinal)
);
CREATE INDEX articles_column ON articles(column_name);
CREATE INDEX articles_locality ON articles(locality);

CREATE TABLE attributions (
  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
  raw TEXT NOT NULL,
  organization TEXT NOT NULL
);

CREATE TABLE briefs (
  id INTEGER PRIMARY KEY,
  issue_key TEXT NOT NULL REFERENCES issues(key) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  column_name TEXT NOT NULL,
  page INTEGER NOT NULL,
  text TEXT NOT NULL,
  organization TEXT NOT NULL,
  authors TEXT NOT NULL,  -- for display, joined with 、; search goes through `authors`
  attribution_raw TEXT NOT NULL,
  UNIQUE (issue_key, ordinal)
);
CREATE INDEX briefs_column ON briefs(column_name);

-- One row per person credited, on an article or a brief: what an author search looks up.
CREATE TABLE authors (
  id INTEGER PRIMARY KEY,
  issue_key TEXT NOT NULL REFERENCES issues(key) ON DELETE CASCADE,
  article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
  brief_id INTEGER REFERENCES briefs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  CHECK ((article_id IS NULL) <> (brief_id IS NULL))
);
CREATE INDEX authors_name ON authors(name);
CREATE INDEX authors_issue ON authors(issue_key);
CREATE INDEX authors_article ON authors(article_id);
CREATE INDEX authors_brief ON authors(brief_id);

CREATE TABLE review_items (
  id INTEGER PRIMARY KEY,
  issue_key TEXT NOT NULL REFERENCES issues(key) ON DELETE CASCADE,
  page INTEGER NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX review_items_issue ON review_items(issue_key);
CREATE INDEX review_items_status ON review_items(status);

-- Full text: trigram indexes find any substring of 3 characters or more, which suits Chinese
-- (no word boundaries to tokenize on). External content keeps one copy of the text; the
-- triggers keep the indexes in step, also when rows go by ON DELETE CASCADE.
CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, body, content = 'articles', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE VIRTUAL TABLE briefs_fts USING fts5(
  text, content = 'briefs', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER briefs_fts_insert AFTER INSERT ON briefs BEGIN
  INSERT INTO briefs_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER briefs_fts_delete AFTER DELETE ON briefs BEGIN
  INSERT INTO briefs_fts(briefs_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER briefs_fts_update AFTER UPDATE ON briefs BEGIN
  INSERT INTO briefs_fts(briefs_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO briefs_fts(rowid, text) VALUES (new.id, new.text);
END;
)sql",
      // 2: review in the browser. No foreign keys to issues: CommitIssue replaces an issue's
      // rows, and a person's corrections and versions must outlive that (and a forced rerun).
      R"sql(
CREATE TABLE corrections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  issue_key TEXT NOT NULL,
  page INTEGER NOT NULL,  -- 0: a structure correction, target is a record field
  target TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX corrections_issue ON corrections(issue_key, page);

CREATE TABLE review_pages (
  issue_key TEXT NOT NULL,
  page INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
  comment TEXT NOT NULL DEFAULT '',
  reviewer TEXT NOT NULL DEFAULT '',
  decided_at TEXT,
  changed_by TEXT NOT NULL DEFAULT '',
  changed_at TEXT,
  PRIMARY KEY (issue_key, page)
);

CREATE TABLE review_structure (
  issue_key TEXT PRIMARY KEY,
  version INTEGER NOT NULL DEFAULT 0,
  changed_by TEXT NOT NULL DEFAULT '',
  changed_at TEXT
);
)sql",
      // 3: each page's estimated character error rate (stages/doubt.h), which orders the review
      // queue; the issue's is its pages' weighted by their characters. NULL: not estimated (a
      // record from before).
      R"sql(
ALTER TABLE pages ADD COLUMN estimated_cer REAL;
ALTER TABLE issues ADD COLUMN estimated_cer REAL;
)sql",
  };
  return migrations;
}

// ---------------------------------------------------------------------------------------------
// A thin RAII layer over sqlite3: a connection, a statement, a transaction.

[[noreturn]] void ThrowSqlite(sqlite3* db, const std::string& file, std::string_view what) {
  throw QikanError(ExitStatus::kArchiveError, file,
                   fmt::format("catalog: {}: {}", what, db ? sqlite3_errmsg(db) : "out of memory"));
}

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

class Statement {
 public:
  Statement(sqlite3* db, const std::string& file, std::string_view sql) : db_(db), file_(file) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
      ThrowSqlite(db, file, fmt::format("cannot prepare «{}»", sql.substr(0, 60)));
    }
    stmt_.reset(raw);
  }

  Statement& Bind(int index, std::string_view value) {
    return Check(sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT));
  }
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, int64_t value) {
    return Check(sqlite3_bind_int64(stmt_.get(), index, value));
  }
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value) {
    return Check(sqlite3_bind_double(stmt_.get(), index, value));
  }
  Statement& Bind(int index, std::nullopt_t) {
    return Check(sqlite3_bind_null(stmt_.get(), index));
  }
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : Bind(index, std::nullopt);
  }
  // Binds the arguments to ?1, ?2, ... in order.
  template <typename... Args>
  Statement& BindAll(const Args&... args) {
    int index = 0;
    (Bind(++index, args), ...);
    return *this;
  }

  // True when a row is ready to read, false when the statement is done.
  bool Step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    ThrowSqlite(db_, file_,
                fmt::format("«{}»", std::string_view(sqlite3_sql(stmt_.get())).substr(0, 60)));
  }
  void Run() {
    while (Step()) {
    }
  }
  void Reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }

  bool IsNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }
  std::string Text(int column) const {
    const auto* text = sqlite3_column_text(stmt_.get(), column);
    if (!text) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)));
  }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  double Double(int column) const { return sqlite3_column_double(stmt_.get(), column); }
  std::optional<std::string> OptionalText(int column) const {
    return IsNull(column) ? std::nullopt : std::optional(Text(column));
  }
  std::optional<int64_t> OptionalInt(int column) const {
    return IsNull(column) ? std::nullopt : std::optional(Int(column));
  }

 private:
  Statement& Check(int rc) {
    if (rc != SQLITE_OK) ThrowSqlite(db_, file_, "cannot bind");
    return *this;
  }

  sqlite3* db_;
  const std::string& file_;
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt_;
};

class Connection {
 public:
  explicit Connection(const fs::path& file) : file_(file.string()) {
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(file_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) ThrowSqlite(raw, file_, "cannot open");
    sqlite3_extended_result_codes(raw, 1);
    // Another process (a run, the review server) may hold the write lock for a moment.
    sqlite3_busy_timeout(raw, 5000);
  }

  Statement Prepare(std::string_view sql) { return Statement(db_.get(), file_, sql); }
  void Exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      throw QikanError(ExitStatus::kArchiveError, file_, "catalog: " + text);
    }
  }
  // For destructors, which must not throw.
  void ExecNoThrow(const char* sql) { sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr); }
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }
  int Changes() const { return sqlite3_changes(db_.get()); }
  int UserVersion() {
    Statement statement = Prepare("PRAGMA user_version");
    statement.Step();
    return static_cast<int>(statement.Int(0));
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::unique_ptr<sqlite3, ConnectionCloser> db_;
};

// The connection runs with synchronous=NORMAL: in WAL mode a commit then survives a crash of
// the process but may be lost, whole, on power failure (the database stays consistent). That is
// fine for run bookkeeping, which the next run redoes. An issue's rows, a repair and a person's
// review decision must not vanish once the call returns, since the archive folder is already
// in place (or the person has moved on): those transactions switch to synchronous=FULL, which
// fsyncs the WAL at commit.
enum class Durability { kNormal, kFull };

class Transaction {
 public:
  Transaction(Connection& db, Durability durability) : db_(db), durability_(durability) {
    if (durability_ == Durability::kFull) db_.Exec("PRAGMA synchronous = FULL");
    try {
      // IMMEDIATE takes the write lock now, so two writers wait on busy_timeout instead of one
      // failing with SQLITE_BUSY when it upgrades from reading to writing.
      db_.Exec("BEGIN IMMEDIATE");
    } catch (...) {
      if (durability_ == Durability::kFull) db_.ExecNoThrow("PRAGMA synchronous = NORMAL");
      throw;
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!done_) db_.ExecNoThrow("ROLLBACK");
    if (durability_ == Durability::kFull) db_.ExecNoThrow("PRAGMA synchronous = NORMAL");
  }
  void Commit() {
    db_.Exec("COMMIT");
    done_ = true;
  }

 private:
  Connection& db_;
  Durability durability_;
  bool done_ = false;
};

// ---------------------------------------------------------------------------------------------
// Text helpers for search.

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t CountChars(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); }));
}

size_t BackChars(std::string_view text, size_t pos, size_t chars) {
  while (pos > 0 && chars > 0) {
    --pos;
    while (pos > 0 && IsContinuationByte(text[pos])) --pos;
    --chars;
  }
  return pos;
}

size_t ForwardChars(std::string_view text, size_t pos, size_t chars) {
  while (pos < text.size() && chars > 0) {
    ++pos;
    while (pos < text.size() && IsContinuationByte(text[pos])) ++pos;
    --chars;
  }
  return pos;
}

// Folding ASCII only keeps byte offsets, and matches what FTS5 and LIKE fold.
std::string FoldAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Query words: split on ASCII whitespace and the ideographic space.
std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::exchange(word, {}));
  };
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i, 3) == "\u3000") {
      flush();
      i += 3;
    } else if (std::isspace(static_cast<unsigned char>(text[i]))) {
      flush();
      ++i;
    } else {
      word += text[i++];
    }
  }
  flush();
  return words;
}

constexpr size_t kSnippetContext = 30;  // characters each side of the first match

// About 60 characters of `text` around the first occurrence of any word, every occurrence within
// set in 【】; empty when no word occurs (or, with no words, the start of the text).
std::string MarkedSnippet(std::string_view text, const std::vector<std::string>& words) {
  const std::string folded = FoldAscii(text);
  std::vector<std::string> folded_words;
  for (const auto& word : words) folded_words.push_back(FoldAscii(word));

  size_t first = std::string::npos;
  size_t first_length = 0;
  for (const auto& word : folded_words) {
    const size_t at = folded.find(word);
    if (at < first) {
      first = at;
      first_length = word.size();
    }
  }
  size_t begin = 0;
  size_t end = 0;
  if (words.empty()) {
    end = ForwardChars(text, 0, 2 * kSnippetContext);
  } else if (first == std::string::npos) {
    return {};
  } else {
    begin = BackChars(text, first, kSnippetContext);
    end = ForwardChars(text, first + first_length, kSnippetContext);
  }

  std::string out = begin > 0 ? "…" : "";
  for (size_t pos = begin; pos < end;) {
    size_t match = 0;
    for (const auto& word : folded_words) {
      if (word.size() > match && folded.compare(pos, word.size(), word) == 0) match = word.size();
    }
    if (match > 0) {
      out += "【";
      out.append(text.substr(pos, match));
      out += "】";
      pos += match;
      end = std::max(end, pos);
      continue;
    }
    const size_t next = ForwardChars(text, pos, 1);
    const std::string_view ch = text.substr(pos, next - pos);
    out.append(ch == "\n" ? std::string_view(" ") : ch);
    pos = next;
  }
  if (end < text.size()) out += "…";
  return out;
}

std::string EscapeLike(std::string_view word) {
  std::string out = "%";
  for (char c : word) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

// Each word as an FTS5 phrase (quotes doubled), so punctuation in it is taken literally;
// phrases side by side must all match.
std::string FtsQuery(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : word) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

// The trigram tokenizer indexes runs of three characters; shorter words find nothing in it.
constexpr size_t kTrigram = 3;

// ---------------------------------------------------------------------------------------------
// Enum names as stored.

InputStatus ParseInputStatus(const std::string& text) {
  if (text == "failed") return InputStatus::kFailed;
  if (text == "quarantined") return InputStatus::kQuarantined;
  return InputStatus::kDone;
}

ReviewStatus ParseReviewStatus(const std::string& text) {
  if (text == "approved") return ReviewStatus::kApproved;
  if (text == "rejected") return ReviewStatus::kRejected;
  return ReviewStatus::kOpen;
}

std::string JoinAuthors(const std::vector<std::string>& authors) {
  std::string out;
  for (const auto& author : authors) {
    if (!out.empty()) out += "、";
    out += author;
  }
  return out;
}

std::string JoinParagraphs(const std::vector<std::string>& paragraphs) {
  std::string out;
  for (const auto& paragraph : paragraphs) {
    if (!out.empty()) out += '\n';
    out += paragraph;
  }
  return out;
}

std::string RecordFingerprint(const IssueRecord& record) {
  return Sha256Hex(nlohmann::json(record).dump());
}

IssueRecord ReadRecord(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::stringstream bytes;
  bytes << in.rdbuf();
  return nlohmann::json::parse(bytes.str()).get<IssueRecord>();
}

std::string RecordPathFor(const std::string& key) { return "issues/" + key + "/record.json"; }

// Issue folders that hold a record.json, by key.
// Throws when DIR/issues cannot be listed: read as "no issues", a mistyped archive path would
// make a repair empty the catalog.
std::set<std::string> ArchiveKeys(const fs::path& archive_root) {
  const fs::path issues = archive_root / "issues";
  std::set<std::string> keys;
  std::error_code ec;
  fs::directory_iterator it(issues, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code file_ec;
    if (it->is_directory(file_ec) && fs::is_regular_file(it->path() / "record.json", file_ec)) {
      keys.insert(it->path().filename().string());
    }
  }
  if (ec) {
    throw QikanError(ExitStatus::kArchiveError, issues.string(),
                     "cannot list the archive's issues: " + ec.message());
  }
  return keys;
}

constexpr const char* kIssueColumns =
    "key, sha256, source_file, title, edition, number, cumulative_number, publisher, date, "
    "pages, mean_confidence, pipeline_version, settings_hash, record_path, record_fingerprint, "
    "committed_at, run_id, review_status, "
    "(SELECT count(*) FROM articles WHERE issue_key = issues.key), "
    "(SELECT count(*) FROM briefs WHERE issue_key = issues.key), "
    "(SELECT count(*) FROM review_items WHERE issue_key = issues.key AND status = 'open'), "
    "(SELECT count(*) FROM review_items WHERE issue_key = issues.key AND status = 'rejected')";

IssueRow ReadIssueRow(const Statement& row) {
  auto optional_int = [&](int column) -> std::optional<int> {
    if (row.IsNull(column)) return std::nullopt;
    return static_cast<int>(row.Int(column));
  };
  return IssueRow{.key = row.Text(0),
                  .sha256 = row.Text(1),
                  .source_file = row.Text(2),
                  .title = row.Text(3),
                  .edition = row.Text(4),
                  .number = optional_int(5),
                  .cumulative_number = optional_int(6),
                  .publisher = row.Text(7),
                  .date = row.Text(8),
                  .pages = static_cast<int>(row.Int(9)),
                  .mean_confidence = row.Double(10),
                  .pipeline_version = row.Text(11),
                  .settings_hash = row.Text(12),
                  .record_path = row.Text(13),
                  .record_fingerprint = row.Text(14),
                  .committed_at = row.Text(15),
                  .run_id = row.OptionalInt(16),
                  .review_status = row.Text(17),
                  .articles = static_cast<int>(row.Int(18)),
                  .briefs = static_cast<int>(row.Int(19)),
                  .open_review_items = static_cast<int>(row.Int(20)),
                  .rejected_review_items = static_cast<int>(row.Int(21))};
}

// How CommitIssue treats the input row: a run knows the input became this issue; a repair only
// fills in what the catalog does not know yet.
enum class InputUpdate { kAuthoritative, kIfUnknown };

using SqlValue = std::variant<std::string, int64_t>;

// A search hit with what the merge of articles and briefs sorts on.
struct RankedHit {
  SearchHit hit;
  double score = 0;  // bm25: lower is better; 0 without full text
  int ordinal = 0;
};

// The pages' estimated error rates weighted by their characters; none when a page has none.
std::optional<double> IssueEstimatedCer(const IssueRecord& record) {
  double errors = 0, chars = 0;
  for (const auto& page : record.pages) {
    if (page.estimated_cer < 0) return std::nullopt;
    const double n = std::max<double>(1, static_cast<double>(Utf8Length(page.text)));
    errors += page.estimated_cer * n;
    chars += n;
  }
  if (chars == 0) return std::nullopt;
  return errors / chars;
}

}  // namespace

const char* InputStatusName(InputStatus status) {
  switch (status) {
    case InputStatus::kDone:
      return "done";
    case InputStatus::kFailed:
      return "failed";
    case InputStatus::kQuarantined:
      return "quarantined";
  }
  return "done";
}

std::string IssueReviewState(const IssueRow& issue) {
  if (issue.review_status == "none") return "nothing to review";
  if (issue.review_status == "open") return "open";
  return issue.rejected_review_items > 0 ? "rejected" : "approved";
}

const char* ReviewStatusName(ReviewStatus status) {
  switch (status) {
    case ReviewStatus::kOpen:
      return "open";
    case ReviewStatus::kApproved:
      return "approved";
    case ReviewStatus::kRejected:
      return "rejected";
  }
  return "open";
}

const char* HitKindName(HitKind kind) { return kind == HitKind::kBrief ? "brief" : "article"; }

fs::path CatalogPath(const fs::path& archive_root) { return archive_root / "catalog.sqlite"; }

// One connection, guarded by one mutex: SQLite connections must not run two statements at once
// from different threads, and the work per call is small next to OCR.
struct Catalog::Impl {
  explicit Impl(const fs::path& path) : file(path), db(path) {}

  void Configure();
  void Migrate();
  void CommitLocked(std::optional<int64_t> run_id, const std::string& key,
                    const IssueRecord& record, const std::string& settings_hash,
                    const std::string& record_path, InputUpdate input_update);
  void InsertArticles(const std::string& key, const IssueRecord& record);
  void InsertBriefs(const std::string& key, const IssueRecord& record);
  void UpdateReviewStatus(const std::string& key);
  std::vector<RankedHit> SearchArticles(const SearchQuery& query,
                                        const std::vector<std::string>& long_words,
                                        const std::vector<std::string>& short_words);
  std::vector<RankedHit> SearchBriefs(const SearchQuery& query,
                                      const std::vector<std::string>& long_words,
                                      const std::vector<std::string>& short_words);

  fs::path file;
  std::mutex mutex;
  Connection db;
};

void Catalog::Impl::Configure() {
  db.Exec("PRAGMA foreign_keys = ON");
  // Check the version before changing anything in a file a newer qikan made.
  const int version = db.UserVersion();
  const int current = static_cast<int>(Migrations().size());
  if (version > current) {
    throw QikanError(ExitStatus::kArchiveError, file.string(),
                     fmt::format("catalog schema version {} is newer than this qikan's ({}): "
                                 "use a newer qikan",
                                 version, current));
  }
  Statement journal = db.Prepare("PRAGMA journal_mode = WAL");
  if (journal.Step() && journal.Text(0) != "wal") {
    // Some file systems (network mounts) cannot share WAL memory; the catalog still works,
    // readers just wait for writers.
    spdlog::warn("{}: journal mode {}, not WAL", file.string(), journal.Text(0));
  }
  db.Exec("PRAGMA synchronous = NORMAL");
}

void Catalog::Impl::Migrate() {
  const auto& migrations = Migrations();
  const int current = static_cast<int>(migrations.size());
  while (db.UserVersion() < current) {
    Transaction transaction(db, Durability::kFull);
    // Read again under the write lock: another process may have migrated meanwhile.
    const int version = db.UserVersion();
    if (version >= current) break;
    db.Exec(migrations[static_cast<size_t>(version)]);
    db.Exec(fmt::format("PRAGMA user_version = {}", version + 1));
    transaction.Commit();
    spdlog::info("{}: catalog schema {} -> {}", file.string(), version, version + 1);
  }
}

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Catalog::Catalog(Catalog&&) noexcept = default;
Catalog& Catalog::operator=(Catalog&&) noexcept = default;
Catalog::~Catalog() = default;

Catalog Catalog::Open(const fs::path& file) {
  auto impl = std::make_unique<Impl>(file);
  impl->Configure();
  impl->Migrate();
  return Catalog(std::move(impl));
}

const fs::path& Catalog::file() const { return impl_->file; }

int Catalog::SchemaVersion() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->db.UserVersion();
}

int Catalog::CurrentSchemaVersion() { return static_cast<int>(Migrations().size()); }

int64_t Catalog::BeginRun(const std::string& pipeline_version, const std::string& settings_json) {
  std::lock_guard lock(impl_->mutex);
  Connection& db = impl_->db;
  Transaction transaction(db, Durability::kNormal);
  db.Prepare(fmt::format("UPDATE runs SET status = 'interrupted', finished_at = {} "
                         "WHERE status = 'running'",
                         kNow))
      .Run();
  db.Prepare(fmt::format("INSERT INTO runs (started_at, pipeline_version, settings_json) "
                         "VALUES ({}, ?1, ?2)",
                         kNow))
      .BindAll(pipeline_version, settings_json)
      .Run();
  const int64_t run_id = db.LastInsertId();
  transaction.Commit();
  return run_id;
}

void Catalog::FinishRun(int64_t run_id, ExitStatus exit_status, const std::string& summary_json) {
  std::lock_guard lock(impl_->mutex);
  Connection& db = impl_->db;
  db.Prepare(fmt::format("UPDATE runs SET finished_at = {}, status = ?1, exit_status = ?2, "
                         "summary_json = ?3 WHERE id = ?4",
                         kNow))
      .BindAll(exit_status == ExitStatus::kOk ? "ok" : "failed", static_cast<int>(exit_status),
               summary_json, run_id)
      .Run();
  if (db.Changes() == 0) {
    throw QikanError(ExitStatus::kArchiveError, impl_->file.string(),
                     fmt::format("catalog: no run {}", run_id));
  }
}

void Catalog::CommitIssue(int64_t run_id, const std::string& key, const IssueRecord& record,
                          const std::string& settings_hash, const std::string& record_path) {
  std::lock_guard lock(impl_->mutex);
  Transaction transaction(impl_->db, Durability::kFull);
  impl_->CommitLocked(run_id, key, record, settings_hash, record_path, InputUpdate::kAuthoritative);
  transaction.Commit();
}

void Catalog::CommitIssues(int64_t run_id, const std::vector<IssueToCommit>& issues) {
  std::lock_guard lock(impl_->mutex);
  Transaction transaction(impl_->db, Durability::kFull);
  for (const auto& issue : issues) {
    impl_->CommitLocked(run_id, issue.key, issue.record, issue.settings_hash, issue.record_path,
                        InputUpdate::kAuthoritative);
  }
  transaction.Commit();
}

void Catalog::Impl::CommitLocked(std::optional<int64_t> run_id, const std::string& key,
                                 const IssueRecord& record, const std::string& settings_hash,
                                 const std::string& record_path, InputUpdate input_update) {
  // Decisions people made on the old rows, to carry over to identical new items.
  struct Decision {
    std::string status, note, created_at, decided_at;
  };
  std::map<std::tuple<int, std::string, std::string>, std::vector<Decision>> decisions;
  {
    Statement old = db.Prepare(
        "SELECT page, reason, detail, status, note, created_at, decided_at FROM review_items "
        "WHERE issue_key = ?1 AND status <> 'open' ORDER BY id DESC");
    old.BindAll(key);
    while (old.Step()) {
      decisions[{static_cast<int>(old.Int(0)), old.Text(1), old.Text(2)}].push_back(
          {old.Text(3), old.Text(4), old.Text(5), old.Text(6)});
    }
  }

  // Deleting the issue takes every row that hangs off it (and their full-text entries) along.
  db.Prepare("DELETE FROM issues WHERE key = ?1").BindAll(key).Run();

  double confidence_sum = 0;
  for (const auto& page : record.pages) confidence_sum += page.mean_confidence;
  const double mean_confidence =
      record.pages.empty() ? 0.0 : confidence_sum / static_cast<double>(record.pages.size());
  db.Prepare(
        fmt::format("INSERT INTO issues (key, sha256, source_file, title, edition, number, "
                    "cumulative_number, publisher, date, pages, mean_confidence, pipeline_version, "
                    "settings_hash, record_path, record_fingerprint, committed_at, run_id, "
                    "estimated_cer) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, {}, "
                    "?16, ?17)",
                    kNow))
      .BindAll(key, record.source.sha256, record.source.file, record.issue.title,
               record.issue.edition, record.issue.number, record.issue.cumulative_number,
               record.issue.publisher, record.issue.date, static_cast<int>(record.pages.size()),
               mean_confidence, record.pipeline_version, settings_hash, record_path,
               RecordFingerprint(record), run_id, IssueEstimatedCer(record))
      .Run();

  Statement page = db.Prepare(
      "INSERT INTO pages (issue_key, page_index, dpi, mean_confidence, skew_degrees, rotation, "
      "text, estimated_cer) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const auto& p : record.pages) {
    page.BindAll(key, p.index, p.dpi, static_cast<double>(p.mean_confidence), p.skew_degrees,
                 p.rotation, p.text,
                 p.estimated_cer >= 0 ? std::optional(p.estimated_cer) : std::nullopt);
    page.Run();
    page.Reset();
  }
  InsertArticles(key, record);
  InsertBriefs(key, record);

  Statement item = db.Prepare(fmt::format(
      "INSERT INTO review_items (issue_key, page, reason, detail, status, note, created_at, "
      "decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, {}), ?8)",
      kNow));
  for (const auto& review : record.review) {
    auto found = decisions.find({review.page, review.reason, review.detail});
    std::optional<Decision> decision;
    if (found != decisions.end() && !found->second.empty()) {
      decision = std::move(found->second.back());
      found->second.pop_back();
    }
    item.BindAll(key, review.page, review.reason, review.detail,
                 decision ? decision->status : std::string("open"),
                 decision ? decision->note : std::string(),
                 decision ? std::optional(decision->created_at) : std::nullopt,
                 decision ? std::optional(decision->decided_at) : std::nullopt);
    item.Run();
    item.Reset();
  }
  UpdateReviewStatus(key);

  if (record.source.sha256.empty()) return;
  const std::string upsert = fmt::format(
      "INSERT INTO inputs (sha256, path, last_seen_path, first_seen_run, last_run, status, "
      "issue_key, updated_at) VALUES (?1, ?2, ?2, ?3, ?3, 'done', ?4, {}) "
      "ON CONFLICT (sha256) DO UPDATE SET last_run = coalesce(excluded.last_run, last_run), "
      "status = 'done', error = '', exit_status = 0, issue_key = excluded.issue_key, "
      "updated_at = excluded.updated_at{}",
      kNow,
      input_update == InputUpdate::kIfUnknown
          ? " WHERE inputs.status <> 'done' OR inputs.issue_key IS NULL"
          : ", last_seen_path = excluded.last_seen_path");
  db.Prepare(upsert).BindAll(record.source.sha256, record.source.file, run_id, key).Run();
}

void Catalog::Impl::InsertArticles(const std::string& key, const IssueRecord& record) {
  Statement article = db.Prepare(
      "INSERT INTO articles (issue_key, ordinal, column_name, title, locality, start_page, "
      "end_page, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  Statement attribution =
      db.Prepare("INSERT INTO attributions (article_id, raw, organization) VALUES (?1, ?2, ?3)");
  Statement author = db.Prepare(
      "INSERT INTO authors (issue_key, article_id, position, name) VALUES (?1, ?2, ?3, ?4)");
  for (size_t i = 0; i < record.articles.size(); ++i) {
    const Article& a = record.articles[i];
    article.BindAll(key, static_cast<int>(i + 1), a.column, a.title, a.locality, a.start_page,
                    a.end_page, JoinParagraphs(a.paragraphs));
    article.Run();
    article.Reset();
    if (!a.attribution) continue;
    const int64_t article_id = db.LastInsertId();
    attribution.BindAll(article_id, a.attribution->raw, a.attribution->organization);
    attribution.Run();
    attribution.Reset();
    for (size_t n = 0; n < a.attribution->authors.size(); ++n) {
      author.BindAll(key, article_id, static_cast<int>(n + 1), a.attribution->authors[n]);
      author.Run();
      author.Reset();
    }
  }
}

void Catalog::Impl::InsertBriefs(const std::string& key, const IssueRecord& record) {
  Statement brief = db.Prepare(
      "INSERT INTO briefs (issue_key, ordinal, column_name, page, text, organization, authors, "
      "attribution_raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  Statement author = db.Prepare(
      "INSERT INTO authors (issue_key, brief_id, position, name) VALUES (?1, ?2, ?3, ?4)");
  for (size_t i = 0; i < record.briefs.size(); ++i) {
    const Brief& b = record.briefs[i];
    const Attribution none;
    const Attribution& credit = b.attribution ? *b.attribution : none;
    brief.BindAll(key, static_cast<int>(i + 1), b.column, b.page, b.text, credit.organization,
                  JoinAuthors(credit.authors), credit.raw);
    brief.Run();
    brief.Reset();
    const int64_t brief_id = db.LastInsertId();
    for (size_t n = 0; n < credit.authors.size(); ++n) {
      author.BindAll(key, brief_id, static_cast<int>(n + 1), credit.authors[n]);
      author.Run();
      author.Reset();
    }
  }
}

void Catalog::Impl::UpdateReviewStatus(const std::string& key) {
  db.Prepare(
        "UPDATE issues SET review_status = CASE "
        "WHEN NOT EXISTS (SELECT 1 FROM review_items r WHERE r.issue_key = issues.key) "
        "THEN 'none' "
        "WHEN EXISTS (SELECT 1 FROM review_items r WHERE r.issue_key = issues.key "
        "AND r.status = 'open') THEN 'open' "
        "ELSE 'done' END WHERE key = ?1")
      .BindAll(key)
      .Run();
}

void Catalog::RecordInputDone(int64_t run_id, const std::string& sha256, const std::string& path,
                              const std::string& key) {
  std::lock_guard lock(impl_->mutex);
  impl_->db
      .Prepare(fmt::format(
          "INSERT INTO inputs (sha256, path, last_seen_path, first_seen_run, last_run, status, "
          "issue_key, updated_at) VALUES (?1, ?2, ?2, ?3, ?3, 'done', ?4, {}) "
          "ON CONFLICT (sha256) DO UPDATE SET last_seen_path = excluded.last_seen_path, "
          "last_run = excluded.last_run, status = 'done', error = '', exit_status = 0, "
          "issue_key = excluded.issue_key, updated_at = excluded.updated_at",
          kNow))
      .BindAll(sha256, path, run_id, key)
      .Run();
}

void Catalog::RecordInputFailure(int64_t run_id, const std::string& sha256_or_empty,
                                 const std::string& path, ExitStatus status,
                                 const std::string& error, bool quarantined) {
  std::lock_guard lock(impl_->mutex);
  Connection& db = impl_->db;
  Transaction transaction(db, Durability::kNormal);
  const std::optional<std::string> sha =
      sha256_or_empty.empty() ? std::nullopt : std::optional(sha256_or_empty);
  db.Prepare(fmt::format("INSERT INTO failures (run_id, sha256, path, exit_status, error, "
                         "quarantined, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, {})",
                         kNow))
      .BindAll(run_id, sha, path, static_cast<int>(status), error, quarantined ? 1 : 0)
      .Run();
  if (sha) {
    db.Prepare(fmt::format(
                   "INSERT INTO inputs (sha256, path, last_seen_path, first_seen_run, last_run, "
                   "status, error, exit_status, updated_at) "
                   "VALUES (?1, ?2, ?2, ?3, ?3, ?4, ?5, ?6, {}) "
                   "ON CONFLICT (sha256) DO UPDATE SET last_seen_path = excluded.last_seen_path, "
                   "last_run = excluded.last_run, status = excluded.status, "
                   "error = excluded.error, exit_status = excluded.exit_status, "
                   "updated_at = excluded.updated_at",
                   kNow))
        .BindAll(*sha, path, run_id, quarantined ? "quarantined" : "failed", error,
                 static_cast<int>(status))
        .Run();
  }
  transaction.Commit();
}

std::optional<InputRow> Catalog::FindInput(const std::string& sha256) const {
  std::lock_guard lock(impl_->mutex);
  Statement row = impl_->db.Prepare(
      "SELECT sha256, path, last_seen_path, first_seen_run, last_run, status, error, "
      "exit_status, issue_key FROM inputs WHERE sha256 = ?1");
  row.BindAll(sha256);
  if (!row.Step()) return std::nullopt;
  return InputRow{.sha256 = row.Text(0),
                  .path = row.Text(1),
                  .last_seen_path = row.Text(2),
                  .first_seen_run = row.OptionalInt(3),
                  .last_run = row.OptionalInt(4),
                  .status = ParseInputStatus(row.Text(5)),
                  .error = row.Text(6),
                  .exit_status = static_cast<ExitStatus>(row.Int(7)),
                  .issue_key = row.OptionalText(8)};
}

std::optional<IssueRow> Catalog::FindIssue(const std::string& key) const {
  std::lock_guard lock(impl_->mutex);
  Statement row =
      impl_->db.Prepare(fmt::format("SELECT {} FROM issues WHERE key = ?1", kIssueColumns));
  row.BindAll(key);
  if (!row.Step()) return std::nullopt;
  return ReadIssueRow(row);
}

std::vector<IssueRow> Catalog::Issues() const {
  std::lock_guard lock(impl_->mutex);
  Statement row =
      impl_->db.Prepare(fmt::format("SELECT {} FROM issues ORDER BY date, key", kIssueColumns));
  std::vector<IssueRow> issues;
  while (row.Step()) issues.push_back(ReadIssueRow(row));
  return issues;
}

namespace {

// The names a query over (issue_key, name) rows yields in `min_issues` issues or more other than
// `except_key`, sorted.
std::vector<std::string> Recurring(Connection& db, const std::string& rows, int min_issues,
                                   const std::string& except_key) {
  Statement row = db.Prepare("SELECT name FROM (" + rows +
                             ") WHERE issue_key <> ?1 AND name <> '' GROUP BY name "
                             "HAVING COUNT(DISTINCT issue_key) >= ?2 ORDER BY name");
  row.Bind(1, except_key);
  row.Bind(2, static_cast<int64_t>(min_issues));
  std::vector<std::string> names;
  while (row.Step()) names.push_back(row.Text(0));
  return names;
}

}  // namespace

std::vector<std::string> Catalog::RecurringAuthors(int min_issues,
                                                   const std::string& except_key) const {
  std::lock_guard lock(impl_->mutex);
  return Recurring(impl_->db, "SELECT issue_key, name FROM authors", min_issues, except_key);
}

std::vector<std::string> Catalog::RecurringOrganizations(int min_issues,
                                                         const std::string& except_key) const {
  std::lock_guard lock(impl_->mutex);
  return Recurring(impl_->db,
                   "SELECT a.issue_key AS issue_key, t.organization AS name"
                   "  FROM attributions t JOIN articles a ON a.id = t.article_id"
                   " UNION ALL SELECT issue_key, organization AS name FROM briefs",
                   min_issues, except_key);
}

std::vector<std::string> Catalog::RecurringColumns(int min_issues,
                                                   const std::string& except_key) const {
  std::lock_guard lock(impl_->mutex);
  return Recurring(impl_->db, "SELECT issue_key, column_name AS name FROM articles", min_issues,
                   except_key);
}

// ---------------------------------------------------------------------------------------------
// Search

namespace {

// A WHERE clause grown filter by filter, with its parameters in order.
struct Where {
  std::string sql;
  std::vector<SqlValue> values;

  void Add(std::string_view clause, std::initializer_list<SqlValue> clause_values) {
    sql += " AND ";
    sql += clause;
    values.insert(values.end(), clause_values);
  }
};

void BindValues(Statement& statement, const std::vector<SqlValue>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    std::visit([&](const auto& value) { statement.Bind(static_cast<int>(i + 1), value); },
               values[i]);
  }
}

void AddReviewFilter(const SearchQuery& query, Where& where) {
  if (!query.reviewed) return;
  where.Add(*query.reviewed ? "i.review_status = 'done' AND NOT EXISTS (SELECT 1 FROM review_items "
                              "x WHERE x.issue_key = i.key AND x.status = 'rejected')"
                            : "i.review_status = 'open'",
            {});
}

void AddDateFilters(const SearchQuery& query, Where& where) {
  AddReviewFilter(query, where);
  if (!query.from_date.empty()) where.Add("i.date <> '' AND i.date >= ?", {query.from_date});
  if (!query.to_date.empty()) {
    // Compare only as many characters as given, so "2025-07" ends with the last day of July.
    where.Add("i.date <> '' AND substr(i.date, 1, length(?)) <= ?", {query.to_date, query.to_date});
  }
}

}  // namespace

std::vector<RankedHit> Catalog::Impl::SearchArticles(const SearchQuery& query,
                                                     const std::vector<std::string>& long_words,
                                                     const std::vector<std::string>& short_words) {
  const bool full_text = !long_words.empty();
  Where where;
  if (full_text) where.Add("articles_fts MATCH ?", {FtsQuery(long_words)});
  for (const auto& word : short_words) {
    where.Add("(a.title LIKE ? ESCAPE '\\' OR a.body LIKE ? ESCAPE '\\')",
              {EscapeLike(word), EscapeLike(word)});
  }
  if (!query.column.empty()) where.Add("a.column_name = ?", {query.column});
  if (!query.author.empty()) {
    where.Add("EXISTS (SELECT 1 FROM authors w WHERE w.article_id = a.id AND w.name = ?)",
              {query.author});
  }
  if (!query.locality.empty()) where.Add("a.locality = ?", {query.locality});
  AddDateFilters(query, where);
  where.values.push_back(static_cast<int64_t>(query.limit));

  Statement row = db.Prepare(
      fmt::format("SELECT a.id, a.issue_key, i.date, i.number, a.title, a.column_name, a.locality, "
                  "a.start_page, a.end_page, a.body, {}, a.ordinal "
                  "FROM articles a JOIN issues i ON i.key = a.issue_key {} WHERE 1{} "
                  "ORDER BY 11, i.date DESC, a.issue_key, a.ordinal LIMIT ?",
                  full_text ? "bm25(articles_fts)" : "0.0",
                  full_text ? "JOIN articles_fts ON articles_fts.rowid = a.id" : "", where.sql));
  BindValues(row, where.values);

  std::vector<std::string> words = long_words;
  words.insert(words.end(), short_words.begin(), short_words.end());
  std::vector<RankedHit> hits;
  while (row.Step()) {
    const std::string title = row.Text(4);
    std::string snippet = MarkedSnippet(row.Text(9), words);
    if (snippet.empty()) snippet = MarkedSnippet(title, words);
    hits.push_back(RankedHit{
        .hit =
            SearchHit{.kind = HitKind::kArticle,
                      .id = row.Int(0),
                      .issue_key = row.Text(1),
                      .issue_date = row.Text(2),
                      .issue_number = row.IsNull(3) ? std::nullopt
                                                    : std::optional(static_cast<int>(row.Int(3))),
                      .title = title,
                      .column = row.Text(5),
                      .locality = row.OptionalText(6),
                      .start_page = static_cast<int>(row.Int(7)),
                      .end_page = static_cast<int>(row.Int(8)),
                      .snippet = std::move(snippet)},
        .score = row.Double(10),
        .ordinal = static_cast<int>(row.Int(11))});
  }
  return hits;
}

std::vector<RankedHit> Catalog::Impl::SearchBriefs(const SearchQuery& query,
                                                   const std::vector<std::string>& long_words,
                                                   const std::vector<std::string>& short_words) {
  const bool full_text = !long_words.empty();
  Where where;
  if (full_text) where.Add("briefs_fts MATCH ?", {FtsQuery(long_words)});
  for (const auto& word : short_words) {
    where.Add("b.text LIKE ? ESCAPE '\\'", {EscapeLike(word)});
  }
  if (!query.column.empty()) where.Add("b.column_name = ?", {query.column});
  if (!query.author.empty()) {
    where.Add("EXISTS (SELECT 1 FROM authors w WHERE w.brief_id = b.id AND w.name = ?)",
              {query.author});
  }
  if (!query.locality.empty()) {
    where.Add("substr(b.organization, 1, length(?)) = ?", {query.locality, query.locality});
  }
  AddDateFilters(query, where);
  where.values.push_back(static_cast<int64_t>(query.limit));

  Statement row = db.Prepare(fmt::format(
      "SELECT b.id, b.issue_key, i.date, i.number, b.column_name, b.page, b.text, {}, b.ordinal "
      "FROM briefs b JOIN issues i ON i.key = b.issue_key {} WHERE 1{} "
      "ORDER BY 8, i.date DESC, b.issue_key, b.ordinal LIMIT ?",
      full_text ? "bm25(briefs_fts)" : "0.0",
      full_text ? "JOIN briefs_fts ON briefs_fts.rowid = b.id" : "", where.sql));
  BindValues(row, where.values);

  std::vector<std::string> words = long_words;
  words.insert(words.end(), short_words.begin(), short_words.end());
  std::vector<RankedHit> hits;
  while (row.Step()) {
    const int page = static_cast<int>(row.Int(5));
    hits.push_back(RankedHit{
        .hit =
            SearchHit{.kind = HitKind::kBrief,
                      .id = row.Int(0),
                      .issue_key = row.Text(1),
                      .issue_date = row.Text(2),
                      .issue_number = row.IsNull(3) ? std::nullopt
                                                    : std::optional(static_cast<int>(row.Int(3))),
                      .column = row.Text(4),
                      .start_page = page,
                      .end_page = page,
                      .snippet = MarkedSnippet(row.Text(6), words)},
        .score = row.Double(7),
        .ordinal = static_cast<int>(row.Int(8))});
  }
  return hits;
}

std::vector<SearchHit> Catalog::Search(const SearchQuery& query) const {
  std::vector<std::string> long_words;
  std::vector<std::string> short_words;
  for (auto& word : SplitWords(query.text)) {
    (CountChars(word) >= kTrigram ? long_words : short_words).push_back(std::move(word));
  }
  if (query.limit <= 0) return {};

  std::vector<RankedHit> hits;
  {
    std::lock_guard lock(impl_->mutex);
    if (query.kind != HitKind::kBrief) hits = impl_->SearchArticles(query, long_words, short_words);
    if (query.kind != HitKind::kArticle) {
      auto briefs = impl_->SearchBriefs(query, long_words, short_words);
      hits.insert(hits.end(), std::make_move_iterator(briefs.begin()),
                  std::make_move_iterator(briefs.end()));
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const RankedHit& a, const RankedHit& b) {
    return std::tie(a.score, b.hit.issue_date, a.hit.issue_key, a.hit.kind, a.ordinal) <
           std::tie(b.score, a.hit.issue_date, b.hit.issue_key, b.hit.kind, b.ordinal);
  });
  if (hits.size() > static_cast<size_t>(query.limit)) hits.resize(static_cast<size_t>(query.limit));
  std::vector<SearchHit> out;
  out.reserve(hits.size());
  for (auto& ranked : hits) out.push_back(std::move(ranked.hit));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Review

std::vector<ReviewRow> Catalog::ReviewItems(const ReviewFilter& filter) const {
  std::lock_guard lock(impl_->mutex);
  Statement row = impl_->db.Prepare(
      "SELECT id, issue_key, page, reason, detail, status, note, created_at, "
      "coalesce(decided_at, '') FROM review_items "
      "WHERE (?1 = '' OR issue_key = ?1) AND (?2 IS NULL OR status = ?2) "
      "AND (?3 = '' OR reason = ?3) ORDER BY issue_key, page, id LIMIT ?4");
  row.BindAll(
      filter.issue_key,
      filter.status ? std::optional<std::string>(ReviewStatusName(*filter.status)) : std::nullopt,
      filter.reason, filter.limit);
  std::vector<ReviewRow> items;
  while (row.Step()) {
    items.push_back(ReviewRow{.id = row.Int(0),
                              .issue_key = row.Text(1),
                              .page = static_cast<int>(row.Int(2)),
                              .reason = row.Text(3),
                              .detail = row.Text(4),
                              .status = ParseReviewStatus(row.Text(5)),
                              .note = row.Text(6),
                              .created_at = row.Text(7),
                              .decided_at = row.Text(8)});
  }
  return items;
}

void Catalog::DecideReviewItem(int64_t item_id, ReviewStatus status, const std::string& note) {
  std::lock_guard lock(impl_->mutex);
  Connection& db = impl_->db;
  Transaction transaction(db, Durability::kFull);
  Statement owner = db.Prepare("SELECT issue_key FROM review_items WHERE id = ?1");
  owner.BindAll(item_id);
  if (!owner.Step()) {
    throw QikanError(ExitStatus::kUsage, impl_->file.string(),
                     fmt::format("no review item {}", item_id));
  }
  const std::string key = owner.Text(0);
  db.Prepare(fmt::format("UPDATE review_items SET status = ?1, note = ?2, "
                         "decided_at = CASE WHEN ?1 = 'open' THEN NULL ELSE {} END WHERE id = ?3",
                         kNow))
      .BindAll(ReviewStatusName(status), note, item_id)
      .Run();
  impl_->UpdateReviewStatus(key);
  transaction.Commit();
}

// ---------------------------------------------------------------------------------------------
// Review in the browser: corrections, page decisions, versions

namespace {

ReviewStatus PageStatus(const std::vector<ReviewRow>& items) {
  bool rejected = false;
  for (const auto& item : items) {
    if (item.status == ReviewStatus::kOpen) return ReviewStatus::kOpen;
    rejected = rejected || item.status == ReviewStatus::kRejected;
  }
  return rejected ? ReviewStatus::kRejected : ReviewStatus::kApproved;
}

EditStamp ReadStamp(Statement& row, int first) {
  return EditStamp{.version = static_cast<int>(row.Int(first)),
                   .changed_by = row.Text(first + 1),
                   .changed_at = row.Text(first + 2)};
}

ReviewPageRow ReadReviewPage(Connection& db, const std::string& key, int page) {
  Statement row = db.Prepare(
      "SELECT version, changed_by, coalesce(changed_at, ''), comment, reviewer, "
      "coalesce(decided_at, ''), status FROM review_pages WHERE issue_key = ?1 AND page = ?2");
  row.BindAll(key, page);
  ReviewPageRow out{.issue_key = key, .page = page};
  if (row.Step()) {
    out.stamp = ReadStamp(row, 0);
    out.comment = row.Text(3);
    out.reviewer = row.Text(4);
    out.decided_at = row.Text(5);
    out.status = ParseReviewStatus(row.Text(6));
  }
  return out;
}

EditStamp ReadStructureStamp(Connection& db, const std::string& key) {
  Statement row = db.Prepare(
      "SELECT version, changed_by, coalesce(changed_at, '') FROM review_structure "
      "WHERE issue_key = ?1");
  row.BindAll(key);
  return row.Step() ? ReadStamp(row, 0) : EditStamp{};
}

// Bumps the page's version in the open transaction, creating its row.
void TouchReviewPage(Connection& db, const std::string& key, int page, const std::string& who) {
  db.Prepare(fmt::format(
                 "INSERT INTO review_pages (issue_key, page, version, changed_by, changed_at) "
                 "VALUES (?1, ?2, 1, ?3, {0}) ON CONFLICT (issue_key, page) DO UPDATE SET "
                 "version = version + 1, changed_by = excluded.changed_by, "
                 "changed_at = excluded.changed_at",
                 kNow))
      .BindAll(key, page, who)
      .Run();
}

}  // namespace

std::vector<ReviewQueueRow> Catalog::ReviewQueue(const ReviewFilter& filter) const {
  std::lock_guard lock(impl_->mutex);
  Connection& db = impl_->db;
  Statement row = db.Prepare(
      "SELECT r.id, r.issue_key, r.page, r.reason, r.detail, r.status, r.note, r.created_at, "
      "coalesce(r.decided_at, ''), i.date, i.number, "
      "coalesce(p.mean_confidence, i.mean_confidence), coalesce(v.version, 0), "
      "(SELECT count(*) FROM corrections c WHERE c.issue_key = r.issue_key AND c.page = r.page), "
      "CASE WHEN r.page = 0 THEN i.estimated_cer ELSE p.estimated_cer END "
      "FROM review_items r JOIN issues i ON i.key = r.issue_key "
      "LEFT JOIN pages p ON p.issue_key = r.issue_key AND p.page_index = r.page "
      "LEFT JOIN review_pages v ON v.issue_key = r.issue_key AND v.page = r.page "
      "WHERE (?1 = '' OR r.issue_key = ?1) ORDER BY r.issue_key, r.page, r.id");
  row.BindAll(filter.issue_key);
  std::vector<ReviewQueueRow> pages;
  while (row.Step()) {
    const std::string key = row.Text(1);
    const int page = static_cast<int>(row.Int(2));
    if (pages.empty() || pages.back().issue_key != key || pages.back().page != page) {
      pages.push_back(ReviewQueueRow{.issue_key = key,
                                     .issue_date = row.Text(9),
                                     .issue_number = row.IsNull(10)
                                                         ? std::nullopt
                                                         : std::optional(static_cast<int>(row.Int(10))),
                                     .page = page,
                                     .mean_confidence = row.Double(11),
                                     .version = static_cast<int>(row.Int(12)),
                                     .corrections = static_cast<int>(row.Int(13)),
                                     .estimated_cer = row.IsNull(14)
                                                          ? std::nullopt
                                                          : std::optional(row.Double(14))});
    }
    pages.back().items.push_back(ReviewRow{.id = row.Int(0),
                                           .issue_key = key,
                                           .page = page,
                                           .reason = row.Text(3),
                                           .detail = row.Text(4),
                                           .status = ParseReviewStatus(row.Text(5)),
                                           .note = row.Text(6),
                                           .created_at = row.Text(7),
                                           .decided_at = row.Text(8)});
  }
  std::vector<ReviewQueueRow> out;
  for (auto& page : pages) {
    page.status = PageStatus(page.items);
    if (filter.status && page.status != *filter.status) continue;
    if (!filter.reason.empty() &&
        std::none_of(page.items.begin(), page.items.end(),
                     [&](const ReviewRow& item) { return item.reason == filter.reason; })) {
      continue;
    }
    out.push_back(std::move(page));
  }
  std::stable_sort(out.begin(), out.end(), [](const ReviewQueueRow& a, const ReviewQueueRow& b) {
    const bool a_open = a.status == ReviewStatus::kOpen;
    const bool b_open = b.status == ReviewStatus::kOpen;
    if (a_open != b_open) return a_open;
    // The likeliest errors first; pages without an estimate (older records) after, by confidence.
    if (a.estimated_cer.has_value() != b.estimated_cer.has_value()) return a.estimated_cer.has_value();
    if (a.estimated_cer && *a.estimated_cer != *b.estimated_cer) {
      return *a.estimated_cer > *b.estimated_cer;
    }
    return a.mean_confidence < b.mean_confidence;
  });
  if (filter.limit >= 0 && out.size() > static_cast<size_t>(filter.limit)) {
    out.resize(static_cast<size_t>(filter.limit));
  }
  return out;
}

std::vector<ReviewPageRow> Catalog::DecidedPages(const std::string& key) const {
  std::lock_guard lock(impl_->mutex);
  Statement row = impl_->db.Prepare(
      "SELECT page FROM review_pages WHERE issue_key = ?1 AND decided_at IS NOT NULL ORDER BY page");
  row.BindAll(key);
  std::vector<int> pages;
  while (row.Step()) pages.push_back(static_cast<int>(row.Int(0)));
  std::vector<ReviewPageRow> out;
  for (int page : pages) out.push_back(ReadReviewPage(impl_->db, key, page));
  return out;
}

ReviewPageRow Catalog::ReviewPage(const std::string& key, int page) const {
  std::lock_guard lock(impl_->mutex);
  return ReadReviewPage(impl_->db, key, page);
}

EditStamp Catalog::StructureStamp(const std::string& key) const {
  std::lock_guard lock(impl_->mutex);
  return ReadStructureStamp(impl_->db, key);
}

std::vector<CorrectionRow> Catalog::Corrections(const std::string& key) const {
  std::lock_guard lock(impl_->mutex);
  Statement row = impl_->db.Prepare(
      "SELECT id, issue_key, page, target, before, after, reviewer, created_at FROM corrections "
      "WHERE issue_key = ?1 ORDER BY id");
  row.BindAll(key);
  std::vector<CorrectionRow> out;
  while (row.Step()) {
    out.push_back(CorrectionRow{.id = row.Int(0),
                                .issue_key = row.Text(1),
                                .page = static_cast<int>(row.Int(2)),
                                .target = row.Text(3),
                                .before = row.Text(4),
                                .after = row.Text(5),
                                .reviewer = row.Text(6),
                                .created_at = row.Text(7)});
  }
  return out;
}

std::optional<int> Catalog::AddCorrection(const CorrectionRow& correction, int expected_version) {
  std::lock_guard lock(impl_->mutex);
  Connection& db = impl_->db;
  Transaction transaction(db, Durability::kFull);
  const std::string& key = correction.issue_key;
  const bool structure = correction.page == 0;
  const EditStamp stamp = structure ? ReadStructureStamp(db, key)
                                    : ReadReviewPage(db, key, correction.page).stamp;
  if (stamp.version != expected_version) return std::nullopt;
  db.Prepare(fmt::format("INSERT INTO corrections (issue_key, page, target, before, after, "
                         "reviewer, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, {})",
                         kNow))
      .BindAll(key, correction.page, correction.target, correction.before, correction.after,
               correction.reviewer)
      .Run();
  if (structure) {
    db.Prepare(fmt::format(
                   "INSERT INTO review_structure (issue_key, version, changed_by, changed_at) "
                   "VALUES (?1, 1, ?2, {0}) ON CONFLICT (issue_key) DO UPDATE SET "
                   "version = version + 1, changed_by = excluded.changed_by, "
                   "changed_at = excluded.changed_at",
                   kNow))
        .BindAll(key, correction.reviewer)
        .Run();
  } else {
    TouchReviewPage(db, key, correction.page, correction.reviewer);
  }
  transaction.Commit();
  return stamp.version + 1;
}

void Catalog::RecommitIssue(const std::string& key, const IssueRecord& record) {
  std::lock_guard lock(impl_->mutex);
  Connection& db = impl_->db;
  Transaction transaction(db, Durability::kFull);
  std::optional<int64_t> run_id;
  std::string settings_hash, record_path;
  {
    Statement row =
        db.Prepare("SELECT run_id, settings_hash, record_path FROM issues WHERE key = ?1");
    row.BindAll(key);
    if (!row.Step()) {
      throw QikanError(ExitStatus::kArchiveError, impl_->file.string(),
                       fmt::format("catalog: no issue {}", key));
    }
    run_id = row.OptionalInt(0);
    settings_hash = row.Text(1);
    record_path = row.Text(2);
  }
  impl_->CommitLocked(run_id, key, record, settings_hash, record_path, InputUpdate::kIfUnknown);
  transaction.Commit();
}

std::optional<int> Catalog::DecidePage(const std::string& key, int page, int expected_version,
                                       ReviewStatus status, const std::string& comment,
                                       const std::string& reviewer) {
  std::lock_guard lock(impl_->mutex);
  Connection& db = impl_->db;
  Transaction transaction(db, Durability::kFull);
  const EditStamp stamp = ReadReviewPage(db, key, page).stamp;
  if (stamp.version != expected_version) return std::nullopt;
  db.Prepare(fmt::format("UPDATE review_items SET status = ?1, note = ?2, "
                         "decided_at = CASE WHEN ?1 = 'open' THEN NULL ELSE {} END "
                         "WHERE issue_key = ?3 AND page = ?4",
                         kNow))
      .BindAll(ReviewStatusName(status), comment, key, page)
      .Run();
  TouchReviewPage(db, key, page, reviewer);
  db.Prepare(fmt::format("UPDATE review_pages SET status = ?1, comment = ?2, reviewer = ?3, "
                         "decided_at = CASE WHEN ?1 = 'open' THEN NULL ELSE {} END "
                         "WHERE issue_key = ?4 AND page = ?5",
                         kNow))
      .BindAll(ReviewStatusName(status), comment, reviewer, key, page)
      .Run();
  impl_->UpdateReviewStatus(key);
  transaction.Commit();
  return stamp.version + 1;
}

// ---------------------------------------------------------------------------------------------
// Consistency with the archive folder

CatalogDiscrepancies Catalog::CheckAgainstArchive(const fs::path& archive_root,
                                                  CheckDepth depth) const {
  std::map<std::string, std::string> fingerprints;  // catalog key -> fingerprint
  {
    std::lock_guard lock(impl_->mutex);
    Statement row = impl_->db.Prepare("SELECT key, record_fingerprint FROM issues");
    while (row.Step()) fingerprints.emplace(row.Text(0), row.Text(1));
  }
  // Files are read without the lock: other threads may keep committing meanwhile.
  const std::set<std::string> on_disk = ArchiveKeys(archive_root);
  CatalogDiscrepancies result;
  for (const auto& key : on_disk) {
    const auto found = fingerprints.find(key);
    if (found == fingerprints.end()) {
      result.missing_from_catalog.push_back(key);
    } else if (depth == CheckDepth::kContent) {
      std::string fingerprint;
      try {
        fingerprint = RecordFingerprint(ReadRecord(archive_root / RecordPathFor(key)));
      } catch (const std::exception&) {
        // An unreadable record is not what the catalog indexed either; repair reports why.
      }
      if (fingerprint != found->second) result.stale.push_back(key);
    }
  }
  for (const auto& [key, fingerprint] : fingerprints) {
    if (!on_disk.contains(key)) result.missing_from_archive.push_back(key);
  }
  return result;
}

RepairReport Catalog::RepairFromArchive(const fs::path& archive_root, std::optional<int64_t> run_id,
                                        CheckDepth depth) {
  const CatalogDiscrepancies discrepancies = CheckAgainstArchive(archive_root, depth);
  RepairReport report;
  std::vector<std::string> to_import = discrepancies.missing_from_catalog;
  to_import.insert(to_import.end(), discrepancies.stale.begin(), discrepancies.stale.end());
  for (const auto& key : to_import) {
    IssueRecord record;
    try {
      record = ReadRecord(archive_root / RecordPathFor(key));
    } catch (const std::exception& e) {
      report.failed.push_back(fmt::format("{}: {}", key, e.what()));
      continue;
    }
    std::lock_guard lock(impl_->mutex);
    Transaction transaction(impl_->db, Durability::kFull);
    // A run may have committed the issue since the check; what it wrote is better than ours.
    Statement current = impl_->db.Prepare("SELECT record_fingerprint FROM issues WHERE key = ?1");
    current.BindAll(key);
    const bool up_to_date = current.Step() && current.Text(0) == RecordFingerprint(record);
    current.Reset();
    if (up_to_date) continue;
    impl_->CommitLocked(run_id, key, record, "", RecordPathFor(key), InputUpdate::kIfUnknown);
    transaction.Commit();
    report.imported.push_back(key);
  }
  for (const auto& key : discrepancies.missing_from_archive) {
    std::lock_guard lock(impl_->mutex);
    // Folders are committed before their rows, so one that appeared since the check stays.
    if (fs::exists(archive_root / RecordPathFor(key))) continue;
    Connection& db = impl_->db;
    Transaction transaction(db, Durability::kFull);
    db.Prepare("DELETE FROM issues WHERE key = ?1").BindAll(key).Run();
    // The input is no longer in the archive: the next run sees it as not done.
    db.Prepare("UPDATE inputs SET issue_key = NULL WHERE issue_key = ?1").BindAll(key).Run();
    transaction.Commit();
    report.removed.push_back(key);
  }
  if (!report.imported.empty() || !report.removed.empty()) {
    spdlog::info("{}: repaired from the archive: {} imported, {} removed", impl_->file.string(),
                 report.imported.size(), report.removed.size());
  }
  return report;
}

}  // namespace qikan
