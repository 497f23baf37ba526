#include "pipeline/review/review.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "models/errors.h"
#include "models/text.h"
#include "pipeline/archive/archive_lock.h"
#include "pipeline/run/issue_job.h"
#include "pipeline/version.h"

namespace qikan {
namespace fs = std::filesystem;
namespace {

std::optional<int> ParseIndex(std::string_view text) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// The line's text with its words' new texts: each word's old text is found in the old line text
// from where the previous one ended, so Tesseract's spacing between words is kept. Falls back
// to the words joined when the old texts cannot be found in order.
std::string RebuiltLineText(const OcrLine& original, const std::vector<OcrWord>& words) {
  std::string out;
  size_t cursor = 0;
  for (size_t i = 0; i < original.words.size() && i < words.size(); ++i) {
    const std::string& old_text = original.words[i].text;
    const size_t at = old_text.empty() ? cursor : original.text.find(old_text, cursor);
    if (at == std::string::npos) {
      std::string joined;
      for (const auto& word : words) joined += word.text;
      return joined;
    }
    out.append(original.text, cursor, at - cursor);
    out += words[i].text;
    cursor = at + old_text.size();
  }
  out.append(original.text, std::min(cursor, original.text.size()));
  return out;
}

void ApplyLine(OcrLine& line, const std::string& after) {
  line.text = after;
  if (line.words.empty()) return;
  // Layout reads a line from its words: the first carries the corrected text over the line's
  // whole extent, the others stay as empty boxes (which layout skips).
  Box extent = line.words.front().box;
  for (const auto& word : line.words) extent = extent.Union(word.box);
  for (auto& word : line.words) word.text.clear();
  line.words.front().text = after;
  line.words.front().box = extent;
}

struct FieldPath {
  std::string list;  // "issue", "toc", "articles", "briefs"
  size_t index = 0;
  std::string member;  // "title", "attribution.authors", ...
};

std::optional<FieldPath> ParseFieldPath(const std::string& field) {
  static const std::regex indexed(R"(^(toc|articles|briefs)\[(\d{1,5})\]\.([a-z_.]+)$)");
  static const std::regex issue(R"(^issue\.([a-z_]+)$)");
  std::smatch m;
  if (std::regex_match(field, m, indexed)) {
    return FieldPath{.list = m[1], .index = static_cast<size_t>(std::stoul(m[2])), .member = m[3]};
  }
  if (std::regex_match(field, m, issue)) return FieldPath{.list = "issue", .member = m[1]};
  return std::nullopt;
}

enum class FieldType { kText, kNumber, kNames };

std::optional<FieldType> MemberType(const FieldPath& path) {
  static const std::map<std::string, std::map<std::string, FieldType>> members = {
      {"issue",
       {{"title", FieldType::kText},
        {"edition", FieldType::kText},
        {"number", FieldType::kNumber},
        {"cumulative_number", FieldType::kNumber},
        {"publisher", FieldType::kText},
        {"date", FieldType::kText}}},
      {"toc", {{"column", FieldType::kText}, {"title", FieldType::kText}}},
      {"articles",
       {{"title", FieldType::kText},
        {"column", FieldType::kText},
        {"locality", FieldType::kText},
        {"attribution.organization", FieldType::kText},
        {"attribution.authors", FieldType::kNames}}},
      {"briefs", {{"text", FieldType::kText}, {"column", FieldType::kText}}},
  };
  const auto list = members.find(path.list);
  if (list == members.end()) return std::nullopt;
  const auto member = list->second.find(path.member);
  if (member == list->second.end()) return std::nullopt;
  return member->second;
}

nlohmann::json OptionalJson(const std::optional<int>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json OptionalJson(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

[[noreturn]] void BadField(const std::string& field, const std::string& why) {
  throw QikanError(ExitStatus::kUsage, "", fmt::format("cannot correct {}: {}", field, why));
}

}  // namespace

std::string TextTarget::Id() const {
  return IsLine() ? fmt::format("b{}.l{}", block, line) : fmt::format("b{}.l{}.w{}", block, line, word);
}

std::optional<TextTarget> ParseTextTarget(std::string_view id) {
  auto part = [&](char letter) -> std::optional<int> {
    if (id.empty() || id.front() != letter) return std::nullopt;
    const size_t dot = id.find('.');
    const std::string_view digits = id.substr(1, dot == std::string_view::npos ? id.npos : dot - 1);
    id = dot == std::string_view::npos ? std::string_view() : id.substr(dot + 1);
    return ParseIndex(digits);
  };
  const bool has_word = std::count(id.begin(), id.end(), '.') == 2;
  if (!has_word && std::count(id.begin(), id.end(), '.') != 1) return std::nullopt;
  const auto block = part('b');
  const auto line = part('l');
  if (!block || !line) return std::nullopt;
  TextTarget target{.block = *block, .line = *line};
  if (has_word) {
    const auto word = part('w');
    if (!word) return std::nullopt;
    target.word = *word;
  }
  if (!id.empty()) return std::nullopt;
  return target;
}

std::optional<std::string> TextAt(const OcrPage& page, const TextTarget& target) {
  if (target.block < 0 || static_cast<size_t>(target.block) >= page.blocks.size()) return std::nullopt;
  const auto& lines = page.blocks[static_cast<size_t>(target.block)].lines;
  if (target.line < 0 || static_cast<size_t>(target.line) >= lines.size()) return std::nullopt;
  const OcrLine& line = lines[static_cast<size_t>(target.line)];
  if (target.IsLine()) return line.text;
  if (static_cast<size_t>(target.word) >= line.words.size()) return std::nullopt;
  return line.words[static_cast<size_t>(target.word)].text;
}

const char* CorrectionOutcomeName(CorrectionOutcome outcome) {
  switch (outcome) {
    case CorrectionOutcome::kApplied:
      return "applied";
    case CorrectionOutcome::kStale:
      return "stale";
    case CorrectionOutcome::kSuperseded:
      return "superseded";
  }
  return "applied";
}

std::vector<CorrectionResult> ApplyTextCorrections(std::vector<OcrPage>& pages,
                                                   const std::vector<CorrectionRow>& corrections) {
  std::vector<CorrectionResult> results;
  for (const auto& c : corrections) {
    if (c.page >= 1) results.push_back({.correction = c});
  }
  // The latest correction per target, and per line the latest line-level one.
  std::map<std::pair<int, std::string>, size_t> latest;
  for (size_t i = 0; i < results.size(); ++i) {
    latest[{results[i].correction.page, results[i].correction.target}] = i;
  }
  std::map<std::tuple<int, int, int>, int64_t> line_corrected_at;  // (page, block, line) -> id
  std::vector<std::optional<TextTarget>> targets(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    const CorrectionRow& c = results[i].correction;
    targets[i] = ParseTextTarget(c.target);
    if (latest[{c.page, c.target}] != i) {
      results[i].outcome = CorrectionOutcome::kSuperseded;
    } else if (targets[i] && targets[i]->IsLine()) {
      line_corrected_at[{c.page, targets[i]->block, targets[i]->line}] = c.id;
    }
  }
  // Word corrections made after a line's correction win over it; earlier ones lose to it.
  std::map<std::tuple<int, int, int>, int64_t> newest_word_at;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].outcome != CorrectionOutcome::kApplied || !targets[i] || targets[i]->IsLine()) {
      continue;
    }
    const auto line_key = std::make_tuple(results[i].correction.page, targets[i]->block, targets[i]->line);
    auto& newest = newest_word_at[line_key];
    newest = std::max(newest, results[i].correction.id);
  }
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].outcome != CorrectionOutcome::kApplied || !targets[i]) continue;
    const auto line_key =
        std::make_tuple(results[i].correction.page, targets[i]->block, targets[i]->line);
    const auto line_at = line_corrected_at.find(line_key);
    if (line_at == line_corrected_at.end()) continue;
    if (targets[i]->IsLine()) {
      if (newest_word_at[line_key] > results[i].correction.id) {
        results[i].outcome = CorrectionOutcome::kSuperseded;
      }
    } else if (results[i].correction.id < line_at->second) {
      results[i].outcome = CorrectionOutcome::kSuperseded;
    }
  }

  // Check every survivor against the OCR as read, then apply: lines first, then words.
  const std::vector<OcrPage> original = pages;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].outcome != CorrectionOutcome::kApplied) continue;
    const CorrectionRow& c = results[i].correction;
    const bool in_range = static_cast<size_t>(c.page) <= original.size() && targets[i];
    const auto text = in_range ? TextAt(original[static_cast<size_t>(c.page - 1)], *targets[i])
                               : std::nullopt;
    if (!text || *text != c.before) results[i].outcome = CorrectionOutcome::kStale;
  }
  std::set<std::tuple<int, int, int>> touched_by_words;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].outcome != CorrectionOutcome::kApplied) continue;
      const TextTarget& t = *targets[i];
      if (t.IsLine() != (pass == 0)) continue;
      const CorrectionRow& c = results[i].correction;
      OcrLine& line = pages[static_cast<size_t>(c.page - 1)]
                          .blocks[static_cast<size_t>(t.block)]
                          .lines[static_cast<size_t>(t.line)];
      if (t.IsLine()) {
        ApplyLine(line, c.after);
      } else {
        line.words[static_cast<size_t>(t.word)].text = c.after;
        touched_by_words.insert({c.page, t.block, t.line});
      }
    }
  }
  for (const auto& [page, block, line_index] : touched_by_words) {
    const OcrLine& before = original[static_cast<size_t>(page - 1)]
                                .blocks[static_cast<size_t>(block)]
                                .lines[static_cast<size_t>(line_index)];
    OcrLine& line = pages[static_cast<size_t>(page - 1)]
                        .blocks[static_cast<size_t>(block)]
                        .lines[static_cast<size_t>(line_index)];
    line.text = RebuiltLineText(before, line.words);
  }
  return results;
}

