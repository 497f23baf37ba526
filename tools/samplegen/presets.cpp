#include "tools/samplegen/degrade.h"

namespace qikan::samplegen {

const std::vector<ScanPreset>& ScanPresets() {
  static const std::vector<ScanPreset> presets = {
      ScanPreset{.name = "clean-300",
                 .summary = "300 dpi grey, a careful flatbed scan: tiny noise, skew within 0.3°",
                 .dpi = 300,
                 .max_skew_degrees = 0.3,
                 .noise_sigma = 0.8,
                 .jpeg_quality = 70,
                 .paper_bgr = {254, 254, 254}},
      ScanPreset{.name = "degraded-200",
                 .summary = "200 dpi grey, a hurried scan: skew to 3°, blur, noise, JPEG q50, "
                            "uneven light, one page upside down, dark lid edge",
                 .dpi = 200,
                 .max_skew_degrees = 3.0,
                 .blur_sigma_px = 0.8,
                 .noise_sigma = 5,
                 .jpeg_quality = 50,
                 .lighting_falloff = 0.22,
                 .one_page_upside_down = true,
                 .dark_edge = true,
                 .dust_per_cm2 = 0.02,
                 .paper_bgr = {236, 241, 244},
                 .ink_strength = 0.92},
      ScanPreset{
          .name = "office",
          .summary = "300 dpi grey from an office copier's scan-to-PDF: JPEG q75, skew to 2°",
          .dpi = 300,
          .max_skew_degrees = 2.0,
          .blur_sigma_px = 0.5,
          .noise_sigma = 3,
          .jpeg_quality = 75,
          .lighting_falloff = 0.06,
          .paper_bgr = {246, 246, 246}},
      ScanPreset{.name = "old-1bit-200",
                 .summary = "200 dpi 1-bit (G4) of an aged sheet: back page bleeding through, "
                            "speckle, skew to 1.5°",
                 .dpi = 200,
                 .colour = ScanColour::kBinary,
                 .max_skew_degrees = 1.5,
                 .blur_sigma_px = 0.7,
                 .noise_sigma = 10,
                 .jpeg_quality = 0,
                 .lighting_falloff = 0.10,
                 .bleed_through = 0.40,
                 .dust_per_cm2 = 0.25,
                 .paper_bgr = {222, 234, 240},
                 .ink_strength = 0.85,
                 .binary_threshold = 150},
      ScanPreset{.name = "colour-200",
                 .summary = "200 dpi colour of yellowed paper: red masthead, faint show-through, "
                            "JPEG q70, skew to 1°",
                 .dpi = 200,
                 .colour = ScanColour::kColour,
                 .max_skew_degrees = 1.0,
                 .blur_sigma_px = 0.6,
                 .noise_sigma = 4,
                 .jpeg_quality = 70,
                 .lighting_falloff = 0.08,
                 .bleed_through = 0.08,
                 .dust_per_cm2 = 0.01,
                 .paper_bgr = {188, 226, 238},
                 .ink_strength = 0.95},
      ScanPreset{.name = "web-150",
                 .summary = "150 dpi grey, downsampled for the web: JPEG q60",
                 .dpi = 150,
                 .max_skew_degrees = 0.5,
                 .blur_sigma_px = 0.4,
                 .noise_sigma = 2,
                 .jpeg_quality = 60,
                 .paper_bgr = {250, 250, 250}},
  };
  return presets;
}

const ScanPreset* FindScanPreset(std::string_view name) {
  for (const ScanPreset& p : ScanPresets()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace qikan::samplegen
