#include "tools/samplegen/content.h"

#include <fstream>
#include <stdexcept>

#include "models/text.h"

namespace qikan::samplegen {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

char32_t FullWidthFor(char32_t c) {
  switch (c) {
    case U',':
      return U'，';
    case U':':
      return U'：';
    case U';':
      return U'；';
    case U'(':
      return U'（';
    case U')':
      return U'）';
    case U'!':
      return U'！';
    case U'?':
      return U'？';
    default:
      return 0;
  }
}

// The nearest character in `direction` that is not a space, or 0.
char32_t NeighbourOf(const std::u32string& text, size_t i, int direction) {
  for (auto k = static_cast<long>(i) + direction; k >= 0 && k < static_cast<long>(text.size());
       k += direction) {
    if (text[k] != U' ') return text[k];
  }
  return 0;
}

int ParseDatePart(const std::string& date, size_t begin, size_t length) {
  try {
    return std::stoi(date.substr(begin, length));
  } catch (const std::exception&) {
    throw std::runtime_error("issue date is not YYYY-MM-DD: " + date);
  }
}

Attribution ParseAttribution(const json& j) {
  Attribution a{
      .raw = ToPrintedPunctuation(j.value("raw", std::string())),
      .organization = ToPrintedPunctuation(j.value("organization", std::string())),
      .authors = j.value("authors", std::vector<std::string>{}),
  };
  if (a.raw.empty()) a.raw = FormatAttribution(a.organization, a.authors);
  return a;
}

ordered_json AttributionJson(const Attribution& a) {
  return ordered_json{{"raw", a.raw}, {"organization", a.organization}, {"authors", a.authors}};
}

}  // namespace

std::string EditionLine(const IssueInfo& issue) {
  std::u32string spaced;
  for (char32_t c : ToU32(issue.edition)) {
    if (!spaced.empty()) spaced += U' ';
    spaced += c;
  }
  return "（" + ToUtf8(spaced) + "）";
}

std::string IssueNumberLine(const IssueInfo& issue) {
  return "第 " + std::to_string(issue.number) + " 期（总第 " +
         std::to_string(issue.cumulative_number) + " 期）";
}

std::string PublisherLine(const IssueInfo& issue) { return issue.publisher + "编"; }

std::string DateLine(const IssueInfo& issue) {
  if (issue.date.size() != 10)
    throw std::runtime_error("issue date is not YYYY-MM-DD: " + issue.date);
  return std::to_string(ParseDatePart(issue.date, 0, 4)) + " 年 " +
         std::to_string(ParseDatePart(issue.date, 5, 2)) + " 月 " +
         std::to_string(ParseDatePart(issue.date, 8, 2)) + " 日";
}

std::string BriefColumnName() { return "信息摘登"; }

std::string BriefCountTitle(size_t count) { return std::to_string(count) + " 则"; }

std::string ToPrintedPunctuation(std::string_view text) {
  std::u32string s = ToU32(text);
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t wide = FullWidthFor(s[i]);
    if (wide == 0) continue;
    const char32_t before = NeighbourOf(s, i, -1);
    const char32_t after = NeighbourOf(s, i, +1);
    if ((before && IsCjk(before)) || (after && IsCjk(after))) s[i] = wide;
  }
  return ToUtf8(s);
}

std::string FormatAttribution(std::string_view organization,
                              const std::vector<std::string>& authors) {
  std::string out = "（";
  out += organization;
  for (const auto& name : authors) {
    std::u32string padded = ToU32(name);
    if (padded.size() == 2) padded.insert(1, 1, U' ');
    out += ' ';
    out += ToUtf8(padded);
  }
  return out + "）";
}

