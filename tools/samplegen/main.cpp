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
#include "tools/samplegen/variant.h"

namespace qikan::samplegen {
namespace {

struct Options {
  std::string content_path = "samples/content/seed-2025-05.json";
  std::string preset_name = "clean-300";
  uint32_t seed = 1;
  std::optional<uint32_t> recombine_seed;
  std::string font_name = "noto-serif";
  std::optional<uint32_t> vary_seed;
  VariantOverrides overrides;
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
  std::cout << "\nlayouts: single, two-column, three-column\nfonts:";
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
                                                     const Variant& variant,
                                                     const LayoutOptions& layout_options,
                                                     FontSet& fonts, const Options& options) {
  std::mt19937 rng(seed);
  for (int attempt = 0; attempt < 100; ++attempt) {
    IssueContent content = Recombine(pool, rng);
    ApplyVariantToContent(variant, options.vary_seed.value_or(0), content);
    IssueLayout layout = LayOutIssue(content, layout_options, fonts);
    const auto pages = static_cast<int>(layout.pages.size());
    if (pages >= options.min_pages && pages <= options.max_pages) {
      return {std::move(content), std::move(layout)};
    }
  }
  // No draw fits (a short issue asked for): the first draw, shortened from its end (its last
  // articles, then its briefs) until it sets on few enough pages. Seeds whose draws fit above
  // make the same issues as before.
  rng.seed(seed);
  IssueContent content = Recombine(pool, rng);
  ApplyVariantToContent(variant, options.vary_seed.value_or(0), content);
  IssueLayout layout = LayOutIssue(content, layout_options, fonts);
  while (static_cast<int>(layout.pages.size()) > options.max_pages &&
         (content.articles.size() > 1 || !content.briefs.empty())) {
    if (content.articles.size() > 1) {
      content.articles.pop_back();
    } else {
      content.briefs.pop_back();
    }
    layout = LayOutIssue(content, layout_options, fonts);
  }
  const auto pages = static_cast<int>(layout.pages.size());
  if (pages >= options.min_pages && pages <= options.max_pages) {
    return {std::move(content), std::move(layout)};
  }
  throw std::runtime_error(fmt::format(
      "no recombination of this content sets on {}-{} pages (the shortest sets on {})",
      options.min_pages, options.max_pages, pages));
}

ScanPreset ResolvePreset(const Options& options) {
  const ScanPreset* found = FindScanPreset(options.preset_name);
  if (!found) throw std::runtime_error("unknown preset " + options.preset_name);
  ScanPreset preset = *found;
  if (options.dpi > 0) preset.dpi = options.dpi;
  return preset;
}

Variant ResolveVariant(const Options& options) {
  Variant variant = options.vary_seed ? DrawVariant(*options.vary_seed) : Variant{};
  variant = ApplyOverrides(variant, options.overrides);
  // Drawn dates come with numbers that follow them; the seed content keeps its own.
  variant.plausible_numbers = options.vary_seed && options.recombine_seed;
  return variant;
}

LayoutOptions ResolveLayout(const Options& options, const Variant& variant) {
  LayoutOptions layout;
  if (variant.layout == "two-column") {
    layout.columns = ColumnMode::kTwoColumn;
  } else if (variant.layout == "three-column") {
    layout.columns = ColumnMode::kThreeColumn;
  }
  if (options.chars_per_line > 0) {
    layout.body_chars_per_line = options.chars_per_line;
    layout.column_chars_per_line = options.chars_per_line;
    layout.narrow_column_chars_per_line = options.chars_per_line;
  }
  layout.heading_span_columns = variant.heading_span == "column";
  layout.column_rule = variant.column_rule;
  layout.unequal_columns = variant.column_widths == "unequal";
  layout.heading_align_left = variant.heading_align == "left";
  layout.folio_outer = variant.folio == "outer";
  layout.toc_form = variant.toc == "stacked"  ? TocForm::kStacked
                    : variant.toc == "banner" ? TocForm::kBanner
                    : variant.toc == "none"   ? TocForm::kNone
                                              : TocForm::kInline;
  layout.toc_indent_chars = variant.toc_indent;
  layout.toc_page_numbers = variant.toc_page_numbers;
  layout.toc_label_bold = variant.toc_label_bold;
  return layout;
}

HeadingStyle ResolveHeadingStyle(const Variant& variant) {
  HeadingStyle style{.bold = variant.heading_bold};
  if (variant.heading_font == "song") style.face = HeadingFace::kSong;
  if (variant.heading_font == "hei") style.face = HeadingFace::kHei;
  if (variant.heading_font == "kai") style.face = HeadingFace::kKai;
  return style;
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
                                 const ScanPreset& preset, const Options& options,
                                 const Variant& variant) {
  nlohmann::ordered_json truth;
  truth["preset"] = preset.name;
  truth["seed"] = options.seed;
  truth["dpi"] = preset.dpi;
  truth["font"] = options.font_name;
  truth["layout"] = variant.layout;
  if (options.recombine_seed) truth["recombine"] = *options.recombine_seed;
  if (options.vary_seed) truth["vary"] = *options.vary_seed;
  if (options.vary_seed || options.overrides.Any()) truth["variant"] = VariantJson(variant);
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
  const Variant variant = ResolveVariant(options);
  if (options.vary_seed) std::cerr << "variant " << VariantJson(variant).dump() << "\n";
  const LayoutOptions layout_options = ResolveLayout(options, variant);
  const auto family = ParseFontFamily(options.font_name);
  if (!family) throw std::runtime_error("unknown font " + options.font_name);
  FontSet fonts(*family, ResolveHeadingStyle(variant));

  const IssueContent pool = LoadIssueContent(options.content_path);
  IssueContent content;
  IssueLayout layout;
  if (options.recombine_seed) {
    std::tie(content, layout) =
        RecombinedIssue(pool, *options.recombine_seed, variant, layout_options, fonts, options);
  } else {
    content = pool;
    ApplyVariantToContent(variant, options.vary_seed.value_or(0), content);
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
  WriteJson(base + ".truth.json", TruthJson(layout, plans, preset, options, variant));
  WriteJson(base + ".expected.json",
            ExpectedRecordJson(content, layout.placement, variant.toc != "none"));
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
  qikan::samplegen::VariantOverrides& o = options.overrides;
  app.add_option("--vary", options.vary_seed,
                 "draw every print variant below from this seed (an explicit option wins); the "
                 "choices go to stderr and to the truth's \"variant\"");
  app.add_option("--layout", o.layout, "single, two-column or three-column");
  app.add_option("--toc", o.toc,
                 "contents form: inline, stacked, banner, leaders (page numbers after the "
                 "titles), or none (the first article under the masthead; not drawn by --vary)");
  app.add_option("--toc-indent", o.toc_indent, "stacked and banner TOC: title indent, 0 or 2");
  app.add_flag_callback(
      "--toc-page-numbers", [&o] { o.toc_page_numbers = true; },
      "dot leaders and start pages after the TOC's titles");
  app.add_flag_callback("--no-toc-page-numbers", [&o] { o.toc_page_numbers = false; });
  app.add_flag_callback(
      "--toc-label-bold", [&o] { o.toc_label_bold = true; },
      "TOC column names in bold (the default)");
  app.add_flag_callback(
      "--no-toc-label-bold", [&o] { o.toc_label_bold = false; },
      "TOC column names in the titles' face");
  app.add_option("--columns", o.columns,
                 "column names: seed, alt (names no profile lists) or mixed");
  app.add_option("--heading-span", o.heading_span,
                 "multi-column: headings across the page (full) or inside a column (column)");
  app.add_flag_callback(
      "--column-rule", [&o] { o.column_rule = true; }, "a vertical rule in each gutter");
  app.add_flag_callback("--no-column-rule", [&o] { o.column_rule = false; });
  app.add_option("--column-widths", o.column_widths, "equal or unequal (3:2, 4:3:3)");
  app.add_option("--heading-font", o.heading_font, "song, hei or kai");
  app.add_flag_callback(
      "--heading-bold", [&o] { o.heading_bold = true; }, "bold headings");
  app.add_flag_callback("--no-heading-bold", [&o] { o.heading_bold = false; });
  app.add_option("--heading-align", o.heading_align, "centre or left");
  app.add_option("--edition", o.edition, "普刊, 增刊 or 特刊");
  app.add_option("--folio", o.folio, "page numbers at the centre or the outer edge (outer)");
  app.add_option("--title", o.title, "masthead title in place of the content's");
  app.add_option("--publisher", o.publisher,
                 "publisher in place of the content's (printed with 编 after it)");
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
