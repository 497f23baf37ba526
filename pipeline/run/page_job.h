#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "models/ocr_page.h"
#include "models/record.h"
#include "pipeline/run/stage_runner.h"
#include "stages/cells.h"
#include "stages/cleanup.h"
#include "stages/columns.h"
#include "stages/deskew.h"
#include "stages/doubt.h"
#include "stages/folio.h"
#include "stages/ink_fit.h"
#include "stages/leaders.h"
#include "stages/ocr.h"
#include "stages/orientation.h"
#include "stages/quotes.h"
#include "stages/rasterize.h"
#include "stages/reread.h"
#include "stages/scale.h"
#include "stages/vote.h"

namespace qikan {

struct PageJobOptions {
  DeskewOptions deskew;
  ScaleOptions scale;
  RereadOptions reread;
  // Short letter-spaced lines read again with their gaps closed (stages/reread.h).
  CloseGapsOptions close_gaps;
  // Lines whose text cannot be what their ink holds, read again (stages/ink_fit.h).
  LostLineOptions lost_lines;
  LineVoteOptions vote;
  // Lines whose quotes do not pair, read again alone for the mark the page reading dropped
  // (stages/quotes.h).
  QuoteOptions quotes;
  // Lines set solid in Han read with a character more than their ink has cells: the other
  // models (`vote.voters`) read each again, and the character none of them reads goes
  // (stages/cells.h).
  CellFitOptions cells;
  // Dot leaders found on the ink and their lines read without them (stages/leaders.h).
  LeaderOptions leaders;
  OrientationOptions orientation;
  CleanupOptions cleanup;  // on the scaled page, before recognition
  FolioOptions folio;  // the page number "— 3 —" read apart (stages/folio.h)
  // This worker's reader of digits for the folio and the text's numbers (folio.digits_model):
  // FolioDigitsEngine when unset; a test gives one that fails.
  std::function<OcrEngine*(const std::string& model)> digits_engine;
  // Bands of columns found on the page's ink (stages/columns.h): where the page reading ran a
  // line across a gutter or read a line below ColumnOptions::doubtful_confidence, the band is
  // read again column by column, and kept where that reads as much as surely. Lines read again
  // later (reread, lost lines) keep to their column. (Off before session 16: the layout of the
  // time joined a short column's lines to their neighbours by row again.)
  bool read_columns_apart = true;
  ColumnOptions columns;
  // A page read with less confidence than this is checked for having gone through the scanner
  // upside down (a sample of its text read both ways up); when turned reads clearly better, the
  // page is read again turned and the better reading kept.
  float try_upside_down_below = 65;
  // Each page's (and line's) estimated error rate; a page whose estimate reaches
  // doubt.review_from goes to review (an "estimated-error" item). It replaced the flag by mean
  // word confidence below 90, which caught 0.75 of the pages over 2% CER at precision 0.50
  // (docs/benchmarks/accuracy.md, "Doubt").
  DoubtOptions doubt;
  // Quality of the page image kept in the archive (PageResult::image_jpeg); 0 keeps none.
  int image_jpeg_quality = 75;
  // When set, each stage's image is written here as 0003_deskew.png and so on.
  std::filesystem::path intermediates_dir;
};

struct PageResult {
  PageRecord record;
  // Boxes in the coordinates of the deskewed page turned upright (record.rotation) at
  // record.dpi, record.width x record.height.
  OcrPage ocr;
  // That page (deskewed, turned upright, at record.dpi) as a grayscale JPEG: what the archive
  // keeps as pages/0001.jpg, so the boxes can be shown over it. Empty when the page failed.
  std::string image_jpeg;
  std::vector<ReviewItem> review;
  StageTimes times;
  // The first OCR pass failed: the page has no text (a page-failed review item says why).
  bool failed = false;
};

// Takes one raster page through clean-up and OCR. Never throws for a page's own trouble: when
// the first OCR pass fails the page is left empty (`failed`, a page-failed review item); any
// other stage that fails leaves the page as the stage before it left it, with a stage-failed
// review item naming the stage and the error.
PageResult ProcessPage(const RasterPage& page, OcrEngine& engine, const PageJobOptions& options);

}  // namespace qikan
