#include "tools/samplegen/variant.h"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <vector>

#include "tools/samplegen/random.h"

namespace qikan::samplegen {
namespace {

// 2-6 characters, none in models/profiles/hangzhou-renda-xinxi.json's "columns".
const std::vector<std::string> kAltColumns = {"工作动态",     "法治建设", "代表风采", "调研视点",
                                              "履职纪实",     "基层探索", "专题报道", "视点",
                                              "民主法治视窗", "人大视窗", "民生实事"};
const std::vector<std::string> kAltDigests = {"简讯", "信息快递", "工作简讯"};

struct Publication {
  const char* title;
  const char* publisher;
};
// Newsletters of the same kind that have no profile.
const std::array<Publication, 3> kOtherPublications = {{
    {"西湖人大", "西湖区人大常委会办公室"},
    {"萧山人大工作", "萧山区人大常委会办公室"},
    {"余杭人大信息", "余杭区人大常委会研究室"},
}};

template <typename T>
const T& Pick(std::mt19937& rng, const std::vector<T>& items) {
  return items[Below(rng, items.size())];
}

// Weighted pick: weights need not sum to one.
std::string PickWeighted(std::mt19937& rng,
                         const std::vector<std::pair<std::string, double>>& choices) {
  double total = 0;
  for (const auto& c : choices) total += c.second;
  double at = Uniform(rng, 0, total);
  for (const auto& c : choices) {
    if (at < c.second) return c.first;
    at -= c.second;
  }
  return choices.back().first;
}

void Require(const std::string& value, std::initializer_list<const char*> allowed,
             const char* axis) {
  for (const char* a : allowed) {
    if (value == a) return;
  }
  throw std::runtime_error(std::string("unknown ") + axis + " " + value);
}

int DayOfYear(int year, int month, int day) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int doy = day;
  for (int m = 1; m < month; ++m) doy += kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return doy;
}

nlohmann::ordered_json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}

}  // namespace

bool VariantOverrides::Any() const {
  return toc || toc_indent || toc_page_numbers || toc_label_bold || columns || layout ||
         heading_span || column_rule || column_widths || heading_font || heading_bold ||
         heading_align || edition || folio || title || publisher;
}

const std::vector<std::string>& AltColumnNames() { return kAltColumns; }
const std::vector<std::string>& AltDigestNames() { return kAltDigests; }

Variant DrawVariant(uint32_t seed) {
  // Every axis is drawn, in this fixed order, whatever the command line overrides.
  std::mt19937 rng(seed ^ 0x9e3779b9u);
  Variant v;
  v.toc = PickWeighted(rng, {{"inline", 0.35}, {"stacked", 0.35}, {"banner", 0.3}});
  v.toc_indent = Chance(rng, 0.5) ? 2 : 0;
  v.toc_page_numbers = Chance(rng, 0.4);
  v.columns = PickWeighted(rng, {{"seed", 0.3}, {"alt", 0.4}, {"mixed", 0.3}});
  v.layout = PickWeighted(rng, {{"single", 0.35}, {"two-column", 0.4}, {"three-column", 0.25}});
  v.heading_span = Chance(rng, 0.5) ? "full" : "column";
  v.column_rule = Chance(rng, 0.5);
  v.column_widths = Chance(rng, 0.3) ? "unequal" : "equal";
  v.heading_font = PickWeighted(rng, {{"song", 1}, {"hei", 1}, {"kai", 1}});
  v.heading_bold = Chance(rng, 0.7);
  v.heading_align = Chance(rng, 0.7) ? "centre" : "left";
  v.edition = PickWeighted(rng, {{"普刊", 0.6}, {"增刊", 0.2}, {"特刊", 0.2}});
  v.folio = Chance(rng, 0.6) ? "centre" : "outer";
  const size_t publication = Below(rng, kOtherPublications.size());
  if (Chance(rng, 0.1)) {
    v.title = kOtherPublications[publication].title;
    v.publisher = kOtherPublications[publication].publisher;
  }
  v.toc_label_bold = Chance(rng, 0.8);
  if (v.layout == "single") {  // axes that only columns have
    v.heading_span = "full";
    v.column_rule = false;
    v.column_widths = "equal";
  }
  return v;
}

