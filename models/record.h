#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/ocr_page.h"

namespace qikan {

inline constexpr const char* kIssueSchema = "qikan.issue/1";

// Where an issue came from: the input file (or folder) and its content hash, which identifies it
// whatever it is called.
struct SourceInfo {
  std::string file;
  std::string sha256;
  int pages = 0;
};

// One page as the pipeline saw it. `dpi` is the scan's own resolution (or the render resolution
// for vector pages); width and height are the page image's in pixels at that dpi.
struct PageRecord {
  int index = 0;  // 1-based
  double dpi = 0;
  bool native_resolution = false;  // taken from the scanner's image, not rendered
  int width = 0;
  int height = 0;
  int rotation = 0;  // degrees clockwise the page was turned before OCR: 0, 90, 180, 270
  double skew_degrees = 0;
  double skew_confidence = 0;
  double scale = 1;  // factor applied to reach the model's glyph height
  float mean_confidence = 0;
  std::string text;
};

// Something the pipeline doubts, for a person to check.
struct ReviewItem {
  int page = 0;  // 0 when it concerns the whole issue
  std::string reason;
  std::string detail;
};

struct IssueRecord {
  std::string schema = kIssueSchema;
  std::string pipeline_version;
  SourceInfo source;
  std::vector<PageRecord> pages;
  std::vector<ReviewItem> review;

  std::string Text() const;  // every page's text, pages separated by a form feed
};

void to_json(nlohmann::json& j, const SourceInfo& v);
void from_json(const nlohmann::json& j, SourceInfo& v);
void to_json(nlohmann::json& j, const PageRecord& v);
void from_json(const nlohmann::json& j, PageRecord& v);
void to_json(nlohmann::json& j, const ReviewItem& v);
void from_json(const nlohmann::json& j, ReviewItem& v);
void to_json(nlohmann::json& j, const IssueRecord& v);
void from_json(const nlohmann::json& j, IssueRecord& v);

void to_json(nlohmann::json& j, const Box& v);
void from_json(const nlohmann::json& j, Box& v);
void to_json(nlohmann::json& j, const OcrWord& v);
void from_json(const nlohmann::json& j, OcrWord& v);
void to_json(nlohmann::json& j, const OcrLine& v);
void from_json(const nlohmann::json& j, OcrLine& v);
void to_json(nlohmann::json& j, const OcrBlock& v);
void from_json(const nlohmann::json& j, OcrBlock& v);
void to_json(nlohmann::json& j, const OcrPage& v);
void from_json(const nlohmann::json& j, OcrPage& v);

}  // namespace qikan
