#include "pipeline/archive/catalog.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

namespace qikan {
namespace {

namespace fs = std::filesystem;

Attribution Credit(std::string organization, std::vector<std::string> authors) {
  std::string raw = "（" + organization;
  for (const auto& author : authors) raw += " " + author;
  raw += "）";
  return Attribution{
      .raw = raw, .organization = std::move(organization), .authors = std::move(authors)};
}

PageRecord Page(int index, std::string text) {
  return PageRecord{.index = index,
                    .dpi = 300,
                    .native_resolution = true,
                    .width = 2480,
                    .height = 3508,
                    .skew_degrees = -0.4,
                    .skew_confidence = 0.9,
                    .mean_confidence = 90.5f,
                    .text = std::move(text)};
}

// Issue 7 of 2025, as the structure parser would deliver it.
IssueRecord JulyIssue() {
  IssueRecord record;
  record.pipeline_version = "0.1.0";
  record.source = {
      .file = "scans/2025-07.pdf", .sha256 = std::string(56, 'a') + "11111111", .pages = 4};
  record.profile = "hangzhou-renda-xinxi";
  record.issue = {.title = "杭州人大信息",
                  .edition = "普刊",
                  .number = 7,
                  .cumulative_number = 300,
                  .publisher = "杭州市人大常委会办公厅",
                  .date = "2025-07-11"};
  for (int i = 1; i <= 4; ++i) record.pages.push_back(Page(i, fmt::format("第{}页的文字", i)));
  record.articles = {
      Article{
          .column = "工作动态",
          .title = "建德市：强化监督助推筑牢燃气“安全网”",
          .locality = "建德市",
          .start_page = 2,
          .end_page = 2,
          .paragraphs = {"近日，建德市人大常委会组织部分代表开展城镇燃气安全专项监督，深入企业、"
                         "社区实地察看燃气管网改造情况。",
                         "代表们建议，进一步压实企业主体责任，守牢安全底线。"},
          .attribution = Credit("建德市人大常委会办公室", {"唐方媛"})},
      Article{.column = "工作动态",
              .title = "临安区：人工智能赋能代表履职",
              .locality = "临安区",
              .start_page = 3,
              .end_page = 3,
              .paragraphs = {"临安区人大常委会探索运用人工智能技术，接入DeepSeek大模型，"
                             "搭建代表履职服务平台，让代表建议办理更加高效。"},
              .attribution = Credit("临安区人大常委会研究室", {"符腾", "唐方媛"})},
      Article{.column = "代表风采",
              .title = "扎根基层的“老娘舅”",
              .start_page = 4,
              .end_page = 4,
              .paragraphs = {"他二十年如一日调解邻里纠纷，被群众亲切地称为“老娘舅”。"}},
  };
  record.briefs = {
      Brief{.column = "信息摘登",
            .text = "建德市人大常委会召开城镇燃气安全工作座谈会，听取有关部门情况汇报。",
            .page = 4,
            .attribution = Credit("建德市人大常委会办公室", {"唐方媛"})},
      Brief{.column = "信息摘登",
            .text = "余杭区人大常委会开展人工智能产业发展专题调研。",
            .page = 4,
            .attribution = Credit("余杭区人大常委会", {})},
  };
  record.review = {
      {.page = 2, .reason = "low-confidence", .detail = "mean word confidence 61.0 < 75.0"}};
  return record;
}

IssueRecord AugustIssue() {
  IssueRecord record;
  record.pipeline_version = "0.1.0";
  record.source = {
      .file = "scans/2025-08.pdf", .sha256 = std::string(56, 'b') + "22222222", .pages = 1};
  record.issue = {.title = "杭州人大信息",
                  .edition = "普刊",
                  .number = 8,
                  .cumulative_number = 301,
                  .publisher = "杭州市人大常委会办公厅",
                  .date = "2025-08-15"};
  record.pages.push_back(Page(1, "淳安县"));
  record.articles = {Article{.column = "工作动态",
                             .title = "淳安县：聚焦人工智能推动产业升级",
                             .locality = "淳安县",
                             .start_page = 1,
                             .end_page = 1,
                             .paragraphs = {"淳安县人大常委会围绕人工智能产业开展专题调研。"},
                             .attribution = Credit("淳安县人大常委会", {"符腾"})}};
  return record;
}

constexpr const char* kJuly = "2025-07-aaaaaaaa";
constexpr const char* kAugust = "2025-08-bbbbbbbb";

// Reads the catalog file directly, as a check independent of the API under test.
int64_t QueryInt(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

std::string QueryText(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::string value;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

void ExecSql(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

std::vector<std::string> Titles(const std::vector<SearchHit>& hits) {
  std::vector<std::string> titles;
  for (const auto& hit : hits)
    titles.push_back(hit.kind == HitKind::kBrief ? "brief:" + hit.snippet : hit.title);
  return titles;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           fmt::format("catalog_test-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    file_ = CatalogPath(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A catalog holding the July and August issues.
  Catalog Filled() {
    Catalog catalog = Catalog::Open(file_);
    const int64_t run = catalog.BeginRun("0.1.0", "{}");
    catalog.CommitIssue(run, kJuly, JulyIssue(), "settings-1",
                        fmt::format("issues/{}/record.json", kJuly));
    catalog.CommitIssue(run, kAugust, AugustIssue(), "settings-1",
                        fmt::format("issues/{}/record.json", kAugust));
    catalog.FinishRun(run, ExitStatus::kOk, R"({"issues": 2})");
    return catalog;
  }

  int64_t Count(const std::string& table) {
    return QueryInt(file_, "SELECT count(*) FROM " + table);
  }

  fs::path dir_;
  fs::path file_;
};

// 符腾 writes in both issues, 唐方媛 three times in July only: a name credited in two issues
// recurs; one issue's credits, however many, do not; the issue being read is left out.
TEST_F(CatalogTest, AuthorsRecurringInIssuesAreNamedOnce) {
  const Catalog catalog = Filled();
  EXPECT_EQ(catalog.RecurringAuthors(2, ""), std::vector<std::string>{"符腾"});
  EXPECT_TRUE(catalog.RecurringAuthors(2, kJuly).empty());
  EXPECT_EQ(catalog.RecurringAuthors(1, kAugust), (std::vector<std::string>{"唐方媛", "符腾"}));
}

// July names 建德市人大常委会办公室 in an article and a brief, August only 淳安县人大常委会; a
// September issue crediting 建德市人大常委会办公室 in a brief makes it recur.
TEST_F(CatalogTest, OrganizationsRecurringInIssuesAreNamedOnce) {
  Catalog catalog = Filled();
  EXPECT_TRUE(catalog.RecurringOrganizations(2, "").empty());
  EXPECT_EQ(catalog.RecurringOrganizations(1, kJuly), std::vector<std::string>{"淳安县人大常委会"});
  IssueRecord september = AugustIssue();
  september.source.sha256 = std::string(56, 'c') + "33333333";
  september.issue.date = "2025-09-12";
  september.briefs = {Brief{.column = "信息摘登", .text = "建德市人大常委会开展代表活动。", .page = 1,
                            .attribution = Credit("建德市人大常委会办公室", {})}};
  const int64_t run = catalog.BeginRun("0.1.0", "{}");
  catalog.CommitIssue(run, "2025-09-cccccccc", september, "settings-1",
                      "issues/2025-09-cccccccc/record.json");
  catalog.FinishRun(run, ExitStatus::kOk, R"({"issues": 1})");
  EXPECT_EQ(catalog.RecurringOrganizations(2, ""),
            (std::vector<std::string>{"建德市人大常委会办公室", "淳安县人大常委会"}));
  EXPECT_EQ(catalog.RecurringOrganizations(2, kJuly), std::vector<std::string>{"淳安县人大常委会"});
}

// July's articles stand in 工作动态 and 代表风采, August's in 工作动态: a column two issues
// hold recurs, the issue being read left out.
TEST_F(CatalogTest, ColumnsRecurringInIssuesAreNamedOnce) {
  const Catalog catalog = Filled();
  EXPECT_EQ(catalog.RecurringColumns(2, ""), std::vector<std::string>{"工作动态"});
  EXPECT_TRUE(catalog.RecurringColumns(2, kJuly).empty());
  EXPECT_EQ(catalog.RecurringColumns(1, kAugust), (std::vector<std::string>{"代表风采", "工作动态"}));
}

TEST_F(CatalogTest, CreatesTheSchemaAndReopensWithoutMigratingAgain) {
  {
    Catalog catalog = Catalog::Open(file_);
    EXPECT_EQ(catalog.SchemaVersion(), Catalog::CurrentSchemaVersion());
    EXPECT_GE(Catalog::CurrentSchemaVersion(), 1);
  }
  EXPECT_EQ(QueryText(file_, "PRAGMA journal_mode"), "wal");
  for (const char* table :
       {"runs", "inputs", "failures", "issues", "pages", "articles", "attributions", "briefs",
        "authors", "review_items", "articles_fts", "briefs_fts"}) {
    EXPECT_EQ(
        QueryInt(file_, fmt::format("SELECT count(*) FROM sqlite_master WHERE name = '{}'", table)),
        1)
        << table;
  }
  { Filled(); }
  Catalog reopened = Catalog::Open(file_);
  EXPECT_EQ(reopened.SchemaVersion(), Catalog::CurrentSchemaVersion());
  EXPECT_EQ(reopened.Issues().size(), 2u);
}

TEST_F(CatalogTest, RefusesACatalogFromANewerQikan) {
  { Catalog::Open(file_); }
  ExecSql(file_, fmt::format("PRAGMA user_version = {}", Catalog::CurrentSchemaVersion() + 1));
  try {
    Catalog::Open(file_);
    FAIL() << "opened a newer catalog";
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kArchiveError);
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

TEST_F(CatalogTest, RefusesAFileThatIsNotADatabase) {
  std::ofstream(file_)
      << "this is not an SQLite database, just some text long enough to have a header";
  try {
    Catalog::Open(file_);
    FAIL() << "opened garbage";
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kArchiveError);
    EXPECT_EQ(e.file(), file_.string());
  }
}

TEST_F(CatalogTest, StoresTheIssueAndItsParts) {
  Catalog catalog = Filled();
  const auto issue = catalog.FindIssue(kJuly);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->title, "杭州人大信息");
  EXPECT_EQ(issue->number, 7);
  EXPECT_EQ(issue->cumulative_number, 300);
  EXPECT_EQ(issue->date, "2025-07-11");
  EXPECT_EQ(issue->pages, 4);
  EXPECT_NEAR(issue->mean_confidence, 90.5, 1e-6);
  EXPECT_EQ(issue->settings_hash, "settings-1");
  EXPECT_EQ(issue->record_path, "issues/2025-07-aaaaaaaa/record.json");
  EXPECT_EQ(issue->sha256, JulyIssue().source.sha256);
  EXPECT_EQ(issue->articles, 3);
  EXPECT_EQ(issue->briefs, 2);
  EXPECT_EQ(issue->open_review_items, 1);
  EXPECT_EQ(issue->review_status, "open");
  ASSERT_TRUE(issue->run_id);
  EXPECT_FALSE(issue->committed_at.empty());
  EXPECT_FALSE(catalog.FindIssue("no-such-issue"));

  const auto issues = catalog.Issues();
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].key, kJuly);  // by date
  EXPECT_EQ(issues[1].key, kAugust);
  EXPECT_EQ(issues[1].review_status, "none");

  EXPECT_EQ(Count("authors WHERE name = '唐方媛'"), 3);  // two articles' and one brief's credit
  EXPECT_EQ(
      QueryText(file_,
                "SELECT organization FROM attributions a JOIN articles r ON r.id = a.article_id "
                "WHERE r.title LIKE '建德市%'"),
      "建德市人大常委会办公室");
  EXPECT_EQ(QueryText(file_, "SELECT authors FROM briefs WHERE text LIKE '建德市%'"), "唐方媛");
  EXPECT_EQ(QueryText(file_, "SELECT status FROM runs"), "ok");
}

TEST_F(CatalogTest, CommittingAnIssueAgainReplacesItsRows) {
  Catalog catalog = Filled();
  const int64_t run = catalog.BeginRun("0.1.0", "{}");
  catalog.CommitIssue(run, kJuly, JulyIssue(), "settings-1", "issues/x/record.json");
  IssueRecord changed = JulyIssue();
  changed.articles[1].title = "临安区：数字化改革赋能代表履职";
  changed.articles.pop_back();
  catalog.CommitIssue(run, kJuly, changed, "settings-2", "issues/x/record.json");

  EXPECT_EQ(catalog.Issues().size(), 2u);
  EXPECT_EQ(Count("issues"), 2);
  EXPECT_EQ(Count("pages"), 5);
  EXPECT_EQ(Count("articles"), 3);
  EXPECT_EQ(Count("attributions"), 3);
  EXPECT_EQ(Count("briefs"), 2);
  EXPECT_EQ(Count("authors"), 5);  // July: 1 + 2 on articles, 1 on a brief; August: 1
  EXPECT_EQ(Count("review_items"), 1);
  EXPECT_EQ(catalog.FindIssue(kJuly)->settings_hash, "settings-2");
  // The full-text indexes dropped the old rows with their content.
  ExecSql(file_, "INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')");
  ExecSql(file_, "INSERT INTO briefs_fts(briefs_fts) VALUES ('integrity-check')");
  EXPECT_EQ(Count("articles_fts WHERE articles_fts MATCH '\"赋能代表\"'"), 1);
  const auto hits = catalog.Search({.text = "人工智能赋能"});
  EXPECT_TRUE(hits.empty()) << Titles(hits).front();
  EXPECT_EQ(catalog.Search({.text = "数字化改革"}).size(), 1u);
}

TEST_F(CatalogTest, FindsAnArticleByAChinesePhrase) {
  Catalog catalog = Filled();
  const auto hits = catalog.Search({.text = "人工智能"});
  // Two articles and one brief mention it.
  ASSERT_EQ(hits.size(), 3u) << testing::PrintToString(Titles(hits));
  const auto linan = std::find_if(hits.begin(), hits.end(), [](const SearchHit& h) {
    return h.title == "临安区：人工智能赋能代表履职";
  });
  ASSERT_NE(linan, hits.end());
  EXPECT_EQ(linan->kind, HitKind::kArticle);
  EXPECT_EQ(linan->issue_key, kJuly);
  EXPECT_EQ(linan->issue_date, "2025-07-11");
  EXPECT_EQ(linan->issue_number, 7);
  EXPECT_EQ(linan->column, "工作动态");
  EXPECT_EQ(linan->locality, "临安区");
  EXPECT_EQ(linan->start_page, 3);
  EXPECT_NE(linan->snippet.find("探索运用【人工智能】技术"), std::string::npos) << linan->snippet;
  EXPECT_EQ(std::count_if(hits.begin(), hits.end(),
                          [](const SearchHit& h) { return h.kind == HitKind::kBrief; }),
            1);
}

TEST_F(CatalogTest, FindsTwoCharacterWordsWithoutTheIndex) {
  Catalog catalog = Filled();
  const auto hits = catalog.Search({.text = "燃气"});
  ASSERT_EQ(hits.size(), 2u) << testing::PrintToString(Titles(hits));
  for (const auto& hit : hits) {
    EXPECT_EQ(hit.issue_key, kJuly);
    EXPECT_NE(hit.snippet.find("【燃气】"), std::string::npos) << hit.snippet;
  }
  const auto article = std::find_if(hits.begin(), hits.end(),
                                    [](const SearchHit& h) { return h.kind == HitKind::kArticle; });
  ASSERT_NE(article, hits.end());
  EXPECT_EQ(article->title, "建德市：强化监督助推筑牢燃气“安全网”");
  // Both occurrences near each other are marked.
  EXPECT_NE(article->snippet.find("城镇【燃气】安全"), std::string::npos) << article->snippet;
  EXPECT_NE(article->snippet.find("察看【燃气】管网"), std::string::npos) << article->snippet;

  const auto uncle = catalog.Search({.text = "娘舅"});
  ASSERT_EQ(uncle.size(), 1u);
  EXPECT_NE(uncle[0].snippet.find("“老【娘舅】”"), std::string::npos) << uncle[0].snippet;
  // Only the title has it: the snippet shows the title.
  const auto rooted = catalog.Search({.text = "扎根基层"});
  ASSERT_EQ(rooted.size(), 1u);
  EXPECT_EQ(rooted[0].snippet, "【扎根基层】的“老娘舅”");
  EXPECT_EQ(catalog.Search({.text = "气"}).size(), 2u);
}

TEST_F(CatalogTest, CombinesIndexedAndShortWords) {
  Catalog catalog = Filled();
  // 安全网 goes through the index, 燃气 through LIKE; only the 建德市 article has both.
  const auto hits = catalog.Search({.text = "燃气　安全网"});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].title, "建德市：强化监督助推筑牢燃气“安全网”");
  EXPECT_TRUE(catalog.Search({.text = "燃气 人工智能"}).empty());
}

TEST_F(CatalogTest, MatchesAsciiRegardlessOfCase) {
  Catalog catalog = Filled();
  const auto hits = catalog.Search({.text = "deepseek"});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].snippet.find("【DeepSeek】"), std::string::npos) << hits[0].snippet;
  EXPECT_EQ(catalog.Search({.text = "ai"}).size(), 0u);
}

