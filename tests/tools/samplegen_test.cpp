// qikan-samplegen's print variants (issue 13): for issues drawn with --vary, the truth's page
// text is in reading order and the expected record agrees with it, since qikan is scored
// against both. Runs the real generator at a low resolution: the layout is what is checked.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/scan_fixture.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

struct Sample {
  json truth;
  json expected;
  std::string err;
};

// Runs the generator on the seed content and reads back NAME.truth.json and NAME.expected.json.
Sample Generate(const testing::TempDir& dir, const std::string& args) {
  const std::string command =
      Quote(testing::BinaryPath("tools/samplegen/qikan-samplegen")) + " --content " +
      Quote(testing::SourcePath("samples/content/seed-2025-05.json")) +
      " --preset clean-300 --dpi 50 --master-dpi 100 --name s --out " + Quote(dir.path().string()) +
      " " + args + " 2>" + Quote((dir / "err").string()) + " >/dev/null";
  const int raw = std::system(command.c_str());
  Sample s{.err = testing::ReadFile(dir / "err")};
  EXPECT_TRUE(WIFEXITED(raw) && WEXITSTATUS(raw) == 0) << command << "\n" << s.err;
  s.truth = json::parse(testing::ReadFile(dir / "s.truth.json"));
  s.expected = json::parse(testing::ReadFile(dir / "s.expected.json"));
  return s;
}

std::string Strip(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n') out += c;
  }
  return out;
}

// Page text without the folio line, white space removed.
std::string BodyText(const std::string& page) {
  static const std::regex kFolio("^— \\d+ —$");
  std::string out;
  size_t start = 0;
  while (start <= page.size()) {
    size_t end = page.find('\n', start);
    if (end == std::string::npos) end = page.size();
    const std::string line = page.substr(start, end - start);
    if (!std::regex_match(line, kFolio)) out += Strip(line);
    start = end + 1;
  }
  return out;
}

// The pages from the first article's on, in order: what reading the issue must give.
struct Body {
  std::string text;
  int first_page = 2;
  std::vector<size_t> page_starts;  // offset of each page's text, first_page's first
  std::vector<size_t> page_sizes;

  int PageOf(size_t offset) const {
    int page = 0;
    for (size_t i = 0; i < page_starts.size(); ++i) {
      if (page_starts[i] <= offset && page_sizes[i] > 0) page = static_cast<int>(i);
    }
    return page + first_page;
  }
};

// Page 1 holds the masthead, then the contents or, without them, the first article.
Body ReadBody(const json& truth, bool has_contents) {
  Body body{.first_page = has_contents ? 2 : 1};
  const json& pages = truth.at("pages");
  for (size_t i = body.first_page - 1; i < pages.size(); ++i) {
    std::string text = BodyText(pages[i].at("text").get<std::string>());
    if (i == 0) text = text.substr(text.find("日") + std::string("日").size());  // the date line
    body.page_starts.push_back(body.text.size());
    body.page_sizes.push_back(text.size());
    body.text += text;
  }
  return body;
}

// Each variant covers a different corner: stacked contents with names no profile lists in
// unequal columns; stacked with leaders, another title, 3:2 columns; headings inside unequal
// columns; inline with leaders in three columns with headings inside them; banners in two
// columns with headings inside.
const std::vector<std::pair<int, int>> kVariants = {
    {2, 102}, {5, 105}, {11, 111}, {21, 121}, {25, 125}};

class VariedIssue : public ::testing::TestWithParam<std::pair<int, int>> {
 protected:
  void SetUp() override {
    const auto [vary, recombine] = GetParam();
    sample_ = Generate(dir_, "--vary " + std::to_string(vary) + " --recombine " +
                                 std::to_string(recombine) + " --seed " + std::to_string(vary));
  }
  testing::TempDir dir_;
  Sample sample_;
};

TEST_P(VariedIssue, RecordsTheDrawnVariant) {
  ASSERT_TRUE(sample_.truth.contains("variant"));
  EXPECT_EQ(sample_.truth["vary"].get<int>(), GetParam().first);
  EXPECT_NE(sample_.err.find("variant {"), std::string::npos) << sample_.err;
  EXPECT_EQ(sample_.truth["layout"], sample_.truth["variant"]["layout"]);
  const json& v = sample_.truth["variant"];
  if (v["edition"].is_string()) {
    EXPECT_EQ(sample_.expected["issue"]["edition"], v["edition"]);
  }
  if (v["title"].is_string()) {
    EXPECT_EQ(sample_.expected["issue"]["title"], v["title"]);
  }
}

