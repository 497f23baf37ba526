#include "tools/samplegen/degrade.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "tools/samplegen/random.h"

namespace qikan::samplegen {
namespace {

constexpr double kMmPerInch = 25.4;

// Darkens `page` by the mirrored ink of the sheet behind it.
void AddBleedThrough(cv::Mat& page, const cv::Mat& next_page, double opacity, double dpi) {
  if (next_page.empty() || opacity <= 0) return;
  cv::Mat back;
  cv::cvtColor(next_page, back, cv::COLOR_BGR2GRAY);
  cv::flip(back, back, 1);
  // Paper diffuses the ink it shows through.
  cv::GaussianBlur(back, back, cv::Size(), 0.25 * dpi / kMmPerInch);
  cv::Mat keep;  // fraction of light the back's ink lets through, as 0..255
  back.convertTo(keep, CV_8U, opacity, 255 * (1 - opacity));
  cv::Mat keep3;
  cv::cvtColor(keep, keep3, cv::COLOR_GRAY2BGR);
  cv::multiply(page, keep3, page, 1.0 / 255);
}

cv::Mat Skewed(const cv::Mat& page, double degrees) {
  if (std::abs(degrees) < 1e-6) return page;
  const cv::Point2f centre(page.cols / 2.0F, page.rows / 2.0F);
  const cv::Mat m = cv::getRotationMatrix2D(centre, degrees, 1.0);
  cv::Mat out;
  cv::warpAffine(page, out, m, page.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar::all(255));
  return out;
}

cv::Scalar PaperFor(const ScanPreset& preset, int channels) {
  if (channels == 3) return preset.paper_bgr;
  const cv::Scalar& p = preset.paper_bgr;
  return cv::Scalar::all(0.114 * p[0] + 0.587 * p[1] + 0.299 * p[2]);
}

// Multiplies by a smooth brightness field that falls off away from the lamp's centre.
void ApplyLighting(cv::Mat& page, const ScanPreset& preset, const PageScanPlan& plan) {
  if (preset.lighting_falloff <= 0) return;
  cv::Mat field(64, 64, CV_32F);
  const double reach = std::sqrt(2.0);
  for (int r = 0; r < field.rows; ++r) {
    for (int c = 0; c < field.cols; ++c) {
      const double dx = (c + 0.5) / field.cols - plan.light_centre.x;
      const double dy = (r + 0.5) / field.rows - plan.light_centre.y;
      const double d = std::min(1.0, std::hypot(dx, dy) / reach);
      field.at<float>(r, c) = static_cast<float>(1 - preset.lighting_falloff * d * d);
    }
  }
  cv::resize(field, field, page.size(), 0, 0, cv::INTER_CUBIC);
  if (page.channels() == 3) cv::cvtColor(field, field, cv::COLOR_GRAY2BGR);
  cv::multiply(page, field, page);
}

// The shadow the lid leaves where the sheet does not reach the glass's edge.
void ApplyDarkEdge(cv::Mat& page, const PageScanPlan& plan, double dpi) {
  const double px = dpi / kMmPerInch;
  const double band = plan.edge_width_mm * px;
  const double soft = 1.5 * px;
  const double shadow = 10 * px;
  for (int c = 0; c < page.cols; ++c) {
    const double d = plan.edge_on_left ? c : page.cols - 1 - c;
    if (d > band + soft + shadow) continue;
    double keep;  // 0 is the black of the lid, 1 the page as it was
    if (d < band) {
      keep = 0.12;
    } else if (d < band + soft) {
      keep = 0.12 + 0.68 * (d - band) / soft;
    } else {
      keep = 0.8 + 0.2 * (d - band - soft) / shadow;
    }
    page.col(c) *= keep;
  }
}

void AddDust(cv::Mat& page, const ScanPreset& preset, cv::RNG& rng, double dpi) {
  const double area_cm2 = page.cols * page.rows / std::pow(dpi / 2.54, 2);
  const int specks = static_cast<int>(preset.dust_per_cm2 * area_cm2);
  const double px = dpi / kMmPerInch;
  for (int i = 0; i < specks; ++i) {
    const cv::Point at(rng.uniform(0, page.cols), rng.uniform(0, page.rows));
    const int radius = std::max(1, static_cast<int>(rng.uniform(0.04, 0.18) * px));
    const double level = rng.uniform(20.0, 120.0);
    cv::circle(page, at, radius, cv::Scalar::all(level), cv::FILLED, cv::LINE_AA);
  }
}

}  // namespace

std::vector<PageScanPlan> PlanScan(const ScanPreset& preset, size_t pages, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<PageScanPlan> plans(pages);
  const bool edge_on_left = Chance(rng, 0.5);
  for (PageScanPlan& plan : plans) {
    plan.skew_degrees = Uniform(rng, -preset.max_skew_degrees, preset.max_skew_degrees);
    plan.edge_on_left = edge_on_left;
    plan.edge_width_mm = preset.dark_edge ? Uniform(rng, 2, 7) : 0;
    plan.light_centre = {Uniform(rng, 0.1, 0.9), Uniform(rng, 0.1, 0.9)};
    plan.noise_seed = static_cast<uint32_t>(rng());
  }
  if (preset.one_page_upside_down && pages > 1) {
    plans[1 + Below(rng, pages - 1)].rotation = 180;
  }
  return plans;
}

cv::Mat ScanPage(const cv::Mat& printed, const cv::Mat& next_page, double printed_dpi,
                 const ScanPreset& preset, const PageScanPlan& plan, cv::Size scan_size) {
  cv::Mat page = printed.clone();
  if (preset.ink_strength < 1) {
    page.convertTo(page, CV_8U, preset.ink_strength, 255 * (1 - preset.ink_strength));
  }
  AddBleedThrough(page, next_page, preset.bleed_through, printed_dpi);
  page = Skewed(page, plan.skew_degrees);
  cv::resize(page, page, scan_size, 0, 0, cv::INTER_AREA);
  if (preset.colour != ScanColour::kColour) cv::cvtColor(page, page, cv::COLOR_BGR2GRAY);
  if (plan.rotation == 180) cv::rotate(page, page, cv::ROTATE_180);

  const double dpi = preset.dpi;
  cv::Mat work;
  page.convertTo(work, CV_32F, 1.0 / 255);
  cv::multiply(work, PaperFor(preset, work.channels()), work);
  cv::RNG rng(plan.noise_seed);
  AddDust(work, preset, rng, dpi);
  ApplyLighting(work, preset, plan);
  if (preset.dark_edge) ApplyDarkEdge(work, plan, dpi);
  if (preset.blur_sigma_px > 0) cv::GaussianBlur(work, work, cv::Size(), preset.blur_sigma_px);
  if (preset.noise_sigma > 0) {
    cv::Mat noise(work.size(), work.type());
    rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(preset.noise_sigma));
    work += noise;
  }
  cv::Mat out;
  work.convertTo(out, CV_8U);
  if (preset.colour == ScanColour::kBinary) {
    const int mode =
        preset.binary_threshold > 0 ? cv::THRESH_BINARY : cv::THRESH_BINARY | cv::THRESH_OTSU;
    cv::threshold(out, out, preset.binary_threshold, 255, mode);
  }
  return out;
}

}  // namespace qikan::samplegen