TEST_F(CatalogTest, TakesQuerySyntaxLiterally) {
  Catalog catalog = Filled();
  EXPECT_TRUE(catalog.Search({.text = "安全\"网"}).empty());
  EXPECT_TRUE(catalog.Search({.text = "%"}).empty());
  EXPECT_TRUE(catalog.Search({.text = "_"}).empty());
  EXPECT_TRUE(catalog.Search({.text = "NEAR(燃气 安全) OR *"}).empty());
  EXPECT_EQ(catalog.Search({.text = "“安全网”"}).size(), 1u);
}

TEST_F(CatalogTest, FiltersByColumnAuthorLocalityAndDate) {
  Catalog catalog = Filled();
  EXPECT_EQ(catalog.Search({.text = "人工智能", .column = "工作动态"}).size(), 2u);
  EXPECT_EQ(catalog.Search({.text = "人工智能", .column = "信息摘登"}).size(), 1u);
  EXPECT_EQ(catalog.Search({.column = "代表风采"}).size(), 1u);

  const auto by_tang = catalog.Search({.author = "唐方媛"});
  ASSERT_EQ(by_tang.size(), 3u) << testing::PrintToString(Titles(by_tang));
  const auto by_fu = catalog.Search({.text = "人工智能", .author = "符腾"});
  ASSERT_EQ(by_fu.size(), 2u);
  for (const auto& hit : by_fu) EXPECT_EQ(hit.kind, HitKind::kArticle);
  EXPECT_TRUE(catalog.Search({.author = "唐方"}).empty());  // names match whole

  const auto jiande = catalog.Search({.locality = "建德市"});
  ASSERT_EQ(jiande.size(), 2u);  // the article and, by its organization, the brief
  EXPECT_EQ(
      catalog.Search({.text = "燃气", .locality = "建德市", .kind = HitKind::kArticle}).size(), 1u);
  EXPECT_EQ(catalog.Search({.text = "人工智能", .locality = "淳安县"}).size(), 1u);

  const auto august = catalog.Search({.text = "人工智能", .from_date = "2025-08"});
  ASSERT_EQ(august.size(), 1u);
  EXPECT_EQ(august[0].issue_key, kAugust);
  EXPECT_EQ(catalog.Search({.text = "人工智能", .to_date = "2025-07"}).size(), 2u);
  EXPECT_EQ(catalog.Search({.text = "人工智能", .from_date = "2025-07-11", .to_date = "2025-07-11"})
                .size(),
            2u);
  EXPECT_TRUE(catalog.Search({.text = "人工智能", .from_date = "2025-09"}).empty());
  EXPECT_EQ(catalog.Search({.text = "人工智能", .kind = HitKind::kBrief}).size(), 1u);
  EXPECT_EQ(catalog.Search({.text = "人工智能", .limit = 1}).size(), 1u);
}

