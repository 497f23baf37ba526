#include "pipeline/run/runner.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include "pipeline/archive/archive.h"
#include "pipeline/archive/archive_lock.h"
#include "pipeline/run/bounded_queue.h"
#include "pipeline/archive/catalog.h"
#include "pipeline/archive/hash.h"
#include "pipeline/run/issue_job.h"
#include "pipeline/review/review.h"
#include "pipeline/version.h"

namespace qikan {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One issue in flight: its pages are read by whichever workers are free; the worker that
// finishes the last page (or the producer, when reading failed) completes the issue.
struct IssueState {
  fs::path input;
  std::string key;
  std::string sha256;  // empty until hashed (or when hashing failed)
  SourceInfo source;
  Clock::time_point start = Clock::now();
  fs::path intermediates_dir;

  std::mutex mutex;
  std::vector<PageResult> results;
  StageTimes structure_times;
  int remaining = 0;
  std::optional<QikanError> failure;
};

struct PageTask {
  std::shared_ptr<IssueState> issue;
  RasterPage page;
};

// The options a run was started with, as stored with the run in the catalog.
nlohmann::json RunSettingsJson(const RunOptions& options, int jobs) {
  return {{"render_dpi", options.rasterize.render_dpi},
          {"max_page_megapixels", options.rasterize.max_page_megapixels},
          {"language", options.tesseract.language},
          {"page_segmentation_mode", options.tesseract.page_segmentation_mode},
          {"profile", options.profile},
          {"profiles_dir", options.profiles_dir.string()},
          {"review_error", options.page.doubt.review_from},
          {"jobs", jobs},
          {"force", options.force},
          {"keep_intermediates", options.keep_intermediates}};
}

nlohmann::json SummaryJson(const RunSummary& summary) {
  const RunSummary::Counts counts = summary.IssueCounts();
  return {{"ok", counts.ok},          {"skipped", counts.skipped},
          {"failed", counts.failed},  {"partial", counts.partial},
          {"pages_failed", counts.pages_failed},
          {"pages", summary.pages},   {"seconds", summary.seconds},
          {"jobs", summary.jobs}};
}

class Run {
 public:
  Run(const RunOptions& options, const std::function<void(const IssueOutcome&)>& on_issue)
      : options_(options),
        archive_(options.archive),
        profiles_(SelectProfiles(options.profiles_dir, options.profile)),
        on_issue_(on_issue),
        settings_hash_(SettingsHash(options)) {}

  // The catalog every issue and input of the run is recorded in; set before Produce.
  void UseCatalog(Catalog* catalog, int64_t run_id) {
    catalog_ = catalog;
    run_id_ = run_id;
  }
  // Where failed inputs go with options.quarantine: DIR/quarantine/<UTC date>.
  void UseQuarantine(fs::path dir) { quarantine_dir_ = std::move(dir); }

  void Produce(const std::vector<fs::path>& inputs, BoundedQueue<PageTask>& queue);
  void Work(OcrEngine& engine, BoundedQueue<PageTask>& queue);
  RunSummary TakeSummary() { return std::move(summary_); }
  const Archive& archive() const { return archive_; }

 private:
  void ProduceIssue(const std::shared_ptr<IssueState>& issue, BoundedQueue<PageTask>& queue);
  // Called once per issue, when no page of it is pending any more.
  void Complete(IssueState& issue);
  IssueOutcome Commit(IssueState& issue);
  // Recovers the issue's structure into the record; doubts become review items.
  void ParseIssue(const std::vector<OcrPage>& pages, const StructureOptions& structure,
                  IssueRecord& record, StageTimes& times) const;
  void Report(IssueOutcome outcome, const StageTimes& times, int pages);
  // The key under which this input's content is already in the archive, if it is.
  std::optional<std::string> AlreadyArchived(const std::string& sha, const std::string& key) const;
  // Whether the catalog says the issue's record came from another pipeline version or settings.
  bool IsStale(const std::string& key) const;
  // Records the failure in the catalog, after moving the input to quarantine if asked to;
  // returns where it went (empty when it stays).
  std::string RecordFailure(const IssueState& issue, const QikanError& error);

