#include "models/errors.h"

namespace qikan {

const char* ExitStatusName(ExitStatus status) {
  switch (status) {
    case ExitStatus::kOk: return "ok";
    case ExitStatus::kUsage: return "usage";
    case ExitStatus::kInputMissing: return "input-missing";
    case ExitStatus::kInputInvalid: return "input-invalid";
    case ExitStatus::kInputEncrypted: return "input-encrypted";
    case ExitStatus::kInputEmpty: return "input-empty";
    case ExitStatus::kPageTooLarge: return "page-too-large";
    case ExitStatus::kMissingDependency: return "missing-dependency";
    case ExitStatus::kArchiveError: return "archive-error";
    case ExitStatus::kSeveralFailures: return "several-failures";
    case ExitStatus::kLocked: return "locked";
    case ExitStatus::kPagesFailed: return "pages-failed";
    case ExitStatus::kFixityFailed: return "fixity-failed";
    case ExitStatus::kOutputExists: return "output-exists";
    case ExitStatus::kInternal: return "internal-error";
  }
  return "unknown";
}

}  // namespace qikan