Variant ApplyOverrides(Variant v, const VariantOverrides& o) {
  if (o.toc) {
    if (*o.toc == "leaders") {  // the inline form with leaders, unless drawn otherwise
      if (!o.toc_page_numbers) v.toc_page_numbers = true;
    } else {
      v.toc = *o.toc;
    }
  }
  if (o.toc_indent) v.toc_indent = *o.toc_indent;
  if (o.toc_page_numbers) v.toc_page_numbers = *o.toc_page_numbers;
  if (o.toc_label_bold) v.toc_label_bold = *o.toc_label_bold;
  if (o.columns) v.columns = *o.columns;
  if (o.layout) v.layout = *o.layout;
  if (o.heading_span) v.heading_span = *o.heading_span;
  if (o.column_rule) v.column_rule = *o.column_rule;
  if (o.column_widths) v.column_widths = *o.column_widths;
  if (o.heading_font) v.heading_font = *o.heading_font;
  if (o.heading_bold) v.heading_bold = *o.heading_bold;
  if (o.heading_align) v.heading_align = *o.heading_align;
  if (o.edition) v.edition = *o.edition;
  if (o.folio) v.folio = *o.folio;
  if (o.title) v.title = *o.title;
  if (o.publisher) v.publisher = *o.publisher;
  Require(v.toc, {"inline", "stacked", "banner", "none"}, "TOC form");
  if (v.toc_indent != 0 && v.toc_indent != 2) throw std::runtime_error("--toc-indent is 0 or 2");
  Require(v.columns, {"seed", "alt", "mixed"}, "column-name set");
  Require(v.layout, {"single", "two-column", "three-column"}, "layout");
  Require(v.heading_span, {"full", "column"}, "heading span");
  Require(v.column_widths, {"equal", "unequal"}, "column widths");
  Require(v.heading_font, {"default", "song", "hei", "kai"}, "heading font");
  Require(v.heading_align, {"centre", "left"}, "heading alignment");
  Require(v.folio, {"centre", "outer"}, "folio place");
  if (!v.edition.empty()) Require(v.edition, {"普刊", "增刊", "特刊"}, "edition");
  return v;
}

nlohmann::ordered_json VariantJson(const Variant& v) {
  nlohmann::ordered_json j;
  j["toc"] = v.toc;
  j["toc_indent"] = v.toc_indent;
  j["toc_page_numbers"] = v.toc_page_numbers;
  j["toc_label_bold"] = v.toc_label_bold;
  j["columns"] = v.columns;
  j["layout"] = v.layout;
  j["heading_span"] = v.heading_span;
  j["column_rule"] = v.column_rule;
  j["column_widths"] = v.column_widths;
  j["heading_font"] = v.heading_font;
  j["heading_bold"] = v.heading_bold;
  j["heading_align"] = v.heading_align;
  j["edition"] = OrNull(v.edition);
  j["folio"] = v.folio;
  j["title"] = OrNull(v.title);
  j["publisher"] = OrNull(v.publisher);
  j["plausible_numbers"] = v.plausible_numbers;
  return j;
}

void ApplyVariantToContent(const Variant& v, uint32_t seed, IssueContent& content) {
  IssueInfo& issue = content.issue;
  if (!v.edition.empty()) issue.edition = v.edition;
  if (!v.title.empty()) issue.title = v.title;
  if (!v.publisher.empty()) issue.publisher = v.publisher;
  if (v.plausible_numbers && issue.date.size() == 10) {
    // About nine issues a year, numbered from 1 each January; the cumulative number counts on
    // from 2016's first issue (总第 626 期), which puts 2025-07-11 at 第 5 期（总第 711 期） as
    // the seed issue has it.
    const int year = std::stoi(issue.date.substr(0, 4));
    const int month = std::stoi(issue.date.substr(5, 2));
    const int day = std::stoi(issue.date.substr(8, 2));
    issue.number = 1 + (DayOfYear(year, month, day) - 1) * 9 / 366;
    issue.cumulative_number = 625 + (year - 2016) * 9 + issue.number;
  }
  if (v.columns == "seed") return;
  std::mt19937 rng(seed ^ 0x85ebca6bu);
  std::vector<std::string> free = kAltColumns;
  for (size_t i = free.size(); i > 1; --i) std::swap(free[i - 1], free[Below(rng, i)]);
  std::map<std::string, std::string> renamed;
  for (Article& a : content.articles) {
    auto it = renamed.find(a.column);
    if (it == renamed.end()) {
      const bool rename = v.columns == "alt" || Chance(rng, 0.5);
      std::string name = a.column;
      if (rename && !free.empty()) {
        name = free.back();
        free.pop_back();
      }
      it = renamed.emplace(a.column, name).first;
    }
    a.column = it->second;
  }
  if (Chance(rng, v.columns == "alt" ? 0.6 : 0.3)) {
    content.brief_column = Pick(rng, kAltDigests);
    for (Brief& b : content.briefs) b.column = content.brief_column;
  }
}

}  // namespace qikan::samplegen