  const RunOptions& options_;
  Archive archive_;
  std::vector<PublicationProfile> profiles_;
  const std::function<void(const IssueOutcome&)>& on_issue_;
  const std::string settings_hash_;
  Catalog* catalog_ = nullptr;
  int64_t run_id_ = 0;
  fs::path quarantine_dir_;
  std::map<std::string, std::string> produced_;  // sha256 -> key; producer thread only
  std::mutex summary_mutex_;
  RunSummary summary_;
};

void Run::Produce(const std::vector<fs::path>& inputs, BoundedQueue<PageTask>& queue) {
  for (const auto& input : inputs) {
    auto issue = std::make_shared<IssueState>();
    issue->input = input;
    ProduceIssue(issue, queue);
  }
}

void Run::ProduceIssue(const std::shared_ptr<IssueState>& issue, BoundedQueue<PageTask>& queue) {
  int pushed = 0;
  int page_count = 0;
  try {
    // Hashed first so that a failure to open the scan is still recorded against its content;
    // when hashing fails, OpenScan says why.
    try {
      issue->sha256 = Sha256OfInput(issue->input);
    } catch (const std::exception&) {
    }
    auto source = OpenScan(issue->input, options_.rasterize);
    page_count = source->PageCount();
    if (page_count <= 0) {
      throw QikanError(ExitStatus::kInputEmpty, issue->input.string(), "has no pages");
    }
    if (issue->sha256.empty()) issue->sha256 = Sha256OfInput(issue->input);
    const std::string& sha = issue->sha256;
    issue->key = IssueKey(issue->input, sha);
    issue->source = SourceInfo{.file = issue->input.string(), .sha256 = sha, .pages = page_count};
    // The same content twice in one run (under any name) is processed once.
    const auto [produced, first] = produced_.emplace(sha, issue->key);
    std::optional<std::string> archived;
    if (!first) {
      archived = produced->second;
    } else if (!options_.force) {
      archived = AlreadyArchived(sha, issue->key);
      if (archived && options_.reprocess_stale && IsStale(*archived)) {
        issue->key = *archived;  // redone in place, under the key it has
        archived.reset();
      }
      if (archived && catalog_) catalog_->RecordInputDone(run_id_, sha, issue->input.string(), *archived);
    }
    if (archived) {
      Report(IssueOutcome{.input = issue->input.string(), .key = *archived, .skipped = true,
                          .pages = page_count},
             {}, 0);
      return;
    }
    if (options_.keep_intermediates) {
      issue->intermediates_dir = options_.archive / "intermediates" / issue->key;
    }
    {
      std::lock_guard lock(issue->mutex);
      issue->results.resize(static_cast<size_t>(page_count));
      issue->remaining = page_count;
    }
    spdlog::info("{}: {} pages, issue {}", issue->input.string(), page_count, issue->key);
    for (int index = 1; index <= page_count; ++index) {
      RasterPage page = source->Page(index);
      queue.Push(PageTask{.issue = issue, .page = std::move(page)});
      ++pushed;
    }
  } catch (const std::exception& e) {
    bool complete = false;
    {
      std::lock_guard lock(issue->mutex);
      const auto* known = dynamic_cast<const QikanError*>(&e);
      issue->failure = known ? *known
                             : QikanError(ExitStatus::kInternal, issue->input.string(),
                                          std::string("unexpected error: ") + e.what());
      issue->remaining -= page_count - pushed;
      complete = issue->remaining <= 0;
    }
    if (complete) Complete(*issue);
  }
}

void Run::Work(OcrEngine& engine, BoundedQueue<PageTask>& queue) {
  while (auto task = queue.Pop()) {
    IssueState& issue = *task->issue;
    PageJobOptions page_options = options_.page;
    page_options.intermediates_dir = issue.intermediates_dir;
    PageResult result = ProcessPage(task->page, engine, page_options);
    task->page.gray.release();
    if (options_.on_page) options_.on_page();
    bool complete = false;
    {
      std::lock_guard lock(issue.mutex);
      issue.results[static_cast<size_t>(task->page.index - 1)] = std::move(result);
      complete = --issue.remaining == 0;
    }
    if (complete) Complete(issue);
  }
}

void Run::Complete(IssueState& issue) {
  StageTimes times;
  int pages = 0;
  for (const auto& result : issue.results) {
    for (const auto& [stage, seconds] : result.times) times[stage] += seconds;
    if (result.record.index > 0) ++pages;
  }
  IssueOutcome outcome;
  if (issue.failure) {
    outcome = IssueOutcome{.input = issue.input.string(),
                           .key = issue.key,
                           .status = issue.failure->status(),
                           .error = issue.failure->Line()};
    outcome.quarantined_to = RecordFailure(issue, *issue.failure);
  } else {
    try {
      outcome = Commit(issue);
    } catch (const QikanError& e) {
      outcome = IssueOutcome{.input = issue.input.string(),
                             .key = issue.key,
                             .status = e.status(),
                             .error = e.Line()};
      outcome.quarantined_to = RecordFailure(issue, e);
    }
  }
  for (const auto& [stage, seconds] : issue.structure_times) times[stage] += seconds;
  outcome.seconds = SecondsSince(issue.start);
  issue.results.clear();
  Report(std::move(outcome), times, pages);
}

IssueOutcome Run::Commit(IssueState& issue) {
  IssueRecord record;
  record.pipeline_version = QIKAN_VERSION;
  record.ocr = options_.provenance;
  record.ocr.settings_hash = settings_hash_;
  record.source = issue.source;
  std::vector<OcrPage> ocr_pages;
  std::vector<std::string> page_images;
  int pages_with_text = 0;
  std::vector<std::string> failed_pages;  // "page N: why"
  for (auto& result : issue.results) {
    if (result.ocr.WordCount() > 0) ++pages_with_text;
    if (result.failed) {
      for (const auto& item : result.review) {
        if (item.reason == "page-failed") {
          failed_pages.push_back(fmt::format("page {}: {}", item.page, item.detail));
        }
      }
    }
    record.pages.push_back(std::move(result.record));
    record.review.insert(record.review.end(), result.review.begin(), result.review.end());
    ocr_pages.push_back(std::move(result.ocr));
    page_images.push_back(std::move(result.image_jpeg));
  }
  const std::string failures =
      fmt::format("{} of {} pages failed ({})", failed_pages.size(), record.pages.size(),
                  fmt::join(failed_pages, "; "));
  if (pages_with_text == 0 && !failed_pages.empty()) {
    throw QikanError(ExitStatus::kPagesFailed, issue.input.string(),
                     "no page could be read: " + failures);
  }
  if (pages_with_text == 0) {
    throw QikanError(ExitStatus::kInputEmpty, issue.input.string(),
                     fmt::format("only blank pages: no text found on any of its {} pages",
                                 record.pages.size()));
  }
  // (Doubtful author names mended against the names the archive's other issues print.)
  const StructureOptions structure =
      catalog_ ? WithKnownNames(options_.structure, *catalog_, issue.key) : options_.structure;
  ParseIssue(ocr_pages, structure, record, issue.structure_times);
  // Its numbers against the publication's other issues in the catalog.
  if (catalog_) {
    for (auto& item : CheckIssueNumbersInCatalog(*catalog_, issue.key, record.issue)) {
      record.review.push_back(std::move(item));
    }
  }
  // From here to the last rewrite, no reviewer's rebuild of this issue interleaves (the review
  // server may be writing it while this run reads it again).
  const IssueLock issue_lock(archive_.root(), issue.key);
  // An issue read again (--force, --reprocess-stale) keeps what reviewers corrected: what
  // still fits the new OCR is applied again, the rest stays in the catalog as stale.
  std::optional<RebuiltIssue> corrected;
  if (catalog_) {
    if (const auto corrections = catalog_->Corrections(issue.key); !corrections.empty()) {
      corrected = BuildCorrectedIssue(record, ocr_pages, corrections, profiles_, structure);
      record = corrected->record;
    }
  }
  archive_.CommitIssue(issue.key, record, ocr_pages, page_images, issue.input);
  // The folder is the truth and is in place now; should the catalog fail (or the process die)
  // here, the next run's RepairFromArchive indexes it.
  if (catalog_) {
    try {
      catalog_->CommitIssue(run_id_, issue.key, record, settings_hash_,
                            "issues/" + issue.key + "/record.json");
      catalog_->RecordInputDone(run_id_, issue.sha256, issue.input.string(), issue.key);
    } catch (const QikanError& e) {
      throw QikanError(ExitStatus::kArchiveError, issue.input.string(),
                       fmt::format("issue {} is in the archive but could not be cataloged ({}); "
                                   "the next run catalogs it",
                                   issue.key, e.Line()));
    }
    // A reviewed issue read again: record.json says when each correction was made and lists
    // the decisions the catalog kept, as a review's rebuild writes it.
    const auto decided = catalog_->DecidedPages(issue.key);
    const bool any_decided = std::any_of(decided.begin(), decided.end(), [](const auto& d) {
      return !d.decided_at.empty() && d.status != ReviewStatus::kOpen;
    });
    if (corrected || any_decided) {
      try {
        if (!corrected) corrected.emplace().record = record;
        archive_.RewriteIssue(issue.key, record, ocr_pages,
                              RecordJsonWithCorrectionTimes(*corrected, decided));
      } catch (const QikanError& e) {
        spdlog::warn("{}: record.json lacks the review decisions (the catalog keeps them): {}",
                     issue.key, e.Line());
      }
    }
  }

  float confidence_sum = 0;
  for (const auto& page : record.pages) confidence_sum += page.mean_confidence;
  // An issue with a page that could not be read is archived (its other pages are worth having,
  // and the failed page waits in the review queue) but is not ok: its line, the summary and the
  // exit status say so. Its input counts as done; --force reads it again.
  const bool partial = !failed_pages.empty();
  return IssueOutcome{.input = issue.input.string(),
                      .key = issue.key,
                      .status = partial ? ExitStatus::kPagesFailed : ExitStatus::kOk,
                      .error = partial ? issue.input.string() + ": " + failures : "",
                      .pages = static_cast<int>(record.pages.size()),
                      .pages_failed = static_cast<int>(failed_pages.size()),
                      .review_items = static_cast<int>(record.review.size()),
                      .mean_confidence = confidence_sum / static_cast<float>(record.pages.size())};
}

bool Run::IsStale(const std::string& key) const {
  if (!catalog_) return false;
  const auto row = catalog_->FindIssue(key);
  if (!row) return false;
  // A record imported from the folder alone has no settings hash: only its version can tell.
  return row->pipeline_version != QIKAN_VERSION ||
         (!row->settings_hash.empty() && row->settings_hash != settings_hash_);
}

std::optional<std::string> Run::AlreadyArchived(const std::string& sha,
                                                const std::string& key) const {
  if (catalog_) {
    const auto seen = catalog_->FindInput(sha);
    if (seen && seen->status == InputStatus::kDone && seen->issue_key &&
        archive_.HasIssue(*seen->issue_key)) {
      return seen->issue_key;
    }
  }
  if (archive_.HasIssue(key)) return key;
  if (options_.archived_elsewhere) return options_.archived_elsewhere(sha);
  return std::nullopt;
}

std::string Run::RecordFailure(const IssueState& issue, const QikanError& error) {
  std::string moved_to;
  std::error_code exists_error;
  if (options_.quarantine && !quarantine_dir_.empty() &&
      fs::exists(fs::symlink_status(issue.input, exists_error))) {
    try {
      moved_to = MoveToQuarantine(issue.input, quarantine_dir_,
                                  QuarantineRelativePath(issue.input, options_.input_roots))
                     .string();
      spdlog::warn("{}: quarantined to {}", issue.input.string(), moved_to);
    } catch (const QikanError& e) {
      spdlog::warn("{}: cannot quarantine: {}", issue.input.string(), e.Line());
    }
  }
  if (!catalog_) return moved_to;
  try {
    catalog_->RecordInputFailure(run_id_, issue.sha256, issue.input.string(), error.status(),
                                 error.what(), /*quarantined=*/!moved_to.empty());
  } catch (const std::exception& e) {
    spdlog::warn("{}: the failure could not be recorded in the catalog: {}",
                 issue.input.string(), e.what());
  }
  return moved_to;
}

void Run::ParseIssue(const std::vector<OcrPage>& pages, const StructureOptions& structure,
                     IssueRecord& record, StageTimes& times) const {
  RunStage("structure", 0, times, [&] { ParseIssueStructure(pages, profiles_, structure, record); });
}

void Run::Report(IssueOutcome outcome, const StageTimes& times, int pages) {
  std::lock_guard lock(summary_mutex_);
  for (const auto& [stage, seconds] : times) summary_.stage_seconds[stage] += seconds;
  summary_.pages += pages;
  if (outcome.status == ExitStatus::kPagesFailed && !outcome.key.empty()) {
    spdlog::warn("PARTIAL {}: {} pages, {} failed, review {}, {:.1f}s: {}", outcome.key,
                 outcome.pages, outcome.pages_failed, outcome.review_items, outcome.seconds,
                 outcome.error);
  } else if (outcome.status != ExitStatus::kOk) {
    spdlog::info("FAILED {} {}: {}", ExitStatusName(outcome.status), outcome.input, outcome.error);
  } else if (outcome.skipped) {
    spdlog::info("skip {}: already in the archive as {}", outcome.input, outcome.key);
  } else {
    spdlog::info("ok {}: {} pages, confidence {:.1f}, review {}, {:.1f}s", outcome.key,
                 outcome.pages, outcome.mean_confidence, outcome.review_items, outcome.seconds);
  }
  if (on_issue_) on_issue_(outcome);
  summary_.issues.push_back(std::move(outcome));
}

}  // namespace

