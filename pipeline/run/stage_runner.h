#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

namespace qikan {

// Seconds spent in each stage, summed over pages; the batch summary and benchmarks print them.
using StageTimes = std::map<std::string, double>;

// Runs one stage of one page: times it, logs it, and lets its exception through to the page
// job, which turns it into a review item.
template <typename Fn>
auto RunStage(const char* stage, int page, StageTimes& times, Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  auto finish = [&] {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    times[stage] += seconds;
    spdlog::debug("page {} {} {:.3f}s", page, stage, seconds);
  };
  try {
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      finish();
    } else {
      auto result = fn();
      finish();
      return result;
    }
  } catch (...) {
    finish();
    spdlog::warn("page {}: stage {} failed", page, stage);
    throw;
  }
}

}  // namespace qikan
