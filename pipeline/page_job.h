#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/ocr_page.h"
#include "models/record.h"
#include "pipeline/stage_runner.h"
#include "stages/deskew.h"
#include "stages/ocr.h"
#include "stages/rasterize.h"
#include "stages/reread.h"
#include "stages/scale.h"

namespace qikan {

struct PageJobOptions {
  DeskewOptions deskew;
  ScaleOptions scale;
  RereadOptions reread;
  // A page read with less confidence than this is read again turned 180°, in case it went
  // through the scanner upside down; the better reading is kept.
  float try_upside_down_below = 65;
  // A page whose mean word confidence is below this goes to review. Calibrated on 42 generated
  // pages (4 issues, clean to degraded, Debian's chi_sim): flagging below 90.3 caught 11 of the
  // 12 pages whose CER exceeded 2%, and 11 of the 15 pages it flagged were such pages.
  float review_below_confidence = 90.3f;
  // Quality of the page image kept in the archive (PageResult::image_jpeg); 0 keeps none.
  int image_jpeg_quality = 75;
  // When set, each stage's image is written here as 0003_deskew.png and so on.
  std::filesystem::path intermediates_dir;
};

struct PageResult {
  PageRecord record;
  OcrPage ocr;  // boxes in the coordinates of the deskewed page at record.dpi
  // That page (deskewed, turned upright, at record.dpi) as a grayscale JPEG: what the archive
  // keeps as pages/0001.jpg, so the boxes can be shown over it. Empty when the page failed.
  std::string image_jpeg;
  std::vector<ReviewItem> review;
  StageTimes times;
};

// Takes one raster page through clean-up and OCR. Never throws for a page's own trouble: a
// stage that fails leaves the page empty with a review item saying why.
PageResult ProcessPage(const RasterPage& page, OcrEngine& engine, const PageJobOptions& options);

}  // namespace qikan