RunSummary::Counts RunSummary::IssueCounts() const {
  Counts counts;
  for (const auto& issue : issues) {
    counts.pages_failed += issue.pages_failed;
    if (issue.status == ExitStatus::kPagesFailed && issue.pages_failed > 0) {
      ++counts.partial;
    } else if (issue.status != ExitStatus::kOk) {
      ++counts.failed;
    } else if (issue.skipped) {
      ++counts.skipped;
    } else {
      ++counts.ok;
    }
  }
  return counts;
}

ExitStatus RunSummary::Status() const {
  std::set<ExitStatus> failures;
  for (const auto& issue : issues) {
    if (issue.status != ExitStatus::kOk) failures.insert(issue.status);
  }
  if (failures.empty()) return ExitStatus::kOk;
  return failures.size() == 1 ? *failures.begin() : ExitStatus::kSeveralFailures;
}

namespace {

nlohmann::json CleanupJson(const CleanupOptions& cleanup) {
  return {{"glyph_px", cleanup.glyph_px},
          {"remove_dark_edges", cleanup.remove_dark_edges},
          {"normalize_background", cleanup.normalize_background},
          {"background_window_em", cleanup.background_window_em},
          {"min_unevenness", cleanup.min_unevenness},
          {"paper_level", cleanup.paper_level},
          {"speckle_max_em", cleanup.speckle_max_em},
          {"sauvola_window_em", cleanup.sauvola_window_em},
          {"sauvola_k", cleanup.sauvola_k}};
}

// The model by its content, not its path or date: a model installed again unchanged leaves the
// records current, another model behind the same name (an upgraded package, a model chosen by
// scripts/install-ocr-model) makes them stale.
nlohmann::json ModelsJson(const TesseractOptions& tesseract) {
  nlohmann::json models = nlohmann::json::array();
  for (const fs::path& file : ModelFiles(tesseract)) {
    std::string sha256 = "missing";
    std::error_code error;
    if (fs::is_regular_file(file, error)) {
      try {
        sha256 = Sha256OfInput(file);
      } catch (const QikanError&) {
        sha256 = "unreadable";
      }
    }
    models.push_back({{"name", file.filename().string()}, {"sha256", sha256}});
  }
  return models;
}

// The attribution-line voters (stages/vote.h): their models by content, and their sizes.
// Each model's files are hashed once, however many sizes it reads at (npm's chi_sim is 44 MB).
nlohmann::json VoteJson(const LineVoteOptions& vote) {
  nlohmann::json voters = nlohmann::json::array();
  nlohmann::json files = nlohmann::json::object();
  for (const LineVoter& voter : vote.voters) {
    voters.push_back({{"model", voter.model}, {"scale", voter.scale}});
    if (!voter.model.empty() && !files.contains(voter.model)) {
      files[voter.model] = ModelsJson(AlternateOptions(voter.model));
    }
  }
  return {{"voters", voters},
          {"files", files},
          {"consult_below", vote.consult_below},
          {"max_chars", vote.max_chars},
          {"max_wrapped", vote.max_wrapped},
          {"max_lines", vote.max_lines}};
}

// The folio stage's digit reader (stages/folio.h): its model by content, and how it reads.
nlohmann::json FolioJson(const FolioOptions& folio) {
  TesseractOptions digits;
  digits.language = folio.digits_model;
  return {{"digits_model", folio.digits_model},
          {"files", ModelsJson(digits)},
          {"read_scales", folio.read_scales},
          {"model_glyph_px", folio.model_glyph_px},
          {"min_confidence", folio.min_confidence},
          {"margin_fraction", folio.margin_fraction},
          {"max_digits", folio.max_digits},
          {"reread_numbers_below", folio.reread_numbers_below},
          {"max_number_digits", folio.max_number_digits},
          {"ink_disagrees_confidence", folio.ink_disagrees_confidence}};
}

}  // namespace