TEST_F(CatalogTest, RecognisesAnInputByItsContent) {
  Catalog catalog = Filled();
  const std::string sha = JulyIssue().source.sha256;
  auto input = catalog.FindInput(sha);  // CommitIssue marked it done
  ASSERT_TRUE(input);
  EXPECT_EQ(input->status, InputStatus::kDone);
  EXPECT_EQ(input->issue_key, kJuly);
  EXPECT_EQ(input->path, "scans/2025-07.pdf");

  const int64_t run = catalog.BeginRun("0.1.0", "{}");
  catalog.RecordInputDone(run, sha, "inbox/renamed copy.pdf", kJuly);
  input = catalog.FindInput(sha);
  ASSERT_TRUE(input);
  EXPECT_EQ(input->path, "scans/2025-07.pdf");  // first seen
  EXPECT_EQ(input->last_seen_path, "inbox/renamed copy.pdf");
  EXPECT_EQ(input->last_run, run);
  EXPECT_EQ(input->issue_key, kJuly);
  EXPECT_FALSE(catalog.FindInput(std::string(64, 'f')));
}

TEST_F(CatalogTest, RecordsFailures) {
  Catalog catalog = Filled();
  const int64_t run = catalog.BeginRun("0.1.0", "{}");
  const std::string broken(64, 'c');
  catalog.RecordInputFailure(run, broken, "inbox/broken.pdf", ExitStatus::kInputInvalid,
                             "truncated PDF", false);
  auto input = catalog.FindInput(broken);
  ASSERT_TRUE(input);
  EXPECT_EQ(input->status, InputStatus::kFailed);
  EXPECT_EQ(input->exit_status, ExitStatus::kInputInvalid);
  EXPECT_EQ(input->error, "truncated PDF");
  EXPECT_FALSE(input->issue_key);

  catalog.RecordInputFailure(run, broken, "quarantine/broken.pdf", ExitStatus::kInputInvalid,
                             "truncated PDF", true);
  EXPECT_EQ(catalog.FindInput(broken)->status, InputStatus::kQuarantined);

  // Unreadable inputs have no hash; the failure is still logged for the run.
  catalog.RecordInputFailure(run, "", "inbox/missing.pdf", ExitStatus::kInputMissing,
                             "no such file", false);
  EXPECT_EQ(Count(fmt::format("failures WHERE run_id = {}", run)), 3);
  EXPECT_EQ(
      Count("failures WHERE sha256 IS NULL AND path = 'inbox/missing.pdf' AND exit_status = 2"), 1);

  // A failed rerun of a good input keeps pointing at the issue still in the archive.
  catalog.RecordInputFailure(run, JulyIssue().source.sha256, "scans/2025-07.pdf",
                             ExitStatus::kArchiveError, "disk full", false);
  input = catalog.FindInput(JulyIssue().source.sha256);
  EXPECT_EQ(input->status, InputStatus::kFailed);
  EXPECT_EQ(input->issue_key, kJuly);
}

