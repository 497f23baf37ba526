#include "pipeline/cli/cli.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <mutex>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <fmt/format.h>
#include <opencv2/core/utility.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "models/errors.h"
#include "models/text.h"
#include "pipeline/archive/archive.h"
#include "pipeline/archive/archive_lock.h"
#include "pipeline/archive/catalog.h"
#include "pipeline/run/discovery.h"
#include "pipeline/run/evaluate.h"
#include "pipeline/archive/hash.h"
#include "pipeline/archive/export.h"
#include "pipeline/archive/fixity.h"
#include "pipeline/archive/merge.h"
#include "pipeline/run/issue_job.h"
#include "pipeline/run/models.h"
#include "pipeline/review/review.h"
#include "pipeline/review/review_server.h"
#include "pipeline/run/runner.h"
#include "pipeline/run/shard.h"
#include "pipeline/version.h"

namespace qikan {
namespace {

constexpr const char* kExitStatusHelp = R"(Exit status:
  0  every input was processed (or was already in the archive)
  1  bad command line
  2  an input does not exist or cannot be read
  3  an input is not a PDF, TIFF or image, or is damaged
  4  an input PDF is encrypted
  5  an input has no pages, or only blank pages
  6  an input has a page over the size limit
  7  an OCR model (or another runtime dependency) is missing: each missing file is named,
    with the command that installs it, before any page is read
  8  the archive cannot be written
  9  inputs failed for different reasons (see the lines above)
 10  another qikan run is using the archive
 11  an issue was archived without some of its pages (they could not be read)
 12  verify found a file missing, changed or unexpected, an issue without a manifest, or a
    bag that is not valid; export found an issue that does not match its manifest
 13  export: the bag to write exists already
 15  internal error

search and show exit 2 when the archive or its catalog is missing, or show's issue is not in it.)";

void PrintOutcome(const IssueOutcome& outcome) {
  if (outcome.status == ExitStatus::kPagesFailed && outcome.pages_failed > 0) {
    std::fprintf(stderr, "qikan: error: %s\n", outcome.error.c_str());
    std::fprintf(stdout,
                 "PARTIAL %s  %d pages, %d failed  confidence %.1f  review %d  %.1fs  %s\n",
                 outcome.key.c_str(), outcome.pages, outcome.pages_failed,
                 outcome.mean_confidence, outcome.review_items, outcome.seconds,
                 outcome.input.c_str());
  } else if (outcome.status != ExitStatus::kOk) {
    std::fprintf(stderr, "qikan: error: %s\n", outcome.error.c_str());
    std::fprintf(stdout, "FAILED  %-18s %s\n", ExitStatusName(outcome.status),
                 outcome.input.c_str());
  } else if (outcome.skipped) {
    std::fprintf(stdout, "skip    %s  already in the archive  %s\n", outcome.key.c_str(),
                 outcome.input.c_str());
  } else {
    std::fprintf(stdout, "ok      %s  %d pages  confidence %.1f  review %d  %.1fs  %s\n",
                 outcome.key.c_str(), outcome.pages, outcome.mean_confidence,
                 outcome.review_items, outcome.seconds, outcome.input.c_str());
  }
  std::fflush(stdout);
}

void PrintSummary(const RunSummary& summary) {
  const RunSummary::Counts counts = summary.IssueCounts();
  std::string stages;
  for (const auto& [stage, seconds] : summary.stage_seconds) {
    stages += fmt::format(" {} {:.1f}s", stage, seconds);
  }
  const std::string partial =
      counts.partial > 0 ? fmt::format(", {} archived with {} failed page{}", counts.partial,
                                       counts.pages_failed, counts.pages_failed == 1 ? "" : "s")
                         : "";
  std::fprintf(stdout,
               "done: %d issues ok, %d skipped, %d failed%s; %d pages in %.1fs (%.1f pages/min, "
               "%d jobs); stage time:%s\n",
               counts.ok, counts.skipped, counts.failed, partial.c_str(), summary.pages,
               summary.seconds,
               summary.seconds > 0 ? summary.pages * 60.0 / summary.seconds : 0.0, summary.jobs,
               stages.c_str());
}

// One updating status line on stderr while a run goes, when stderr is a terminal.
class Progress {
 public:
  explicit Progress(size_t total) : total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {}
  ~Progress() {
    if (enabled_ && drawn_) std::fputs("\r\033[K", stderr);
  }
  void Issue(const IssueOutcome& outcome) {
    std::lock_guard lock(mutex_);
    if (enabled_ && drawn_) std::fputs("\r\033[K", stderr);
    PrintOutcome(outcome);
    ++done_;
    Draw();
  }
  // A page was read: redrawn at most twice a second.
  void Page() {
    std::lock_guard lock(mutex_);
    ++pages_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(500)) return;
    if (enabled_ && drawn_) std::fputs("\r\033[K", stderr);
    Draw();
  }