std::string SettingsHash(const RunOptions& options) {
  const nlohmann::json settings = {{"render_dpi", options.rasterize.render_dpi},
                                   {"language", options.tesseract.language},
                                   {"models", ModelsJson(options.tesseract)},
                                   {"tesseract_variables", options.tesseract.variables},
                                   {"process_wide_tesseract_variables",
                                    ProcessWideTesseractVariables()},
                                   {"page_segmentation_mode", options.tesseract.page_segmentation_mode},
                                   {"cleanup", CleanupJson(options.page.cleanup)},
                                   {"vote", VoteJson(options.page.vote)},
                                   {"folio", FolioJson(options.page.folio)},
                                   {"quotes",
                                    {{"scales", options.page.quotes.scales},
                                     {"max_lines", options.page.quotes.max_lines}}},
                                   {"cells",
                                    {{"excess_from", options.page.cells.excess_from},
                                     {"excess_to", options.page.cells.excess_to},
                                     {"max_lines", options.page.cells.max_lines}}},
                                   {"profile", options.profile},
                                   {"pipeline_version", QIKAN_VERSION}};
  return Sha256Hex(settings.dump());
}

std::string IssueKey(const fs::path& input, const std::string& sha256) {
  fs::path name = input.lexically_normal();
  if (!name.has_filename()) name = name.parent_path();  // "scans/issue-711/"
  const std::string stem = fs::is_directory(input) ? name.filename().string() : name.stem().string();
  std::string key;
  for (char c : stem) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                      c == '.' || (static_cast<unsigned char>(c) >= 0x80);
    key += keep ? c : '_';
  }
  return key + "-" + sha256.substr(0, 8);
}