std::optional<nlohmann::json> StructureField(const IssueRecord& record, const std::string& field) {
  const auto path = ParseFieldPath(field);
  if (!path || !MemberType(*path)) return std::nullopt;
  const std::string& m = path->member;
  if (path->list == "issue") {
    const IssueInfo& i = record.issue;
    if (m == "title") return i.title;
    if (m == "edition") return i.edition;
    if (m == "number") return OptionalJson(i.number);
    if (m == "cumulative_number") return OptionalJson(i.cumulative_number);
    if (m == "publisher") return i.publisher;
    return i.date;
  }
  if (path->list == "toc") {
    if (path->index >= record.toc.size()) return std::nullopt;
    const TocEntry& t = record.toc[path->index];
    return m == "column" ? nlohmann::json(t.column) : OptionalJson(t.title);
  }
  if (path->list == "briefs") {
    if (path->index >= record.briefs.size()) return std::nullopt;
    const Brief& b = record.briefs[path->index];
    return m == "text" ? b.text : b.column;
  }
  if (path->index >= record.articles.size()) return std::nullopt;
  const Article& a = record.articles[path->index];
  if (m == "title") return a.title;
  if (m == "column") return a.column;
  if (m == "locality") return OptionalJson(a.locality);
  if (m == "attribution.organization") {
    return a.attribution ? a.attribution->organization : std::string();
  }
  return a.attribution ? nlohmann::json(a.attribution->authors) : nlohmann::json::array();
}

