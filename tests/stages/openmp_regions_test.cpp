// stages/openmp_regions.cpp runs OpenMP parallel regions straight on the calling thread when the
// thread limit is one (the tests run with OMP_THREAD_LIMIT=1, as qikan does). This file is
// compiled with OpenMP, so its regions go through the same entry points Tesseract's do: each must
// still do all of its work, once, on the thread that opened it.

#include <omp.h>

#include <array>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "stages/ocr.h"

namespace qikan {
namespace {

TEST(OpenMpRegions, RunInlineUnderAThreadLimitOfOne) {
  ASSERT_EQ(omp_get_thread_limit(), 1);
  EXPECT_TRUE(OpenMpRegionsRunInline());
}

// The shape of LSTM::Forward's gates: four sections, each run once, all on the caller's thread.
TEST(OpenMpRegions, ParallelSectionsRunEverySectionOnceOnTheCallingThread) {
  const std::thread::id caller = std::this_thread::get_id();
  std::array<int, 4> runs{};
  std::array<std::thread::id, 4> ran_on{};
#pragma omp parallel sections num_threads(4)
  {
#pragma omp section
    {
      ++runs[0];
      ran_on[0] = std::this_thread::get_id();
    }
#pragma omp section
    {
      ++runs[1];
      ran_on[1] = std::this_thread::get_id();
    }
#pragma omp section
    {
      ++runs[2];
      ran_on[2] = std::this_thread::get_id();
    }
#pragma omp section
    {
      ++runs[3];
      ran_on[3] = std::this_thread::get_id();
    }
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i], 1) << "section " << i;
    EXPECT_EQ(ran_on[i], caller) << "section " << i;
  }
}

// A region opened inside a section has sections of its own; the outer region's count resumes
// after it.
TEST(OpenMpRegions, NestedSectionsKeepTheirOwnCount) {
  std::vector<int> order;
#pragma omp parallel sections num_threads(2)
  {
#pragma omp section
    {
      order.push_back(1);
#pragma omp parallel sections num_threads(2)
      {
#pragma omp section
        order.push_back(11);
#pragma omp section
        order.push_back(12);
#pragma omp section
        order.push_back(13);
      }
    }
#pragma omp section
    order.push_back(2);
  }
  EXPECT_EQ(order, (std::vector<int>{1, 11, 12, 13, 2}));
}

TEST(OpenMpRegions, ParallelForRunsEveryIterationOnce) {
  std::vector<int> hits(1000, 0);
  std::vector<int> thread_numbers(1000, -1);
#pragma omp parallel for num_threads(4)
  for (int i = 0; i < 1000; ++i) {
    ++hits[static_cast<size_t>(i)];
    thread_numbers[static_cast<size_t>(i)] = omp_get_thread_num();
  }
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(hits[static_cast<size_t>(i)], 1) << i;
    ASSERT_EQ(thread_numbers[static_cast<size_t>(i)], 0) << i;
  }
}

// Workers open regions at the same time, as qikan's do; each thread's sections are its own.
TEST(OpenMpRegions, ThreadsOpeningRegionsTogetherEachRunAllTheirSections) {
  constexpr int kRegions = 20000;
  std::array<std::array<int, 3>, 2> runs{};
  auto open_regions = [](std::array<int, 3>& counts) {
    for (int r = 0; r < kRegions; ++r) {
#pragma omp parallel sections num_threads(3)
      {
#pragma omp section
        ++counts[0];
#pragma omp section
        ++counts[1];
#pragma omp section
        ++counts[2];
      }
    }
  };
  std::thread first(open_regions, std::ref(runs[0]));
  std::thread second(open_regions, std::ref(runs[1]));
  first.join();
  second.join();
  for (const auto& counts : runs) {
    for (const int count : counts) EXPECT_EQ(count, kRegions);
  }
}

}  // namespace
}  // namespace qikan