namespace {

void FinishQuietly(Catalog& catalog, int64_t run_id, ExitStatus status, const std::string& error) {
  try {
    catalog.FinishRun(run_id, status, nlohmann::json{{"error", error}}.dump());
  } catch (const std::exception& e) {
    spdlog::warn("catalog: cannot finish run {}: {}", run_id, e.what());
  }
}

RunSummary RunWorkers(Run& run, const std::vector<fs::path>& inputs, int jobs,
                      const EngineFactory& make_engine) {
  // Each worker owns its engine for the whole run (loading a model takes a second or so); all
  // must load before any page is read, so a missing model stops the run at once.
  BoundedQueue<PageTask> queue(static_cast<size_t>(jobs) * 2);
  std::latch engines_ready(jobs);
  std::mutex engine_error_mutex;
  std::exception_ptr engine_error;
  std::vector<std::jthread> workers;
  for (int i = 0; i < jobs; ++i) {
    workers.emplace_back([&] {
      std::unique_ptr<OcrEngine> engine;
      try {
        engine = make_engine();
      } catch (...) {
        std::lock_guard lock(engine_error_mutex);
        if (!engine_error) engine_error = std::current_exception();
      }
      engines_ready.count_down();
      if (engine) run.Work(*engine, queue);
    });
  }
  engines_ready.wait();
  if (engine_error) {
    queue.Close();
    workers.clear();
    std::rethrow_exception(engine_error);
  }
  run.Produce(inputs, queue);
  queue.Close();
  workers.clear();  // joins

  RunSummary summary = run.TakeSummary();
  summary.jobs = jobs;
  // Report in input order, whatever order the issues finished in.
  std::stable_sort(summary.issues.begin(), summary.issues.end(),
                   [&](const IssueOutcome& a, const IssueOutcome& b) {
                     auto rank = [&](const IssueOutcome& o) {
                       return std::find_if(inputs.begin(), inputs.end(),
                                           [&](const fs::path& p) { return p.string() == o.input; }) -
                              inputs.begin();
                     };
                     return rank(a) < rank(b);
                   });
  return summary;
}

std::string UtcFormat(std::chrono::system_clock::time_point time, const char* format) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

// Adds a file sink (info and above) to the default logger for the run's length; the other
// sinks keep the level the logger had.
class RunLogFile {
 public:
  explicit RunLogFile(const fs::path& file) {
    logger_ = spdlog::default_logger();
    if (!logger_) return;
    try {
      sink_ = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string());
    } catch (const std::exception& e) {
      spdlog::warn("{}: cannot write the run log: {}", file.string(), e.what());
      return;
    }
    sink_->set_level(spdlog::level::info);
    old_level_ = logger_->level();
    for (auto& sink : logger_->sinks()) {
      old_sink_levels_.push_back(sink->level());
      if (sink->level() < old_level_) sink->set_level(old_level_);
    }
    logger_->sinks().push_back(sink_);
    if (old_level_ > spdlog::level::info) logger_->set_level(spdlog::level::info);
  }
  ~RunLogFile() {
    if (!sink_) return;
    logger_->flush();
    auto& sinks = logger_->sinks();
    std::erase(sinks, sink_);
    for (size_t i = 0; i < sinks.size() && i < old_sink_levels_.size(); ++i) {
      sinks[i]->set_level(old_sink_levels_[i]);
    }
    logger_->set_level(old_level_);
  }
  RunLogFile(const RunLogFile&) = delete;
  RunLogFile& operator=(const RunLogFile&) = delete;
  bool ok() const { return sink_ != nullptr; }

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<spdlog::sinks::basic_file_sink_mt> sink_;
  spdlog::level::level_enum old_level_ = spdlog::level::info;
  std::vector<spdlog::level::level_enum> old_sink_levels_;
};

