#pragma once

#include <string>

#include <opencv2/core.hpp>

namespace qikan {

// Image clean-up before recognition, each step a lever measured on the accuracy benchmark
// (docs/benchmarks/accuracy.md, "levers"). On by default: dark edges and speckle. Dark edges
// were off until session 23 (with background division they had cost the committed degraded
// sample its masthead date, "11" read "]l"); alone, with the stages since, they take the lid's
// shadow that chi_sim read as "本>" beside a line and that hid the folio (tune degraded items
// 1.18 -> 0.71% and 2.79 -> 1.83%, no other item changed; the samples read as before or better).
// Background division is there for --cleanup; paper level and Sauvola made things worse.
// Sizes are in ems of the body glyph: pages reach this stage scaled to the model's glyph height.
struct CleanupOptions {
  double glyph_px = 36;
  // Dark scanner edges (the lid's shadow where the sheet stops short of the glass): dark
  // regions touching the image border along a third of its side or more, and reaching no
  // further in than a strip (see cleanup.cpp), are made white.
  bool remove_dark_edges = true;
  // Paper made white: the background (the page with its ink closed over, at a window wider
  // than any stroke) is divided out, which flattens uneven light.
  bool normalize_background = false;
  double background_window_em = 2.0;
  // ... where the paper's level varies by this much or more (95th - 5th percentile): on even
  // paper dividing only shifts levels by one and changes Tesseract's reading at random (a
  // masthead date 11 read as 1] on the clean sample).
  int min_unevenness = 12;
  // After that, levels lighter than this fraction of white are paper: the faint mirrored print
  // of the back page (bleed-through) goes, ink keeps its contrast. 0 leaves levels as they are.
  double paper_level = 0;
  // Ink components smaller than this (their larger side, in ems) are dust: removed. 0: off.
  // (A full stop or a dun-hao is about 0.25 em.)
  double speckle_max_em = 0.1;
  // Sauvola binarization at this window (ems); 0 leaves the page gray for Tesseract's own Otsu.
  double sauvola_window_em = 0;
  double sauvola_k = 0.2;
};

// Returns the cleaned 8-bit page (the input itself when every step is off).
cv::Mat CleanPage(const cv::Mat& gray, const CleanupOptions& options);

// The steps named in `spec` ("edges,background[=EM],paper=LEVEL,speckle=EM,sauvola=EM" or
// "none") on
// top of `options`' sizes, every step not named off. Throws std::invalid_argument on a bad spec.
CleanupOptions ParseCleanup(const std::string& spec, CleanupOptions options = {});

}  // namespace qikan
