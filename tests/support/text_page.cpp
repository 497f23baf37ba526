#include "tests/support/text_page.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include "models/text.h"

namespace qikan::testing {

cv::Mat DrawTextPage(const TextPageSpec& spec) {
  // OpenCV's freetype draws on 3-channel images only.
  cv::Mat page(spec.height, spec.width, CV_8UC3, cv::Scalar::all(255));
  auto ft = cv::freetype::createFreeType2();
  ft->loadFontData(spec.font, spec.font_index);
  const int step = static_cast<int>(spec.glyph_px * spec.line_spacing);
  int baseline_y = spec.margin + spec.glyph_px;
  for (const auto& line : spec.lines) {
    if (baseline_y > spec.height - spec.margin) break;
    ft->putText(page, line, {spec.margin, baseline_y}, spec.glyph_px, cv::Scalar::all(0), cv::FILLED,
                cv::LINE_AA, true);
    baseline_y += step;
  }
  cv::Mat gray;
  cv::cvtColor(page, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

cv::Mat RotatePage(const cv::Mat& gray, double degrees) {
  const cv::Point2f centre(gray.cols / 2.0f, gray.rows / 2.0f);
  const cv::Mat m = cv::getRotationMatrix2D(centre, degrees, 1.0);
  cv::Mat out;
  cv::warpAffine(gray, out, m, gray.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar(255));
  return out;
}

std::string SourcePath(const std::string& relative) {
  const char* root = std::getenv("QIKAN_SOURCE_DIR");
  return (root ? std::string(root) : std::string(QIKAN_TEST_SOURCE_DIR)) + "/" + relative;
}

std::string BinaryPath(const std::string& relative) {
  const char* root = std::getenv("QIKAN_BINARY_DIR");
  return (root ? std::string(root) : std::string(QIKAN_TEST_BINARY_DIR)) + "/" + relative;
}

std::vector<std::string> SeedProseLines(int count, int chars_per_line) {
  static const char* kProse =
      "市人大常委会按照省委对省会城市勇挑大梁先行示范的重要要求，围绕省市一体推进人工智能高质量发展"
      "的重大部署，认真履行法定职责，努力为打造人工智能创新高地提供坚强法治保障。充分发挥地方立法实"
      "施性、补充性、探索性功能，积极谋划制定与创新活力之城相适应的立法项目。去年，制定了知识产权保"
      "护与促进条例、数据流通交易促进条例等相关法规。建德市人大常委会聚焦燃气安全最后一公里难题，在"
      "全力推进管道燃气进村入户工作的基础上，强化监督履职，全力推动一乡镇一瓶库民生工程落地，为群众"
      "拧紧燃气安全阀。富阳区人大常委会创新开展以标兵代表加标杆联络站为引领的双标双带制工作，构建起"
      "全覆盖、全周期、全方位的代表履职提升体系与联络站共建网络。";
  const std::u32string text = ToU32(kProse);
  std::vector<std::string> lines;
  size_t pos = 0;
  for (int i = 0; i < count; ++i) {
    std::u32string line;
    for (int k = 0; k < chars_per_line; ++k) {
      line.push_back(text[pos % text.size()]);
      ++pos;
    }
    lines.push_back(ToUtf8(line));
  }
  return lines;
}

}  // namespace qikan::testing
