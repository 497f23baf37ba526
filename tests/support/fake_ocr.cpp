#include "tests/support/fake_ocr.h"

#include <stdexcept>

#include "tests/support/text_page.h"

namespace qikan::testing {

OcrPage FakeEngine::Recognize(const cv::Mat& gray, Segmentation) {
  const int call = ++*calls_;
  if (call == throw_on_call_) throw std::runtime_error("engine exploded");
  OcrPage page{.width = gray.cols, .height = gray.rows};
  if (cv::mean(gray)[0] > 254.5) return page;  // blank
  OcrBlock block;
  int y = 10;
  for (const auto& text : lines_) {
    const Box box{.x = 10, .y = y, .width = 400, .height = 30};
    block.lines.push_back(OcrLine{.text = text,
                                  .box = box,
                                  .confidence = 90,
                                  .words = {OcrWord{.text = text, .box = box, .confidence = 90}}});
    block.box = block.box.Union(box);
    y += 40;
  }
  page.blocks.push_back(std::move(block));
  return page;
}

cv::Mat SmallTextPage() {
  TextPageSpec spec;
  spec.width = 600;
  spec.height = 800;
  spec.margin = 60;
  spec.glyph_px = 30;
  spec.lines = SeedProseLines(12, 14);
  return DrawTextPage(spec);
}

}  // namespace qikan::testing
