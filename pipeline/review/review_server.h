#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/version.h"
#include "stages/structure.h"

namespace qikan {

// qikan review: the QA reviewer's web app over an archive. The HTTP/JSON API is specified in
// docs (see README "Review"); the front end (pipeline/review/review_web/) is embedded in the binary.
//
//   ReviewServer server(options);   // opens the archive and catalog; throws QikanError
//   const int port = server.Bind();  // host/port from the options; 0 picks a free port
//   server.Serve();                  // blocks until Stop() (from another thread or a signal)

// One reviewer of a --users file: the name recorded with what they write, and their token.
struct ReviewerToken {
  std::string name;
  std::string token;
};

// A --users file: one reviewer a line, "NAME TOKEN" (the token is the last word, the name the
// rest; # starts a comment). Throws QikanError(kUsage) naming the line when a line has no
// name, a token shorter than 16 characters or a control character, or a token is repeated.
std::vector<ReviewerToken> ReadReviewerTokens(const std::filesystem::path& file);

struct ReviewServerOptions {
  std::filesystem::path archive;
  std::string host = "127.0.0.1";
  int port = 8640;
  // Required when `host` is not a loopback address (the caller generates one if none is given).
  std::string token;
  std::string reviewer;  // the default name of whoever writes; the X-Qikan-Reviewer header wins
  // With reviewers, every request needs one of their tokens (loopback too) and the name is the
  // token holder's, whatever the browser says; `token` is then not used.
  std::vector<ReviewerToken> users;
  std::filesystem::path profiles_dir = QIKAN_DEFAULT_PROFILES_DIR;
  StructureOptions structure;
  size_t max_body_bytes = 1 << 20;
  int threads = 4;
};

// One embedded front-end file.
struct EmbeddedFile {
  std::string_view name;  // "index.html", "app.js"
  std::string_view bytes;
};
// pipeline/review/review_web/*.{html,js,css} as they were at build time.
const std::vector<EmbeddedFile>& ReviewWebFiles();

bool IsLoopbackAddress(std::string_view address);
// A random token of 32 hex digits, for a non-loopback server started without one.
std::string GenerateReviewToken();

// Whether a request may use the API: any request to a server that listens on loopback only;
// to one that listens beyond it, only with the token as "Authorization: Bearer T" or the cookie
// qikan_token=T, whatever the caller's address (a request relayed by a proxy or an SSH tunnel
// on the same machine comes from loopback too). An empty token lets nobody in then.
bool RequestAuthorized(std::string_view token, std::string_view bound_host,
                       std::string_view authorization_header, std::string_view cookie_header);

// The names and addresses (lower case, IPv6 without brackets) a server bound to `bound_host` is
// reached by: on loopback, the loopback names; on a wildcard (0.0.0.0, ::), this machine's
// addresses, its host name and fully qualified name, and localhost; on one address, that
// address and the machine's names that resolve to it; on a name, the name and its addresses.
std::vector<std::string> ServerNames(std::string_view bound_host);

// Whether the Host header ("name", "name:port", "[v6]:port") is one of `names`, checked on every
// request: a web page whose own name an attacker points at this machine (DNS rebinding) then
// cannot use the API from a reviewer's browser.
bool HostHeaderAllowed(const std::vector<std::string>& names, std::string_view host_header);

// Whether a state-changing request's Origin header is the server's own (the scheme and the
// Host it was sent to). A request without Origin (curl, scripts) passes; a browser sends one
// with every cross-origin POST, so another site's form or script cannot write.
bool OriginAllowed(std::string_view origin_header, std::string_view host_header);

class ReviewServer {
 public:
  explicit ReviewServer(ReviewServerOptions options);
  ~ReviewServer();
  ReviewServer(const ReviewServer&) = delete;
  ReviewServer& operator=(const ReviewServer&) = delete;

  int Bind();    // returns the port it listens on; throws QikanError(kUsage) when it cannot bind
  void Serve();  // blocks until Stop()
  void Stop();   // safe from any thread

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `qikan review`: takes the token from QIKAN_REVIEW_TOKEN when none is given (and generates one
// for a non-loopback host, printed once), prints the one line with the URL, serves until SIGINT
// or SIGTERM. Returns the exit status.
int RunReviewServer(ReviewServerOptions options);

// The host of the link `qikan review` prints: the address itself, or for a wildcard this
// machine's name when it resolves to one of its non-loopback addresses, else such an address.
std::string LinkHost(const std::string& bound_host);

}  // namespace qikan
