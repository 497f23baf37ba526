#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qikan::samplegen {

// What one issue says, in the shape of the expected record (qikan.issue/1) minus the page numbers,
// which only the layout knows. Text is stored as printed: full-width punctuation in CJK context.

struct Attribution {
  std::string raw;  // as printed, parentheses included: "（余杭区人大常委会办公室 符 腾）"
  std::string organization;
  std::vector<std::string> authors;  // unpadded names: "符腾"
};

struct IssueInfo {
  std::string title;
  std::string edition;  // "普刊" or "增刊"
  int number = 0;
  int cumulative_number = 0;
  std::string publisher;
  std::string date;  // ISO: 2025-07-11
};

struct Article {
  std::string column;
  std::string title;
  std::optional<std::string> locality;
  std::vector<std::string> paragraphs;
  Attribution attribution;
};

struct Brief {
  std::string column;
  std::string text;
  Attribution attribution;
};

struct Colophon {
  std::vector<std::string> distribution;
  std::string editor;
  std::string phone;  // printed as given, half-width parentheses included
};

struct IssueContent {
  IssueInfo issue;
  std::vector<Article> articles;
  std::vector<Brief> briefs;
  std::string brief_column = "信息摘登";  // the digest's column, as the TOC and banner print it
  Colophon colophon;
};

// Where the layout put each piece, 1-based page numbers.
struct Placement {
  struct Span {
    int start_page = 0;
    int end_page = 0;
  };
  std::vector<Span> articles;
  std::vector<int> briefs;  // page on which each brief starts
};

// The masthead lines as print shows them.
std::string EditionLine(const IssueInfo& issue);      // （普 刊）
std::string IssueNumberLine(const IssueInfo& issue);  // 第 5 期（总第 711 期）
std::string PublisherLine(const IssueInfo& issue);    // 杭州市人大常委会研究室编
std::string DateLine(const IssueInfo& issue);         // 2025 年 7 月 11 日
std::string BriefColumnName();                        // 信息摘登, the seed's digest
std::string BriefCountTitle(size_t count);            // 4 则

// Converts ASCII , : ; ( ) ! ? to their full-width forms where a neighbour is CJK, as print has
// them; digits and Latin text stay half-width.
std::string ToPrintedPunctuation(std::string_view text);

// "（建德市人大常委会办公室 唐方媛）": names of two characters are padded with a space.
std::string FormatAttribution(std::string_view organization,
                              const std::vector<std::string>& authors);

// Reads an issue-content JSON (the shape of expected-record.json); page fields are ignored and
// punctuation is brought to its printed form.
IssueContent ParseIssueContent(const nlohmann::json& j);
IssueContent LoadIssueContent(const std::string& path);

// The expected record of the printed issue, with page numbers from the layout; an issue printed
// without contents has an empty toc.
nlohmann::ordered_json ExpectedRecordJson(const IssueContent& content, const Placement& placement,
                                          bool printed_toc = true);

}  // namespace qikan::samplegen
