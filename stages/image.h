#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace qikan {

// Image helpers the stages share (not a stage of their own).

// 8-bit single-channel view or copy of a page: colour is converted to gray, 16-bit scaled down.
cv::Mat ToGray8(const cv::Mat& image);

// An 8-bit image the size of `labels` (CV_32S, as cv::connectedComponents labels them) holding,
// at each pixel, the value given for its label: a mask of the components kept, in one pass over
// the labels however many components there are.
cv::Mat LabelMask(const cv::Mat& labels, const std::vector<uchar>& value_of_label);

// The share of `box` that is inked (darker than 128 on `gray`); -1 when it lies off the image.
double InkShare(const cv::Mat& gray, const cv::Rect& box);

// The share of the middle half (across) of `box` that is inked (darker than 128 on `gray`): a
// mark OCR read stands on ink there; one it invented in a gap, on white (its box's edges may
// reach the glyphs either side). -1 when the box lies off the image.
double InkInMiddle(const cv::Mat& gray, const cv::Rect& box);

}  // namespace qikan
