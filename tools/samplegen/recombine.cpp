#include "tools/samplegen/recombine.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "tools/samplegen/random.h"

namespace qikan::samplegen {
namespace {

const std::vector<std::string> kLocalities = {"上城区", "拱墅区", "西湖区", "滨江区", "萧山区",
                                              "余杭区", "临平区", "钱塘区", "富阳区", "临安区",
                                              "桐庐县", "淳安县", "建德市"};
const std::vector<std::string> kColumns = {"要闻速递", "监督纵横", "代表工作", "情况交流",
                                           "立法动态", "基层之声", "工作研究"};
const std::vector<std::string> kNames = {"王晓燕", "陈立群", "张伟",   "刘洋", "赵晨曦", "孙佳",
                                         "周文斌", "吴敏",   "郑海涛", "何静", "沈一鸣", "钱程",
                                         "楼倩倩", "方舟",   "蒋丽华", "俞斌", "潘越",   "章晓东"};

template <typename T>
void Shuffle(std::vector<T>& items, std::mt19937& rng) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[Below(rng, i)]);
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string StripSpaces(std::string name) {
  std::erase(name, ' ');
  return name;
}

std::vector<std::string> DrawAuthors(std::mt19937& rng, double none_chance) {
  std::vector<std::string> authors;
  if (Chance(rng, none_chance)) return authors;
  std::vector<std::string> names = kNames;
  Shuffle(names, rng);
  const size_t count = 1 + Below(rng, 3);
  for (size_t i = 0; i < count; ++i) authors.push_back(StripSpaces(names[i]));
  return authors;
}

// A locality none of the issue's pieces uses yet.
std::string FreshLocality(std::mt19937& rng, std::vector<std::string>& used) {
  std::vector<std::string> free;
  for (const std::string& l : kLocalities) {
    if (std::find(used.begin(), used.end(), l) == used.end()) free.push_back(l);
  }
  if (free.empty()) free = kLocalities;
  std::string pick = free[Below(rng, free.size())];
  used.push_back(pick);
  return pick;
}

std::string LeadingLocality(const std::string& text) {
  for (const std::string& l : kLocalities) {
    if (text.starts_with(l)) return l;
  }
  return {};
}

void MoveLocality(Attribution& a, const std::string& from, const std::string& to) {
  a.organization = ReplaceAll(a.organization, from, to);
}

Article RecombineArticle(Article a, std::mt19937& rng, std::vector<std::string>& used) {
  if (a.locality) {
    const std::string old = *a.locality;
    const std::string fresh = FreshLocality(rng, used);
    a.title = ReplaceAll(a.title, old, fresh);
    for (std::string& p : a.paragraphs) p = ReplaceAll(p, old, fresh);
    MoveLocality(a.attribution, old, fresh);
    a.locality = fresh;
    if (Chance(rng, 0.2)) {  // some headings leave the locality to the body
      const std::string prefix = fresh + "：";
      if (a.title.starts_with(prefix)) a.title.erase(0, prefix.size());
      a.locality.reset();
    }
  }
  std::vector<std::string> kept = {a.paragraphs.front()};
  for (size_t i = 1; i < a.paragraphs.size(); ++i) {
    if (Chance(rng, 0.6)) kept.push_back(a.paragraphs[i]);
  }
  if (kept.size() == 1 && a.paragraphs.size() > 1) kept.push_back(a.paragraphs[1]);
  a.paragraphs = std::move(kept);
  a.attribution.authors = DrawAuthors(rng, 0.3);
  a.attribution.raw = FormatAttribution(a.attribution.organization, a.attribution.authors);
  return a;
}

Brief RecombineBrief(Brief b, std::mt19937& rng, std::vector<std::string>& used) {
  const std::string old = LeadingLocality(b.text);
  if (!old.empty()) {
    const std::string fresh = FreshLocality(rng, used);
    b.text = ReplaceAll(b.text, old, fresh);
    MoveLocality(b.attribution, old, fresh);
  }
  b.attribution.authors = DrawAuthors(rng, 0.15);
  b.attribution.raw = FormatAttribution(b.attribution.organization, b.attribution.authors);
  return b;
}

IssueInfo RecombineIssueInfo(const IssueInfo& pool, std::mt19937& rng) {
  IssueInfo info = pool;
  info.number = 1 + static_cast<int>(Below(rng, 24));
  info.cumulative_number = 560 + static_cast<int>(Below(rng, 200)) + info.number;
  info.edition = Chance(rng, 0.25) ? "增刊" : "普刊";
  const int year = 2016 + static_cast<int>(Below(rng, 10));
  const int month = 1 + static_cast<int>(Below(rng, 12));
  const int day = 1 + static_cast<int>(Below(rng, 28));
  auto append_two_digits = [](std::string& to, int v) {
    to += static_cast<char>('0' + v / 10);
    to += static_cast<char>('0' + v % 10);
  };
  info.date = std::to_string(year) + '-';
  append_two_digits(info.date, month);
  info.date += '-';
  append_two_digits(info.date, day);
  return info;
}

}  // namespace

IssueContent Recombine(const IssueContent& pool, std::mt19937& rng) {
  IssueContent issue;
  issue.issue = RecombineIssueInfo(pool.issue, rng);
  issue.colophon = pool.colophon;
  issue.colophon.editor = StripSpaces(kNames[Below(rng, kNames.size())]);

  std::vector<size_t> order(pool.articles.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Shuffle(order, rng);
  const size_t max_articles = std::min<size_t>(7, order.size());
  const size_t count =
      std::min(max_articles, 3 + Below(rng, max_articles > 2 ? max_articles - 2 : 1));
  order.resize(count);

  // Columns in TOC order, each holding a consecutive run of the articles.
  std::vector<std::string> columns = kColumns;
  Shuffle(columns, rng);
  const size_t column_count = std::min(count, 2 + Below(rng, 3));
  std::vector<size_t> cuts;  // first article of each column after the first
  std::vector<size_t> positions;
  for (size_t i = 1; i < count; ++i) positions.push_back(i);
  Shuffle(positions, rng);
  cuts.assign(positions.begin(), positions.begin() + static_cast<long>(column_count - 1));
  std::sort(cuts.begin(), cuts.end());

  std::vector<std::string> used;
  size_t column = 0;
  for (size_t i = 0; i < count; ++i) {
    if (column < cuts.size() && i == cuts[column]) ++column;
    Article a = RecombineArticle(pool.articles[order[i]], rng, used);
    a.column = columns[column];
    issue.articles.push_back(std::move(a));
  }

  issue.brief_column = pool.brief_column;
  if (!pool.briefs.empty()) {
    std::vector<size_t> briefs(pool.briefs.size());
    for (size_t i = 0; i < briefs.size(); ++i) briefs[i] = i;
    Shuffle(briefs, rng);
    const size_t brief_count = 2 + Below(rng, 4);
    std::vector<std::string> brief_localities;
    for (size_t i = 0; i < brief_count; ++i) {
      issue.briefs.push_back(
          RecombineBrief(pool.briefs[briefs[i % briefs.size()]], rng, brief_localities));
    }
  }
  return issue;
}

}  // namespace qikan::samplegen
