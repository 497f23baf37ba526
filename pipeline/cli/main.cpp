#include <unistd.h>

#include <cstdlib>

#include "pipeline/cli/cli.h"

int main(int argc, char** argv) {
  // Tesseract's OpenMP threads inside one page make it ~5x slower on a small machine; we run one
  // single-threaded Tesseract per worker instead. libgomp reads OMP_THREAD_LIMIT when it loads,
  // before main, so set it and start over once.
  if (std::getenv("OMP_THREAD_LIMIT") == nullptr) {
    ::setenv("OMP_THREAD_LIMIT", "1", 1);
    ::execv("/proc/self/exe", argv);  // returns only on failure: carry on multi-threaded
  }
  return qikan::RunCli(argc, argv);
}
