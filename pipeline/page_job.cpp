#include "pipeline/page_job.h"

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "models/errors.h"

namespace qikan {
namespace {

void KeepIntermediate(const PageJobOptions& options, int page, const char* stage,
                      const cv::Mat& image) {
  if (options.intermediates_dir.empty()) return;
  std::filesystem::create_directories(options.intermediates_dir);
  cv::imwrite((options.intermediates_dir / fmt::format("{:04d}_{}.png", page, stage)).string(),
              image);
}

// OCR ran on the scaled page; the record keeps boxes in the page's own pixels.
Box Unscale(const Box& box, double factor) {
  return Box{.x = static_cast<int>(box.x / factor),
             .y = static_cast<int>(box.y / factor),
             .width = static_cast<int>(box.width / factor),
             .height = static_cast<int>(box.height / factor)};
}

void UnscaleBoxes(OcrPage& ocr, double factor, const cv::Size& page_size) {
  ocr.width = page_size.width;
  ocr.height = page_size.height;
  if (factor == 1) return;
  for (auto& block : ocr.blocks) {
    block.box = Unscale(block.box, factor);
    for (auto& line : block.lines) {
      line.box = Unscale(line.box, factor);
      for (auto& word : line.words) word.box = Unscale(word.box, factor);
    }
  }
}

}  // namespace

PageResult ProcessPage(const RasterPage& page, OcrEngine& engine, const PageJobOptions& options) {
  PageResult result;
  PageRecord& record = result.record;
  record.index = page.index;
  record.dpi = page.dpi;
  record.native_resolution = page.native;
  record.width = page.gray.cols;
  record.height = page.gray.rows;
  KeepIntermediate(options, page.index, "raster", page.gray);

  try {
    const SkewEstimate skew = RunStage("deskew", page.index, result.times, [&] {
      return EstimateSkew(page.gray, options.deskew);
    });
    record.skew_degrees = skew.degrees;
    record.skew_confidence = skew.confidence;
    const cv::Mat level = RunStage("deskew", page.index, result.times,
                                   [&] { return ApplyDeskew(page.gray, skew); });
    KeepIntermediate(options, page.index, "deskew", level);

    const ScaleEstimate scale = RunStage("scale", page.index, result.times, [&] {
      return EstimateScale(level, options.scale);
    });
    record.scale = scale.factor;
    const cv::Mat scaled = RunStage("scale", page.index, result.times,
                                    [&] { return ApplyScale(level, scale); });
    KeepIntermediate(options, page.index, "scale", scaled);

    cv::Mat upright = scaled;
    result.ocr = RunStage("ocr", page.index, result.times, [&] { return engine.Recognize(scaled); });
    if (result.ocr.MeanConfidence() < options.try_upside_down_below) {
      cv::Mat turned;
      cv::rotate(scaled, turned, cv::ROTATE_180);
      OcrPage other = RunStage("orientation", page.index, result.times,
                               [&] { return engine.Recognize(turned); });
      if (other.MeanConfidence() > result.ocr.MeanConfidence() + 10) {
        result.ocr = std::move(other);
        upright = turned;
        record.rotation = 180;
      }
    }
    RunStage("reread", page.index, result.times, [&] {
      auto reread = [&](const std::vector<RereadRegion>& regions, const std::vector<double>& scales) {
        for (const auto& region : regions) {
          RegionImage best_cut;
          OcrPage best;
          for (const double scale : scales) {
            RegionImage cut = CutRegion(upright, region, options.reread, scale);
            OcrPage read = engine.Recognize(cut.image, Segmentation::kSingleLine);
            if (best.blocks.empty() || read.MeanConfidence() > best.MeanConfidence()) {
              best = std::move(read);
              best_cut = std::move(cut);
            }
          }
          MergeRegion(result.ocr, region, best_cut, best, options.reread);
        }
      };
      reread(FindLinesToReread(upright, result.ocr, options.reread), options.reread.line_scales);
      reread(FindUnreadText(upright, result.ocr, options.reread), {1.0});
    });
    UnscaleBoxes(result.ocr, scale.factor, level.size());
    if (options.image_jpeg_quality > 0) {
      RunStage("image", page.index, result.times, [&] {
        cv::Mat shown = level;
        if (record.rotation == 90) cv::rotate(level, shown, cv::ROTATE_90_CLOCKWISE);
        if (record.rotation == 180) cv::rotate(level, shown, cv::ROTATE_180);
        if (record.rotation == 270) cv::rotate(level, shown, cv::ROTATE_90_COUNTERCLOCKWISE);
        std::vector<uchar> bytes;
        cv::imencode(".jpg", shown, bytes,
                     {cv::IMWRITE_JPEG_QUALITY, options.image_jpeg_quality,
                      cv::IMWRITE_JPEG_OPTIMIZE, 1});
        result.image_jpeg.assign(bytes.begin(), bytes.end());
      });
    }
  } catch (const std::exception& e) {
    result.ocr = OcrPage{.width = record.width, .height = record.height};
    result.review.push_back(
        {.page = page.index, .reason = "page-failed", .detail = e.what()});
  }

  record.mean_confidence = result.ocr.MeanConfidence();
  record.text = result.ocr.Text();
  if (result.ocr.WordCount() > 0 && record.mean_confidence < options.review_below_confidence) {
    result.review.push_back({.page = page.index,
                             .reason = "low-confidence",
                             .detail = fmt::format("mean word confidence {:.1f} < {:.1f}",
                                                   record.mean_confidence,
                                                   options.review_below_confidence)});
  }
  return result;
}

}  // namespace qikan