TEST_P(VariedIssue, TocMatchesTheArticles) {
  const json& e = sample_.expected;
  const json& toc = e.at("toc");
  const json& articles = e.at("articles");
  ASSERT_EQ(toc.size(), articles.size() + (e.at("briefs").empty() ? 0 : 1));
  for (size_t i = 0; i < articles.size(); ++i) {
    EXPECT_EQ(toc[i]["column"], articles[i]["column"]) << i;
    EXPECT_EQ(toc[i]["title"], articles[i]["title"]) << i;
  }
  if (!e["briefs"].empty()) {
    EXPECT_EQ(toc.back()["count"].get<size_t>(), e["briefs"].size());
    for (const json& b : e["briefs"]) EXPECT_EQ(b["column"], toc.back()["column"]);
  }
}

// The contents page prints every column name once, then its titles, in the record's order,
// and with leaders each title's start page after it.
TEST_P(VariedIssue, ContentsPagePrintsTheToc) {
  const std::string page = Strip(sample_.truth["pages"][0]["text"].get<std::string>());
  size_t at = page.find("目录");
  ASSERT_NE(at, std::string::npos);
  std::string previous;
  const bool page_numbers = sample_.truth["variant"]["toc_page_numbers"].get<bool>();
  const json& articles = sample_.expected["articles"];
  for (size_t i = 0; i < sample_.expected["toc"].size(); ++i) {
    const json& entry = sample_.expected["toc"][i];
    const std::string column = entry["column"].get<std::string>();
    if (column != previous) {
      at = page.find(column, at);
      ASSERT_NE(at, std::string::npos) << column;
    }
    previous = column;
    const std::string title = entry["title"].is_string()
                                  ? Strip(entry["title"].get<std::string>())
                                  : std::to_string(entry["count"].get<int>()) + "则";
    at = page.find(title, at);
    ASSERT_NE(at, std::string::npos) << title;
    if (page_numbers && i < articles.size()) {
      const std::string after = page.substr(at + title.size());
      const std::string number = std::to_string(articles[i]["start_page"].get<int>());
      std::smatch m;
      ASSERT_TRUE(std::regex_search(after, m, std::regex("^((?:…)+)(\\d+)")));
      EXPECT_EQ(m[2].str(), number) << title;
    }
  }
}

// Headings, paragraphs and attributions read in the content's order across every column and
// page, then the digest, then the colophon; each article's pages are where its text is.
void ExpectContentOrder(const Sample& sample, bool has_contents) {
  const json& e = sample.expected;
  const Body body = ReadBody(sample.truth, has_contents);
  std::string want;
  std::vector<std::pair<size_t, size_t>> spans;
  for (const json& a : e["articles"]) {
    const size_t begin = want.size();
    want += Strip(a["title"].get<std::string>());
    for (const json& p : a["paragraphs"]) want += Strip(p.get<std::string>());
    want += Strip(a["attribution"]["raw"].get<std::string>());
    spans.emplace_back(begin, want.size());
  }
  std::vector<size_t> brief_starts;
  if (!e["briefs"].empty()) {
    want += e["briefs"][0]["column"].get<std::string>();
    for (const json& b : e["briefs"]) {
      brief_starts.push_back(want.size());
      want +=
          Strip(b["text"].get<std::string>()) + Strip(b["attribution"]["raw"].get<std::string>());
    }
  }
  want += "送：";
  ASSERT_GE(body.text.size(), want.size());
  size_t differ = 0;
  while (differ < want.size() && body.text[differ] == want[differ]) ++differ;
  ASSERT_EQ(differ, want.size()) << "truth: " << body.text.substr(differ > 30 ? differ - 30 : 0, 90)
                                 << "\nwant:  " << want.substr(differ > 30 ? differ - 30 : 0, 90);
  for (size_t i = 0; i < spans.size(); ++i) {
    const json& a = e["articles"][i];
    EXPECT_EQ(a["start_page"].get<int>(), body.PageOf(spans[i].first)) << a["title"];
    EXPECT_EQ(a["end_page"].get<int>(), body.PageOf(spans[i].second - 1)) << a["title"];
  }
  for (size_t i = 0; i < brief_starts.size(); ++i) {
    EXPECT_EQ(e["briefs"][i]["page"].get<int>(), body.PageOf(brief_starts[i])) << i;
  }
}