nlohmann::json RunReportJson(const RunSummary& summary, const std::string& started_at,
                             const std::string& finished_at) {
  const RunSummary::Counts counts = summary.IssueCounts();
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& issue : summary.issues) {
    if (issue.status == ExitStatus::kOk) continue;
    nlohmann::json failure = {{"input", issue.input},
                              {"status", ExitStatusName(issue.status)},
                              {"exit_status", static_cast<int>(issue.status)},
                              {"error", issue.error}};
    if (!issue.quarantined_to.empty()) failure["quarantined_to"] = issue.quarantined_to;
    failures.push_back(std::move(failure));
  }
  nlohmann::json stages = nlohmann::json::object();
  for (const auto& [stage, seconds] : summary.stage_seconds) stages[stage] = seconds;
  return {{"run_id", summary.run_id},
          {"started_at", started_at},
          {"finished_at", finished_at},
          {"seconds", summary.seconds},
          {"jobs", summary.jobs},
          {"pages", summary.pages},
          {"pages_per_minute", summary.seconds > 0 ? summary.pages * 60.0 / summary.seconds : 0.0},
          {"issues",
           {{"ok", counts.ok},
            {"skipped", counts.skipped},
            {"failed", counts.failed},
            {"partial", counts.partial}}},
          {"pages_failed", counts.pages_failed},
          {"failures", std::move(failures)},
          {"stage_seconds", std::move(stages)}};
}

}  // namespace

