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

cv::Mat LabelMask(const cv::Mat& labels, const std::vector<uchar>& value_of_label) {
  cv::Mat mask(labels.size(), CV_8UC1);
  for (int r = 0; r < labels.rows; ++r) {
    const int* label = labels.ptr<int>(r);
    uchar* out = mask.ptr<uchar>(r);
    for (int c = 0; c < labels.cols; ++c) out[c] = value_of_label[static_cast<size_t>(label[c])];
  }
  return mask;
}

double InkShare(const cv::Mat& gray, const cv::Rect& box) {
  const cv::Rect r = box & cv::Rect(0, 0, gray.cols, gray.rows);
  if (r.empty()) return -1;
  return static_cast<double>(cv::countNonZero(gray(r) < 128)) / r.area();
}

double InkInMiddle(const cv::Mat& gray, const cv::Rect& box) {
  return InkShare(gray, cv::Rect(box.x + box.width / 4, box.y, box.width / 2, box.height));
}

}  // namespace qikan