 private:
  void Draw() {
    if (!enabled_) return;
    last_draw_ = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(last_draw_ - start_).count();
    const double per_minute = seconds > 0 ? pages_ * 60.0 / seconds : 0.0;
    std::string eta = "-";
    if (done_ > 0 && done_ < total_) {
      const double left = seconds / static_cast<double>(done_) * static_cast<double>(total_ - done_);
      eta = fmt::format("{}m{:02}s", static_cast<int>(left) / 60, static_cast<int>(left) % 60);
    }
    std::fprintf(stderr, "qikan: %zu/%zu issues  %d pages  %.1f pages/min  ETA %s", done_, total_,
                 pages_, per_minute, eta.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  std::mutex mutex_;
  size_t total_;
  bool enabled_;
  bool drawn_ = false;
  size_t done_ = 0;
  int pages_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

// What a run would do, without OCR and without writing anything: each discovered input is
// new, already in the archive (by content hash), or failing (cannot be read or opened).
int DryRun(const std::vector<std::filesystem::path>& inputs, const RunOptions& options) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::optional<Catalog> catalog;
  const fs::path catalog_file = CatalogPath(options.archive);
  if (fs::exists(catalog_file, error)) catalog.emplace(Catalog::Open(catalog_file));
  int fresh = 0, skipped = 0, failing = 0;
  for (const auto& input : inputs) {
    try {
      const std::string sha = Sha256OfInput(input);
      std::optional<std::string> archived;
      if (!options.force) {
        if (catalog) {
          const auto seen = catalog->FindInput(sha);
          if (seen && seen->status == InputStatus::kDone && seen->issue_key &&
              fs::is_directory(options.archive / "issues" / *seen->issue_key, error)) {
            archived = seen->issue_key;
          }
        }
        // Archive::HasIssue, without constructing an Archive (that creates its folders).
        const std::string key = IssueKey(input, sha);
        if (!archived && fs::is_directory(options.archive / "issues" / key, error)) archived = key;
      }
      if (archived) {
        ++skipped;
        std::printf("skip    %s  already in the archive  %s\n", archived->c_str(),
                    input.string().c_str());
        continue;
      }
      const int pages = OpenScan(input, options.rasterize)->PageCount();
      if (pages <= 0) throw QikanError(ExitStatus::kInputEmpty, input.string(), "has no pages");
      ++fresh;
      std::printf("new     %s  %d pages  %s\n", IssueKey(input, sha).c_str(), pages,
                  input.string().c_str());
    } catch (const QikanError& e) {
      ++failing;
      std::printf("FAILED  %-18s %s  %s\n", ExitStatusName(e.status()), input.string().c_str(),
                  e.Line().c_str());
    } catch (const std::exception& e) {
      ++failing;
      std::printf("FAILED  %-18s %s  %s\n", ExitStatusName(ExitStatus::kInternal),
                  input.string().c_str(), e.what());
    }
  }
  std::printf("dry run: %zu inputs: %d new, %d already in the archive, %d failing\n",
              inputs.size(), fresh, skipped, failing);
  return 0;
}

// The folder of publication profiles: --profiles-dir, else $QIKAN_PROFILES, else the models
// folder's profiles/ (installed beside qikan, or the source tree's).
std::filesystem::path ProfilesDir(const std::string& given, const ModelsDir& models) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("QIKAN_PROFILES"); env && *env) return env;
  std::error_code error;
  if (!models.dir.empty() && std::filesystem::is_directory(models.dir / "profiles", error)) {
    return models.dir / "profiles";
  }
  return QIKAN_DEFAULT_PROFILES_DIR;
}

// Finds qikan's models and tells the OCR stage where they are; the one place that does.
ModelsDir UseModels(const std::string& given) {
  ModelsDir models = FindModels(given);
  if (!models.dir.empty()) SetOwnModelsDir(models.dir / "ocr");
  spdlog::info("models: {} ({})", models.dir.empty() ? "none found" : models.dir.string(),
               models.found_by);
  return models;
}

int Run(const std::vector<std::string>& input_args, RunOptions options, bool dry_run,
        const ModelsDir& models, const std::string& shard_text) {
  const std::vector<std::filesystem::path> roots(input_args.begin(), input_args.end());
  // Every model a page needs is checked before any input is looked at: a missing one stops the
  // run at once (status 7) rather than failing, or quietly degrading, page after page.
  if (!dry_run) {
    CheckModels(options, models);
    options.provenance = Provenance(options, models);
  }
  std::vector<std::filesystem::path> inputs = DiscoverInputs(roots, options.archive);
  options.input_roots = roots;
  if (!shard_text.empty()) {
    // A dry run of a shard lists its inputs against the main archive.
    const ShardSpec shard = ParseShard(shard_text);
    inputs = SelectShard(inputs, shard);
    if (!dry_run) options = ShardRunOptions(options, shard);
  }
  if (dry_run) return DryRun(inputs, options);
  if (inputs.empty()) {
    std::fputs("qikan: no scans found in the input(s)\n", stderr);
  }
  cv::setNumThreads(1);  // parallelism is across pages, one worker per core
  const TesseractOptions tesseract = options.tesseract;
  RunSummary summary;
  {
    Progress progress(inputs.size());
    options.on_page = [&] { progress.Page(); };
    summary = RunIssues(
        inputs, options, [&] { return std::make_unique<TesseractEngine>(tesseract); },
        [&](const IssueOutcome& outcome) { progress.Issue(outcome); });
  }
  PrintSummary(summary);
  if (!summary.summary_file.empty()) {
    std::fprintf(stdout, "summary: %s\n", summary.summary_file.string().c_str());
  }
  return static_cast<int>(summary.Status());
}

// Moves the shards' committed issues into the archive: one line per issue, then the counts.
int Merge(const std::string& archive) {
  const MergeSummary summary = MergeShards(
      MergeOptions{.archive = archive}, [](const MergeOutcome& outcome) {
        switch (outcome.kind) {
          case MergeOutcome::Kind::kMerged:
            std::printf("merged     %s  shard %d\n", outcome.key.c_str(), outcome.shard);
            break;
          case MergeOutcome::Kind::kDuplicate:
            std::printf("duplicate  %s  shard %d  same content as %s; removed from the shard\n",
                        outcome.key.c_str(), outcome.shard, outcome.detail.c_str());
            break;
          case MergeOutcome::Kind::kFailed:
            std::fprintf(stderr, "qikan: error: %s\n", outcome.detail.c_str());
            std::printf("FAILED     %s  shard %d\n", outcome.key.c_str(), outcome.shard);
            break;
        }
        std::fflush(stdout);
      });
  std::string busy;
  for (const int shard : summary.busy_shards) busy += fmt::format(" {}", shard);
  std::printf("merge: %zu shard(s), %d issues merged, %d duplicates, %d failed in %.1fs%s\n",
              summary.shards.size(), summary.Count(MergeOutcome::Kind::kMerged),
              summary.Count(MergeOutcome::Kind::kDuplicate),
              summary.Count(MergeOutcome::Kind::kFailed), summary.seconds,
              busy.empty() ? "" : ("; still running, left alone: shard" + busy).c_str());
  if (!summary.summary_file.empty()) {
    std::printf("summary: %s\n", summary.summary_file.string().c_str());
  }
  return static_cast<int>(summary.Status());
}

// `qikan verify`: one line per problem, then the counts and the speed.
int Verify(const VerifyOptions& options, const std::string& bag) {
  auto print = [](const FixityProblem& problem) {
    std::printf("%s\n", FixityProblemLine(problem).c_str());
    std::fflush(stdout);
  };
  const VerifySummary summary = bag.empty() ? VerifyArchive(options, print) : VerifyBag(bag, print);
  const double megabytes = static_cast<double>(summary.bytes) / 1e6;
  const double seconds = std::max(summary.seconds, 1e-6);
  std::string outcome =
      bag.empty() ? fmt::format("{} damaged, {} without a manifest", summary.damaged,
                                summary.without_manifest)
                  : (summary.problems.empty() ? "the bag is valid" : "the bag is NOT valid");
  if (summary.manifests_written > 0) {
    outcome += fmt::format(", {} manifests written", summary.manifests_written);
  }
  std::printf("verify: %d issue%s, %llu files, %.1f MB checked in %.1fs (%.1f MB/s, %.1f issues/s): "
              "%s\n",
              summary.issues, summary.issues == 1 ? "" : "s",
              static_cast<unsigned long long>(summary.files), megabytes,
              summary.seconds, megabytes / seconds, summary.issues / seconds, outcome.c_str());
  return static_cast<int>(summary.Status());
}

int Export(ExportOptions options, const IssueSelection& selection) {
  if (selection.all || !selection.from_date.empty() || !selection.to_date.empty()) {
    for (auto& key : SelectIssues(options.archive, selection)) options.keys.push_back(key);
    if (options.keys.empty()) {
      throw QikanError(ExitStatus::kUsage, "", "no archived issue is dated within --from/--to");
    }
  }
  const ExportSummary summary = ExportBag(options);
  std::printf("export: %d issue%s, %llu files, %.1f MB into %s in %.1fs\n", summary.issues,
              summary.issues == 1 ? "" : "s",
              static_cast<unsigned long long>(summary.files),
              static_cast<double>(summary.bytes) / 1e6, options.bag.string().c_str(),
              summary.seconds);
  return 0;
}

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw QikanError(ExitStatus::kInputMissing, path, "cannot be read");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw QikanError(ExitStatus::kInputInvalid, path, std::string("not valid JSON: ") + e.what());
  }
}

