#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/errors.h"
#include "models/profile.h"
#include "pipeline/run/page_job.h"
#include "pipeline/version.h"
#include "stages/ocr.h"
#include "stages/rasterize.h"
#include "stages/structure.h"

namespace qikan {

struct RunOptions {
  std::filesystem::path archive;
  int jobs = 0;        // OCR workers; 0 = one per core
  bool force = false;  // redo issues already in the archive
  // Redo an archived issue whose record another pipeline version or other settings made.
  bool reprocess_stale = false;
  bool keep_intermediates = false;
  // Move a failed input to DIR/quarantine/<UTC date>/<its path under its root in input_roots,
  // or its name> (never over another: a suffix is added), and catalog it as quarantined.
  bool quarantine = false;
  std::vector<std::filesystem::path> input_roots;  // the folders the inputs were discovered in
  // Where else content may already be archived (for a shard's run, the main archive it stages
  // for): the issue key there, or nothing. Such an input is skipped like one in this archive.
  std::function<std::optional<std::string>(const std::string& sha256)> archived_elsewhere;
  // Write DIR/logs/run-<UTC timestamp>-<run id>.log (info and above) and .json (the summary).
  bool write_logs = true;
  // Called by a worker after each page it read (for a progress display); must be thread-safe.
  std::function<void()> on_page;
  RasterizeOptions rasterize;
  PageJobOptions page;
  TesseractOptions tesseract;
  // Publication profiles; the one whose title matches page 1 is used unless `profile` names one.
  std::filesystem::path profiles_dir = QIKAN_DEFAULT_PROFILES_DIR;
  std::string profile;
  StructureOptions structure;
  // What reads the pages (engine and model files, pipeline/run/models.h Provenance): each record
  // keeps it, with the run's settings hash.
  OcrProvenance provenance;
};

// What became of one input.
struct IssueOutcome {
  std::string input;
  std::string key;  // the issue's folder under DIR/issues; empty when the input failed early
  ExitStatus status = ExitStatus::kOk;
  std::string error;  // the one-line reason when status is not kOk
  bool skipped = false;  // already in the archive
  std::string quarantined_to;  // where a failed input was moved with `quarantine`
  int pages = 0;
  // Pages whose first OCR pass failed (status kPagesFailed): the issue is in the
  // archive without their text, each with a page-failed review item.
  int pages_failed = 0;
  int review_items = 0;
  float mean_confidence = 0;
  double seconds = 0;
};

struct RunSummary {
  std::vector<IssueOutcome> issues;
  StageTimes stage_seconds;
  double seconds = 0;
  int pages = 0;
  int jobs = 0;
  int64_t run_id = 0;           // the run's id in the catalog
  std::filesystem::path log_file;      // DIR/logs/run-....log, when written
  std::filesystem::path summary_file;  // DIR/logs/run-....json, when written

  ExitStatus Status() const;  // kOk, the failures' common status, or kSeveralFailures

  struct Counts {
    int ok = 0;
    int skipped = 0;
    int failed = 0;
    int partial = 0;       // archived with failed pages (kPagesFailed)
    int pages_failed = 0;  // their failed pages, all issues together
  };
  Counts IssueCounts() const;
};

using EngineFactory = std::function<std::unique_ptr<OcrEngine>()>;

// Processes the inputs (each one issue) with `jobs` OCR workers sharing one page queue, and
// commits each issue to the archive as soon as its last page is read. One input's failure is
// reported in its outcome and does not stop the others; `on_issue` is called as each ends.
// Throws QikanError only for what stops the whole run (no OCR model, archive not writable,
// kLocked when another run holds the archive).
//
// The run holds an exclusive flock on DIR/.lock throughout (the holder's pid is written into
// it), and records itself, every issue and every input (by content hash) in the catalog at
// DIR/catalog.sqlite: at the start it catalogs issue folders a crashed run left uncataloged
// (Catalog::RepairFromArchive); an input whose content is already in the archive, under any
// name, is skipped unless `force`.
//
// Every run writes DIR/logs/run-<UTC timestamp>-<run id>.log (the default logger's messages at
// info and above, for the run's length) and, at its end, the summary as
// DIR/logs/run-<UTC timestamp>-<run id>.json: run_id, started_at, finished_at, seconds, jobs,
// pages, pages_per_minute, issues {ok, skipped, failed, partial}, pages_failed,
// failures [{input, status, error}] (an issue archived with failed pages among them),
// stage_seconds.
RunSummary RunIssues(const std::vector<std::filesystem::path>& inputs, const RunOptions& options,
                     const EngineFactory& make_engine,
                     const std::function<void(const IssueOutcome&)>& on_issue = {});

// SHA-256 of the options that shape an issue's record (render dpi, OCR language and the
// content of each model file it loads, Tesseract variables, page segmentation mode, clean-up
// options, profile, pipeline version), stored with each issue in the catalog.
std::string SettingsHash(const RunOptions& options);

// The folder name of an issue in the archive: the input's name and the start of its hash.
std::string IssueKey(const std::filesystem::path& input, const std::string& sha256);

// Where `input` goes under DIR/quarantine/<date>/: its path relative to the first of `roots`
// holding it, else its name.
std::filesystem::path QuarantineRelativePath(const std::filesystem::path& input,
                                             const std::vector<std::filesystem::path>& roots);

// Moves `input` into quarantine_dir/relative, adding " (2)", " (3)"... before the extension
// when that name is taken; returns where it went. Throws QikanError(kArchiveError).
std::filesystem::path MoveToQuarantine(const std::filesystem::path& input,
                                       const std::filesystem::path& quarantine_dir,
                                       const std::filesystem::path& relative);

}  // namespace qikan
