#include "pipeline/review/review_server.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <pthread.h>
#include <unistd.h>
#include <signal.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "models/errors.h"
#include "models/text.h"
#include "pipeline/archive/archive.h"
#include "pipeline/archive/catalog.h"
#include "pipeline/run/issue_job.h"
#include "pipeline/review/review.h"
#include "pipeline/version.h"

namespace qikan {
namespace fs = std::filesystem;
using nlohmann::json;

bool IsLoopbackAddress(std::string_view address) {
  const std::string text(address);
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    // ::ffff:127.x.x.x, an IPv4 loopback peer on a dual-stack socket.
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return address == "localhost";
}

std::string GenerateReviewToken() {
  std::random_device device;
  std::string token;
  for (int i = 0; i < 4; ++i) token += fmt::format("{:08x}", device());
  return token;
}

namespace {

// Compares in time independent of where the first difference is.
bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    const std::string_view pair = Trim(header.substr(0, end));
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace

bool RequestAuthorized(std::string_view token, std::string_view bound_host,
                       std::string_view authorization_header, std::string_view cookie_header) {
  if (IsLoopbackAddress(bound_host)) return true;
  if (token.empty()) return false;
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization_header.starts_with(kBearer) &&
      SameSecret(Trim(authorization_header.substr(kBearer.size())), token)) {
    return true;
  }
  const std::string cookie = CookieValue(cookie_header, "qikan_token");
  return !cookie.empty() && SameSecret(cookie, token);
}

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsAddressLiteral(const std::string& text) {
  in_addr v4{};
  in6_addr v6{};
  return ::inet_pton(AF_INET, text.c_str(), &v4) == 1 || ::inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

std::string AddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
                sizeof text);
  }
  return Lower(text);
}

// The addresses `name` resolves to, and (when asked) its canonical name.
std::vector<std::string> Resolve(const std::string& name, std::string* canonical = nullptr) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = canonical ? AI_CANONNAME : 0;
  addrinfo* list = nullptr;
  if (::getaddrinfo(name.c_str(), nullptr, &hints, &list) != 0) return {};
  std::vector<std::string> out;
  for (addrinfo* a = list; a; a = a->ai_next) {
    if (canonical && a->ai_canonname && canonical->empty()) *canonical = Lower(a->ai_canonname);
    if (a->ai_addr) out.push_back(AddressText(a->ai_addr));
  }
  ::freeaddrinfo(list);
  return out;
}

// This machine's interface addresses of `family` (AF_INET or AF_INET6).
std::vector<std::string> InterfaceAddresses(int family) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {};
  std::vector<std::string> out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (a->ifa_addr && a->ifa_addr->sa_family == family) out.push_back(AddressText(a->ifa_addr));
  }
  ::freeifaddrs(list);
  return out;
}

}  // namespace

std::vector<std::string> ServerNames(std::string_view bound_host) {
  std::set<std::string> names;
  std::string host = Lower(bound_host);
  if (host.starts_with("[") && host.ends_with("]")) host = host.substr(1, host.size() - 2);
  if (!host.empty()) names.insert(host);
  const bool wildcard = host.empty() || host == "0.0.0.0" || host == "::";
  if (host == "localhost") names.insert({"127.0.0.1", "::1"});
  if (IsLoopbackAddress(host)) {
    names.insert("localhost");
    return {names.begin(), names.end()};
  }
  if (wildcard) {
    names.insert("localhost");
    for (const auto& a : InterfaceAddresses(AF_INET)) names.insert(a);
    if (host != "0.0.0.0") {
      for (const auto& a : InterfaceAddresses(AF_INET6)) names.insert(a);
    }
  }
  if (!wildcard && !IsAddressLiteral(host)) {
    for (const auto& a : Resolve(host)) names.insert(a);
  }
  char hostname[256] = {};
  if (::gethostname(hostname, sizeof hostname - 1) == 0 && hostname[0]) {
    std::string canonical;
    const std::vector<std::string> addresses = Resolve(hostname, &canonical);
    const bool here = wildcard || std::find(addresses.begin(), addresses.end(), host) != addresses.end();
    if (here) {
      names.insert(Lower(hostname));
      if (!canonical.empty()) names.insert(canonical);
    }
  }
  names.erase("0.0.0.0");
  names.erase("::");
  return {names.begin(), names.end()};
}

bool HostHeaderAllowed(const std::vector<std::string>& names, std::string_view host_header) {
  std::string_view name = Trim(host_header);
  if (name.starts_with("[")) {
    const size_t close = name.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view rest = name.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(":")) return false;
    name = name.substr(1, close - 1);
  } else if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
    if (name.find(':', colon + 1) != std::string_view::npos) return false;  // bare IPv6
    name = name.substr(0, colon);
  }
  if (name.ends_with(".")) name.remove_suffix(1);
  if (name.empty()) return false;
  return std::find(names.begin(), names.end(), Lower(name)) != names.end();
}