TEST_F(CatalogTest, TracksRuns) {
  Catalog catalog = Catalog::Open(file_);
  const int64_t first = catalog.BeginRun("0.1.0", R"({"jobs": 2})");
  const int64_t second = catalog.BeginRun("0.1.0", "{}");  // the first never finished
  EXPECT_GT(second, first);
  EXPECT_EQ(QueryText(file_, fmt::format("SELECT status FROM runs WHERE id = {}", first)),
            "interrupted");
  catalog.FinishRun(second, ExitStatus::kSeveralFailures, R"({"failed": 2})");
  EXPECT_EQ(QueryText(file_, fmt::format("SELECT status FROM runs WHERE id = {}", second)),
            "failed");
  EXPECT_EQ(QueryInt(file_, fmt::format("SELECT exit_status FROM runs WHERE id = {}", second)), 9);
  EXPECT_THROW(catalog.FinishRun(second + 100, ExitStatus::kOk, "{}"), QikanError);
}

TEST_F(CatalogTest, OrdersTheReviewQueueByEstimatedError) {
  // Three flagged pages whose mean confidences say the opposite of their estimated errors: the
  // page likeliest wrong comes first, whatever its confidence.
  IssueRecord record = JulyIssue();
  record.review.clear();
  const double estimates[] = {0.01, 0.12, 0.03, -1};  // page 4: a record from before estimates
  const float confidences[] = {80, 95, 90, 70};
  for (int i = 0; i < 4; ++i) {
    record.pages[static_cast<size_t>(i)].estimated_cer = estimates[i];
    record.pages[static_cast<size_t>(i)].mean_confidence = confidences[i];
    record.review.push_back({.page = i + 1, .reason = "estimated-error", .detail = ""});
  }
  Catalog catalog = Catalog::Open(file_);
  catalog.CommitIssue(catalog.BeginRun("0.1.0", "{}"), kJuly, record, "settings-1",
                      "issues/x/record.json");
  const auto queue = catalog.ReviewQueue({});
  ASSERT_EQ(queue.size(), 4u);
  EXPECT_EQ(queue[0].page, 2);
  EXPECT_EQ(queue[1].page, 3);
  EXPECT_EQ(queue[2].page, 1);
  EXPECT_EQ(queue[3].page, 4);  // no estimate: after those with one
  ASSERT_TRUE(queue[0].estimated_cer);
  EXPECT_DOUBLE_EQ(*queue[0].estimated_cer, 0.12);
  EXPECT_FALSE(queue[3].estimated_cer);
  EXPECT_DOUBLE_EQ(std::stod(QueryText(file_, fmt::format("SELECT estimated_cer FROM pages WHERE "
                                                          "issue_key = '{}' AND page_index = 2",
                                                          kJuly))),
                   0.12);
}