std::string ScoreLine(const char* name, const ItemScore& s) {
  return fmt::format("{:<13} P {:.3f}  R {:.3f}  F1 {:.3f}  ({} expected, {} found, {} matched)",
                     name, s.Precision(), s.Recall(), s.F1(), s.expected, s.found, s.matched);
}

nlohmann::json ScoreJson(const ItemScore& s) {
  return {{"expected", s.expected}, {"found", s.found},    {"matched", s.matched},
          {"precision", s.Precision()}, {"recall", s.Recall()}, {"f1", s.F1()}};
}

// Compares a record with the expected record and truth pages the sample generator writes.
int Evaluate(const std::string& record_path, const std::string& expected_path,
             const std::string& truth_path, bool as_json) {
  const IssueRecord record = ReadJson(record_path).get<IssueRecord>();
  nlohmann::json out;
  std::string text;
  if (!expected_path.empty()) {
    const IssueRecord expected = ReadJson(expected_path).get<IssueRecord>();
    const StructureScore s = ScoreStructure(record, expected);
    out["masthead"] = {{"fields", s.masthead_fields},
                       {"matched", s.masthead_matched},
                       {"mismatches", s.masthead_mismatches}};
    out["toc"] = ScoreJson(s.toc);
    out["headings"] = ScoreJson(s.headings);
    out["attributions"] = ScoreJson(s.attributions);
    out["briefs"] = ScoreJson(s.briefs);
    out["body_cer"] = s.body_cer;
    out["misses"] = s.misses;
    text += fmt::format("masthead      {}/{} fields\n", s.masthead_matched, s.masthead_fields);
    for (const auto& m : s.masthead_mismatches) text += "  " + m + "\n";
    text += ScoreLine("toc", s.toc) + "\n" + ScoreLine("headings", s.headings) + "\n" +
            ScoreLine("attributions", s.attributions) + "\n" + ScoreLine("briefs", s.briefs) +
            "\n" + fmt::format("body CER      {:.2f}%\n", 100 * s.body_cer);
    for (const auto& m : s.misses) text += "  missed " + m + "\n";
  }
  if (!truth_path.empty()) {
    std::vector<std::string> truth;
    const nlohmann::json truth_json = ReadJson(truth_path);
    for (const auto& page : truth_json.at("pages")) truth.push_back(page.at("text"));
    const std::vector<double> cers = PageCers(record, truth);
    double total = 0;
    std::string pages;
    for (size_t i = 0; i < cers.size(); ++i) {
      total += cers[i];
      pages += fmt::format(" {}:{:.2f}%", i + 1, 100 * cers[i]);
    }
    const double mean = cers.empty() ? 0 : total / static_cast<double>(cers.size());
    out["page_cer"] = cers;
    out["mean_page_cer"] = mean;
    text += fmt::format("page CER      mean {:.2f}% |{}\n", 100 * mean, pages);
  }
  std::fputs(as_json ? (out.dump(2) + "\n").c_str() : text.c_str(), stdout);
  return 0;
}

