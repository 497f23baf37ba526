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
// docs (see README "Review"); the front end (pipeline/review_web/) is embedded in the binary.
//
//   ReviewServer server(options);   // opens the archive and catalog; throws QikanError
//   const int port = server.Bind();  // host/port from the options; 0 picks a free port
//   server.Serve();                  // blocks until Stop() (from another thread or a signal)

struct ReviewServerOptions {
  std::filesystem::path archive;
  std::string host = "127.0.0.1";
  int port = 8640;
  // Required when `host` is not a loopback address (the caller generates one if none is given).
  std::string token;
  std::string reviewer;  // the default name of whoever writes; the X-Qikan-Reviewer header wins
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
// pipeline/review_web/*.{html,js,css} as they were at build time.
const std::vector<EmbeddedFile>& ReviewWebFiles();

bool IsLoopbackAddress(std::string_view address);
// A random token of 32 hex digits, for a non-loopback server started without one.
std::string GenerateReviewToken();

// Whether a request may use the API: always from a loopback peer; otherwise only with the token
// as "Authorization: Bearer T" or the cookie qikan_token=T. An empty token lets nobody else in.
bool RequestAuthorized(std::string_view token, std::string_view remote_addr,
                       std::string_view authorization_header, std::string_view cookie_header);

// Whether the Host header names the server as it may be reached. A loopback server answers
// only to loopback names (127.x, localhost, [::1]): a web page whose own name an attacker points
// at 127.0.0.1 (DNS rebinding) then cannot use the API from the operator's browser.
bool HostHeaderAllowed(std::string_view bound_host, std::string_view host_header);

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

}  // namespace qikan
