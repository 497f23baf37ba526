// The review server's HTTP API (pipeline/review/review_server.h), in process on a free port, with
// httplib's client, against an archive made from recorded OCR: the queue, the page view, a word
// correction reaching the record and the search, the version check, structure corrections,
// decisions, and the safety points (token, body limit, keys, static files).
#include "pipeline/review/review_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include "pipeline/run/issue_job.h"
#include "pipeline/review/review.h"
#include "tests/pipeline/review_archive.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::kReviewKey;

// A server on its own thread for the length of a test.
class RunningServer {
 public:
  explicit RunningServer(ReviewServerOptions options) : server_(std::move(options)) {
    port_ = server_.Bind();
    thread_ = std::thread([this] { server_.Serve(); });
  }
  ~RunningServer() {
    server_.Stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  ReviewServer server_;
  int port_ = 0;
  std::thread thread_;
};

json Json(const httplib::Result& result) {
  EXPECT_TRUE(result) << httplib::to_string(result.error());
  if (!result) return json();
  EXPECT_NE(result->get_header_value("Content-Type").find("application/json"), std::string::npos)
      << result->body;
  return json::parse(result->body);
}

class ReviewServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir("review_server_test");
    {
      Archive archive(dir_);
      Catalog catalog = Catalog::Open(CatalogPath(dir_));
      const int64_t run = catalog.BeginRun("test", "{}");
      testing::ArchiveCase(archive, catalog, run, testing::kReviewCase, kReviewKey);
      testing::ArchiveCase(archive, catalog, run, "seed-2025-05-clean-300", testing::kOtherKey);
      catalog.FinishRun(run, ExitStatus::kOk, "{}");
    }
    ocr_ = LoadOcrPages(dir_ / "issues" / kReviewKey);
    server_.emplace(ReviewServerOptions{.archive = dir_, .port = 0, .reviewer = "cli-default"});
    client_.emplace("127.0.0.1", server_->port());
    client_->set_default_headers({{"X-Qikan-Reviewer", "wang"}});
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    fs::remove_all(dir_);
  }

  httplib::Result Post(const std::string& path, const json& body) {
    return client_->Post(path.c_str(), body.dump(), "application/json");
  }
  json Page(int n) {
    return Json(client_->Get(fmt::format("/api/v1/issues/{}/pages/{}", kReviewKey, n).c_str()));
  }
  std::vector<std::string> Search(const std::string& q) {
    std::string query;
    for (unsigned char c : q) query += fmt::format("%{:02X}", c);
    auto result = client_->Get(("/api/v1/search?q=" + query).c_str());
    const json body = Json(result);
    std::vector<std::string> keys;
    for (const auto& hit : body["hits"]) keys.push_back(hit["issue_key"]);
    return keys;
  }
  IssueRecord Record() {
    std::ifstream in(dir_ / "issues" / kReviewKey / "record.json");
    return json::parse(in).get<IssueRecord>();
  }

  fs::path dir_;
  std::vector<OcrPage> ocr_;
  std::optional<RunningServer> server_;
  std::optional<httplib::Client> client_;
};

TEST_F(ReviewServerTest, QueueListsDoubtfulPagesWorstFirstAndFilters) {
  const json all = Json(client_->Get("/api/v1/queue"));
  ASSERT_GT(all["items"].size(), 4u);
  std::set<std::string> keys;
  for (size_t i = 0; i < all["items"].size(); ++i) {
    const json& item = all["items"][i];
    keys.insert(item["issue_key"]);
    EXPECT_EQ(item["status"], "open");
    EXPECT_FALSE(item["reasons"].empty());
    EXPECT_EQ(item["details"].size() >= item["reasons"].size(), true);
    if (i > 0) {
      EXPECT_LE(all["items"][i - 1]["mean_confidence"].get<double>(),
                item["mean_confidence"].get<double>());
    }
  }
  EXPECT_EQ(keys, (std::set<std::string>{kReviewKey, testing::kOtherKey}));
  EXPECT_EQ(all["counts"]["open"], all["items"].size());
  EXPECT_EQ(all["counts"]["approved"], 0);
  EXPECT_NE(std::find(all["reasons"].begin(), all["reasons"].end(), "low-confidence"),
            all["reasons"].end());

  const json mine = Json(client_->Get(
      fmt::format("/api/v1/queue?issue={}&reason=low-confidence", kReviewKey).c_str()));
  std::vector<int> pages;
  for (const auto& item : mine["items"]) {
    EXPECT_EQ(item["issue_key"], kReviewKey);
    pages.push_back(item["page"]);
  }
  // Pages 12, 13, 4, 1, 11, 7 of the degraded scan are below 90.3, lowest first.
  EXPECT_EQ(pages, (std::vector<int>{12, 13, 4, 1, 11, 7}));
  EXPECT_EQ(Json(client_->Get("/api/v1/queue?limit=2"))["items"].size(), 2u);
  EXPECT_EQ(client_->Get("/api/v1/queue?status=maybe")->status, 400);
  EXPECT_EQ(client_->Get("/api/v1/queue?issue=nope")->status, 404);
}