fs::path QuarantineRelativePath(const fs::path& input, const std::vector<fs::path>& roots) {
  fs::path name = input.lexically_normal();
  if (!name.has_filename()) name = name.parent_path();
  std::error_code error;
  const fs::path absolute = fs::weakly_canonical(name, error);
  for (const auto& root : roots) {
    std::error_code root_error;
    if (!fs::is_directory(root, root_error)) continue;
    const fs::path base = fs::weakly_canonical(root, root_error);
    if (error || root_error) continue;
    const fs::path relative = absolute.lexically_relative(base);
    if (!relative.empty() && relative != "." && *relative.begin() != "..") return relative;
  }
  return name.filename();
}

fs::path MoveToQuarantine(const fs::path& input, const fs::path& quarantine_dir,
                          const fs::path& relative) {
  fs::path target = quarantine_dir / relative;
  std::error_code error;
  fs::create_directories(target.parent_path(), error);
  if (error) {
    throw QikanError(ExitStatus::kArchiveError, target.parent_path().string(),
                     "cannot create the quarantine folder: " + error.message());
  }
  const bool is_dir = fs::is_directory(input, error);
  const std::string stem = is_dir ? target.filename().string() : target.stem().string();
  const std::string extension = is_dir ? "" : target.extension().string();
  for (int n = 2; fs::exists(fs::symlink_status(target, error)); ++n) {
    target = target.parent_path() / fmt::format("{} ({}){}", stem, n, extension);
  }
  fs::rename(input, target, error);
  if (error == std::errc::cross_device_link) {
    error.clear();
    fs::copy(input, target, fs::copy_options::recursive, error);
    if (!error) fs::remove_all(input, error);
  }
  if (error) {
    throw QikanError(ExitStatus::kArchiveError, input.string(),
                     "cannot move into " + target.string() + ": " + error.message());
  }
  return target;
}