bool OriginAllowed(std::string_view origin_header, std::string_view host_header) {
  const std::string origin = Lower(Trim(origin_header));
  if (origin.empty()) return true;
  const std::string host = Lower(Trim(host_header));
  return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

namespace {

// An answer other than 200, with the sentence the reviewer reads.
struct HttpError {
  int status;
  std::string message;
  json extra = json::object();
};

// A body up to this size is read to its end even when refused (413): see ReadBody.
constexpr unsigned long long kMaxDrainBytes = 64ull << 20;

[[noreturn]] void Fail(int status, std::string message, json extra = json::object()) {
  throw HttpError{status, std::move(message), std::move(extra)};
}

// Refuses text holding a control character (an ESC sequence would retitle or recolour the
// terminal of whoever prints the record with `qikan show` or `search`).
void RefuseControlCharacters(const std::string& text, bool multi_line) {
  const auto c = FirstControlCharacter(text, multi_line);
  if (!c) return;
  Fail(400, fmt::format("The text holds an invisible control character (U+{:04X}){}; nothing was "
                        "saved. Type it again without it.",
                        static_cast<unsigned>(*c), *c == 0x1b ? ", an escape sequence" : ""));
}

void SendJson(httplib::Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  // Replacing ill-formed UTF-8 (a key or query echoed in an error) keeps every answer JSON.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& message,
               const json& extra = json::object()) {
  json body = extra;
  body["error"] = message;
  SendJson(res, body, status);
}

std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const std::string hex(text.substr(i + 1, 2));
      char* end = nullptr;
      const long value = std::strtol(hex.c_str(), &end, 16);
      if (end == hex.c_str() + 2) {
        out += static_cast<char>(value);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

bool IsUtf8(const std::string& text) {
  try {
    (void)json(text).dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

const char* ContentType(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

json BoxJson(const Box& box) {
  return {{"x", box.x}, {"y", box.y}, {"width", box.width}, {"height", box.height}};
}

std::vector<std::string> UniqueInOrder(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
  }
  return out;
}

json HistoryJson(const std::vector<CorrectionResult>& results, int page) {
  json history = json::array();
  for (auto it = results.rbegin(); it != results.rend(); ++it) {
    const CorrectionRow& c = it->correction;
    if (c.page != page) continue;
    history.push_back({{"target", c.target},
                       {"before", c.before},
                       {"after", c.after},
                       {"reviewer", c.reviewer},
                       {"at", c.created_at},
                       {"outcome", CorrectionOutcomeName(it->outcome)}});
  }
  return history;
}

}  // namespace

struct ReviewServer::Impl {
  explicit Impl(ReviewServerOptions opts)
      : options(std::move(opts)),
        archive(options.archive),
        catalog(Catalog::Open(CatalogPath(options.archive))),
        profiles(LoadProfiles(options.profiles_dir)) {}

  ReviewServerOptions options;
  Archive archive;
  Catalog catalog;
  std::vector<PublicationProfile> profiles;
  std::vector<std::string> names = ServerNames(options.host);  // what Host may say
  // Rebuilds read the issue folder and replace files in it: one writer at a time.
  std::mutex write_mutex;
  httplib::Server server;

  void Routes();

  std::string Reviewer(const httplib::Request& req) const;
  // The --users reviewer whose token the request carries.
  const ReviewerToken* TokenHolder(const httplib::Request& req) const;
  bool Authorized(const httplib::Request& req) const {
    if (!options.users.empty()) return TokenHolder(req) != nullptr;
    return RequestAuthorized(options.token, options.host, req.get_header_value("Authorization"),
                             req.get_header_value("Cookie"));
  }
  IssueRow Issue(const std::string& key) const;
  int PageNumber(const IssueRow& issue, const std::string& text, bool allow_zero) const;
  // The request body, read through httplib's reader so that a chunked one is held to the same
  // limit as one with a Content-Length (httplib reads a chunked body whole).
  std::string ReadBody(const httplib::Request& req, const httplib::ContentReader& reader) const;
  static json Body(const std::string& text);

  json QueueJson(const httplib::Request& req) const;
  json PageJson(const IssueRow& issue, int page) const;
  json StructureJson(const IssueRow& issue) const;
  json SearchJson(const httplib::Request& req) const;

  json PostCorrection(const IssueRow& issue, int page, const json& body, const std::string& who);
  json PostDecision(const IssueRow& issue, int page, const json& body, const std::string& who);
  json PostStructureCorrection(const IssueRow& issue, const json& body, const std::string& who);
};

std::string ReviewServer::Impl::Reviewer(const httplib::Request& req) const {
  if (!options.users.empty()) {
    const auto holder = TokenHolder(req);
    if (!holder) Fail(401, "This server needs your own token: open the link with ?token= you were given.");
    return holder->name;
  }
  std::string name = PercentDecoded(req.get_header_value("X-Qikan-Reviewer"));
  if (name.empty()) name = options.reviewer;
  if (name.empty() && std::getenv("USER")) name = std::getenv("USER");
  if (name.empty()) name = "reviewer";
  name = std::string(Trim(name));
  if (name.size() > 120 || !IsUtf8(name) || std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    Fail(400, "The reviewer's name must be a short line of text (UTF-8, percent-encoded).");
  }
  return name;
}

const ReviewerToken* ReviewServer::Impl::TokenHolder(const httplib::Request& req) const {
  for (const auto& user : options.users) {
    // Any host: with named reviewers, a loopback caller must say who it is too.
    if (RequestAuthorized(user.token, "0.0.0.0", req.get_header_value("Authorization"),
                          req.get_header_value("Cookie"))) {
      return &user;
    }
  }
  return nullptr;
}

IssueRow ReviewServer::Impl::Issue(const std::string& key) const {
  static const std::regex valid(R"([A-Za-z0-9._-]{1,200})");
  if (!std::regex_match(key, valid) || key == "." || key == "..") {
    Fail(400, fmt::format("«{}» is not an issue key.", key.substr(0, 200)));
  }
  auto row = catalog.FindIssue(key);
  if (!row || !archive.HasIssue(key)) Fail(404, fmt::format("There is no issue {} in the archive.", key));
  return *row;
}

int ReviewServer::Impl::PageNumber(const IssueRow& issue, const std::string& text,
                                   bool allow_zero) const {
  const int page = text.size() <= 6 ? std::stoi(text) : INT_MAX;  // the route allows digits only
  if (page > issue.pages || (page == 0 && !allow_zero)) {
    Fail(404, fmt::format("Issue {} has no page {} (it has {}).", issue.key, text, issue.pages));
  }
  return page;
}

std::string ReviewServer::Impl::ReadBody(const httplib::Request& req,
                                         const httplib::ContentReader& reader) const {
  std::string body;
  unsigned long long received = 0;
  const bool read = reader([&](const char* data, size_t length) {
    received += length;
    // Past the limit the rest is drained, not kept, so that the client still sending reads the
    // answer instead of a reset connection; past kMaxDrainBytes the connection is dropped.
    if (received <= options.max_body_bytes) body.append(data, length);
    return received <= kMaxDrainBytes;
  });
  // httplib skips a body whose Content-Length is over the limit without handing it over.
  const std::string length = req.get_header_value("Content-Length");
  if (received > options.max_body_bytes ||
      (!read && !length.empty() && std::stoull(length) > options.max_body_bytes)) {
    Fail(413, fmt::format("The request body is larger than the server accepts ({} KiB).",
                          options.max_body_bytes / 1024));
  }
  if (!read) Fail(400, "The request body could not be read.");
  return body;
}

json ReviewServer::Impl::Body(const std::string& text) {
  json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) Fail(400, "The request body is not a JSON object.");
  if (!body.contains("version") || !body["version"].is_number_integer()) {
    Fail(400, "The request must say which version it was based on (\"version\": an integer).");
  }
  return body;
}

json ReviewServer::Impl::QueueJson(const httplib::Request& req) const {
  const std::string status = req.has_param("status") ? req.get_param_value("status") : "all";
  if (status != "open" && status != "approved" && status != "rejected" && status != "all") {
    Fail(400, "status must be open, approved, rejected or all.");
  }
  const std::string reason = req.get_param_value("reason");
  int limit = 200;
  if (req.has_param("limit")) {
    const std::string text = req.get_param_value("limit");
    static const std::regex digits(R"(\d{1,6})");
    if (!std::regex_match(text, digits) || std::stoi(text) < 1) {
      Fail(400, "limit must be a positive integer.");
    }
    limit = std::stoi(text);
  }
  ReviewFilter filter{.issue_key = req.get_param_value("issue"), .limit = INT_MAX};
  if (!filter.issue_key.empty()) Issue(filter.issue_key);
  const std::vector<ReviewQueueRow> rows = catalog.ReviewQueue(filter);

  std::map<std::string, IssueRow> issues;
  for (auto& row : catalog.Issues()) issues.emplace(row.key, std::move(row));
  std::set<std::string> reasons;
  json counts = {{"open", 0}, {"approved", 0}, {"rejected", 0}};
  json items = json::array();
  for (const auto& row : rows) {
    std::vector<std::string> row_reasons, details;
    for (const auto& item : row.items) {
      reasons.insert(item.reason);
      row_reasons.push_back(item.reason);
      details.push_back(item.detail);
    }
    if (!reason.empty() &&
        std::find(row_reasons.begin(), row_reasons.end(), reason) == row_reasons.end()) {
      continue;
    }
    const std::string row_status = ReviewStatusName(row.status);
    counts[row_status] = counts[row_status].get<int>() + 1;
    if (status != "all" && status != row_status) continue;
    if (static_cast<int>(items.size()) >= limit) continue;
    const auto issue = issues.find(row.issue_key);
    const IssueRow none{.key = row.issue_key};
    const IssueRow& info = issue == issues.end() ? none : issue->second;
    items.push_back({{"issue_key", row.issue_key},
                     {"issue_label", IssueLabel(info)},
                     {"title", info.title},
                     {"cumulative_number",
                      info.cumulative_number ? json(*info.cumulative_number) : json(nullptr)},
                     {"edition", info.edition},
                     {"source_file", fs::path(info.source_file).filename().string()},
                     {"issue_date", row.issue_date},
                     {"issue_number", row.issue_number ? json(*row.issue_number) : json(nullptr)},
                     {"page", row.page},
                     {"reasons", UniqueInOrder(row_reasons)},
                     {"details", details},
                     {"mean_confidence", row.mean_confidence},
                     {"estimated_cer", row.estimated_cer ? json(*row.estimated_cer) : json(nullptr)},
                     {"status", row_status},
                     {"version", row.version},
                     {"corrections", row.corrections}});
  }
  return {{"items", items}, {"counts", counts}, {"reasons", reasons}};
}

json ReviewServer::Impl::PageJson(const IssueRow& issue, int page) const {
  const std::string& key = issue.key;
  const ReviewPageRow state = catalog.ReviewPage(key, page);
  const std::vector<ReviewRow> items = [&] {
    std::vector<ReviewRow> all = catalog.ReviewItems({.issue_key = key, .limit = INT_MAX});
    std::erase_if(all, [&](const ReviewRow& r) { return r.page != page; });
    return all;
  }();
  ReviewStatus status = items.empty() ? state.status : ReviewStatus::kApproved;
  for (const auto& item : items) {
    if (item.status == ReviewStatus::kOpen) status = ReviewStatus::kOpen;
    if (item.status == ReviewStatus::kRejected && status != ReviewStatus::kOpen) {
      status = ReviewStatus::kRejected;
    }
  }
  json reviews = json::array();
  for (const auto& item : items) {
    reviews.push_back({{"id", item.id},
                       {"reason", item.reason},
                       {"detail", item.detail},
                       {"status", ReviewStatusName(item.status)},
                       {"note", item.note}});
  }

  const IssueRecord record = ReadIssueRecord(archive, key);
  json out = {{"issue_key", key},
              {"page", page},
              {"pages", issue.pages},
              {"width", 0},
              {"height", 0},
              {"image", nullptr},
              {"mean_confidence", issue.mean_confidence},
              {"estimated_cer", nullptr},
              {"status", ReviewStatusName(status)},
              {"issue_label", IssueLabel(issue)},
              {"comment", state.comment},
              {"decided_by", state.decided_at.empty() ? "" : state.reviewer},
              {"decided_at", state.decided_at},
              {"decided_at_local", state.decided_at.empty() ? "" : LocalTime(state.decided_at)},
              {"version", state.stamp.version},
              {"changed_by", state.stamp.changed_by},
              {"changed_at", state.stamp.changed_at},
              {"changed_at_local", state.stamp.changed_at.empty() ? "" : LocalTime(state.stamp.changed_at)},
              {"reviews", reviews},
              {"lines", json::array()},
              {"text", ""},
              {"history", json::array()}};
  if (page == 0) return out;

  const std::vector<OcrPage> ocr = LoadOcrPages(archive.IssueDir(key));
  if (static_cast<size_t>(page) > ocr.size()) Fail(404, fmt::format("Issue {} has no page {}.", key, page));
  std::vector<OcrPage> corrected = ocr;
  const std::vector<CorrectionRow> all_corrections = catalog.Corrections(key);
  const std::vector<CorrectionResult> results = ApplyTextCorrections(corrected, all_corrections);
  const OcrPage& read = ocr[static_cast<size_t>(page - 1)];
  const OcrPage& now = corrected[static_cast<size_t>(page - 1)];

  json lines = json::array();
  for (size_t b = 0; b < read.blocks.size(); ++b) {
    for (size_t l = 0; l < read.blocks[b].lines.size(); ++l) {
      const OcrLine& line = read.blocks[b].lines[l];
      const OcrLine& line_now = now.blocks[b].lines[l];
      json words = json::array();
      for (size_t w = 0; w < line.words.size(); ++w) {
        const OcrWord& word = line.words[w];
        words.push_back({{"id", fmt::format("b{}.l{}.w{}", b, l, w)},
                         {"box", BoxJson(word.box)},
                         {"text", line_now.words[w].text},
                         {"confidence", word.confidence},
                         {"corrected", line_now.words[w].text != word.text},
                         {"original", word.text}});
      }
      lines.push_back({{"id", fmt::format("b{}.l{}", b, l)},
                       {"box", BoxJson(line.box)},
                       {"text", line_now.text},
                       {"confidence", line.confidence},
                       {"estimated_cer", line.estimated_cer >= 0 ? json(line.estimated_cer)
                                                                 : json(nullptr)},
                       {"corrected", line_now.text != line.text},
                       {"original", line.text},
                       {"words", words}});
    }
  }
  json stale = json::array();
  for (const auto& result : results) {
    if (result.correction.page == page && result.outcome == CorrectionOutcome::kStale) {
      stale.push_back(result.correction.target);
    }
  }
  out["width"] = read.width;
  out["height"] = read.height;
  out["image"] = fmt::format("/api/v1/issues/{}/pages/{}/image", key, page);
  out["has_image"] = fs::exists(archive.IssueDir(key) / "pages" / fmt::format("{:04d}.jpg", page));
  out["mean_confidence"] = read.MeanConfidence();
  if (static_cast<size_t>(page) <= record.pages.size()) {
    const PageRecord& archived = record.pages[static_cast<size_t>(page - 1)];
    out["mean_confidence"] = archived.mean_confidence;
    if (archived.estimated_cer >= 0) out["estimated_cer"] = archived.estimated_cer;
    out["text"] = record.pages[static_cast<size_t>(page - 1)].text;
  }
  out["lines"] = std::move(lines);
  out["history"] = HistoryJson(results, page);
  out["stale"] = stale;
  return out;
}

json ReviewServer::Impl::StructureJson(const IssueRow& issue) const {
  const IssueRecord record = ReadIssueRecord(archive, issue.key);
  const EditStamp stamp = catalog.StructureStamp(issue.key);
  std::vector<std::string> reviewed;
  for (const auto& c : record.corrections) {
    if (c.source.starts_with("reviewer:") && c.page == 0) reviewed.push_back(c.field);
  }
  auto reviewed_under = [&](const std::string& prefix) {
    json fields = json::array();
    for (const auto& field : reviewed) {
      if (field.starts_with(prefix)) fields.push_back(field.substr(prefix.size()));
    }
    return fields;
  };
  json toc = json::array();
  for (size_t i = 0; i < record.toc.size(); ++i) {
    json entry = record.toc[i];
    entry["index"] = i;
    entry["reviewed_fields"] = reviewed_under(fmt::format("toc[{}].", i));
    toc.push_back(std::move(entry));
  }
  json articles = json::array();
  for (size_t i = 0; i < record.articles.size(); ++i) {
    const Article& a = record.articles[i];
    articles.push_back(
        {{"index", i},
         {"column", a.column},
         {"title", a.title},
         {"locality", a.locality ? json(*a.locality) : json(nullptr)},
         {"start_page", a.start_page},
         {"end_page", a.end_page},
         {"authors", a.attribution ? a.attribution->authors : std::vector<std::string>{}},
         {"organization", a.attribution ? a.attribution->organization : std::string()},
         {"paragraphs", a.paragraphs.size()},
         {"reviewed_fields", reviewed_under(fmt::format("articles[{}].", i))}});
  }
  json briefs = json::array();
  for (size_t i = 0; i < record.briefs.size(); ++i) {
    const Brief& b = record.briefs[i];
    briefs.push_back(
        {{"index", i},
         {"column", b.column},
         {"page", b.page},
         {"text", b.text},
         {"organization", b.attribution ? b.attribution->organization : std::string()},
         {"authors", b.attribution ? b.attribution->authors : std::vector<std::string>{}},
         {"reviewed_fields", reviewed_under(fmt::format("briefs[{}].", i))}});
  }
  std::vector<CorrectionResult> results;
  std::vector<std::string> stale;
  {
    // Only for the outcome of each structure correction: what the record now holds decides.
    std::vector<CorrectionRow> structure;
    for (auto& c : catalog.Corrections(issue.key)) {
      if (c.page == 0) structure.push_back(std::move(c));
    }
    for (const auto& c : structure) {
      const bool applied = std::any_of(record.corrections.begin(), record.corrections.end(),
                                       [&](const Correction& r) {
                                         return r.page == 0 && r.field == c.target &&
                                                r.after == c.after &&
                                                r.source == "reviewer:" + c.reviewer;
                                       });
      results.push_back({.correction = c,
                         .outcome = applied ? CorrectionOutcome::kApplied : CorrectionOutcome::kStale});
    }
    // An older correction of a field corrected again is superseded, not stale.
    std::set<std::string> seen;
    for (auto it = results.rbegin(); it != results.rend(); ++it) {
      if (!seen.insert(it->correction.target).second) it->outcome = CorrectionOutcome::kSuperseded;
      else if (it->outcome == CorrectionOutcome::kStale) stale.push_back(it->correction.target);
    }
  }
  json history = HistoryJson(results, 0);
  // Which linked title each applied title correction also set (record.json's "also").
  {
    std::ifstream in(archive.IssueDir(issue.key) / "record.json", std::ios::binary);
    const json raw = json::parse(in, nullptr, /*allow_exceptions=*/false);
    std::map<std::string, json> also;
    if (raw.is_object() && raw.contains("corrections") && raw["corrections"].is_array()) {
      for (const auto& c : raw["corrections"]) {
        if (c.contains("also") && c.contains("field")) also[c["field"].get<std::string>()] = c["also"];
      }
    }
    for (auto& entry : history) {
      const std::string target = entry["target"];
      if (entry["outcome"] == "applied" && also.count(target)) entry["also"] = also[target];
    }
    // The linked title a correction set is the reviewer's too (its reviewer tag in the panel).
    for (const auto& [field, fields] : also) {
      for (const auto& linked : fields) {
        const std::string name = linked.get<std::string>();
        reviewed.push_back(name);
        std::smatch m;
        static const std::regex indexed(R"(^(toc|articles)\[(\d+)\]\.(.*)$)");
        if (!std::regex_match(name, m, indexed)) continue;
        json& list = m[1] == "toc" ? toc : articles;
        const size_t index = std::stoul(m[2]);
        if (index < list.size()) list[index]["reviewed_fields"].push_back(m[3].str());
      }
    }
  }
  json info = record.issue;
  return {{"issue_key", issue.key},
          {"issue_label", IssueLabel(issue)},
          {"version", stamp.version},
          {"changed_by", stamp.changed_by},
          {"changed_at", stamp.changed_at},
          {"profile", record.profile},
          {"issue", info},
          {"toc", toc},
          {"articles", articles},
          {"briefs", briefs},
          {"reviewed_fields", reviewed},
          {"stale", stale},
          {"history", history}};
}

json ReviewServer::Impl::SearchJson(const httplib::Request& req) const {
  SearchQuery query{.text = req.get_param_value("q"), .limit = 20};
  if (query.text.size() > 400) Fail(400, "The search text is too long.");
  if (!IsUtf8(query.text)) Fail(400, "The search text is not UTF-8.");
  RefuseControlCharacters(query.text, false);
  if (req.has_param("limit")) {
    const std::string text = req.get_param_value("limit");
    static const std::regex digits(R"(\d{1,4})");
    if (!std::regex_match(text, digits) || std::stoi(text) < 1) {
      Fail(400, "limit must be a positive integer.");
    }
    query.limit = std::min(std::stoi(text), 500);
  }
  json hits = json::array();
  for (const auto& hit : catalog.Search(query)) {
    hits.push_back({{"kind", HitKindName(hit.kind)},
                    {"id", hit.id},
                    {"issue_key", hit.issue_key},
                    {"issue_date", hit.issue_date},
                    {"issue_number", hit.issue_number ? json(*hit.issue_number) : json(nullptr)},
                    {"title", hit.title},
                    {"column", hit.column},
                    {"locality", hit.locality ? json(*hit.locality) : json(nullptr)},
                    {"start_page", hit.start_page},
                    {"end_page", hit.end_page},
                    {"snippet", hit.snippet}});
  }
  return {{"hits", hits}};
}

namespace {

// `what` starts the sentence ("Page 12 of 杭州人大信息 第5期"); the time is this machine's.
[[noreturn]] void Conflict(const std::string& what, const EditStamp& stamp, json current) {
  Fail(409,
       fmt::format("{} was changed by {}{} since you opened it. It now shows their change.", what,
                   stamp.changed_by.empty() ? "someone" : stamp.changed_by,
                   stamp.changed_at.empty() ? "" : " at " + LocalTime(stamp.changed_at)),
       {{"current", std::move(current)}});
}

std::string PageName(const IssueRow& issue, int page) {
  return page == 0 ? fmt::format("The whole-issue review of {}", IssueLabel(issue))
                   : fmt::format("Page {} of {}", page, IssueLabel(issue));
}

std::string TextField(const json& body, const char* name, size_t max_bytes,
                      bool multi_line = false) {
  if (!body.contains(name) || !body[name].is_string()) {
    Fail(400, fmt::format("The request must give \"{}\" as a string.", name));
  }
  std::string value = body[name].get<std::string>();
  if (value.size() > max_bytes) Fail(400, fmt::format("\"{}\" is too long.", name));
  if (!multi_line && value.find_first_of("\n\r\f") != std::string::npos) {
    Fail(400, "A word or line correction is one line of text.");
  }
  RefuseControlCharacters(value, multi_line);
  return value;
}

}  // namespace

json ReviewServer::Impl::PostCorrection(const IssueRow& issue, int page, const json& body,
                                        const std::string& who) {
  const int version = body["version"].get<int>();
  const std::string target = TextField(body, "target", 64);
  std::string after = TextField(body, "after", 4000);
  const auto parsed = ParseTextTarget(target);
  if (!parsed) Fail(400, fmt::format("«{}» is not a word or line id such as b0.l3.w2.", target));
  std::lock_guard lock(write_mutex);
  const std::vector<OcrPage> ocr = LoadOcrPages(archive.IssueDir(issue.key));
  const auto before = static_cast<size_t>(page) <= ocr.size()
                          ? TextAt(ocr[static_cast<size_t>(page - 1)], *parsed)
                          : std::nullopt;
  if (!before) Fail(404, fmt::format("Page {} of {} has no {}.", page, issue.key, target));
  {
    // What the page shows now (an earlier correction included): the same text is no correction.
    std::vector<OcrPage> now = ocr;
    ApplyTextCorrections(now, catalog.Corrections(issue.key));
    if (TextAt(now[static_cast<size_t>(page - 1)], *parsed) == after) {
      Fail(400, fmt::format("The page already reads «{}» there: nothing was changed or saved.", after));
    }
  }
  const auto stored = catalog.AddCorrection({.issue_key = issue.key,
                                             .page = page,
                                             .target = target,
                                             .before = *before,
                                             .after = after,
                                             .reviewer = who},
                                            version);
  if (!stored) {
    Conflict(PageName(issue, page), catalog.ReviewPage(issue.key, page).stamp, PageJson(issue, page));
  }
  RebuildIssue(archive, catalog, issue.key, profiles, options.structure);
  spdlog::info("{} corrected {} page {} {}: «{}» -> «{}»", who, issue.key, page, target,
               ForTerminal(*before), after);
  return {{"version", *stored}, {"page", PageJson(issue, page)}};
}

json ReviewServer::Impl::PostDecision(const IssueRow& issue, int page, const json& body,
                                      const std::string& who) {
  const int version = body["version"].get<int>();
  const std::string status_text = TextField(body, "status", 16);
  const std::string comment =
      body.contains("comment") ? TextField(body, "comment", 4000, /*multi_line=*/true) : "";
  std::optional<ReviewStatus> status;
  for (auto s : {ReviewStatus::kOpen, ReviewStatus::kApproved, ReviewStatus::kRejected}) {
    if (status_text == ReviewStatusName(s)) status = s;
  }
  if (!status) Fail(400, "status must be approved, rejected or open.");
  std::lock_guard lock(write_mutex);
  const auto stored = catalog.DecidePage(issue.key, page, version, *status, comment, who);
  if (!stored) {
    Conflict(PageName(issue, page), catalog.ReviewPage(issue.key, page).stamp, PageJson(issue, page));
  }
  // record.json lists the decisions: rewritten with this one.
  RebuildIssue(archive, catalog, issue.key, profiles, options.structure);
  spdlog::info("{} {} {} page {}", who, status_text, issue.key, page);
  return {{"version", *stored}, {"status", status_text}};
}

json ReviewServer::Impl::PostStructureCorrection(const IssueRow& issue, const json& body,
                                                 const std::string& who) {
  const int version = body["version"].get<int>();
  const std::string field = TextField(body, "field", 100);
  if (!body.contains("after")) Fail(400, "The request must give the corrected value as \"after\".");
  const json after = body["after"];
  if (after.is_string() && after.get<std::string>().size() > 20000) {
    Fail(400, "\"after\" is too long.");
  }
  if (after.is_string()) RefuseControlCharacters(after.get<std::string>(), /*multi_line=*/true);
  if (after.is_array()) {
    for (const auto& name : after) {
      if (name.is_string()) RefuseControlCharacters(name.get<std::string>(), false);
    }
  }
  std::lock_guard lock(write_mutex);
  const IssueRecord archived = ReadIssueRecord(archive, issue.key);
  const RebuiltIssue now =
      BuildCorrectedIssue(archived, LoadOcrPages(archive.IssueDir(issue.key)),
                          catalog.Corrections(issue.key), profiles,
                          WithKnownNames(options.structure, catalog, issue.key));
  const auto before = StructureField(now.parsed, field);
  if (!before) {
    Fail(404, fmt::format("Issue {} has no correctable field {}.", issue.key, field));
  }
  try {
    IssueRecord check = now.record;
    SetStructureField(check, field, after);
  } catch (const QikanError& e) {
    Fail(400, std::string(e.what()) + ".");
  }
  if (StructureField(now.record, field) == after) {
    Fail(400, fmt::format("The record already says «{}» there: nothing was changed or saved.",
                          StoredValue(after)));
  }
  const auto stored = catalog.AddCorrection({.issue_key = issue.key,
                                             .page = 0,
                                             .target = field,
                                             .before = StoredValue(*before),
                                             .after = StoredValue(after),
                                             .reviewer = who},
                                            version);
  if (!stored) {
    Conflict(fmt::format("The structure of {}", IssueLabel(issue)),
             catalog.StructureStamp(issue.key), StructureJson(issue));
  }
  RebuildIssue(archive, catalog, issue.key, profiles, options.structure);
  spdlog::info("{} corrected {} {}: {} -> {}", who, issue.key, field,
               ForTerminal(StoredValue(*before)), StoredValue(after));
  return {{"version", *stored}, {"structure", StructureJson(issue)}};
}

void ReviewServer::Impl::Routes() {
  server.set_payload_max_length(options.max_body_bytes);
  server.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"X-Frame-Options", "DENY"},
                              {"Referrer-Policy", "no-referrer"}});

  // Before any body is read: who may ask, and what they may send.
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const std::string host = req.get_header_value("Host");
    if (!HostHeaderAllowed(names, host)) {
      SendError(res, 403, fmt::format("This server does not answer to the name «{}»; open the "
                                      "link it printed.",
                                      host.substr(0, 200)));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path.starts_with("/api/") && !Authorized(req)) {
      SendError(res, 401, "This server needs its token: open the link with ?token= it printed.");
      return httplib::Server::HandlerResponse::Handled;
    }
    const bool writes = req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
    if (writes && !OriginAllowed(req.get_header_value("Origin"), host)) {
      SendError(res, 403, "A change sent from another web site is refused: make it in the "
                          "review page this server serves.");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (writes) {
      // A body over the limit is read and dropped by httplib (413 then), so the client, still
      // sending, gets the answer instead of a reset connection; one too large even to drain
      // is refused at once.
      const std::string length = req.get_header_value("Content-Length");
      if (!length.empty() && (length.size() > 12 || std::stoull(length) > kMaxDrainBytes)) {
        SendError(res, 413, fmt::format("The request body is larger than {} bytes.",
                                        options.max_body_bytes));
        return httplib::Server::HandlerResponse::Handled;
      }
      const std::string type = req.get_header_value("Content-Type");
      if (!type.starts_with("application/json")) {
        SendError(res, 415, "Send JSON (Content-Type: application/json).");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      SendError(res, 413, "The request body is larger than the server accepts (1 MiB).");
    } else if (res.status == 404) {
      SendError(res, 404, "There is nothing here.");
    } else {
      SendError(res, res.status, fmt::format("The request failed (HTTP {}).", res.status));
    }
  });
  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        try {
          std::rethrow_exception(error);
        } catch (const HttpError& e) {
          SendError(res, e.status, e.message, e.extra);
        } catch (const QikanError& e) {
          spdlog::error("{} {}: {}", req.method, req.path, e.Line());
          SendError(res, e.status() == ExitStatus::kUsage ? 400 : 500, e.what());
        } catch (const std::exception& e) {
          spdlog::error("{} {}: {}", req.method, req.path, e.what());
          SendError(res, 500, std::string("The server failed: ") + e.what());
        }
      });

  const auto& files = ReviewWebFiles();
  auto file_named = [&files](std::string_view name) -> const EmbeddedFile* {
    for (const auto& file : files) {
      if (file.name == name) return &file;
    }
    return nullptr;
  };
  server.Get("/", [this, file_named](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("token")) {
      const std::string given = req.get_param_value("token");
      bool known = !options.token.empty() && options.users.empty() && SameSecret(given, options.token);
      for (const auto& user : options.users) known = known || SameSecret(given, user.token);
      if (!known) {
        SendError(res, 401, "That is not this server's token.");
        return;
      }
      res.set_header("Set-Cookie", fmt::format("qikan_token={}; Path=/; HttpOnly; SameSite=Strict",
                                               given));
      res.set_redirect("/", 303);
      return;
    }
    const EmbeddedFile* index = file_named("index.html");
    if (!index) Fail(404, "This qikan was built without the review front end.");
    res.set_header("Cache-Control", "no-cache");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                   "img-src 'self' data: blob:; frame-ancestors 'none'");
    res.set_content(std::string(index->bytes), ContentType(index->name));
  });
  server.Get(R"(/static/([A-Za-z0-9_.-]+))",
             [file_named](const httplib::Request& req, httplib::Response& res) {
               const std::string name = req.matches[1];
               const EmbeddedFile* file = name == "index.html" ? nullptr : file_named(name);
               if (!file) Fail(404, fmt::format("There is no file {}.", name));
               res.set_header("Cache-Control", "no-cache");
               res.set_content(std::string(file->bytes), ContentType(file->name));
             });

  server.Get("/api/v1/status", [this](const httplib::Request& req, httplib::Response& res) {
    SendJson(res, {{"archive", fs::absolute(options.archive).lexically_normal().string()},
                   {"reviewer", Reviewer(req)},
                   {"named_by_token", !options.users.empty()},
                   {"version", QIKAN_VERSION}});
  });
  server.Get("/api/v1/queue", [this](const httplib::Request& req, httplib::Response& res) {
    SendJson(res, QueueJson(req));
  });
  server.Get("/api/v1/search", [this](const httplib::Request& req, httplib::Response& res) {
    SendJson(res, SearchJson(req));
  });
  server.Get(R"(/api/v1/issues/([^/]+)/pages/(\d+))",
             [this](const httplib::Request& req, httplib::Response& res) {
               const IssueRow issue = Issue(req.matches[1]);
               SendJson(res, PageJson(issue, PageNumber(issue, req.matches[2], true)));
             });
  server.Get(R"(/api/v1/issues/([^/]+)/pages/(\d+)/image)",
             [this](const httplib::Request& req, httplib::Response& res) {
               const IssueRow issue = Issue(req.matches[1]);
               const int page = PageNumber(issue, req.matches[2], false);
               const fs::path file =
                   archive.IssueDir(issue.key) / "pages" / fmt::format("{:04d}.jpg", page);
               std::ifstream in(file, std::ios::binary);
               if (!in) {
                 Fail(404, fmt::format("Page {} of {} has no image in the archive (made by an older "
                                       "qikan: run it again with --force).",
                                       page, issue.key));
               }
               std::ostringstream bytes;
               bytes << in.rdbuf();
               res.set_header("Cache-Control", "private, max-age=60");
               res.set_content(bytes.str(), "image/jpeg");
             });
  server.Get(R"(/api/v1/issues/([^/]+)/structure)",
             [this](const httplib::Request& req, httplib::Response& res) {
               SendJson(res, StructureJson(Issue(req.matches[1])));
             });
  // Every write reads its body through ReadBody (the limit holds for chunked bodies too).
  using Reader = httplib::ContentReader;
  server.Post(R"(/api/v1/issues/([^/]+)/pages/(\d+)/corrections)",
              [this](const httplib::Request& req, httplib::Response& res, const Reader& reader) {
                const json body = Body(ReadBody(req, reader));
                const IssueRow issue = Issue(req.matches[1]);
                const int page = PageNumber(issue, req.matches[2], false);
                SendJson(res, PostCorrection(issue, page, body, Reviewer(req)));
              });
  server.Post(R"(/api/v1/issues/([^/]+)/pages/(\d+)/decision)",
              [this](const httplib::Request& req, httplib::Response& res, const Reader& reader) {
                const json body = Body(ReadBody(req, reader));
                const IssueRow issue = Issue(req.matches[1]);
                const int page = PageNumber(issue, req.matches[2], true);
                SendJson(res, PostDecision(issue, page, body, Reviewer(req)));
              });
  server.Post(R"(/api/v1/issues/([^/]+)/structure/corrections)",
              [this](const httplib::Request& req, httplib::Response& res, const Reader& reader) {
                const json body = Body(ReadBody(req, reader));
                const IssueRow issue = Issue(req.matches[1]);
                SendJson(res, PostStructureCorrection(issue, body, Reviewer(req)));
              });
  // Any other write: without these, httplib would read its body whole before answering 404.
  const auto nothing_here = [this](const httplib::Request& req, httplib::Response&,
                                   const Reader& reader) {
    ReadBody(req, reader);
    Fail(404, "There is nothing here.");
  };
  server.Post(".*", nothing_here);
  server.Put(".*", nothing_here);
  server.Patch(".*", nothing_here);
  server.Delete(".*", nothing_here);
}

