#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "stages/ocr.h"

namespace qikan::testing {

// The engine is expensive to create (~0.2 s, ~100 MB); tests that do not examine construction
// share one per suite, as a worker would. Derive a suite's fixture from this.
class SharedEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = std::make_unique<TesseractEngine>(TesseractOptions{}); }
  static void TearDownTestSuite() { engine_.reset(); }
  static TesseractEngine& Engine() { return *engine_; }

 private:
  static inline std::unique_ptr<TesseractEngine> engine_;
};

}  // namespace qikan::testing