IssueContent ParseIssueContent(const json& j) {
  IssueContent c;
  const json& issue = j.at("issue");
  c.issue = IssueInfo{
      .title = issue.at("title").get<std::string>(),
      .edition = issue.value("edition", std::string("普刊")),
      .number = issue.at("number").get<int>(),
      .cumulative_number = issue.at("cumulative_number").get<int>(),
      .publisher = issue.at("publisher").get<std::string>(),
      .date = issue.at("date").get<std::string>(),
  };
  for (const json& a : j.value("articles", json::array())) {
    Article article{
        .column = a.at("column").get<std::string>(),
        .title = ToPrintedPunctuation(a.at("title").get<std::string>()),
        .locality = std::nullopt,
        .paragraphs = {},
        .attribution = ParseAttribution(a.value("attribution", json::object())),
    };
    if (a.contains("locality") && a["locality"].is_string()) {
      article.locality = a["locality"].get<std::string>();
    }
    for (const json& p : a.at("paragraphs")) {
      article.paragraphs.push_back(ToPrintedPunctuation(p.get<std::string>()));
    }
    c.articles.push_back(std::move(article));
  }
  for (const json& b : j.value("briefs", json::array())) {
    c.briefs.push_back(Brief{
        .column = b.value("column", BriefColumnName()),
        .text = ToPrintedPunctuation(b.at("text").get<std::string>()),
        .attribution = ParseAttribution(b.value("attribution", json::object())),
    });
  }
  if (!c.briefs.empty()) c.brief_column = c.briefs.front().column;
  const json colophon = j.value("colophon", json::object());
  for (const json& line : colophon.value("distribution", json::array())) {
    c.colophon.distribution.push_back(ToPrintedPunctuation(line.get<std::string>()));
  }
  c.colophon.editor = colophon.value("editor", std::string());
  c.colophon.phone = colophon.value("phone", std::string());
  return c;
}

IssueContent LoadIssueContent(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read issue content " + path);
  return ParseIssueContent(json::parse(in));
}

ordered_json ExpectedRecordJson(const IssueContent& content, const Placement& placement,
                                bool printed_toc) {
  const IssueInfo& issue = content.issue;
  ordered_json record;
  record["schema"] = "qikan.issue/1";
  record["issue"] =
      ordered_json{{"title", issue.title},         {"edition", issue.edition},
                   {"number", issue.number},       {"cumulative_number", issue.cumulative_number},
                   {"publisher", issue.publisher}, {"date", issue.date}};
  ordered_json toc = ordered_json::array();
  for (const Article& a : content.articles) {
    if (!printed_toc) break;
    toc.push_back(ordered_json{{"column", a.column}, {"title", a.title}});
  }
  if (printed_toc && !content.briefs.empty()) {
    toc.push_back(ordered_json{
        {"column", content.brief_column}, {"title", nullptr}, {"count", content.briefs.size()}});
  }
  record["toc"] = toc;
  ordered_json articles = ordered_json::array();
  for (size_t i = 0; i < content.articles.size(); ++i) {
    const Article& a = content.articles[i];
    const Placement::Span span =
        i < placement.articles.size() ? placement.articles[i] : Placement::Span{};
    articles.push_back(ordered_json{
        {"column", a.column},
        {"title", a.title},
        {"locality", a.locality ? ordered_json(*a.locality) : ordered_json(nullptr)},
        {"start_page", span.start_page},
        {"end_page", span.end_page},
        {"paragraphs", a.paragraphs},
        {"attribution", AttributionJson(a.attribution)},
    });
  }
  record["articles"] = articles;
  ordered_json briefs = ordered_json::array();
  for (size_t i = 0; i < content.briefs.size(); ++i) {
    const Brief& b = content.briefs[i];
    briefs.push_back(ordered_json{
        {"column", b.column},
        {"text", b.text},
        {"page", i < placement.briefs.size() ? placement.briefs[i] : 0},
        {"attribution", AttributionJson(b.attribution)},
    });
  }
  record["briefs"] = briefs;
  record["colophon"] = ordered_json{{"distribution", content.colophon.distribution},
                                    {"editor", content.colophon.editor},
                                    {"phone", content.colophon.phone}};
  return record;
}

}  // namespace qikan::samplegen