TEST_F(ReviewServerTest, PageHasBoxesTextHistoryAndItsImage) {
  const json page = Page(4);
  EXPECT_EQ(page["issue_key"], kReviewKey);
  EXPECT_EQ(page["page"], 4);
  EXPECT_EQ(page["pages"], 13);
  EXPECT_EQ(page["width"], ocr_[3].width);
  EXPECT_EQ(page["height"], ocr_[3].height);
  EXPECT_EQ(page["version"], 0);
  EXPECT_EQ(page["status"], "open");
  ASSERT_FALSE(page["reviews"].empty());
  EXPECT_EQ(page["reviews"][0]["reason"], "low-confidence");
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  const OcrLine& line = ocr_[3].blocks[at.block].lines[at.line];
  const json* found = nullptr;
  for (const auto& l : page["lines"]) {
    if (l["id"] == at.LineId()) found = &l;
  }
  ASSERT_NE(found, nullptr);
  EXPECT_EQ((*found)["text"], line.text);
  EXPECT_EQ((*found)["box"]["x"], line.box.x);
  EXPECT_EQ((*found)["box"]["width"], line.box.width);
  const json& word = (*found)["words"][at.word];
  EXPECT_EQ(word["id"], at.Id());
  EXPECT_EQ(word["text"], "闫");
  EXPECT_EQ(word["original"], "闫");
  EXPECT_EQ(word["corrected"], false);
  EXPECT_EQ(word["box"]["y"], line.words[at.word].box.y);
  EXPECT_NEAR(word["confidence"].get<double>(), line.words[at.word].confidence, 1e-3);
  EXPECT_NE(page["text"].get<std::string>().find("等闫疾"), std::string::npos);
  EXPECT_EQ(page["image"], fmt::format("/api/v1/issues/{}/pages/4/image", kReviewKey));

  auto image = client_->Get(page["image"].get<std::string>().c_str());
  ASSERT_TRUE(image);
  EXPECT_EQ(image->status, 200);
  EXPECT_EQ(image->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(image->body.substr(0, 2), "\xFF\xD8");
  EXPECT_FALSE(image->get_header_value("Cache-Control").empty());
}

TEST_F(ReviewServerTest, AWordCorrectionRebuildsRecordArticleAndSearch) {
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  ASSERT_EQ(Search("等闫疾"), std::vector<std::string>{kReviewKey});
  ASSERT_EQ(Search("等顽疾"), std::vector<std::string>{testing::kOtherKey});
  const json answer = Json(Post(fmt::format("/api/v1/issues/{}/pages/4/corrections", kReviewKey),
                                {{"version", 0}, {"target", at.Id()}, {"after", "顽"}}));
  EXPECT_EQ(answer["version"], 1);
  EXPECT_EQ(answer["page"]["version"], 1);
  EXPECT_NE(answer["page"]["text"].get<std::string>().find("等顽疾"), std::string::npos);
  const json& word = answer["page"]["lines"];
  bool corrected = false;
  for (const auto& l : word) {
    for (const auto& w : l["words"]) {
      if (w["id"] == at.Id()) {
        corrected = w["corrected"] && w["text"] == "顽" && w["original"] == "闫";
      }
    }
  }
  EXPECT_TRUE(corrected);
  ASSERT_EQ(answer["page"]["history"].size(), 1u);
  EXPECT_EQ(answer["page"]["history"][0]["reviewer"], "wang");
  EXPECT_EQ(answer["page"]["history"][0]["before"], "闫");
  EXPECT_EQ(answer["page"]["history"][0]["after"], "顽");

  const IssueRecord record = Record();
  EXPECT_NE(record.pages[3].text.find("等顽疾"), std::string::npos);
  bool in_article = false;
  for (const auto& a : record.articles) {
    for (const auto& p : a.paragraphs) in_article = in_article || p.find("等顽疾") != std::string::npos;
  }
  EXPECT_TRUE(in_article);
  // The clean scan of the same issue read 顽疾 right from the start.
  const std::vector<std::string> both = Search("等顽疾");
  EXPECT_EQ(std::set<std::string>(both.begin(), both.end()),
            (std::set<std::string>{kReviewKey, testing::kOtherKey}));
  EXPECT_TRUE(Search("等闫疾").empty());
  const json queue = Json(client_->Get(fmt::format("/api/v1/queue?issue={}", kReviewKey).c_str()));
  for (const auto& item : queue["items"]) {
    if (item["page"] == 4) {
      EXPECT_EQ(item["corrections"], 1);
      EXPECT_EQ(item["version"], 1);
    }
  }
}

TEST_F(ReviewServerTest, AStaleVersionIsRefusedWithNothingChanged) {
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  const std::string path = fmt::format("/api/v1/issues/{}/pages/4/corrections", kReviewKey);
  ASSERT_EQ(Post(path, {{"version", 0}, {"target", at.Id()}, {"after", "顽"}})->status, 200);
  const std::string record_before =
      json::parse(std::ifstream(dir_ / "issues" / kReviewKey / "record.json")).dump();

  client_->set_default_headers({{"X-Qikan-Reviewer", "zhao"}});
  const auto conflict = Post(path, {{"version", 0}, {"target", at.Id()}, {"after", "严"}});
  ASSERT_TRUE(conflict);
  EXPECT_EQ(conflict->status, 409);
  const json body = json::parse(conflict->body);
  // In the operator's words: the issue as people name it, local time, no key or ISO time.
  const std::string message = body["error"];
  EXPECT_NE(message.find("Page 4 of 杭州人大信息 第5期（总第711期） 2025-07-11"), std::string::npos)
      << message;
  EXPECT_NE(message.find(" was changed by wang at "), std::string::npos) << message;
  EXPECT_EQ(message.find(kReviewKey), std::string::npos) << message;
  EXPECT_FALSE(std::regex_search(message, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:)"))) << message;
  EXPECT_TRUE(message.ends_with(".")) << message;
  EXPECT_EQ(body["current"]["version"], 1);
  EXPECT_EQ(json::parse(std::ifstream(dir_ / "issues" / kReviewKey / "record.json")).dump(),
            record_before);
  EXPECT_EQ(Page(4)["history"].size(), 1u);
  const auto decision = Post(fmt::format("/api/v1/issues/{}/pages/4/decision", kReviewKey),
                             {{"version", 0}, {"status", "approved"}});
  EXPECT_EQ(decision->status, 409);
  EXPECT_EQ(Page(4)["status"], "open");
}

TEST_F(ReviewServerTest, AStructureCorrectionOfATitleReachesRecordAndSearch) {
  const std::string path = fmt::format("/api/v1/issues/{}/structure", kReviewKey);
  const json structure = Json(client_->Get(path.c_str()));
  EXPECT_EQ(structure["version"], 0);
  ASSERT_GE(structure["articles"].size(), 2u);
  EXPECT_EQ(structure["articles"][1]["index"], 1);
  EXPECT_FALSE(structure["issue"]["title"].get<std::string>().empty());
  EXPECT_FALSE(structure["toc"].empty());

  const json answer = Json(Post(path + "/corrections", {{"version", 0},
                                                        {"field", "articles[1].title"},
                                                        {"after", "建德市：燃气安全网络审校标题"}}));
  EXPECT_EQ(answer["version"], 1);
  EXPECT_EQ(answer["structure"]["articles"][1]["title"], "建德市：燃气安全网络审校标题");
  EXPECT_EQ(answer["structure"]["articles"][1]["reviewed_fields"], json::array({"title"}));
  EXPECT_EQ(answer["structure"]["history"][0]["reviewer"], "wang");
  EXPECT_EQ(Record().articles[1].title, "建德市：燃气安全网络审校标题");
  bool marked = false;
  for (const auto& c : Record().corrections) {
    marked = marked || (c.field == "articles[1].title" && c.source == "reviewer:wang");
  }
  EXPECT_TRUE(marked);
  EXPECT_EQ(Search("燃气安全网络审校"), std::vector<std::string>{kReviewKey});

  EXPECT_EQ(Post(path + "/corrections",
                 {{"version", 0}, {"field", "articles[1].title"}, {"after", "again"}})
                ->status,
            409);
  EXPECT_EQ(Post(path + "/corrections",
                 {{"version", 1}, {"field", "articles[999].title"}, {"after", "x"}})
                ->status,
            404);
  EXPECT_EQ(Post(path + "/corrections", {{"version", 1}, {"field", "source.file"}, {"after", "x"}})
                ->status,
            404);
  EXPECT_EQ(Post(path + "/corrections",
                 {{"version", 1}, {"field", "articles[1].attribution.authors"}, {"after", "王"}})
                ->status,
            400);
  EXPECT_EQ(Json(client_->Get(path.c_str()))["version"], 1);
}

TEST_F(ReviewServerTest, DecisionsUpdateQueueCountsAndTheCatalog) {
  const std::string queue = fmt::format("/api/v1/queue?issue={}", kReviewKey);
  const json before = Json(client_->Get(queue.c_str()));
  const int open = before["counts"]["open"];
  auto approve = Post(fmt::format("/api/v1/issues/{}/pages/4/decision", kReviewKey),
                      {{"version", 0}, {"status", "approved"}, {"comment", "checked"}});
  EXPECT_EQ(Json(approve)["version"], 1);
  EXPECT_EQ(Json(approve)["status"], "approved");
  auto reject = Post(fmt::format("/api/v1/issues/{}/pages/12/decision", kReviewKey),
                     {{"version", 0}, {"status", "rejected"}, {"comment", "rescan"}});
  EXPECT_EQ(reject->status, 200);
  const json after = Json(client_->Get(queue.c_str()));
  EXPECT_EQ(after["counts"]["open"], open - 2);
  EXPECT_EQ(after["counts"]["approved"], 1);
  EXPECT_EQ(after["counts"]["rejected"], 1);
  // Decided pages go after the open ones.
  EXPECT_EQ(after["items"].back()["status"] != "open", true);
  const json approved = Json(client_->Get((queue + "&status=approved").c_str()));
  ASSERT_EQ(approved["items"].size(), 1u);
  EXPECT_EQ(approved["items"][0]["page"], 4);
  EXPECT_EQ(Page(4)["comment"], "checked");
  EXPECT_EQ(Page(4)["status"], "approved");

  Catalog catalog = Catalog::Open(CatalogPath(dir_));
  for (const auto& item : catalog.ReviewItems({.issue_key = kReviewKey})) {
    if (item.page == 4) {
      EXPECT_EQ(item.status, ReviewStatus::kApproved);
    } else if (item.page == 12) {
      EXPECT_EQ(item.status, ReviewStatus::kRejected);
      EXPECT_EQ(item.note, "rescan");
    }
  }
  EXPECT_EQ(catalog.ReviewPage(kReviewKey, 4).reviewer, "wang");
}

TEST_F(ReviewServerTest, RefusesBadKeysPagesBodiesAndUnknownFiles) {
  for (const char* path : {"/api/v1/issues/..%2F..%2Fetc/pages/1", "/api/v1/issues/../pages/1",
                           "/api/v1/issues/%2E%2E/pages/1/image", "/api/v1/issues/a%20b/pages/1",
                           "/api/v1/issues/nope/pages/1", "/api/v1/issues/..%2Fcatalog.sqlite/structure"}) {
    auto result = client_->Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_TRUE(result->status == 400 || result->status == 404) << path << " " << result->status;
    EXPECT_TRUE(json::parse(result->body).contains("error")) << path;
  }
  for (const char* page : {"14", "99999999", "0/image"}) {
    auto result = client_->Get(fmt::format("/api/v1/issues/{}/pages/{}", kReviewKey, page).c_str());
    EXPECT_EQ(result->status, 404) << page;
  }
  EXPECT_EQ(Page(0)["lines"].size(), 0u);  // page 0: the whole-issue items

  const std::string corrections = fmt::format("/api/v1/issues/{}/pages/4/corrections", kReviewKey);
  EXPECT_EQ(Post(corrections, {{"version", 0}, {"target", "b99.l0.w0"}, {"after", "x"}})->status, 404);
  EXPECT_EQ(Post(corrections, {{"version", 0}, {"target", "../x"}, {"after", "x"}})->status, 400);
  EXPECT_EQ(Post(corrections, {{"target", "b1.l0.w0"}, {"after", "x"}})->status, 400);
  EXPECT_EQ(client_->Post(corrections.c_str(), "{not json", "application/json")->status, 400);
  EXPECT_EQ(client_->Post(corrections.c_str(), R"({"version":0,"target":"b1.l0.w0","after":"x"})",
                          "text/plain")
                ->status,
            415);
  const std::string big(2 << 20, 'x');
  auto too_big = client_->Post(corrections.c_str(), json({{"version", 0}, {"after", big}}).dump(),
                               "application/json");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  EXPECT_EQ(Page(4)["version"], 0);

  // What is served is what pipeline/review/review_web/ held at build time (the files are not compared
  // with the tree here: they may be edited after the build), and nothing else.
  std::set<std::string> on_disk, embedded;
  for (const auto& entry : fs::directory_iterator(testing::SourcePath("pipeline/review/review_web"))) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".html" || ext == ".js" || ext == ".css") on_disk.insert(entry.path().filename());
  }
  for (const auto& file : ReviewWebFiles()) {
    embedded.insert(std::string(file.name));
    const std::string bytes(file.bytes);
    EXPECT_FALSE(bytes.empty()) << file.name;
    auto result = client_->Get(file.name == "index.html" ? "/"
                                                         : ("/static/" + std::string(file.name)).c_str());
    ASSERT_TRUE(result) << file.name;
    EXPECT_EQ(result->status, 200) << file.name;
    EXPECT_EQ(result->body, bytes) << file.name;
    if (file.name == "index.html") {
      EXPECT_NE(result->get_header_value("Content-Type").find("text/html"), std::string::npos);
    }
  }
  EXPECT_EQ(embedded, on_disk);
  ASSERT_TRUE(embedded.count("index.html"));
  EXPECT_EQ(client_->Get("/static/index.html")->status, 404);
  // Ill-formed UTF-8 in a key, a query or a name is refused, and the answer is still JSON.
  for (const char* path : {"/api/v1/issues/%FF%FE/structure", "/api/v1/search?q=%FF%FE%FD"}) {
    auto result = client_->Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 400) << path;
    EXPECT_TRUE(json::parse(result->body).contains("error")) << path;
  }
  auto bad_name = client_->Post(fmt::format("/api/v1/issues/{}/pages/4/decision", kReviewKey).c_str(),
                                {{"X-Qikan-Reviewer", "%FF%FE"}},
                                R"({"version":0,"status":"approved"})", "application/json");
  EXPECT_EQ(bad_name->status, 400);
  auto chinese_name = client_->Get("/api/v1/status", {{"X-Qikan-Reviewer", "%E7%8E%8B%E8%8A%B3"}});
  EXPECT_EQ(Json(chinese_name)["reviewer"], "王芳");
  // A page served under another name (DNS rebinding) cannot reach the API.
  EXPECT_EQ(client_->Get("/api/v1/queue", {{"Host", "evil.example"}})->status, 403);
  for (const char* path : {"/static/../CMakeLists.txt", "/static/index.htm", "/README.md",
                           "/pipeline/review/review_web/index.html", "/static/..%2F..%2FREADME.md",
                           "/catalog.sqlite", "/issues/seed-degraded/record.json"}) {
    auto result = client_->Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 404) << path;
  }
}