// Runs layout and the structure parser again on an archived issue's OCR pages: for looking
// into the parser (--lines) and for rebuilding a record after the parser or profile changed.
int Parse(const std::string& issue_dir, const std::string& profiles_dir, const std::string& profile_id,
          bool lines_only) {
  const std::vector<OcrPage> pages = LoadOcrPages(issue_dir);
  const std::vector<PublicationProfile> profiles = SelectProfiles(profiles_dir, profile_id);
  if (lines_only) {
    const IssueLayout layout =
        LayoutForProfile(pages, profiles.size() == 1 ? &profiles.front() : nullptr);
    std::printf("body glyph %.1f px, %d furniture lines removed\n", layout.body_glyph_px,
                layout.removed_furniture);
    for (const auto& line : layout.lines) {
      std::printf("p%-2d c%d h%.2f in%5.1f rg%5.1f sb%5.1f cf%3.0f%s | %s\n", line.page,
                  line.column, line.glyph_ratio, line.indent, line.right_gap, line.space_before,
                  line.confidence, line.Centred() ? " C" : "  ", line.spaced_text.c_str());
    }
    return 0;
  }
  IssueRecord record;
  for (size_t i = 0; i < pages.size(); ++i) record.pages.push_back({.index = static_cast<int>(i) + 1});
  // In an archive (DIR/issues/<key>), with the authors its catalog holds, as `qikan run` parses.
  StructureOptions options;
  const std::filesystem::path dir = std::filesystem::absolute(issue_dir).lexically_normal();
  const std::filesystem::path key_dir = dir.has_filename() ? dir : dir.parent_path();
  const std::filesystem::path archive = key_dir.parent_path().parent_path();
  if (key_dir.parent_path().filename() == "issues" && std::filesystem::exists(CatalogPath(archive))) {
    options = WithKnownNames(options, Catalog::Open(CatalogPath(archive)), key_dir.filename().string());
  }
  ParseIssueStructure(pages, profiles, options, record);
  nlohmann::json out = record;
  out.erase("pages");
  out.erase("source");
  // Each page's text in the reading order this build's layout gives it (what a reparse writes).
  out["page_texts"] = nlohmann::json::array();
  for (const auto& page : record.pages) out["page_texts"].push_back(page.text);
  std::puts(out.dump(2).c_str());
  return 0;
}

// The catalog of an existing archive; a missing archive or catalog is kInputMissing (search,
// show and review must not create an empty catalog where there is no archive).
Catalog OpenArchiveCatalog(const std::filesystem::path& archive) {
  std::error_code error;
  if (!std::filesystem::is_directory(archive, error)) {
    throw QikanError(ExitStatus::kInputMissing, archive.string(), "no archive folder here");
  }
  const std::filesystem::path file = CatalogPath(archive);
  if (!std::filesystem::exists(file, error)) {
    throw QikanError(ExitStatus::kInputMissing, archive.string(),
                     "the archive has no catalog (catalog.sqlite); a `qikan run` on it makes one");
  }
  return Catalog::Open(file);
}

