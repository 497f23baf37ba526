#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace qikan::samplegen {

enum class ScanColour { kGray, kColour, kBinary };

// How a scanner and the paper's age turn a printed page into an image. Every random choice is
// drawn from a std::mt19937 seeded by the caller, so a preset and a seed give the same bytes.
struct ScanPreset {
  std::string name;
  std::string summary;
  int dpi = 300;
  ScanColour colour = ScanColour::kGray;
  double max_skew_degrees = 0.3;
  double blur_sigma_px = 0;     // optics, at the scan resolution
  double noise_sigma = 1.5;     // sensor noise, grey levels
  int jpeg_quality = 90;        // 0: lossless (Flate; G4 for 1-bit)
  double lighting_falloff = 0;  // brightness lost towards the far corner, 0..1
  bool one_page_upside_down = false;
  bool dark_edge = false;    // the scanner lid's shadow along one side
  double bleed_through = 0;  // opacity of the next page's text, mirrored
  double dust_per_cm2 = 0;   // specks of dirt on paper or glass
  cv::Scalar paper_bgr{250, 250, 250};
  double ink_strength = 1.0;  // below 1 the ink has faded towards the paper
  int binary_threshold = 0;   // 1-bit scans: grey level below which a pixel is black
};

const std::vector<ScanPreset>& ScanPresets();
const ScanPreset* FindScanPreset(std::string_view name);

// The random choices for one page, drawn before any pixel is touched.
struct PageScanPlan {
  double skew_degrees = 0;  // counter-clockwise rotation of the content as the image shows it
  int rotation = 0;         // 180 when the page went in upside down
  bool edge_on_left = false;
  double edge_width_mm = 0;
  cv::Point2d light_centre;  // fraction of width and height where the lamp is brightest
  uint32_t noise_seed = 0;
};

std::vector<PageScanPlan> PlanScan(const ScanPreset& preset, size_t pages, uint32_t seed);

// Scans a printed page (8-bit BGR at `printed_dpi`); `next_page` (may be empty) shows through
// from the back. Returns 8-bit grey, BGR, or 0/255 for 1-bit presets, at the preset's dpi.
cv::Mat ScanPage(const cv::Mat& printed, const cv::Mat& next_page, double printed_dpi,
                 const ScanPreset& preset, const PageScanPlan& plan, cv::Size scan_size);

}  // namespace qikan::samplegen