TEST(ReviewServerAuth, OnlyALoopbackServerGoesWithoutTheToken) {
  EXPECT_TRUE(RequestAuthorized("", "127.0.0.1", "", ""));
  EXPECT_TRUE(RequestAuthorized("s3cret", "::1", "", ""));
  EXPECT_TRUE(RequestAuthorized("s3cret", "localhost", "", ""));
  // Beyond loopback nobody is exempt, whatever address the request comes from.
  EXPECT_FALSE(RequestAuthorized("s3cret", "0.0.0.0", "", ""));
  EXPECT_FALSE(RequestAuthorized("s3cret", "192.168.1.20", "", ""));
  EXPECT_FALSE(RequestAuthorized("", "0.0.0.0", "Bearer ", ""));
  EXPECT_FALSE(RequestAuthorized("s3cret", "0.0.0.0", "Bearer wrong", ""));
  EXPECT_FALSE(RequestAuthorized("s3cret", "0.0.0.0", "Bearer s3cre", ""));
  EXPECT_FALSE(RequestAuthorized("s3cret", "::", "", "qikan_token=s3cretx"));
  EXPECT_TRUE(RequestAuthorized("s3cret", "0.0.0.0", "Bearer s3cret", ""));
  EXPECT_TRUE(RequestAuthorized("s3cret", "::", "", "a=b; qikan_token=s3cret; c=d"));

  const std::vector<std::string> loopback = ServerNames("127.0.0.1");
  EXPECT_TRUE(HostHeaderAllowed(loopback, "127.0.0.1:8640"));
  EXPECT_TRUE(HostHeaderAllowed(loopback, "LOCALHOST:8640"));
  EXPECT_TRUE(HostHeaderAllowed(loopback, "127.0.0.1"));
  EXPECT_FALSE(HostHeaderAllowed(loopback, "[::1]:8640"));  // not listened on
  EXPECT_FALSE(HostHeaderAllowed(loopback, "evil.example:8640"));
  EXPECT_FALSE(HostHeaderAllowed(loopback, "127.0.0.1.evil.example"));
  EXPECT_FALSE(HostHeaderAllowed(loopback, ""));
  EXPECT_TRUE(HostHeaderAllowed(ServerNames("::1"), "[::1]:8640"));
  // A wildcard server answers to this machine's names and addresses only.
  const std::vector<std::string> wildcard = ServerNames("0.0.0.0");
  EXPECT_TRUE(HostHeaderAllowed(wildcard, "127.0.0.1:8640"));
  EXPECT_TRUE(HostHeaderAllowed(wildcard, "localhost:8640"));
  char hostname[256] = {};
  ASSERT_EQ(gethostname(hostname, sizeof hostname - 1), 0);
  EXPECT_TRUE(HostHeaderAllowed(wildcard, std::string(hostname) + ":8640")) << hostname;
  EXPECT_FALSE(HostHeaderAllowed(wildcard, "scans.example:8640"));
  EXPECT_FALSE(HostHeaderAllowed(wildcard, "0.0.0.0:8640"));
  EXPECT_FALSE(HostHeaderAllowed(wildcard, "evil.example"));
  // The link printed for a wildcard server names this machine, and the server answers to it.
  const std::string link = LinkHost("0.0.0.0");
  EXPECT_NE(link, "0.0.0.0");
  EXPECT_TRUE(HostHeaderAllowed(wildcard, link)) << link;
  EXPECT_EQ(LinkHost("192.168.1.20"), "192.168.1.20");

  EXPECT_TRUE(OriginAllowed("", "127.0.0.1:8640"));
  EXPECT_TRUE(OriginAllowed("http://127.0.0.1:8640", "127.0.0.1:8640"));
  EXPECT_FALSE(OriginAllowed("http://evil.example", "127.0.0.1:8640"));
  EXPECT_FALSE(OriginAllowed("http://127.0.0.1:9999", "127.0.0.1:8640"));
  EXPECT_FALSE(OriginAllowed("null", "127.0.0.1:8640"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackAddress("128.0.0.1"));
  EXPECT_EQ(GenerateReviewToken().size(), 32u);
  EXPECT_NE(GenerateReviewToken(), GenerateReviewToken());
  // Without a token, a server cannot listen beyond loopback.
  const fs::path dir = testing::FreshDir("review_auth");
  EXPECT_THROW(ReviewServer(ReviewServerOptions{.archive = dir, .host = "0.0.0.0"}), QikanError);
  fs::remove_all(dir);
}

// This machine's first non-loopback IPv4 address, if it has one.
std::string NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  std::string found;
  for (ifaddrs* a = list; a && found.empty(); a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
    if (!IsLoopbackAddress(text)) found = text;
  }
  freeifaddrs(list);
  return found;
}

