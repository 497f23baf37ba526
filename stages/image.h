#pragma once

#include <opencv2/core.hpp>

namespace qikan {

// Image helpers the stages share (not a stage of their own).

// 8-bit single-channel view or copy of a page: colour is converted to gray, 16-bit scaled down.
cv::Mat ToGray8(const cv::Mat& image);

}  // namespace qikan
