// Tesseract's LSTM opens OpenMP parallel regions for every time step of every layer: LSTM::Forward
// computes its four gates as `#pragma omp parallel sections`, and other layers use
// `#pragma omp parallel for`. qikan runs one single-threaded Tesseract per worker
// (pipeline/cli/main.cpp sets OMP_THREAD_LIMIT=1), so libgomp runs each region on the calling thread
// alone; but it still builds a one-thread team for every region and ends it with a futex wake
// system call. On the throughput corpus libgomp took 1.0% of the workers' CPU and those system
// calls 1.6% more, for no parallel work at all.
//
// The definitions below take the place of the libgomp entry points GCC compiles those regions to
// (GOMP_parallel; GOMP_parallel_sections with the GOMP_sections_next and GOMP_sections_end_nowait
// its body calls) for the whole process, as stages/line_images.cpp does for a Leptonica function:
// the executable's exported symbols come first in dynamic lookup. When the process's OpenMP
// thread limit is one they run a region's body on the calling thread directly, which is what
// libgomp's one-thread team does, minus the team:
// - a `parallel for` body, outside a team, sees omp_get_num_threads() 1 and omp_get_thread_num()
//   0, so a statically scheduled loop runs every iteration (libgomp itself runs orphaned
//   worksharing, barriers and critical sections for one thread);
// - a `parallel sections` body asks GOMP_sections_next for section numbers until it gets 0: while
//   such a region runs inline, the calling thread is handed 1, 2, ... up to the region's count.
// With any other thread limit every call goes on to libgomp unchanged. The sections handled here
// are only those of a `parallel sections` region; an orphaned `sections` construct inside one
// (which Tesseract has none of) would need GOMP_sections_start handled too.

#include <dlfcn.h>

#include "stages/ocr.h"

namespace {

using Region = void (*)(void*);
using Parallel = void (*)(Region, void*, unsigned, unsigned);
using ParallelSections = void (*)(Region, void*, unsigned, unsigned, unsigned);
using SectionsNext = unsigned (*)();
using SectionsEnd = void (*)();
using ThreadLimit = int (*)();

// libgomp's own definition of `name`: the next one after this file's in lookup order.
template <typename Function>
Function Libgomp(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

// Whether OMP_THREAD_LIMIT is 1, as libgomp read it when it loaded (it cannot change after).
// False when libgomp is not in the process: nothing then calls these entry points.
bool SingleThreaded() {
  static const bool single = [] {
    const auto limit = reinterpret_cast<ThreadLimit>(dlsym(RTLD_DEFAULT, "omp_get_thread_limit"));
    return limit != nullptr && limit() == 1;
  }();
  return single;
}

// The `parallel sections` region this thread runs inline, if any.
struct InlineSections {
  unsigned next = 0;
  unsigned count = 0;
  bool active = false;
};
thread_local InlineSections sections;

}  // namespace

extern "C" {

void GOMP_parallel(Region fn, void* data, unsigned num_threads, unsigned flags) {
  static const auto real = Libgomp<Parallel>("GOMP_parallel");
  if (SingleThreaded() || real == nullptr) {
    fn(data);
    return;
  }
  real(fn, data, num_threads, flags);
}

void GOMP_parallel_sections(Region fn, void* data, unsigned num_threads, unsigned count,
                            unsigned flags) {
  static const auto real = Libgomp<ParallelSections>("GOMP_parallel_sections");
  if (!SingleThreaded() && real != nullptr) {
    real(fn, data, num_threads, count, flags);
    return;
  }
  const InlineSections outer = sections;  // a region nested in one of the outer's sections
  sections = {.next = 1, .count = count, .active = true};
  fn(data);
  sections = outer;
}

unsigned GOMP_sections_next() {
  static const auto real = Libgomp<SectionsNext>("GOMP_sections_next");
  if (!sections.active) return real();
  return sections.next <= sections.count ? sections.next++ : 0;
}

void GOMP_sections_end_nowait() {
  static const auto real = Libgomp<SectionsEnd>("GOMP_sections_end_nowait");
  if (!sections.active) real();
}

}  // extern "C"

namespace qikan {

bool OpenMpRegionsRunInline() {
  // Through the process's lookup, as Tesseract's calls go: this file's definitions only when
  // they are the ones the process uses.
  const auto used = [](const char* name, auto* ours) {
    return dlsym(RTLD_DEFAULT, name) == reinterpret_cast<void*>(ours);
  };
  return used("GOMP_parallel", &GOMP_parallel) &&
         used("GOMP_parallel_sections", &GOMP_parallel_sections) &&
         used("GOMP_sections_next", &GOMP_sections_next) &&
         used("GOMP_sections_end_nowait", &GOMP_sections_end_nowait) && SingleThreaded();
}

}  // namespace qikan