TEST_F(ReviewServerTest, ANonLoopbackServerWantsItsTokenFromOtherPeers) {
  const std::string address = NonLoopbackAddress();
  if (address.empty()) GTEST_SKIP() << "no non-loopback address to listen on";
  RunningServer open_server(ReviewServerOptions{.archive = dir_, .host = address, .port = 0,
                                                .token = "s3cret"});
  httplib::Client client(address, open_server.port());
  auto denied = client.Get("/api/v1/queue");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  EXPECT_TRUE(json::parse(denied->body).contains("error"));
  EXPECT_EQ(client.Post(fmt::format("/api/v1/issues/{}/pages/4/decision", kReviewKey).c_str(),
                        R"({"version":0,"status":"approved"})", "application/json")
                ->status,
            401);
  EXPECT_EQ(client.Get("/api/v1/queue", {{"Authorization", "Bearer s3cret"}})->status, 200);
  auto login = client.Get("/?token=s3cret");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 303);
  const std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("qikan_token=s3cret"), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_EQ(client.Get("/api/v1/queue", {{"Cookie", "qikan_token=s3cret"}})->status, 200);
  EXPECT_EQ(client.Get("/?token=wrong")->status, 401);
  EXPECT_EQ(Page(4)["status"], "open");
}

TEST_F(ReviewServerTest, ACrossOriginPostIsRefused) {
  const std::string decision = fmt::format("/api/v1/issues/{}/pages/4/decision", kReviewKey);
  const std::string body = R"({"version":0,"status":"approved"})";
  auto foreign = client_->Post(decision.c_str(), {{"Origin", "http://evil.example"}}, body,
                               "application/json");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  EXPECT_TRUE(json::parse(foreign->body).contains("error"));
  EXPECT_EQ(client_->Post(decision.c_str(), {{"Origin", "null"}}, body, "application/json")->status,
            403);
  EXPECT_EQ(Page(4)["status"], "open");
  const std::string own = fmt::format("http://127.0.0.1:{}", server_->port());
  EXPECT_EQ(client_->Post(decision.c_str(), {{"Origin", own}}, body, "application/json")->status,
            200);
  EXPECT_EQ(Page(4)["status"], "approved");
}

