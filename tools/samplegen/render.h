#pragma once

#include <opencv2/core.hpp>

#include "tools/samplegen/fonts.h"
#include "tools/samplegen/layout.h"

namespace qikan::samplegen {

// Pixel size of an A4 page at `dpi`, rounded as a scanner rounds it.
cv::Size PagePixels(const LayoutOptions& options, double dpi);

// The page as printed: ink on white paper, 8-bit BGR at `dpi`.
cv::Mat RenderPage(const PageLayout& page, const LayoutOptions& options, double dpi,
                   FontSet& fonts);

}  // namespace qikan::samplegen