void SetStructureField(IssueRecord& record, const std::string& field, const nlohmann::json& value) {
  const auto path = ParseFieldPath(field);
  const auto type = path ? MemberType(*path) : std::nullopt;
  if (!type) BadField(field, "not a field a reviewer can correct");
  if (!StructureField(record, field)) BadField(field, "the record has no such entry");
  switch (*type) {
    case FieldType::kText:
      if (!value.is_string()) BadField(field, "the value must be a string");
      break;
    case FieldType::kNumber:
      if (!value.is_null() && !value.is_number_integer()) {
        BadField(field, "the value must be an integer or null");
      }
      break;
    case FieldType::kNames:
      if (!value.is_array() ||
          !std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
        BadField(field, "the value must be an array of names");
      }
      break;
  }
  const std::string& m = path->member;
  auto text = [&] { return value.get<std::string>(); };
  auto number = [&] { return value.is_null() ? std::nullopt : std::optional(value.get<int>()); };
  if (path->list == "issue") {
    IssueInfo& i = record.issue;
    if (m == "title") i.title = text();
    if (m == "edition") i.edition = text();
    if (m == "number") i.number = number();
    if (m == "cumulative_number") i.cumulative_number = number();
    if (m == "publisher") i.publisher = text();
    if (m == "date") i.date = text();
  } else if (path->list == "toc") {
    TocEntry& t = record.toc[path->index];
    if (m == "column") t.column = text();
    if (m == "title") t.title = text();
  } else if (path->list == "briefs") {
    Brief& b = record.briefs[path->index];
    if (m == "text") b.text = text();
    if (m == "column") b.column = text();
  } else {
    Article& a = record.articles[path->index];
    if (m == "title") a.title = text();
    if (m == "column") a.column = text();
    if (m == "locality") a.locality = text().empty() ? std::nullopt : std::optional(text());
    if (m.starts_with("attribution.") && !a.attribution) a.attribution = Attribution{};
    if (m == "attribution.organization") a.attribution->organization = text();
    if (m == "attribution.authors") a.attribution->authors = value.get<std::vector<std::string>>();
  }
}