TEST_F(ReviewServerTest, AWildcardServerRefusesAForeignHostFromAnyCallerAndWantsItsToken) {
  RunningServer open_server(
      ReviewServerOptions{.archive = dir_, .host = "0.0.0.0", .port = 0, .token = "s3cret"});
  std::vector<std::string> callers = {"127.0.0.1"};
  if (const std::string address = NonLoopbackAddress(); !address.empty()) callers.push_back(address);
  for (const auto& caller : callers) {
    httplib::Client client(caller, open_server.port());
    const httplib::Headers foreign = {{"Host", fmt::format("evil.example:{}", open_server.port())},
                                      {"Authorization", "Bearer s3cret"}};
    auto queue = client.Get("/api/v1/queue", foreign);
    ASSERT_TRUE(queue) << caller;
    EXPECT_EQ(queue->status, 403) << caller;
    EXPECT_EQ(client.Get("/", foreign)->status, 403) << caller;
    auto write = client.Post(fmt::format("/api/v1/issues/{}/pages/4/decision", kReviewKey).c_str(),
                             foreign, R"({"version":0,"status":"approved"})", "application/json");
    EXPECT_EQ(write->status, 403) << caller;
    // No caller is exempt from the token, loopback included.
    EXPECT_EQ(client.Get("/api/v1/queue")->status, 401) << caller;
    EXPECT_EQ(client.Get("/api/v1/queue", {{"Authorization", "Bearer s3cret"}})->status, 200)
        << caller;
  }
  EXPECT_EQ(Page(4)["status"], "open");
}