TEST_F(CatalogTest, KeepsReviewItemsAndDecisions) {
  Catalog catalog = Filled();
  auto items = catalog.ReviewItems();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].issue_key, kJuly);
  EXPECT_EQ(items[0].page, 2);
  EXPECT_EQ(items[0].reason, "low-confidence");
  EXPECT_EQ(items[0].status, ReviewStatus::kOpen);
  EXPECT_FALSE(items[0].created_at.empty());
  EXPECT_TRUE(items[0].decided_at.empty());
  EXPECT_EQ(catalog.ReviewItems({.status = ReviewStatus::kOpen}).size(), 1u);
  EXPECT_TRUE(catalog.ReviewItems({.issue_key = kAugust}).empty());

  catalog.DecideReviewItem(items[0].id, ReviewStatus::kApproved, "checked against the scan");
  EXPECT_TRUE(catalog.ReviewItems({.status = ReviewStatus::kOpen}).empty());
  EXPECT_EQ(catalog.FindIssue(kJuly)->review_status, "done");

  // A rerun that finds the same doubt keeps the decision; a new doubt is open.
  IssueRecord rerun = JulyIssue();
  rerun.review.push_back({.page = 3, .reason = "skew-uncertain", .detail = "confidence 0.2"});
  catalog.CommitIssue(catalog.BeginRun("0.1.0", "{}"), kJuly, rerun, "settings-1",
                      "issues/x/record.json");
  items = catalog.ReviewItems({.issue_key = kJuly});
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].status, ReviewStatus::kApproved);
  EXPECT_EQ(items[0].note, "checked against the scan");
  EXPECT_FALSE(items[0].decided_at.empty());
  EXPECT_EQ(items[1].status, ReviewStatus::kOpen);
  EXPECT_EQ(catalog.FindIssue(kJuly)->review_status, "open");

  try {
    catalog.DecideReviewItem(987654, ReviewStatus::kRejected);
    FAIL();
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kUsage);
  }
}