RunSummary RunIssues(const std::vector<fs::path>& inputs, const RunOptions& options,
                     const EngineFactory& make_engine,
                     const std::function<void(const IssueOutcome&)>& on_issue) {
  const auto start = Clock::now();
  const auto started = std::chrono::system_clock::now();
  const int jobs = options.jobs > 0
                       ? options.jobs
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  Run run(options, on_issue);  // creates the archive folders
  const ArchiveLock lock(options.archive);
  run.archive().RemoveTemporaries();
  Catalog catalog = Catalog::Open(CatalogPath(options.archive));
  const int64_t run_id = catalog.BeginRun(QIKAN_VERSION, RunSettingsJson(options, jobs).dump());
  const std::string stamp = UtcFormat(started, "%Y%m%dT%H%M%SZ");
  const fs::path logs = options.archive / "logs";
  const fs::path log_base = logs / fmt::format("run-{}-{}", stamp, run_id);
  std::optional<RunLogFile> log_file;
  if (options.write_logs) {
    std::error_code error;
    fs::create_directories(logs, error);
    if (error) spdlog::warn("{}: cannot create the log folder: {}", logs.string(), error.message());
    log_file.emplace(fs::path(log_base.string() + ".log"));
    spdlog::info("run {} started: {} input(s), {} jobs, archive {}", run_id, inputs.size(), jobs,
                 options.archive.string());
  }
  if (options.quarantine) run.UseQuarantine(options.archive / "quarantine" / UtcFormat(started, "%Y-%m-%d"));
  try {
    // What a crashed run left uncataloged: an issue folder renamed into place (or, with --force,
    // swapped for a new one) and then the crash. Reading every record.json costs well under a
    // second per thousand issues, and catches the swapped folder too.
    const RepairReport repair =
        catalog.RepairFromArchive(options.archive, run_id, CheckDepth::kContent);
    for (const auto& key : repair.imported) spdlog::info("catalog: imported {}", key);
    for (const auto& key : repair.removed) spdlog::info("catalog: removed {}", key);
    for (const auto& failure : repair.failed) spdlog::warn("catalog: cannot import {}", failure);
    run.UseCatalog(&catalog, run_id);
    RunSummary summary = RunWorkers(run, inputs, jobs, make_engine);
    summary.seconds = SecondsSince(start);
    summary.run_id = run_id;
    catalog.FinishRun(run_id, summary.Status(), SummaryJson(summary).dump());
    if (options.write_logs) {
      if (log_file && log_file->ok()) summary.log_file = log_base.string() + ".log";
      const fs::path report = log_base.string() + ".json";
      const nlohmann::json json = RunReportJson(
          summary, UtcFormat(started, "%Y-%m-%dT%H:%M:%SZ"),
          UtcFormat(std::chrono::system_clock::now(), "%Y-%m-%dT%H:%M:%SZ"));
      try {
        WriteFileDurably(report, json.dump(2) + "\n");
        summary.summary_file = report;
      } catch (const QikanError& e) {
        spdlog::warn("cannot write the run summary: {}", e.Line());
      }
      spdlog::info("run {} finished: status {}", run_id, ExitStatusName(summary.Status()));
    }
    return summary;
  } catch (const QikanError& e) {
    FinishQuietly(catalog, run_id, e.status(), e.Line());
    throw;
  } catch (const std::exception& e) {
    FinishQuietly(catalog, run_id, ExitStatus::kInternal, e.what());
    throw;
  }
}

}  // namespace qikan