TEST_P(VariedIssue, TruthReadsInContentOrder) { ExpectContentOrder(sample_, true); }

// Drawn dates come with numbers that follow them: the cumulative number grows with the date.
TEST_P(VariedIssue, NumbersFollowTheDate) {
  const json& issue = sample_.expected["issue"];
  const std::string date = issue["date"].get<std::string>();
  const int year = std::stoi(date.substr(0, 4));
  const int number = issue["number"].get<int>();
  EXPECT_GE(number, 1);
  EXPECT_LE(number, 9);
  EXPECT_EQ(issue["cumulative_number"].get<int>() - number, 625 + (year - 2016) * 9);
}

INSTANTIATE_TEST_SUITE_P(Samplegen, VariedIssue, ::testing::ValuesIn(kVariants));

TEST(SamplegenVariant, AltColumnsAreNotInTheProfile) {
  std::ifstream in(testing::SourcePath("models/profiles/hangzhou-renda-xinxi.json"));
  const json profile = json::parse(in, nullptr, true, true);
  std::set<std::string> known;
  for (const json& c : profile["columns"]) known.insert(c.get<std::string>());
  testing::TempDir dir;
  const Sample s = Generate(dir, "--recombine 7 --columns alt");
  for (const json& a : s.expected["articles"]) {
    EXPECT_FALSE(known.count(a["column"].get<std::string>())) << a["column"];
  }
  EXPECT_EQ(s.truth["variant"]["columns"], "alt");
}

// The draws depend on --vary alone, and an explicit option wins over its draw.
TEST(SamplegenVariant, DrawIsIndependentOfOtherSeedsAndOverridable) {
  testing::TempDir a, b, c;
  const Sample first = Generate(a, "--vary 21 --recombine 3 --seed 1");
  const Sample second = Generate(b, "--vary 21 --recombine 4 --seed 2");
  EXPECT_EQ(first.truth["variant"], second.truth["variant"]);
  const Sample overridden = Generate(c, "--vary 21 --recombine 3 --layout single --toc stacked");
  json want = first.truth["variant"];
  want["layout"] = "single";
  want["toc"] = "stacked";
  EXPECT_EQ(overridden.truth["variant"], want);
}

// An issue printed without contents: its first article starts under the masthead, and its
// record has no toc.
TEST(SamplegenVariant, NoContentsStartsUnderTheMasthead) {
  testing::TempDir dir;
  const Sample s =
      Generate(dir, "--recombine 12 --toc none --layout two-column --heading-span column");
  EXPECT_TRUE(s.expected["toc"].empty());
  EXPECT_EQ(Strip(s.truth["pages"][0]["text"].get<std::string>()).find("目录"), std::string::npos);
  EXPECT_EQ(s.expected["articles"][0]["start_page"].get<int>(), 1);
  ExpectContentOrder(s, false);
}

// Without variant options the truth has no "variant" (scripts/make-samples checks the bytes).
TEST(SamplegenVariant, DefaultsRecordNoVariant) {
  testing::TempDir dir;
  const Sample s = Generate(dir, "--recombine 10");
  EXPECT_FALSE(s.truth.contains("variant"));
  EXPECT_EQ(s.expected["toc"].back()["column"], "信息摘登");
}

// A short issue asked for (at most 4 pages, which no draw of seed 13 sets on) is the first draw
// shortened from its end: the TOC still lists exactly the articles printed, in order.
TEST(SamplegenVariant, AShortIssueIsTheDrawShortenedToFit) {
  testing::TempDir dir;
  const Sample s = Generate(dir, "--recombine 13 --max-pages 4");
  EXPECT_EQ(s.truth["pages"].size(), 4u);
  const json& articles = s.expected["articles"];
  ASSERT_GE(articles.size(), 1u);
  size_t listed = 0;
  for (const auto& entry : s.expected["toc"]) {
    if (listed < articles.size() && entry["title"] == articles[listed]["title"]) ++listed;
  }
  EXPECT_EQ(listed, articles.size());
  ExpectContentOrder(s, true);
}

}  // namespace
}  // namespace qikan
