#include "pipeline/cli.h"

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <opencv2/core/utility.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "models/errors.h"
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
  run->add_option("--review-below", options.page.review_below_confidence,
                  "pages whose mean confidence is below this go to review")
      ->capture_default_str();

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