IssueRecord NumberedIssue(int thread, int n) {
  IssueRecord record = AugustIssue();
  record.source.sha256 = fmt::format("{:064d}", thread * 100 + n);
  record.issue.number = n;
  record.articles[0].title = fmt::format("第{}组第{}篇：人工智能", thread, n);
  return record;
}

TEST_F(CatalogTest, CommitsFromSeveralThreadsAtOnce) {
  Catalog catalog = Catalog::Open(file_);
  const int64_t run = catalog.BeginRun("0.1.0", "{}");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int n = 0; n < kPerThread; ++n) {
          const std::string key = fmt::format("t{}-{}", t, n);
          catalog.CommitIssue(run, key, NumberedIssue(t, n), "s", "issues/" + key + "/record.json");
          catalog.Search({.text = "人工智能", .limit = 5});
        }
      });
    }
  }
  EXPECT_EQ(catalog.Issues().size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(catalog.Search({.text = "人工智能", .limit = 1000}).size(),
            static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(Count("inputs"), kThreads * kPerThread);
}

TEST_F(CatalogTest, TwoConnectionsWriteInTurn) {
  // As a run and a review server would, each with its own Catalog on the same file.
  Catalog first = Catalog::Open(file_);
  Catalog second = Catalog::Open(file_);
  const int64_t run = first.BeginRun("0.1.0", "{}");
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        Catalog& catalog = t == 0 ? first : second;
        for (int n = 0; n < 10; ++n) {
          const std::string key = fmt::format("c{}-{}", t, n);
          catalog.CommitIssue(run, key, NumberedIssue(t, n), "s", "issues/" + key + "/record.json");
        }
      });
    }
  }
  EXPECT_EQ(first.Issues().size(), 20u);
  EXPECT_EQ(second.Issues().size(), 20u);
}