std::string StoredValue(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

nlohmann::json ValueFromStored(const std::string& field, const std::string& stored) {
  const auto path = ParseFieldPath(field);
  const auto type = path ? MemberType(*path) : std::nullopt;
  if (type && *type != FieldType::kText) {
    auto parsed = nlohmann::json::parse(stored, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  return stored;
}

std::optional<std::string> LinkedTitleField(const IssueRecord& parsed, const std::string& field) {
  const auto path = ParseFieldPath(field);
  if (!path || path->member != "title" || (path->list != "articles" && path->list != "toc")) {
    return std::nullopt;
  }
  const bool from_article = path->list == "articles";
  if (path->index >= (from_article ? parsed.articles.size() : parsed.toc.size())) return std::nullopt;
  std::string title, column;
  if (from_article) {
    title = parsed.articles[path->index].title;
    column = parsed.articles[path->index].column;
  } else {
    title = parsed.toc[path->index].title.value_or("");
    column = parsed.toc[path->index].column;
  }
  if (title.empty()) return std::nullopt;
  std::optional<std::string> best;
  double best_cer = 1.0 / 3 + 1e-9;
  const size_t others = from_article ? parsed.toc.size() : parsed.articles.size();
  for (size_t i = 0; i < others; ++i) {
    const std::string other = from_article ? parsed.toc[i].title.value_or("") : parsed.articles[i].title;
    const std::string& other_column = from_article ? parsed.toc[i].column : parsed.articles[i].column;
    if (other.empty()) continue;
    // The same column breaks a tie between two near titles.
    const double cer = CharacterErrorRate(other, title) - (other_column == column ? 1e-6 : 0);
    if (cer < best_cer) {
      best_cer = cer;
      best = fmt::format("{}[{}].title", from_article ? "toc" : "articles", i);
    }
  }
  return best;
}

std::vector<CorrectionResult> ApplyStructureCorrections(
    IssueRecord& record, const std::vector<CorrectionRow>& corrections) {
  std::vector<CorrectionResult> results;
  std::map<std::string, size_t> latest;
  for (const auto& c : corrections) {
    if (c.page != 0) continue;
    latest[c.target] = results.size();
    results.push_back({.correction = c});
  }
  const IssueRecord parsed = record;
  for (size_t i = 0; i < results.size(); ++i) {
    const CorrectionRow& c = results[i].correction;
    if (latest[c.target] != i) {
      results[i].outcome = CorrectionOutcome::kSuperseded;
      continue;
    }
    const auto current = StructureField(parsed, c.target);
    if (!current || StoredValue(*current) != c.before) {
      results[i].outcome = CorrectionOutcome::kStale;
      continue;
    }
    try {
      SetStructureField(record, c.target, ValueFromStored(c.target, c.after));
    } catch (const QikanError&) {
      results[i].outcome = CorrectionOutcome::kStale;
      continue;
    }
    // The other half of a title reads as the corrected one reads, unless corrected itself.
    const auto linked = LinkedTitleField(parsed, c.target);
    if (linked && !latest.count(*linked)) {
      SetStructureField(record, *linked, ValueFromStored(c.target, c.after));
      results[i].linked_field = *linked;
    }
  }
  return results;
}

bool IsPageJobReview(const ReviewItem& item) {
  // The reasons pipeline/run/page_job.cpp gives; everything else comes from the structure parser
  // (and ParseIssueStructure's profile-unknown), which a rebuild runs again.
  // low-confidence: the flag records written before estimated-error carry.
  return item.reason == "estimated-error" || item.reason == "low-confidence" ||
         item.reason == "page-failed" ||
         item.reason == "stage-failed";
}

RebuiltIssue BuildCorrectedIssue(const IssueRecord& archived, const std::vector<OcrPage>& ocr,
                                 const std::vector<CorrectionRow>& corrections,
                                 const std::vector<PublicationProfile>& profiles,
                                 const StructureOptions& options) {
  RebuiltIssue out;
  out.pages = ocr;
  out.results = ApplyTextCorrections(out.pages, corrections);

  IssueRecord record = archived;
  record.profile.clear();
  record.issue = {};
  record.toc.clear();
  record.articles.clear();
  record.briefs.clear();
  record.colophon = {};
  record.corrections.clear();
  std::erase_if(record.review, [](const ReviewItem& item) { return !IsPageJobReview(item); });
  std::vector<PublicationProfile> chosen;
  for (const auto& profile : profiles) {
    if (profile.id == archived.profile) chosen.push_back(profile);
  }
  ParseIssueStructure(out.pages, chosen.empty() ? profiles : chosen, options, record);
  out.parsed = record;

  auto structure = ApplyStructureCorrections(record, corrections);
  out.results.insert(out.results.end(), structure.begin(), structure.end());
  for (const auto& result : out.results) {
    if (result.outcome != CorrectionOutcome::kApplied) continue;
    const CorrectionRow& c = result.correction;
    record.corrections.push_back(Correction{.page = c.page,
                                            .field = c.page > 0 ? "ocr." + c.target : c.target,
                                            .before = c.before,
                                            .after = c.after,
                                            .source = "reviewer:" + c.reviewer});
  }
  out.record = std::move(record);
  return out;
}

nlohmann::json RecordJsonWithCorrectionTimes(const RebuiltIssue& issue,
                                             const std::vector<ReviewPageRow>& decisions) {
  nlohmann::json out = issue.record;
  std::vector<const CorrectionResult*> applied;
  for (const auto& result : issue.results) {
    if (result.outcome == CorrectionOutcome::kApplied) applied.push_back(&result);
  }
  // The reviewers' corrections are the last entries, in the order of `applied`.
  auto& list = out["corrections"];
  const size_t first = list.size() - applied.size();
  for (size_t i = 0; i < applied.size(); ++i) {
    list[first + i]["at"] = applied[i]->correction.created_at;
    if (!applied[i]->linked_field.empty()) {
      list[first + i]["also"] = nlohmann::json::array({applied[i]->linked_field});
    }
  }
  nlohmann::json decided = nlohmann::json::array();
  for (const auto& d : decisions) {
    if (d.decided_at.empty() || d.status == ReviewStatus::kOpen) continue;
    decided.push_back({{"page", d.page},
                       {"decision", ReviewStatusName(d.status)},
                       {"reviewer", d.reviewer},
                       {"at", d.decided_at},
                       {"comment", d.comment}});
  }
  out["decisions"] = std::move(decided);
  return out;
}

std::string LocalTime(const std::string& utc) {
  std::tm parts{};
  std::istringstream in(utc);
  in >> std::get_time(&parts, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return utc;
  const std::time_t when = ::timegm(&parts);
  std::tm local{};
  ::localtime_r(&when, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
  return text;
}

std::string IssueLabel(const IssueRow& issue) {
  std::string label = issue.title;
  if (issue.number) label += fmt::format("{}第{}期", label.empty() ? "" : " ", *issue.number);
  if (issue.cumulative_number) label += fmt::format("（总第{}期）", *issue.cumulative_number);
  if (!issue.date.empty()) label += (label.empty() ? "" : " ") + issue.date;
  if (!issue.edition.empty() && !label.empty()) label += " " + issue.edition;
  return label.empty() ? issue.key : label;
}

IssueRecord ReadIssueRecord(const Archive& archive, const std::string& key) {
  const fs::path path = archive.IssueDir(key) / "record.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw QikanError(ExitStatus::kArchiveError, path.string(), "cannot open the record");
  try {
    return nlohmann::json::parse(in).get<IssueRecord>();
  } catch (const nlohmann::json::exception& e) {
    throw QikanError(ExitStatus::kArchiveError, path.string(),
                     std::string("not a readable record: ") + e.what());
  }
}

namespace {

// The parser's review items are dropped by a rebuild and made again; so are the number checks
// against the other issues (the run made them after parsing).
void AddNumberChecks(const Catalog& catalog, const std::string& key, IssueRecord& record) {
  for (auto& item : CheckIssueNumbersInCatalog(catalog, key, record.issue)) {
    record.review.push_back(std::move(item));
  }
}

// The record, its text and the deliverables, rewritten together.
void WriteRebuilt(const Archive& archive, const std::string& key, const RebuiltIssue& rebuilt,
                  const std::vector<OcrPage>& pages, const std::vector<ReviewPageRow>& decisions) {
  archive.RewriteIssue(key, rebuilt.record, pages, RecordJsonWithCorrectionTimes(rebuilt, decisions));
}

}  // namespace

std::vector<std::string> ReapplyCorrections(const Archive& archive, Catalog& catalog,
                                            const std::vector<PublicationProfile>& profiles,
                                            const StructureOptions& options) {
  std::vector<std::string> rebuilt_keys;
  for (const auto& issue : catalog.Issues()) {
    const std::vector<CorrectionRow> corrections = catalog.Corrections(issue.key);
    if (corrections.empty() || !archive.HasIssue(issue.key)) continue;
    try {
      const IssueLock lock(archive.root(), issue.key);
      const IssueRecord archived = ReadIssueRecord(archive, issue.key);
      const std::vector<OcrPage> pages = LoadOcrPages(archive.IssueDir(issue.key));
      RebuiltIssue rebuilt = BuildCorrectedIssue(archived, pages, corrections, profiles,
                                                 WithKnownNames(options, catalog, issue.key));
      AddNumberChecks(catalog, issue.key, rebuilt.record);
      if (nlohmann::json(rebuilt.record) == nlohmann::json(archived)) continue;
      WriteRebuilt(archive, issue.key, rebuilt, pages, catalog.DecidedPages(issue.key));
      catalog.RecommitIssue(issue.key, rebuilt.record);
      rebuilt_keys.push_back(issue.key);
    } catch (const std::exception& e) {
      spdlog::warn("{}: corrections not re-applied: {}", issue.key, e.what());
    }
  }
  return rebuilt_keys;
}

namespace {

RebuiltIssue Rebuild(const Archive& archive, Catalog& catalog, const std::string& key,
                     const std::vector<PublicationProfile>& profiles,
                     const StructureOptions& options, bool reparse) {
  // Read, rebuilt and swapped in while no run commits this issue (a run's forced reread).
  const IssueLock lock(archive.root(), key);
  IssueRecord archived = ReadIssueRecord(archive, key);
  if (reparse) {
    archived.profile.clear();  // chosen again from the masthead
    archived.parser_version = QIKAN_VERSION;
  }
  const std::vector<OcrPage> pages = LoadOcrPages(archive.IssueDir(key));
  RebuiltIssue rebuilt =
      BuildCorrectedIssue(archived, pages, catalog.Corrections(key), profiles,
                          WithKnownNames(options, catalog, key));
  AddNumberChecks(catalog, key, rebuilt.record);
  WriteRebuilt(archive, key, rebuilt, pages, catalog.DecidedPages(key));
  catalog.RecommitIssue(key, rebuilt.record);
  return rebuilt;
}

}  // namespace

RebuiltIssue RebuildIssue(const Archive& archive, Catalog& catalog, const std::string& key,
                          const std::vector<PublicationProfile>& profiles,
                          const StructureOptions& options) {
  return Rebuild(archive, catalog, key, profiles, options, /*reparse=*/false);
}

RebuiltIssue ReparseIssue(const Archive& archive, Catalog& catalog, const std::string& key,
                          const std::vector<PublicationProfile>& profiles,
                          const StructureOptions& options) {
  return Rebuild(archive, catalog, key, profiles, options, /*reparse=*/true);
}

}  // namespace qikan
