#include "stages/image.h"

#include <opencv2/imgproc.hpp>

namespace qikan {

cv::Mat ToGray8(const cv::Mat& image) {
  cv::Mat gray;
  if (image.channels() == 3) {
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  } else if (image.channels() == 4) {
    cv::cvtColor(image, gray, cv::COLOR_BGRA2GRAY);
  } else {
    gray = image;
  }
  if (gray.depth() != CV_8U) {
    const double scale = gray.depth() == CV_16U ? 1.0 / 257 : 1.0;
    gray.convertTo(gray, CV_8U, scale);
  }
  return gray;
}

}  // namespace qikan