// Writes the issue folder as Archive::CommitIssue does (record.json only; the catalog reads no
// other file).
void WriteIssueFolder(const fs::path& archive_root, const std::string& key,
                      const IssueRecord& record) {
  const fs::path dir = archive_root / "issues" / key;
  fs::create_directories(dir);
  std::ofstream(dir / "record.json", std::ios::binary | std::ios::trunc)
      << nlohmann::json(record).dump(2) << "\n";
}

class CatalogRepairTest : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    archive_root_ = dir_ / "archive";
    file_ = CatalogPath(archive_root_);
    WriteIssueFolder(archive_root_, kJuly, JulyIssue());
    WriteIssueFolder(archive_root_, kAugust, AugustIssue());
  }
  fs::path archive_root_;
};

TEST_F(CatalogRepairTest, ImportsIssuesTheCatalogLacks) {
  Catalog catalog = Catalog::Open(file_);
  auto discrepancies = catalog.CheckAgainstArchive(archive_root_);
  EXPECT_EQ(discrepancies.missing_from_catalog, (std::vector<std::string>{kJuly, kAugust}));
  EXPECT_TRUE(discrepancies.missing_from_archive.empty());

  const RepairReport report = catalog.RepairFromArchive(archive_root_);
  EXPECT_EQ(report.imported, (std::vector<std::string>{kJuly, kAugust}));
  EXPECT_TRUE(report.removed.empty());
  EXPECT_TRUE(report.failed.empty());
  EXPECT_TRUE(catalog.CheckAgainstArchive(archive_root_, CheckDepth::kContent).empty());

  const auto issue = catalog.FindIssue(kJuly);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->record_path, "issues/2025-07-aaaaaaaa/record.json");
  EXPECT_EQ(issue->settings_hash, "");
  EXPECT_FALSE(issue->run_id);
  EXPECT_EQ(catalog.Search({.text = "燃气"}).size(), 2u);
  EXPECT_EQ(catalog.FindInput(JulyIssue().source.sha256)->issue_key, kJuly);
  EXPECT_TRUE(catalog.RepairFromArchive(archive_root_).imported.empty());  // nothing left to do
}