TEST_F(ReviewServerTest, AChunkedBodyOverTheLimitGets413) {
  const std::string path = fmt::format("/api/v1/issues/{}/pages/4/decision", kReviewKey);
  const std::string piece(64 << 10, ' ');
  for (const std::string& where : {path, std::string("/api/v1/nothing-here")}) {
    // Without a length, httplib's client sends the body chunked.
    auto result = client_->Post(
        where.c_str(),
        [&](size_t offset, httplib::DataSink& sink) {
          if (offset >= (2u << 20)) {
            sink.done();
          } else {
            sink.write(piece.data(), piece.size());
          }
          return true;
        },
        "application/json");
    ASSERT_TRUE(result) << where << " " << httplib::to_string(result.error());
    EXPECT_EQ(result->status, 413) << where << " " << result->body;
  }
  // A small chunked body is read as any other.
  auto small = client_->Post(
      path.c_str(),
      [](size_t offset, httplib::DataSink& sink) {
        const std::string body = R"({"version":0,"status":"approved"})";
        if (offset == 0) sink.write(body.data(), body.size());
        else sink.done();
        return true;
      },
      "application/json");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200) << small->body;
}

TEST_F(ReviewServerTest, ACorrectionHoldingEscIsRefusedAndNothingPrintsOneRaw) {
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  const std::string corrections = fmt::format("/api/v1/issues/{}/pages/4/corrections", kReviewKey);
  for (const char* after : {"顽\x1b[31m", "\x1b]0;pwned\a顽", "顽\xc2\x9b" "2J"}) {
    auto result = Post(corrections, {{"version", 0}, {"target", at.Id()}, {"after", after}});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << result->body;
    EXPECT_NE(json::parse(result->body)["error"].get<std::string>().find("control character"),
              std::string::npos);
  }
  const std::string structure = fmt::format("/api/v1/issues/{}/structure/corrections", kReviewKey);
  EXPECT_EQ(Post(structure, {{"version", 0}, {"field", "articles[1].title"}, {"after", "标题\x1b[2J"}})
                ->status,
            400);
  EXPECT_EQ(Post(structure, {{"version", 0},
                             {"field", "articles[1].attribution.authors"},
                             {"after", json::array({"王\x1b[31m芳"})}})
                ->status,
            400);
  const std::string decision = fmt::format("/api/v1/issues/{}/pages/4/decision", kReviewKey);
  EXPECT_EQ(Post(decision, {{"version", 0}, {"status", "rejected"}, {"comment", "\x1b[31m重扫"}})
                ->status,
            400);
  EXPECT_EQ(client_->Get("/api/v1/search?q=%1B%5B31m")->status, 400);
  EXPECT_EQ(Page(4)["history"].size(), 0u);
  EXPECT_EQ(Json(client_->Get(fmt::format("/api/v1/issues/{}/structure", kReviewKey).c_str()))["version"], 0);
  // A comment may span lines.
  EXPECT_EQ(Post(decision, {{"version", 0}, {"status", "rejected"}, {"comment", "倒置\n需重扫"}})
                ->status,
            200);

  // An archive written before the check (or by hand) may hold one: show and search print it as
  // \x1b, never raw.
  {
    Catalog catalog = Catalog::Open(CatalogPath(dir_));
    ASSERT_TRUE(catalog.AddCorrection({.issue_key = kReviewKey, .page = 4, .target = at.Id(),
                                       .before = "闫", .after = "顽\x1b]0;pwned\a\x1b[31m",
                                       .reviewer = "old"},
                                      catalog.ReviewPage(kReviewKey, 4).stamp.version));
    const std::string title = Record().articles[1].title;
    ASSERT_TRUE(catalog.AddCorrection({.issue_key = kReviewKey, .page = 0,
                                       .target = "articles[1].title", .before = title,
                                       .after = "标题\x1b[2J审校", .reviewer = "old"},
                                      0));
    RebuildIssue(Archive(dir_), catalog, kReviewKey, LoadProfiles(testing::SourcePath("models/profiles")));
  }
  ASSERT_NE(Record().articles[1].title.find('\x1b'), std::string::npos);
  const std::string binary = testing::BinaryPath("pipeline/qikan");
  for (const std::string& command :
       {fmt::format("'{}' show {} --archive '{}'", binary, kReviewKey, dir_.string()),
        fmt::format("'{}' search 审校 --archive '{}'", binary, dir_.string()),
        fmt::format("'{}' search 等顽 --archive '{}'", binary, dir_.string())}) {
    const fs::path out = dir_ / "out.txt";
    ASSERT_EQ(std::system((command + " >'" + out.string() + "' 2>&1").c_str()), 0) << command;
    std::ifstream in(out, std::ios::binary);
    const std::string printed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(printed.find('\x1b'), std::string::npos) << command << "\n" << printed;
    EXPECT_EQ(printed.find('\a'), std::string::npos) << command;
    EXPECT_NE(printed.find("\\x1b"), std::string::npos) << command << "\n" << printed;
  }
}