// `qikan reparse`: this build's parser on the archived OCR of the issues named (or all, or those
// an older parser made), each rewritten with its deliverables in one step, corrections applied
// again. One line per issue; an issue that cannot be reparsed is reported and the others go on.
int Reparse(const std::filesystem::path& archive_dir, std::vector<std::string> keys, bool all,
            bool stale, const std::filesystem::path& profiles_dir) {
  const auto started = std::chrono::steady_clock::now();
  Catalog catalog = OpenArchiveCatalog(archive_dir);
  const ArchiveLock lock(archive_dir);  // no run writes the archive meanwhile
  const Archive archive(archive_dir);
  const std::vector<PublicationProfile> profiles = SelectProfiles(profiles_dir, "");
  if (all || stale) {
    for (const auto& row : catalog.Issues()) {
      if (!archive.HasIssue(row.key)) continue;
      if (stale) {
        const IssueRecord record = ReadIssueRecord(archive, row.key);
        const std::string& parsed_by =
            record.parser_version.empty() ? record.pipeline_version : record.parser_version;
        if (parsed_by == QIKAN_VERSION) continue;
      }
      keys.push_back(row.key);
    }
  }
  int done = 0, failed = 0;
  for (const auto& key : keys) {
    try {
      if (!archive.HasIssue(key)) {
        throw QikanError(ExitStatus::kInputMissing, key, "no such issue in the archive");
      }
      const RebuiltIssue rebuilt = ReparseIssue(archive, catalog, key, profiles);
      const IssueRecord& record = rebuilt.record;
      std::fputs(ForTerminal(fmt::format("{}: reparsed: {} TOC entries, {} articles, {} briefs, {} "
                                   "review items\n",
                                   key, record.toc.size(), record.articles.size(),
                                   record.briefs.size(), record.review.size()))
                     .c_str(),
                 stdout);
      ++done;
    } catch (const QikanError& e) {
      std::fprintf(stderr, "qikan: error: %s\n", ForTerminal(e.Line()).c_str());
      ++failed;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "qikan: reparse: %d issue%s reparsed, %d failed, %.1f s\n", done,
               done == 1 ? "" : "s", failed, seconds);
  return failed ? static_cast<int>(ExitStatus::kArchiveError) : 0;
}

std::string Pages(int start, int end) {
  if (start <= 0) return "p?";
  return end > start ? fmt::format("p{}-{}", start, end) : fmt::format("p{}", start);
}

std::string IssueNumber(const std::optional<int>& number) {
  return number ? fmt::format("第{}期", *number) : "第?期";
}

void PrintForTerminal(const std::string& text) { std::fputs(ForTerminal(text).c_str(), stdout); }

nlohmann::json HitJson(const SearchHit& hit) {
  nlohmann::json out = {{"kind", HitKindName(hit.kind)},
                        {"issue_key", hit.issue_key},
                        {"issue_date", hit.issue_date},
                        {"issue_number", nullptr},
                        {"column", hit.column},
                        {"title", hit.title},
                        {"locality", nullptr},
                        {"start_page", hit.start_page},
                        {"end_page", hit.end_page},
                        {"snippet", hit.snippet}};
  if (hit.issue_number) out["issue_number"] = *hit.issue_number;
  if (hit.locality) out["locality"] = *hit.locality;
  return out;
}

// One line per hit: date, 第N期, pages, column, title (briefs: 〔简讯〕), snippet with 【matches】,
// and the issue key (for `qikan show`).
int Search(const std::string& archive, const SearchQuery& query, bool as_json) {
  const Catalog catalog = OpenArchiveCatalog(archive);
  const std::vector<SearchHit> hits = catalog.Search(query);
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& hit : hits) out.push_back(HitJson(hit));
    std::puts(out.dump(2).c_str());
    return 0;
  }
  for (const auto& hit : hits) {
    const std::string title = hit.kind == HitKind::kBrief ? "〔简讯〕" : hit.title;
    // ForTerminal: a reviewer's or OCR's control character is shown, never obeyed.
    PrintForTerminal(fmt::format("{}  {}  {}  {}  {}  {}  [{}]\n",
                                 hit.issue_date.empty() ? "?\?\?\?-?\?-?\?" : hit.issue_date,
                                 IssueNumber(hit.issue_number), Pages(hit.start_page, hit.end_page),
                                 hit.column.empty() ? "-" : hit.column, title, hit.snippet,
                                 hit.issue_key));
  }
  if (hits.empty()) std::fputs("qikan: no matches\n", stderr);
  return 0;
}

std::string AttributionLine(const std::optional<Attribution>& attribution) {
  if (!attribution) return "(no attribution)";
  std::string line = attribution->organization;
  for (const auto& author : attribution->authors) line += (line.empty() ? "" : " ") + author;
  return line.empty() ? attribution->raw : line;
}