TEST_F(CatalogRepairTest, RemovesRowsWhoseFolderIsGone) {
  Catalog catalog = Catalog::Open(file_);
  catalog.RepairFromArchive(archive_root_);
  fs::remove_all(archive_root_ / "issues" / kAugust);

  EXPECT_EQ(catalog.CheckAgainstArchive(archive_root_).missing_from_archive,
            (std::vector<std::string>{kAugust}));
  const RepairReport report = catalog.RepairFromArchive(archive_root_);
  EXPECT_EQ(report.removed, (std::vector<std::string>{kAugust}));
  EXPECT_FALSE(catalog.FindIssue(kAugust));
  EXPECT_TRUE(catalog.Search({.text = "淳安县"}).empty());
  const auto input = catalog.FindInput(AugustIssue().source.sha256);
  ASSERT_TRUE(input);
  EXPECT_FALSE(input->issue_key);
  EXPECT_TRUE(catalog.CheckAgainstArchive(archive_root_).empty());
}

TEST_F(CatalogRepairTest, AgreesWithWhatTheRunCommitted) {
  // The runner's order: folder first, then the catalog with the same record.
  Catalog catalog = Catalog::Open(file_);
  const int64_t run = catalog.BeginRun("0.1.0", "{}");
  catalog.CommitIssue(run, kJuly, JulyIssue(), "s", "issues/2025-07-aaaaaaaa/record.json");
  catalog.CommitIssue(run, kAugust, AugustIssue(), "s", "issues/2025-08-bbbbbbbb/record.json");
  EXPECT_TRUE(catalog.CheckAgainstArchive(archive_root_, CheckDepth::kContent).empty());
}

TEST_F(CatalogRepairTest, ReimportsAStaleRecordWhenAskedToReadContent) {
  Catalog catalog = Catalog::Open(file_);
  catalog.RepairFromArchive(archive_root_);
  // A forced rerun replaced the folder but crashed before its catalog commit.
  IssueRecord rerun = JulyIssue();
  rerun.articles[0].title = "建德市：人大监督守护城市生命线";
  WriteIssueFolder(archive_root_, kJuly, rerun);

  EXPECT_TRUE(catalog.CheckAgainstArchive(archive_root_).empty());  // presence alone cannot tell
  EXPECT_EQ(catalog.CheckAgainstArchive(archive_root_, CheckDepth::kContent).stale,
            (std::vector<std::string>{kJuly}));
  const RepairReport report =
      catalog.RepairFromArchive(archive_root_, std::nullopt, CheckDepth::kContent);
  EXPECT_EQ(report.imported, (std::vector<std::string>{kJuly}));
  EXPECT_EQ(catalog.Search({.text = "城市生命线"}).size(), 1u);
  EXPECT_EQ(catalog.Issues().size(), 2u);
}

TEST_F(CatalogRepairTest, RefusesAnArchiveWithoutIssuesFolder) {
  Catalog catalog = Catalog::Open(file_);
  catalog.RepairFromArchive(archive_root_);
  // A mistyped path must not read as an empty archive and empty the catalog.
  EXPECT_THROW(catalog.RepairFromArchive(dir_ / "no-such-archive"), QikanError);
  EXPECT_EQ(catalog.Issues().size(), 2u);
}

TEST_F(CatalogRepairTest, ReportsUnreadableRecords) {
  const fs::path broken = archive_root_ / "issues" / "broken-cccccccc";
  fs::create_directories(broken);
  std::ofstream(broken / "record.json") << "{\"schema\": \"qikan.issue/1\", \"pages\": [";
  Catalog catalog = Catalog::Open(file_);
  const RepairReport report = catalog.RepairFromArchive(archive_root_);
  EXPECT_EQ(report.imported.size(), 2u);
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_EQ(report.failed[0].rfind("broken-cccccccc: ", 0), 0u) << report.failed[0];
  EXPECT_FALSE(catalog.FindIssue("broken-cccccccc"));
}

}  // namespace
}  // namespace qikan