TEST_F(ReviewServerTest, DecisionsReachRecordJsonShowAndSearchFilters) {
  const std::string binary = testing::BinaryPath("pipeline/qikan");
  auto run = [&](const std::string& args) {
    const fs::path out = dir_ / "out.txt";
    const int status = std::system(fmt::format("'{}' {} --archive '{}' >'{}' 2>&1", binary, args,
                                               dir_.string(), out.string())
                                       .c_str());
    std::ifstream in(out, std::ios::binary);
    EXPECT_EQ(status, 0) << args;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  EXPECT_NE(run("search 燃气 --unreviewed").find(kReviewKey), std::string::npos);
  EXPECT_EQ(run("search 燃气 --reviewed").find(kReviewKey), std::string::npos);

  const json queue = Json(client_->Get(fmt::format("/api/v1/queue?issue={}", kReviewKey).c_str()));
  ASSERT_FALSE(queue["items"].empty());
  EXPECT_EQ(queue["items"][0]["issue_label"], "杭州人大信息 第5期（总第711期） 2025-07-11 普刊");
  for (const auto& item : queue["items"]) {
    const std::string path = fmt::format("/api/v1/issues/{}/pages/{}/decision", kReviewKey,
                                         item["page"].get<int>());
    const bool reject = item["page"] == 12;
    ASSERT_EQ(Post(path, {{"version", item["version"]},
                          {"status", reject ? "rejected" : "approved"},
                          {"comment", reject ? "重扫" : ""}})
                  ->status,
              200);
  }
  const json record = json::parse(std::ifstream(dir_ / "issues" / kReviewKey / "record.json"));
  ASSERT_EQ(record["decisions"].size(), queue["items"].size());
  bool rejected_12 = false;
  for (const auto& d : record["decisions"]) {
    EXPECT_EQ(d["reviewer"], "wang");
    EXPECT_FALSE(d["at"].get<std::string>().empty());
    if (d["page"] == 12) rejected_12 = d["decision"] == "rejected" && d["comment"] == "重扫";
  }
  EXPECT_TRUE(rejected_12);
  const std::string shown = run(fmt::format("show {}", kReviewKey));
  EXPECT_NE(shown.find("review rejected"), std::string::npos) << shown;
  EXPECT_NE(shown.find("p12  rejected by wang, "), std::string::npos) << shown;
  EXPECT_NE(shown.find("p4   approved by wang, "), std::string::npos) << shown;
  EXPECT_EQ(shown.find("status open"), std::string::npos) << shown;
  EXPECT_EQ(run("search 燃气 --unreviewed").find(kReviewKey), std::string::npos);

  // Page 12 approved after all: the issue is reviewed.
  const int version = Page(12)["version"];
  ASSERT_EQ(Post(fmt::format("/api/v1/issues/{}/pages/12/decision", kReviewKey),
                 {{"version", version}, {"status", "approved"}})
                ->status,
            200);
  EXPECT_NE(run(fmt::format("show {}", kReviewKey)).find("review approved"), std::string::npos);
  EXPECT_NE(run("search 燃气 --reviewed").find(kReviewKey), std::string::npos);
}

TEST_F(ReviewServerTest, AnArticleTitleCorrectedIsCorrectedInItsTocEntryToo) {
  const std::string path = fmt::format("/api/v1/issues/{}/structure", kReviewKey);
  const json structure = Json(client_->Get(path.c_str()));
  const IssueRecord before = Record();
  const auto linked = LinkedTitleField(before, "articles[1].title");
  ASSERT_TRUE(linked);
  const size_t toc = std::stoul(linked->substr(4));
  ASSERT_EQ(LinkedTitleField(before, *linked), "articles[1].title");
  const std::string title = "建德市：燃气安全网络审校标题";
  ASSERT_EQ(Post(path + "/corrections",
                 {{"version", 0}, {"field", "articles[1].title"}, {"after", title}})
                ->status,
            200);
  const IssueRecord after = Record();
  EXPECT_EQ(after.articles[1].title, title);
  EXPECT_EQ(after.toc[toc].title, title);
  const json record = json::parse(std::ifstream(dir_ / "issues" / kReviewKey / "record.json"));
  int entries = 0;
  for (const auto& c : record["corrections"]) {
    if (c["source"] != "reviewer:wang") continue;
    ++entries;
    EXPECT_EQ(c["field"], "articles[1].title");
    EXPECT_EQ(c["also"], json::array({*linked}));
  }
  EXPECT_EQ(entries, 1);
  // The same value again is no correction.
  auto same = Post(path + "/corrections", {{"version", 1}, {"field", "articles[1].title"}, {"after", title}});
  EXPECT_EQ(same->status, 400);
  EXPECT_NE(json::parse(same->body)["error"].get<std::string>().find("nothing was changed"),
            std::string::npos);
  EXPECT_EQ(Json(client_->Get(path.c_str()))["version"], 1);
}

TEST_F(ReviewServerTest, ANoOpWordCorrectionIsRefused) {
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  const std::string corrections = fmt::format("/api/v1/issues/{}/pages/4/corrections", kReviewKey);
  auto same = Post(corrections, {{"version", 0}, {"target", at.Id()}, {"after", "闫"}});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 400);
  EXPECT_NE(json::parse(same->body)["error"].get<std::string>().find("already reads «闫»"),
            std::string::npos);
  EXPECT_EQ(Page(4)["version"], 0);
  ASSERT_EQ(Post(corrections, {{"version", 0}, {"target", at.Id()}, {"after", "顽"}})->status, 200);
  EXPECT_EQ(Post(corrections, {{"version", 1}, {"target", at.Id()}, {"after", "顽"}})->status, 400);
  EXPECT_EQ(Page(4)["history"].size(), 1u);
}

