#include "pipeline/run/evaluate.h"

#include <fmt/format.h>

#include <map>

#include "models/text.h"

namespace qikan {
namespace {

ItemScore Compare(const std::vector<std::string>& found, const std::vector<std::string>& expected,
                  const std::string& kind, std::vector<std::string>& misses) {
  std::map<std::string, int> pool;
  for (const auto& item : found) ++pool[item];
  ItemScore score{.expected = static_cast<int>(expected.size()),
                  .found = static_cast<int>(found.size())};
  for (const auto& item : expected) {
    if (pool[item] > 0) {
      --pool[item];
      ++score.matched;
    } else {
      misses.push_back(kind + ": " + item);
    }
  }
  return score;
}

std::string TocKey(const TocEntry& e) {
  return e.column + " | " + (e.title ? *e.title : fmt::format("{} 则", e.count.value_or(0)));
}

std::string AttributionKey(const std::optional<Attribution>& a) {
  if (!a) return "(none)";
  std::string key = a->organization + " |";
  for (const auto& author : a->authors) key += " " + author;
  return key;
}

std::string BodyText(const IssueRecord& r) {
  std::string text;
  for (const auto& article : r.articles) {
    for (const auto& paragraph : article.paragraphs) text += paragraph;
  }
  for (const auto& brief : r.briefs) text += brief.text;
  return text;
}

}  // namespace

double ItemScore::F1() const {
  const double p = Precision();
  const double r = Recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

StructureScore ScoreStructure(const IssueRecord& record, const IssueRecord& expected) {
  StructureScore score;
  auto field = [&](const char* name, const std::string& got, const std::string& want) {
    if (got == want) {
      ++score.masthead_matched;
    } else {
      score.masthead_mismatches.push_back(fmt::format("{}: '{}' != '{}'", name, got, want));
    }
  };
  auto number = [](const std::optional<int>& n) { return n ? std::to_string(*n) : "null"; };
  field("title", record.issue.title, expected.issue.title);
  field("edition", record.issue.edition, expected.issue.edition);
  field("number", number(record.issue.number), number(expected.issue.number));
  field("cumulative_number", number(record.issue.cumulative_number),
        number(expected.issue.cumulative_number));
  field("publisher", record.issue.publisher, expected.issue.publisher);
  field("date", record.issue.date, expected.issue.date);

  std::vector<std::string> found, want;
  for (const auto& e : record.toc) found.push_back(TocKey(e));
  for (const auto& e : expected.toc) want.push_back(TocKey(e));
  score.toc = Compare(found, want, "toc", score.misses);

  found.clear();
  want.clear();
  for (const auto& a : record.articles) found.push_back(a.column + " | " + a.title);
  for (const auto& a : expected.articles) want.push_back(a.column + " | " + a.title);
  score.headings = Compare(found, want, "heading", score.misses);

  found.clear();
  want.clear();
  for (const auto& a : record.articles) found.push_back(AttributionKey(a.attribution));
  for (const auto& b : record.briefs) found.push_back(AttributionKey(b.attribution));
  for (const auto& a : expected.articles) want.push_back(AttributionKey(a.attribution));
  for (const auto& b : expected.briefs) want.push_back(AttributionKey(b.attribution));
  score.attributions = Compare(found, want, "attribution", score.misses);

  found.clear();
  want.clear();
  for (const auto& b : record.briefs) found.push_back(b.column);
  for (const auto& b : expected.briefs) want.push_back(b.column);
  score.briefs = Compare(found, want, "brief", score.misses);

  score.body_cer = CharacterErrorRate(BodyText(expected), BodyText(record));
  return score;
}

std::vector<double> PageCers(const IssueRecord& record, const std::vector<std::string>& truth) {
  std::vector<double> cers;
  for (size_t i = 0; i < truth.size(); ++i) {
    const std::string text = i < record.pages.size() ? record.pages[i].text : std::string();
    cers.push_back(CharacterErrorRate(truth[i], text));
  }
  return cers;
}

}  // namespace qikan
