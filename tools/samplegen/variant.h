#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

#include "tools/samplegen/content.h"

namespace qikan::samplegen {

// The ways one issue of a newsletter differs in print from another (issue 13): a sample is the
// content set with one value of each axis. Every default is the seed's print, so a sample made
// without variant options is what it always was.
struct Variant {
  std::string toc = "inline";  // inline | stacked | banner | none
  int toc_indent = 2;          // stacked and banner: titles indented by this many characters
  bool toc_page_numbers = false;
  bool toc_label_bold = true;     // column names in bold Hei, or in the titles' face      // dot
                                  // leaders and the start page after each title
  std::string columns = "seed";   // column names: seed | alt | mixed
  std::string layout = "single";  // single | two-column | three-column
  std::string heading_span = "full";  // full | column (multi-column layouts)
  bool column_rule = false;
  std::string column_widths = "equal";   // equal | unequal
  std::string heading_font = "default";  // default (follows --font) | song | hei | kai
  bool heading_bold = true;
  std::string heading_align = "centre";  // centre | left
  std::string edition;                   // empty: the content's own
  std::string folio = "centre";          // centre | outer
  std::string title;                     // empty: the content's own
  std::string publisher;                 // empty: the content's own
  bool plausible_numbers = false;        // number and cumulative number follow the date
};

// What the command line set explicitly; unset axes take the drawn (or default) value.
struct VariantOverrides {
  std::optional<std::string> toc;
  std::optional<int> toc_indent;
  std::optional<bool> toc_page_numbers;
  std::optional<bool> toc_label_bold;
  std::optional<std::string> columns;
  std::optional<std::string> layout;
  std::optional<std::string> heading_span;
  std::optional<bool> column_rule;
  std::optional<std::string> column_widths;
  std::optional<std::string> heading_font;
  std::optional<bool> heading_bold;
  std::optional<std::string> heading_align;
  std::optional<std::string> edition;
  std::optional<std::string> folio;
  std::optional<std::string> title;
  std::optional<std::string> publisher;

  bool Any() const;
};

// Draws every axis from its own generator seeded by `seed` (the draws do not depend on any
// other seed, and an override does not shift the other axes' draws).
Variant DrawVariant(uint32_t seed);

// `base` with the overrides applied; throws on a value no axis has.
Variant ApplyOverrides(Variant base, const VariantOverrides& overrides);

nlohmann::ordered_json VariantJson(const Variant& v);

// The content as this variant prints it: column names renamed, edition, masthead title and
// publisher replaced, the issue numbers made to follow the date. `seed` draws the new names.
void ApplyVariantToContent(const Variant& v, uint32_t seed, IssueContent& content);

// Column names the Hangzhou profile does not list, and digest names other than 信息摘登.
const std::vector<std::string>& AltColumnNames();
const std::vector<std::string>& AltDigestNames();

}  // namespace qikan::samplegen