TEST_F(ReviewServerTest, WithUsersTheNameComesFromTheToken) {
  const fs::path file = dir_ / "users.txt";
  {
    std::ofstream out(file);
    out << "# reviewers\n王芳 0123456789abcdef0123\nLi Wei  fedcba9876543210fedc\n";
  }
  const std::vector<ReviewerToken> users = ReadReviewerTokens(file);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[1].name, "Li Wei");
  RunningServer named(ReviewServerOptions{.archive = dir_, .port = 0, .users = users});
  httplib::Client client("127.0.0.1", named.port());
  // Even on loopback, a reviewer must hold a token; the browser's name does not count.
  EXPECT_EQ(client.Get("/api/v1/queue")->status, 401);
  const httplib::Headers wang = {{"Cookie", "qikan_token=0123456789abcdef0123"},
                                 {"X-Qikan-Reviewer", "someone-else"}};
  EXPECT_EQ(Json(client.Get("/api/v1/status", wang))["reviewer"], "王芳");
  const auto at = testing::FindWord(ocr_[3], "等闫疾", "闫");
  ASSERT_EQ(client
                .Post(fmt::format("/api/v1/issues/{}/pages/4/corrections", kReviewKey).c_str(), wang,
                      json({{"version", 0}, {"target", at.Id()}, {"after", "顽"}}).dump(),
                      "application/json")
                ->status,
            200);
  EXPECT_EQ(Page(4)["history"][0]["reviewer"], "王芳");
  auto login = client.Get("/?token=fedcba9876543210fedc");
  EXPECT_EQ(login->status, 303);
  EXPECT_NE(login->get_header_value("Set-Cookie").find("qikan_token=fedcba9876543210fedc"),
            std::string::npos);
  {
    std::ofstream out(file);
    out << "王芳 short\n";
  }
  EXPECT_THROW(ReadReviewerTokens(file), QikanError);
}

}  // namespace
}  // namespace qikan
