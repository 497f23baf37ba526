#include "pipeline/cli.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
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
#include "pipeline/evaluate.h"
#include "pipeline/issue_job.h"
#include "pipeline/runner.h"
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
  7  the OCR model (or another runtime dependency) is missing
  8  the archive cannot be written
  9  inputs failed for different reasons (see the lines above)
 15  internal error)";

void PrintOutcome(const IssueOutcome& outcome) {
  if (outcome.status != ExitStatus::kOk) {
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
  int ok = 0, skipped = 0, failed = 0;
  for (const auto& issue : summary.issues) {
    if (issue.status != ExitStatus::kOk) {
      ++failed;
    } else if (issue.skipped) {
      ++skipped;
    } else {
      ++ok;
    }
  }
  std::string stages;
  for (const auto& [stage, seconds] : summary.stage_seconds) {
    stages += fmt::format(" {} {:.1f}s", stage, seconds);
  }
  std::fprintf(stdout,
               "done: %d issues ok, %d skipped, %d failed; %d pages in %.1fs (%.1f pages/min, "
               "%d jobs); stage time:%s\n",
               ok, skipped, failed, summary.pages, summary.seconds,
               summary.seconds > 0 ? summary.pages * 60.0 / summary.seconds : 0.0, summary.jobs,
               stages.c_str());
}

int Run(const std::vector<std::string>& input_args, RunOptions options) {
  std::vector<std::filesystem::path> inputs(input_args.begin(), input_args.end());
  cv::setNumThreads(1);  // parallelism is across pages, one worker per core
  const TesseractOptions tesseract = options.tesseract;
  const RunSummary summary = RunIssues(
      inputs, options, [&] { return std::make_unique<TesseractEngine>(tesseract); },
      PrintOutcome);
  PrintSummary(summary);
  return static_cast<int>(summary.Status());
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
  std::vector<PublicationProfile> profiles = LoadProfiles(profiles_dir);
  if (!profile_id.empty()) {
    std::erase_if(profiles, [&](const PublicationProfile& p) { return p.id != profile_id; });
  }
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
  ParseIssueStructure(pages, profiles, StructureOptions{}, record);
  nlohmann::json out = record;
  out.erase("pages");
  out.erase("source");
  std::puts(out.dump(2).c_str());
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
      "run", "OCR scanned issues into the archive. Each INPUT is one issue: a PDF of page "
             "images, a multi-page TIFF, or a folder of page images (natural name order).");
  run->add_option("INPUT", inputs, "scanned issue(s)")->required();
  run->add_option("--archive", archive, "archive folder (created if missing)")->required();
  run->add_option("--jobs,-j", options.jobs, "OCR workers, one single-threaded Tesseract each")
      ->default_val(static_cast<int>(std::thread::hardware_concurrency()))
      ->check(CLI::Range(1, 256));
  run->add_flag("--force", options.force, "redo issues already in the archive");
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
  run->add_option("--profiles-dir", options.profiles_dir, "folder of publication profiles")
      ->default_val(std::getenv("QIKAN_PROFILES") ? std::getenv("QIKAN_PROFILES")
                                                  : QIKAN_DEFAULT_PROFILES_DIR);
  run->add_option("--profile", options.profile,
                  "publication profile id (default: chosen from the masthead)");
  run->add_option("--review-below", options.page.review_below_confidence,
                  "pages whose mean confidence is below this go to review")
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

  std::string issue_dir, parse_profiles = QIKAN_DEFAULT_PROFILES_DIR, parse_profile;
  bool lines_only = false;
  auto* parse = app.add_subcommand(
      "parse", "Run layout and the structure parser again on an archived issue's OCR pages and "
               "print the structure as JSON (or, with --lines, the lines the parser reads).");
  parse->add_option("ISSUE_DIR", issue_dir, "DIR/issues/<key>")->required();
  parse->add_option("--profiles-dir", parse_profiles, "folder of publication profiles");
  parse->add_option("--profile", parse_profile, "publication profile id");
  parse->add_flag("--lines", lines_only, "print the lines in reading order with their geometry");

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
    if (*run) return Run(inputs, options);
    if (*parse) return Parse(issue_dir, parse_profiles, parse_profile, lines_only);
    if (*evaluate) return Evaluate(record_path, expected_path, truth_path, as_json);
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