ReviewServer::ReviewServer(ReviewServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  const auto& opts = impl_->options;
  if (!IsLoopbackAddress(opts.host) && opts.token.empty() && opts.users.empty()) {
    throw QikanError(ExitStatus::kUsage, "",
                     fmt::format("--host {} is reachable from other machines: give a --token", opts.host));
  }
  // Records another run rewrote without the reviewers' corrections (qikan run --force) get
  // them back before anyone looks.
  for (const auto& key : ReapplyCorrections(impl_->archive, impl_->catalog, impl_->profiles,
                                            opts.structure)) {
    spdlog::warn("{}: reviewers' corrections applied again to a record made without them", key);
  }
  const int threads = std::max(1, opts.threads);
  // httplib takes ownership of the queue it is handed.
  impl_->server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  impl_->Routes();
}

ReviewServer::~ReviewServer() { Stop(); }

int ReviewServer::Bind() {
  const auto& opts = impl_->options;
  int port = opts.port;
  if (port == 0) {
    port = impl_->server.bind_to_any_port(opts.host);
  } else if (!impl_->server.bind_to_port(opts.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    throw QikanError(ExitStatus::kUsage, "",
                     fmt::format("cannot listen on {}:{}", opts.host, opts.port));
  }
  return port;
}

void ReviewServer::Serve() { impl_->server.listen_after_bind(); }

void ReviewServer::Stop() {
  if (impl_) impl_->server.stop();
}

std::string LinkHost(const std::string& bound_host) {
  const std::string host = Lower(bound_host);
  if (host != "0.0.0.0" && host != "::" && !host.empty()) return bound_host;
  char hostname[256] = {};
  if (::gethostname(hostname, sizeof hostname - 1) == 0 && hostname[0]) {
    std::string canonical;
    for (const auto& address : Resolve(hostname, &canonical)) {
      if (!IsLoopbackAddress(address)) return canonical.find('.') != std::string::npos ? canonical : hostname;
    }
  }
  for (const auto& address : InterfaceAddresses(AF_INET)) {
    if (!IsLoopbackAddress(address)) return address;
  }
  return "127.0.0.1";
}

std::vector<ReviewerToken> ReadReviewerTokens(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw QikanError(ExitStatus::kUsage, file.string(), "cannot read the reviewers' file");
  std::vector<ReviewerToken> users;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    const std::string_view text = Trim(line);
    if (text.empty()) continue;
    auto bad = [&](const std::string& why) {
      throw QikanError(ExitStatus::kUsage, fmt::format("{}:{}", file.string(), n), why);
    };
    const size_t space = text.find_last_of(" \t");
    if (space == std::string_view::npos) bad("a line is NAME TOKEN");
    ReviewerToken user{.name = std::string(Trim(text.substr(0, space))),
                       .token = std::string(text.substr(space + 1))};
    if (user.name.empty()) bad("a line is NAME TOKEN");
    if (user.token.size() < 16) bad("a token has 16 characters or more");
    if (!IsUtf8(user.name) || FirstControlCharacter(user.name, false) ||
        FirstControlCharacter(user.token, false)) {
      bad("a name or token holds a control character or is not UTF-8");
    }
    for (const auto& other : users) {
      if (other.token == user.token) bad("two reviewers have the same token");
    }
    users.push_back(std::move(user));
  }
  if (users.empty()) throw QikanError(ExitStatus::kUsage, file.string(), "no reviewer in the file");
  return users;
}