// An issue's record as a readable summary, or (as_json) its record.json as archived.
int Show(const std::string& archive, const std::string& key, bool as_json) {
  const Catalog catalog = OpenArchiveCatalog(archive);
  const std::optional<IssueRow> row = catalog.FindIssue(key);
  if (!row) throw QikanError(ExitStatus::kInputMissing, key, "no such issue in " + archive);
  std::filesystem::path record_path = row->record_path.empty()
                                          ? std::filesystem::path("issues") / key / "record.json"
                                          : std::filesystem::path(row->record_path);
  if (record_path.is_relative()) record_path = std::filesystem::path(archive) / record_path;
  if (as_json) {
    std::ifstream in(record_path, std::ios::binary);
    if (!in) throw QikanError(ExitStatus::kInputMissing, record_path.string(), "cannot be read");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fputs(bytes.c_str(), stdout);
    if (!bytes.empty() && bytes.back() != '\n') std::fputs("\n", stdout);
    return 0;
  }
  const IssueRecord record = ReadJson(record_path.string()).get<IssueRecord>();
  const IssueInfo& info = record.issue;
  std::string masthead = info.title.empty() ? "(masthead not read)" : info.title;
  if (!info.edition.empty()) masthead += " " + info.edition;
  if (info.number) masthead += " " + IssueNumber(info.number);
  if (info.cumulative_number) masthead += fmt::format("（总第{}期）", *info.cumulative_number);
  if (!info.date.empty()) masthead += "  " + info.date;
  std::string out = masthead + "\n";
  if (!info.publisher.empty()) out += info.publisher + "\n";
  float confidence = 0;
  for (const auto& page : record.pages) confidence += page.mean_confidence;
  if (!record.pages.empty()) confidence /= static_cast<float>(record.pages.size());
  out += fmt::format("issue {}  source {}  {} pages  confidence {:.1f}  profile {}  pipeline {}\n",
                     key, record.source.file, record.pages.size(), confidence,
                     record.profile.empty() ? "-" : record.profile, record.pipeline_version);

  out += fmt::format("\nTOC ({})\n", record.toc.size());
  for (const auto& entry : record.toc) {
    std::string line = "  " + entry.column;
    if (entry.title) line += "  " + *entry.title;
    if (entry.count) line += fmt::format("  ({} items)", *entry.count);
    out += line + "\n";
  }
  out += fmt::format("\nArticles ({})\n", record.articles.size());
  for (const auto& article : record.articles) {
    out += fmt::format("  {:<7} {}  {}\n", Pages(article.start_page, article.end_page),
                       article.column.empty() ? "-" : article.column, article.title);
    out += fmt::format("          {}\n", AttributionLine(article.attribution));
  }
  std::map<std::string, int> brief_columns;
  for (const auto& brief : record.briefs) ++brief_columns[brief.column];
  std::string columns;
  for (const auto& [column, count] : brief_columns) {
    columns += fmt::format("{}{} {}", columns.empty() ? "" : ", ", column.empty() ? "-" : column,
                           count);
  }
  out += fmt::format("\nBriefs: {}{}\n", record.briefs.size(),
                     columns.empty() ? "" : " (" + columns + ")");
  out += fmt::format("\nReview items ({})  review {}\n", record.review.size(), IssueReviewState(*row));
  const std::vector<ReviewRow> items = catalog.ReviewItems({.issue_key = key, .limit = INT_MAX});
  for (const auto& item : record.review) {
    std::string status = "open";
    for (const auto& stored : items) {
      if (stored.page == item.page && stored.reason == item.reason && stored.detail == item.detail) {
        status = ReviewStatusName(stored.status);
      }
    }
    out += fmt::format("  {:<4} {}  {}  [{}]\n", item.page > 0 ? fmt::format("p{}", item.page) : "-",
                       item.reason, item.detail, status);
  }
  const std::vector<ReviewPageRow> decided = catalog.DecidedPages(key);
  if (!decided.empty()) out += fmt::format("\nDecisions ({})\n", decided.size());
  for (const auto& d : decided) {
    out += fmt::format("  {:<4} {} by {}, {}{}\n", d.page > 0 ? fmt::format("p{}", d.page) : "-",
                       ReviewStatusName(d.status), d.reviewer, LocalTime(d.decided_at),
                       d.comment.empty() ? "" : "  «" + d.comment + "»");
  }
  PrintForTerminal(out);
  return 0;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{"qikan: scanned issues of Chinese periodicals into a searchable archive"};
  app.footer(kExitStatusHelp);
  app.set_version_flag("--version", QIKAN_VERSION);
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();

  RunOptions options;
  std::vector<std::string> inputs;
  std::string archive;
  auto* run = app.add_subcommand(
      "run", "OCR scanned issues into the archive. An INPUT file is one issue (a PDF of page "
             "images, a multi-page TIFF); a folder of page images (natural name order) is one "
             "issue; any other folder is walked: each PDF, each multi-page TIFF and each folder "
             "of page images in it is one issue.");
  run->add_option("INPUT", inputs, "scanned issue(s)")->required();
  run->add_option("--archive", archive, "archive folder (created if missing)")->required();
  run->add_option("--jobs,-j", options.jobs, "OCR workers, one single-threaded Tesseract each")
      ->default_val(static_cast<int>(std::thread::hardware_concurrency()))
      ->check(CLI::Range(1, 256));
  run->add_flag("--force", options.force, "redo issues already in the archive");
  run->add_flag("--reprocess-stale", options.reprocess_stale,
                "redo archived issues made by another qikan version or with other settings");
  bool dry_run = false;
  run->add_flag("--dry-run", dry_run,
                "list what would be processed (new, already archived, failing); no OCR, "
                "nothing written");
  run->add_flag("--quarantine", options.quarantine,
                "move a failed input into DIR/quarantine/<date>/ (its path under INPUT kept)");
  std::string shard_text;
  run->add_option("--shard", shard_text,
                  "K/N: only the inputs whose content hash falls in shard K of N (0 <= K < N), "
                  "staged in DIR/shards/K/ for `qikan merge`");
  run->add_flag("--keep-intermediates", options.keep_intermediates,
                "write each stage's page image under DIR/intermediates/<issue>/");
  run->add_option("--render-dpi", options.rasterize.render_dpi,
                  "resolution for PDF pages that are not one scanner image")
      ->capture_default_str()
      ->check(CLI::Range(50.0, 1200.0));
  run->add_option("--max-page-mpx", options.rasterize.max_page_megapixels,
                  "refuse pages larger than this many megapixels")
      ->capture_default_str();
  run->add_option("--lang", options.tesseract.language, "Tesseract language/model")
      ->capture_default_str();
  run->add_option("--tessdata", options.tesseract.tessdata_dir, "folder of .traineddata models");
  run->add_option_function<std::string>(
      "--cleanup",
      [&options](const std::string& spec) {
        try {
          options.page.cleanup = ParseCleanup(spec, options.page.cleanup);
        } catch (const std::invalid_argument& e) {
          throw CLI::ValidationError("--cleanup", e.what());
        }
      },
      "image clean-up steps before OCR: edges,background[=EM],paper=LEVEL,speckle=EM,sauvola=EM "
      "or none");
  std::vector<std::string> tesseract_variables;
  run->add_option("--tess-var", tesseract_variables,
                  "set a Tesseract variable NAME=VALUE (repeatable), e.g. user_words_file=FILE")
      ->each([&options](const std::string& assignment) {
        const auto equals = assignment.find('=');
        if (equals == std::string::npos || equals == 0) {
          throw CLI::ValidationError("--tess-var", "expected NAME=VALUE, got " + assignment);
        }
        options.tesseract.variables.emplace_back(assignment.substr(0, equals),
                                                 assignment.substr(equals + 1));
      });
  std::string models_dir, run_profiles;
  run->add_option("--models", models_dir,
                  "folder of qikan's models (default: $QIKAN_MODELS, else the installed "
                  "share/qikan/models, else the source tree's models/)");
  run->add_option("--profiles-dir", run_profiles,
                  "folder of publication profiles (default: $QIKAN_PROFILES, else the models "
                  "folder's profiles/)");
  run->add_option("--profile", options.profile,
                  "publication profile id (default: chosen from the masthead)");
  run->add_option("--review-error", options.page.doubt.review_from,
                  "pages whose estimated character error rate (0-1) reaches this go to review")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();

  std::string record_path, expected_path, truth_path;
  bool as_json = false;
  auto* evaluate = app.add_subcommand(
      "evaluate", "Score a record against the truth: masthead fields, TOC, heading and "
                  "attribution precision/recall, body and page CER.");
  evaluate->add_option("RECORD", record_path, "record.json made by qikan run")->required();
  evaluate->add_option("--expected", expected_path, "the expected record (NAME.expected.json)");
  evaluate->add_option("--truth", truth_path, "the truth pages (NAME.truth.json)");
  evaluate->add_flag("--json", as_json, "print JSON");

  std::string issue_dir, parse_profiles, parse_profile;
  bool lines_only = false;
  auto* parse = app.add_subcommand(
      "parse", "Run layout and the structure parser again on an archived issue's OCR pages and "
               "print the structure as JSON (or, with --lines, the lines the parser reads).");
  parse->add_option("ISSUE_DIR", issue_dir, "DIR/issues/<key>")->required();
  parse->add_option("--profiles-dir", parse_profiles,
                    "folder of publication profiles (default: $QIKAN_PROFILES, else the models "
                    "folder's profiles/)");
  parse->add_option("--profile", parse_profile, "publication profile id");
  parse->add_flag("--lines", lines_only, "print the lines in reading order with their geometry");

  std::string reparse_archive, reparse_profiles;
  std::vector<std::string> reparse_keys;
  bool reparse_all = false, reparse_stale = false;
  auto* reparse = app.add_subcommand(
      "reparse", "Parse archived issues again with this build's parser, from their archived OCR "
                 "(no page is read again): record, text and deliverables are rewritten together, "
                 "reviewers' corrections applied again, the catalog updated.");
  reparse->add_option("KEY", reparse_keys, "issue keys (folders under DIR/issues)");
  reparse->add_option("--archive", reparse_archive, "archive folder")->required();
  auto* reparse_all_flag = reparse->add_flag("--all", reparse_all, "every archived issue");
  reparse->add_flag("--stale", reparse_stale, "the issues an older version of qikan parsed")
      ->excludes(reparse_all_flag);
  reparse->add_option("--profiles-dir", reparse_profiles,
                      "folder of publication profiles (default: $QIKAN_PROFILES, else the "
                      "models folder's profiles/)");

  SearchQuery query;
  std::string search_archive, kind;
  bool search_json = false;
  auto* search = app.add_subcommand(
      "search", "Search the archive's articles and briefs (catalog full-text index). Prints one "
                "line per hit: issue date, 第N期, page(s), column, title and the text around the "
                "match with the query words in 【】.");
  std::vector<std::string> query_words;
  search->add_option("QUERY", query_words,
                     "words that must all occur; none (or \"\") lists what the filters select");
  search->add_option("--archive", search_archive, "archive folder")->required();
  search->add_option("--column", query.column, "only this column, e.g. 监督纵横");
  search->add_option("--author", query.author, "only pieces by this person, e.g. 唐方媛");
  search->add_option("--locality", query.locality, "only this locality, e.g. 建德市");
  const auto date_check = CLI::Validator(
      [](std::string& value) -> std::string {
        static const std::regex date(R"(\d{4}(-\d{2}(-\d{2})?)?)");
        return std::regex_match(value, date) ? "" : "expected YYYY, YYYY-MM or YYYY-MM-DD";
      },
      "DATE");
  search->add_option("--from", query.from_date, "issues dated on or after (YYYY[-MM[-DD]])")
      ->check(date_check);
  search->add_option("--to", query.to_date, "issues dated on or before (YYYY[-MM[-DD]])")
      ->check(date_check);
  search->add_option("--kind", kind, "article or brief")
      ->check(CLI::IsMember({"article", "brief"}));
  search->add_option("--limit", query.limit, "at most this many hits")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  search->add_flag("--json", search_json, "print the hits as a JSON array");
  bool reviewed = false, unreviewed = false;
  auto* reviewed_flag =
      search->add_flag("--reviewed", reviewed, "only issues whose every doubtful page a person approved");
  search->add_flag("--unreviewed", unreviewed, "only issues with a doubtful page still open")
      ->excludes(reviewed_flag);

  std::string show_archive, show_key;
  bool show_json = false;
  auto* show = app.add_subcommand(
      "show", "Print an archived issue: masthead, TOC, articles with attribution and pages, "
              "briefs, review items; or its record.json with --json.");
  show->add_option("KEY", show_key, "the issue key (its folder name under DIR/issues)")
      ->required();
  show->add_option("--archive", show_archive, "archive folder")->required();
  show->add_flag("--json", show_json, "print record.json as archived");

  std::string merge_archive;
  auto* merge = app.add_subcommand(
      "merge", "Move the issues that `qikan run --shard` runs committed (DIR/shards/*/issues) "
               "into the archive and catalog them; duplicates by content are dropped, shards "
               "still running and unfinished work are left alone. Safe to run again.");
  merge->add_option("--archive", merge_archive, "archive folder")->required();

  ReviewServerOptions review_options;
  auto* review = app.add_subcommand(
      "review", "Serve the QA review web app over an archive: the queue of doubtful pages, each "
                "page's image with its OCR words, corrections and decisions (kept in the catalog; "
                "the issue's record, text and search index are rebuilt from them).");
  review->add_option("--archive", review_options.archive, "archive folder")->required();
  review->add_option("--host", review_options.host,
                     "address to listen on; anything but loopback needs a token")
      ->capture_default_str();
  review->add_option("--port", review_options.port, "port (0: any free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  review->add_option("--token", review_options.token,
                     "token other machines must send (default: $QIKAN_REVIEW_TOKEN, else one "
                     "is generated and printed)");
  review->add_option("--reviewer", review_options.reviewer,
                     "name recorded with corrections when the browser sends none (default: $USER)");
  std::string review_profiles;
  review->add_option("--models", models_dir, "folder of qikan's models (for its profiles/)");
  review->add_option("--profiles-dir", review_profiles,
                     "folder of publication profiles (default: $QIKAN_PROFILES, else the models "
                     "folder's profiles/)");
  std::string users_file;
  review->add_option("--users", users_file,
                     "file of reviewers, one \"NAME TOKEN\" a line: each opens the link with their "
                     "own token, and what they write is recorded under their name");

  VerifyOptions verify_options;
  std::string verify_archive, verify_bag;
  auto* verify = app.add_subcommand(
      "verify", "Check fixity: recompute each issue's manifest-sha256.txt and print one line per "
                "missing, changed or unexpected file; or check a bag made by `qikan export`. "
                "Safe beside a running `qikan run`.");
  verify->add_option("KEY", verify_options.keys, "issues to check (default: all)");
  auto* verify_archive_option =
      verify->add_option("--archive", verify_archive, "archive folder to check");
  auto* verify_bag_option = verify->add_option("--bag", verify_bag, "BagIt bag to validate");
  verify_archive_option->excludes(verify_bag_option);
  verify->add_flag("--update-missing", verify_options.update_missing,
                   "write a manifest for each issue that has none (archives made before "
                   "manifests), from its files as they are; never replaces one")
      ->needs(verify_archive_option);

  ExportOptions export_options;
  IssueSelection export_selection;
  auto* export_command = app.add_subcommand(
      "export", "Write archived issues as one BagIt bag (RFC 8493): data/<key>/ holds each "
                "issue's folder, with SHA-256 manifests and bag-info.txt. OUT must not exist.");
  export_command->add_option("KEY", export_options.keys, "issues to export");
  export_command->add_option("--archive", export_options.archive, "archive folder")->required();
  export_command->add_option("--bag", export_options.bag, "the bag to create")->required();
  export_command->add_flag("--all", export_selection.all, "every issue in the catalog");
  export_command->add_option("--from", export_selection.from_date,
                             "issues dated on or after (YYYY[-MM[-DD]])")
      ->check(date_check);
  export_command->add_option("--to", export_selection.to_date,
                             "issues dated on or before (YYYY[-MM[-DD]])")
      ->check(date_check);
  export_command->add_option("--organization", export_options.organization,
                             "Source-Organization (default: the issues' publishers)");
  export_command->add_flag("--link", export_options.link,
                           "hard-link the payload to the archive's files instead of copying "
                           "(same file system; the bag's files are then the archive's)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitStatus::kUsage);
  }

  auto logger = spdlog::stderr_color_mt("qikan");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    options.archive = archive;
    if (*run) {
      const ModelsDir models = UseModels(models_dir);
      options.profiles_dir = ProfilesDir(run_profiles, models);
      return Run(inputs, options, dry_run, models, shard_text);
    }
    if (*merge) return Merge(merge_archive);
    if (*verify) {
      if (verify_archive.empty() == verify_bag.empty()) {
        throw QikanError(ExitStatus::kUsage, "", "verify needs --archive DIR or --bag OUT");
      }
      if (!verify_bag.empty() && !verify_options.keys.empty()) {
        throw QikanError(ExitStatus::kUsage, "", "verify --bag checks the whole bag; no KEY");
      }
      verify_options.archive = verify_archive;
      return Verify(verify_options, verify_bag);
    }
    if (*export_command) return Export(export_options, export_selection);
    if (*parse) {
      return Parse(issue_dir, ProfilesDir(parse_profiles, UseModels("")).string(), parse_profile,
                   lines_only);
    }
    if (*reparse) {
      if (reparse_keys.empty() && !reparse_all && !reparse_stale) {
        throw QikanError(ExitStatus::kUsage, "", "reparse: name issue keys, or --all or --stale");
      }
      return Reparse(reparse_archive, reparse_keys, reparse_all, reparse_stale,
                     ProfilesDir(reparse_profiles, UseModels("")));
    }
    if (*evaluate) return Evaluate(record_path, expected_path, truth_path, as_json);
    if (*search) {
      for (const auto& word : query_words) query.text += (query.text.empty() ? "" : " ") + word;
      if (!kind.empty()) query.kind = kind == "brief" ? HitKind::kBrief : HitKind::kArticle;
      if (reviewed || unreviewed) query.reviewed = reviewed;
      return Search(search_archive, query, search_json);
    }
    if (*show) return Show(show_archive, show_key, show_json);
    if (*review) {
      review_options.profiles_dir = ProfilesDir(review_profiles, UseModels(models_dir));
      OpenArchiveCatalog(review_options.archive);  // a mistyped path must not become an archive
      if (!users_file.empty()) review_options.users = ReadReviewerTokens(users_file);
      return RunReviewServer(review_options);
    }
  } catch (const QikanError& e) {
    std::fprintf(stderr, "qikan: error: %s\n", e.Line().c_str());
    return static_cast<int>(e.status());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qikan: internal error: %s\n", e.what());
    return static_cast<int>(ExitStatus::kInternal);
  }
  return static_cast<int>(ExitStatus::kUsage);
}

}  // namespace qikan
