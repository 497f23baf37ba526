#pragma once

#include <stdexcept>
#include <string>

namespace qikan {

// Exit statuses of the qikan command, one per kind of failure that ends an issue (documented in
// the README). When a run's inputs fail for different reasons the run exits kSeveralFailures.
enum class ExitStatus : int {
  kOk = 0,
  kUsage = 1,              // bad command line
  kInputMissing = 2,       // path does not exist or cannot be read
  kInputInvalid = 3,       // not a PDF/TIFF/image, or corrupt/truncated
  kInputEncrypted = 4,     // password-protected PDF
  kInputEmpty = 5,         // no pages, or only blank pages
  kPageTooLarge = 6,       // a page over the pixel limit
  kMissingDependency = 7,  // OCR model or other runtime dependency missing
  kArchiveError = 8,       // the archive cannot be written
  kSeveralFailures = 9,    // inputs failed for different reasons
  kLocked = 10,            // another run holds the archive
  kPagesFailed = 11,       // an issue was archived without the pages that could not be read
  kFixityFailed = 12,      // qikan verify: a file missing, changed or unexpected, or no manifest
  kOutputExists = 13,      // qikan export: the bag to write exists already
  kInternal = 15,          // a bug: please report it
};

const char* ExitStatusName(ExitStatus status);

// An error that ends the processing of one input (or the run). `file` names the input.
class QikanError : public std::runtime_error {
 public:
  QikanError(ExitStatus status, std::string file, const std::string& reason)
      : std::runtime_error(reason), status_(status), file_(std::move(file)) {}
  ExitStatus status() const { return status_; }
  const std::string& file() const { return file_; }
  // "FILE: reason", the one line a user sees.
  std::string Line() const { return file_.empty() ? what() : file_ + ": " + what(); }

 private:
  ExitStatus status_;
  std::string file_;
};

}  // namespace qikan
