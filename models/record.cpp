#include "models/record.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "models/json_fields.h"

namespace qikan {

std::string IssueRecord::Text() const {
  std::string out;
  for (const auto& page : pages) {
    if (!out.empty()) out += '\f';
    out += page.text;
  }
  return out;
}

QIKAN_JSON_FIELDS(Box, x, y, width, height)
QIKAN_JSON_FIELDS(OcrWord, text, box, confidence)
QIKAN_JSON_FIELDS(OcrLine, text, box, confidence, words, estimated_cer)
QIKAN_JSON_FIELDS(OcrBlock, box, lines)
QIKAN_JSON_FIELDS(OcrPage, width, height, blocks, ink)

// The grid's cells as hex digits, four cells a digit, row after row: a page's grid holds some
// hundred thousand cells.
void to_json(nlohmann::json& j, const InkGrid& v) {
  if (v.Empty()) {
    j = nullptr;
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve((v.inked.size() + 3) / 4);
  for (size_t i = 0; i < v.inked.size(); i += 4) {
    int digit = 0;
    for (size_t k = 0; k < 4; ++k) digit = digit << 1 | (i + k < v.inked.size() && v.inked[i + k]);
    hex += kHex[digit];
  }
  j = {{"cell", v.cell}, {"columns", v.columns}, {"rows", v.rows}, {"hex", hex}};
}

void from_json(const nlohmann::json& j, InkGrid& v) {
  v = InkGrid{};
  if (!j.is_object()) return;
  const std::string hex = j.value("hex", std::string());
  const int columns = j.value("columns", 0), rows = j.value("rows", 0);
  const size_t n =
      static_cast<size_t>(std::max(0, columns)) * static_cast<size_t>(std::max(0, rows));
  if (n == 0 || hex.size() != (n + 3) / 4) return;  // not whole: no grid, the boxes decide
  v.cell = j.value("cell", 0.0);
  v.columns = columns;
  v.rows = rows;
  v.inked.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const char c = hex[i / 4];
    const int digit = c >= 'a' ? c - 'a' + 10 : c - '0';
    v.inked[i] = digit >> (3 - i % 4) & 1;
  }
}
QIKAN_JSON_FIELDS(SourceInfo, file, sha256, pages)
QIKAN_JSON_FIELDS(DoubtEvidence, missing, excess, low, garbled, latin, unsure, lost_lines,
                  surprise, unpaired, stray, disagree,
                  chars, lines_lost, lines_rescued)
QIKAN_JSON_FIELDS(PageRecord, index, dpi, native_resolution, width,
                                                height, rotation, skew_degrees, skew_confidence,
                                                scale, mean_confidence, estimated_cer, doubt, text, lines)

// A line's words are runs of consecutive words of OCR lines, kept as [block, line, first word,
// count]: a page's lines name thousands of words.
void to_json(nlohmann::json& j, const PageLine& v) {
  nlohmann::json runs = nlohmann::json::array();
  for (size_t i = 0; i < v.words.size();) {
    size_t k = i + 1;
    while (k < v.words.size() && v.words[k].block == v.words[i].block &&
           v.words[k].line == v.words[i].line &&
           v.words[k].word == v.words[i].word + static_cast<int>(k - i)) {
      ++k;
    }
    runs.push_back({v.words[i].block, v.words[i].line, v.words[i].word, k - i});
    i = k;
  }
  j = {{"words", runs}, {"column", v.column}, {"role", v.role}, {"item", v.item}};
}

void from_json(const nlohmann::json& j, PageLine& v) {
  v = PageLine{.column = j.value("column", 0), .role = j.value("role", ""), .item = j.value("item", -1)};
  for (const auto& run : j.value("words", nlohmann::json::array())) {
    const int block = run.at(0).get<int>(), line = run.at(1).get<int>(), first = run.at(2).get<int>();
    for (int k = 0; k < run.at(3).get<int>(); ++k) {
      v.words.push_back(WordRef{.block = block, .line = line, .word = first + k});
    }
  }
}
QIKAN_JSON_FIELDS(ReviewItem, page, reason, detail)

QIKAN_JSON_FIELDS(Colophon, distribution, editor, phone)
QIKAN_JSON_FIELDS(Correction, page, field, before, after, source)

namespace {

// Optional fields are written as null, as the record schema has them.
template <typename T>
nlohmann::json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

template <typename T>
std::optional<T> OptionalAt(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

}  // namespace

void to_json(nlohmann::json& j, const IssueInfo& v) {
  j = {{"title", v.title},
       {"edition", v.edition},
       {"number", OrNull(v.number)},
       {"cumulative_number", OrNull(v.cumulative_number)},
       {"publisher", v.publisher},
       {"date", v.date}};
}

void from_json(const nlohmann::json& j, IssueInfo& v) {
  v.title = j.value("title", "");
  v.edition = j.value("edition", "");
  v.number = OptionalAt<int>(j, "number");
  v.cumulative_number = OptionalAt<int>(j, "cumulative_number");
  v.publisher = j.value("publisher", "");
  v.date = j.value("date", "");
}

void to_json(nlohmann::json& j, const TocEntry& v) {
  j = {{"column", v.column}, {"title", OrNull(v.title)}};
  if (v.count) j["count"] = *v.count;
  if (v.page) j["page"] = *v.page;
}

void from_json(const nlohmann::json& j, TocEntry& v) {
  v.column = j.value("column", "");
  v.title = OptionalAt<std::string>(j, "title");
  v.count = OptionalAt<int>(j, "count");
  v.page = OptionalAt<int>(j, "page");
}

void to_json(nlohmann::json& j, const Attribution& v) {
  j = {{"raw", v.raw}, {"organization", v.organization}, {"authors", v.authors}};
}

void from_json(const nlohmann::json& j, Attribution& v) {
  v.raw = j.value("raw", "");
  v.organization = j.value("organization", "");
  v.authors = j.value("authors", std::vector<std::string>{});
}

void to_json(nlohmann::json& j, const Article& v) {
  j = {{"column", v.column},
       {"title", v.title},
       {"locality", OrNull(v.locality)},
       {"start_page", v.start_page},
       {"end_page", v.end_page},
       {"paragraphs", v.paragraphs},
       {"attribution", OrNull(v.attribution)}};
}

void from_json(const nlohmann::json& j, Article& v) {
  v.column = j.value("column", "");
  v.title = j.value("title", "");
  v.locality = OptionalAt<std::string>(j, "locality");
  v.start_page = j.value("start_page", 0);
  v.end_page = j.value("end_page", 0);
  v.paragraphs = j.value("paragraphs", std::vector<std::string>{});
  v.attribution = OptionalAt<Attribution>(j, "attribution");
}

void to_json(nlohmann::json& j, const Brief& v) {
  j = {{"column", v.column},
       {"text", v.text},
       {"page", v.page},
       {"attribution", OrNull(v.attribution)}};
}

void from_json(const nlohmann::json& j, Brief& v) {
  v.column = j.value("column", "");
  v.text = j.value("text", "");
  v.page = j.value("page", 0);
  v.attribution = OptionalAt<Attribution>(j, "attribution");
}

void to_json(nlohmann::json& j, const ModelUsed& v) {
  j = nlohmann::json{{"role", v.role}, {"file", v.file}, {"sha256", v.sha256}};
}

void from_json(const nlohmann::json& j, ModelUsed& v) {
  v.role = j.value("role", std::string());
  v.file = j.value("file", std::string());
  v.sha256 = j.value("sha256", std::string());
}

void to_json(nlohmann::json& j, const OcrProvenance& v) {
  j = nlohmann::json{{"engine", v.engine}, {"models", v.models}, {"settings_hash", v.settings_hash}};
}

void from_json(const nlohmann::json& j, OcrProvenance& v) {
  v.engine = j.value("engine", std::string());
  v.models = j.value("models", std::vector<ModelUsed>{});
  v.settings_hash = j.value("settings_hash", std::string());
}

void to_json(nlohmann::json& j, const IssueRecord& v) {
  j = nlohmann::json{{"schema", v.schema},
                     {"pipeline_version", v.pipeline_version},
                     {"source", v.source},
                     {"pages", v.pages},
                     // null: no profile matched (the generic one read the issue)
                     {"profile", v.profile.empty() ? nlohmann::json() : nlohmann::json(v.profile)},
                     {"issue", v.issue},
                     {"toc", v.toc},
                     {"articles", v.articles},
                     {"briefs", v.briefs},
                     {"colophon", v.colophon},
                     {"corrections", v.corrections},
                     {"review", v.review}};
  if (!v.parser_version.empty()) j["parser_version"] = v.parser_version;
  if (!v.ocr.empty()) j["ocr"] = v.ocr;
}

void from_json(const nlohmann::json& j, IssueRecord& v) {
  v.schema = j.value("schema", std::string(kIssueSchema));
  v.pipeline_version = j.value("pipeline_version", std::string());
  v.parser_version = j.value("parser_version", std::string());
  v.source = j.value("source", SourceInfo{});
  v.ocr = j.value("ocr", OcrProvenance{});
  v.pages = j.value("pages", std::vector<PageRecord>{});
  v.profile = j.contains("profile") && j["profile"].is_string() ? j["profile"].get<std::string>()
                                                                  : std::string();
  v.issue = j.value("issue", IssueInfo{});
  v.toc = j.value("toc", std::vector<TocEntry>{});
  v.articles = j.value("articles", std::vector<Article>{});
  v.briefs = j.value("briefs", std::vector<Brief>{});
  v.colophon = j.value("colophon", Colophon{});
  v.corrections = j.value("corrections", std::vector<Correction>{});
  v.review = j.value("review", std::vector<ReviewItem>{});
}

}  // namespace qikan
