#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "stages/ocr.h"

namespace qikan::testing {

// An OCR engine for runner tests: reads every non-blank page as the given lines, counts its
// calls, and throws on the call it is told to.
class FakeEngine : public OcrEngine {
 public:
  FakeEngine(std::atomic<int>* calls, std::vector<std::string> lines, int throw_on_call = -1)
      : calls_(calls), lines_(std::move(lines)), throw_on_call_(throw_on_call) {}
  using OcrEngine::Recognize;
  OcrPage Recognize(const cv::Mat& gray, Segmentation) override;

 private:
  std::atomic<int>* calls_;
  std::vector<std::string> lines_;
  int throw_on_call_;
};

// A small page of the seed issue's prose (600x800), quick to rasterize and deskew.
cv::Mat SmallTextPage();

}  // namespace qikan::testing