int RunReviewServer(ReviewServerOptions options) {
  bool generated = false;
  if (options.token.empty() && std::getenv("QIKAN_REVIEW_TOKEN")) {
    options.token = std::getenv("QIKAN_REVIEW_TOKEN");
  }
  if (options.token.empty() && options.users.empty() && !IsLoopbackAddress(options.host)) {
    options.token = GenerateReviewToken();
    generated = true;
  }
  // Signals are taken by one thread with sigwait, so the server stops from a normal thread;
  // blocked here, before any thread starts, so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string archive = options.archive.string();
  const std::string host = options.host;
  const std::string token = options.token;
  std::vector<std::string> users;
  for (const auto& user : options.users) users.push_back(user.name);
  ReviewServer server(std::move(options));
  const int port = server.Bind();
  const std::string link_host = LinkHost(host);
  const std::string shown_host =
      link_host.find(':') != std::string::npos ? "[" + link_host + "]" : link_host;
  const std::string base = fmt::format("http://{}:{}/", shown_host, port);
  std::printf("qikan review: %s (archive %s)\n", base.c_str(), archive.c_str());
  if (!users.empty()) {
    std::printf("qikan review: %zu reviewers (%s): each opens %s?token=THEIR_TOKEN\n", users.size(),
                ForTerminal(fmt::format("{}", fmt::join(users, ", "))).c_str(), base.c_str());
  } else if (generated) {
    std::printf("qikan review: token %s (open %s?token=%s)\n", token.c_str(), base.c_str(),
                token.c_str());
  } else if (!IsLoopbackAddress(host)) {
    std::printf("qikan review: other machines open %s?token=THE_TOKEN\n", base.c_str());
  }
  std::fflush(stdout);
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.Stop();
  });
  server.Serve();
  // Serve can also end without a signal (the socket failed): wake the waiter so it can join.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  spdlog::info("qikan review: stopped");
  return 0;
}

}  // namespace qikan
