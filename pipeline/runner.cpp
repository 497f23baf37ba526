#include "pipeline/runner.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/archive.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/hash.h"
#include "pipeline/issue_job.h"
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

std::vector<PublicationProfile> LoadRunProfiles(const RunOptions& options) {
  std::vector<PublicationProfile> profiles = LoadProfiles(options.profiles_dir);
  if (options.profile.empty()) return profiles;
  for (auto& profile : profiles) {
    if (profile.id == options.profile) return {std::move(profile)};
  }
  throw QikanError(ExitStatus::kUsage, options.profiles_dir.string(),
                   "no profile named " + options.profile);
}

class Run {
 public:
  Run(const RunOptions& options, const std::function<void(const IssueOutcome&)>& on_issue)
      : options_(options),
        archive_(options.archive),
        profiles_(LoadRunProfiles(options)),
        on_issue_(on_issue) {}

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
  void ParseIssue(const std::vector<OcrPage>& pages, IssueRecord& record, StageTimes& times) const;
  void Report(IssueOutcome outcome, const StageTimes& times, int pages);

  const RunOptions& options_;
  Archive archive_;
  std::vector<PublicationProfile> profiles_;
  const std::function<void(const IssueOutcome&)>& on_issue_;
  std::set<std::string> produced_keys_;  // producer thread only
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
    auto source = OpenScan(issue->input, options_.rasterize);
    page_count = source->PageCount();
    if (page_count <= 0) {
      throw QikanError(ExitStatus::kInputEmpty, issue->input.string(), "has no pages");
    }
    const std::string sha = Sha256OfInput(issue->input);
    issue->key = IssueKey(issue->input, sha);
    issue->source = SourceInfo{.file = issue->input.string(), .sha256 = sha, .pages = page_count};
    const bool repeated = !produced_keys_.insert(issue->key).second;
    if (repeated || (!options_.force && archive_.HasIssue(issue->key))) {
      Report(IssueOutcome{.input = issue->input.string(), .key = issue->key, .skipped = true,
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
  } else {
    try {
      outcome = Commit(issue);
    } catch (const QikanError& e) {
      outcome = IssueOutcome{.input = issue.input.string(),
                             .key = issue.key,
                             .status = e.status(),
                             .error = e.Line()};
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
  record.source = issue.source;
  std::vector<OcrPage> ocr_pages;
  int pages_with_text = 0;
  for (auto& result : issue.results) {
    if (result.ocr.WordCount() > 0) ++pages_with_text;
    record.pages.push_back(std::move(result.record));
    record.review.insert(record.review.end(), result.review.begin(), result.review.end());
    ocr_pages.push_back(std::move(result.ocr));
  }
  if (pages_with_text == 0) {
    throw QikanError(ExitStatus::kInputEmpty, issue.input.string(),
                     fmt::format("only blank pages: no text found on any of its {} pages",
                                 record.pages.size()));
  }
  ParseIssue(ocr_pages, record, issue.structure_times);
  archive_.CommitIssue(issue.key, record, ocr_pages);

  float confidence_sum = 0;
  for (const auto& page : record.pages) confidence_sum += page.mean_confidence;
  return IssueOutcome{.input = issue.input.string(),
                      .key = issue.key,
                      .pages = static_cast<int>(record.pages.size()),
                      .review_items = static_cast<int>(record.review.size()),
                      .mean_confidence = confidence_sum / static_cast<float>(record.pages.size())};
}

void Run::ParseIssue(const std::vector<OcrPage>& pages, IssueRecord& record,
                     StageTimes& times) const {
  RunStage("structure", 0, times,
           [&] { ParseIssueStructure(pages, profiles_, options_.structure, record); });
}

void Run::Report(IssueOutcome outcome, const StageTimes& times, int pages) {
  std::lock_guard lock(summary_mutex_);
  for (const auto& [stage, seconds] : times) summary_.stage_seconds[stage] += seconds;
  summary_.pages += pages;
  if (on_issue_) on_issue_(outcome);
  summary_.issues.push_back(std::move(outcome));
}

}  // namespace

ExitStatus RunSummary::Status() const {
  std::set<ExitStatus> failures;
  for (const auto& issue : issues) {
    if (issue.status != ExitStatus::kOk) failures.insert(issue.status);
  }
  if (failures.empty()) return ExitStatus::kOk;
  return failures.size() == 1 ? *failures.begin() : ExitStatus::kSeveralFailures;
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

RunSummary RunIssues(const std::vector<fs::path>& inputs, const RunOptions& options,
                     const EngineFactory& make_engine,
                     const std::function<void(const IssueOutcome&)>& on_issue) {
  const auto start = Clock::now();
  const int jobs = options.jobs > 0
                       ? options.jobs
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  Run run(options, on_issue);
  run.archive().RemoveTemporaries();

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
  summary.seconds = SecondsSince(start);
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

}  // namespace qikan
