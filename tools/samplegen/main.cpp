// qikan-samplegen: typesets an issue's content like the printed newsletter, scans it through a
// degradation preset, and writes the scan (PDF, optionally PNG/TIFF) with its ground truth.

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "tools/samplegen/content.h"
#include "tools/samplegen/degrade.h"
#include "tools/samplegen/fonts.h"
#include "tools/samplegen/layout.h"
#include "tools/samplegen/pdf_writer.h"
#include "tools/samplegen/recombine.h"
#include "tools/samplegen/render.h"

namespace qikan::samplegen {
namespace {

struct Options {
  std::string content_path = "samples/content/seed-2025-05.json";
  std::string preset_name = "clean-300";
  uint32_t seed = 1;
  std::optional<uint32_t> recombine_seed;
  std::string font_name = "noto-serif";
  std::string layout_name = "single";
  int chars_per_line = 0;  // 0: the layout's default
  int dpi = 0;             // 0: the preset's
  double master_dpi = 400;
  std::string out_dir = ".";
  std::string name;
  bool png = false;
  bool tiff = false;
  bool list_presets = false;
  int min_pages = 4;
  int max_pages = 12;
};

void ListPresets() {
  for (const ScanPreset& p : ScanPresets()) {
    std::cout << p.name << "\t" << p.dpi << " dpi\t" << p.summary << "\n";
  }
  std::cout << "\nlayouts: single, two-column\nfonts:";
  for (const std::string& f : FontFamilyNames()) std::cout << " " << f;
  std::cout << "\n";
}

void WriteJson(const std::string& path, const nlohmann::ordered_json& j) {
  std::ofstream out(path);
  out << j.dump(2, ' ', false) << "\n";
  if (!out) throw std::runtime_error("cannot write " + path);
}

double Rounded(double value, int per_unit) { return std::round(value * per_unit) / per_unit; }

// Draws recombined issues until one sets on an acceptable number of pages.
std::pair<IssueContent, IssueLayout> RecombinedIssue(const IssueContent& pool, uint32_t seed,
                                                     const LayoutOptions& layout_options,
                                                     FontSet& fonts, const Options& options) {
  std::mt19937 rng(seed);
  for (int attempt = 0; attempt < 100; ++attempt) {
    IssueContent content = Recombine(pool, rng);
    IssueLayout layout = LayOutIssue(content, layout_options, fonts);
    const auto pages = static_cast<int>(layout.pages.size());
    if (pages >= options.min_pages && pages <= options.max_pages) {
      return {std::move(content), std::move(layout)};
    }
  }
  throw std::runtime_error("no recombination of this content sets on the wanted page count");
}

ScanPreset ResolvePreset(const Options& options) {
  const ScanPreset* found = FindScanPreset(options.preset_name);
  if (!found) throw std::runtime_error("unknown preset " + options.preset_name);
  ScanPreset preset = *found;
  if (options.dpi > 0) preset.dpi = options.dpi;
  return preset;
}

LayoutOptions ResolveLayout(const Options& options) {
  LayoutOptions layout;
  if (options.layout_name == "two-column") {
    layout.columns = ColumnMode::kTwoColumn;
  } else if (options.layout_name != "single") {
    throw std::runtime_error("unknown layout " + options.layout_name);
  }
  if (options.chars_per_line > 0) {
    layout.body_chars_per_line = options.chars_per_line;
    layout.column_chars_per_line = options.chars_per_line;
  }
  return layout;
}

std::string SampleName(const Options& options, const ScanPreset& preset) {
  if (!options.name.empty()) return options.name;
  std::string name = options.recombine_seed
                         ? "recombined-" + std::to_string(*options.recombine_seed)
                         : std::filesystem::path(options.content_path).stem().string();
  return name + "-" + preset.name;
}

// Prints and scans every page; each page's back shows the next page's print.
std::vector<EncodedPage> ScanIssue(const IssueLayout& layout, const LayoutOptions& layout_options,
                                   const ScanPreset& preset, const std::vector<PageScanPlan>& plans,
                                   double master_dpi, FontSet& fonts) {
  const cv::Size scan_size = PagePixels(layout_options, preset.dpi);
  std::vector<EncodedPage> encoded;
  cv::Mat printed = RenderPage(layout.pages.front(), layout_options, master_dpi, fonts);
  for (size_t i = 0; i < layout.pages.size(); ++i) {
    cv::Mat next;
    if (i + 1 < layout.pages.size()) {
      next = RenderPage(layout.pages[i + 1], layout_options, master_dpi, fonts);
    }
    const cv::Mat scan = ScanPage(printed, next, master_dpi, preset, plans[i], scan_size);
    encoded.push_back(
        EncodePage(scan, preset.dpi, preset.colour == ScanColour::kBinary, preset.jpeg_quality));
    printed = std::move(next);
    spdlog::info("page {}/{} scanned", i + 1, layout.pages.size());
  }
  return encoded;
}

nlohmann::ordered_json TruthJson(const IssueLayout& layout, const std::vector<PageScanPlan>& plans,
                                 const ScanPreset& preset, const Options& options) {
  nlohmann::ordered_json truth;
  truth["preset"] = preset.name;
  truth["seed"] = options.seed;
  truth["dpi"] = preset.dpi;
  truth["font"] = options.font_name;
  truth["layout"] = options.layout_name;
  if (options.recombine_seed) truth["recombine"] = *options.recombine_seed;
  nlohmann::ordered_json pages = nlohmann::ordered_json::array();
  for (size_t i = 0; i < layout.pages.size(); ++i) {
    pages.push_back(nlohmann::ordered_json{
        {"index", i + 1},
        {"text", layout.pages[i].Text()},
        {"rotation", plans[i].rotation},
        {"skew_degrees", Rounded(plans[i].skew_degrees, 1000)},
    });
  }
  truth["pages"] = pages;
  return truth;
}

std::string PngName(const std::string& base, size_t page) {
  const std::string number = std::to_string(page);
  return base + "-p" + std::string(number.size() < 2 ? 1 : 0, '0') + number + ".png";
}

int Run(const Options& options) {
  const ScanPreset preset = ResolvePreset(options);
  const LayoutOptions layout_options = ResolveLayout(options);
  const auto family = ParseFontFamily(options.font_name);
  if (!family) throw std::runtime_error("unknown font " + options.font_name);
  FontSet fonts(*family);

  const IssueContent pool = LoadIssueContent(options.content_path);
  IssueContent content;
  IssueLayout layout;
  if (options.recombine_seed) {
    std::tie(content, layout) =
        RecombinedIssue(pool, *options.recombine_seed, layout_options, fonts, options);
  } else {
    content = pool;
    layout = LayOutIssue(content, layout_options, fonts);
  }

  const std::vector<PageScanPlan> plans = PlanScan(preset, layout.pages.size(), options.seed);
  const std::vector<EncodedPage> pages =
      ScanIssue(layout, layout_options, preset, plans, options.master_dpi, fonts);

  const std::string name = SampleName(options, preset);
  std::filesystem::create_directories(options.out_dir);
  const std::string base = (std::filesystem::path(options.out_dir) / name).string();
  WritePdf(base + ".pdf", pages, "qikan sample " + name);  // Leptonica takes ASCII titles only
  if (options.tiff) WriteMultipageTiff(base + ".tif", pages);
  if (options.png) {
    for (size_t i = 0; i < pages.size(); ++i) WritePng(PngName(base, i + 1), pages[i]);
  }
  WriteJson(base + ".truth.json", TruthJson(layout, plans, preset, options));
  WriteJson(base + ".expected.json", ExpectedRecordJson(content, layout.placement));
  spdlog::info("wrote {}.pdf: {} pages at {} dpi", base, layout.pages.size(), preset.dpi);
  return 0;
}

}  // namespace
}  // namespace qikan::samplegen

int main(int argc, char** argv) {
  using qikan::samplegen::Options;
  Options options;
  CLI::App app{"qikan-samplegen: make sample scans of an issue with their ground truth"};
  app.add_option("--content", options.content_path, "issue content JSON (expected-record shape)");
  app.add_option("--preset", options.preset_name, "degradation preset (see --list-presets)");
  app.add_option("--seed", options.seed, "seed of the scan's random choices");
  app.add_option("--recombine", options.recombine_seed,
                 "build another issue from the content pool with this seed");
  app.add_option("--font", options.font_name, "body font: noto-serif, ukai, uming, wqy-zenhei");
  app.add_option("--layout", options.layout_name, "single or two-column");
  app.add_option("--chars-per-line", options.chars_per_line,
                 "body characters to a line (column): sets the body size; default 28 (18 per "
                 "column), 42 gives a 10.5 pt body");
  app.add_option("--dpi", options.dpi, "scan resolution, overriding the preset's");
  app.add_option("--master-dpi", options.master_dpi, "resolution the print is rendered at");
  app.add_option("--out", options.out_dir, "output folder");
  app.add_option("--name", options.name, "output base name (default: CONTENT-PRESET)");
  app.add_option("--min-pages", options.min_pages, "recombined issues: fewest pages");
  app.add_option("--max-pages", options.max_pages, "recombined issues: most pages");
  app.add_flag("--png", options.png, "also write one PNG per page");
  app.add_flag("--tiff", options.tiff, "also write a multi-page TIFF");
  app.add_flag("--list-presets", options.list_presets, "list presets, layouts and fonts");
  CLI11_PARSE(app, argc, argv);
  try {
    if (options.list_presets) {
      qikan::samplegen::ListPresets();
      return 0;
    }
    return qikan::samplegen::Run(options);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}
