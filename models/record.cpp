#include "models/record.h"

#include <nlohmann/json.hpp>

namespace qikan {

std::string IssueRecord::Text() const {
  std::string out;
  for (const auto& page : pages) {
    if (!out.empty()) out += '\f';
    out += page.text;
  }
  return out;
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Box, x, y, width, height)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OcrWord, text, box, confidence)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OcrLine, text, box, confidence, words)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OcrBlock, box, lines)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OcrPage, width, height, blocks)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SourceInfo, file, sha256, pages)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PageRecord, index, dpi, native_resolution, width,
                                                height, rotation, skew_degrees, skew_confidence,
                                                scale, mean_confidence, text)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ReviewItem, page, reason, detail)

void to_json(nlohmann::json& j, const IssueRecord& v) {
  j = nlohmann::json{{"schema", v.schema},
                     {"pipeline_version", v.pipeline_version},
                     {"source", v.source},
                     {"pages", v.pages},
                     {"review", v.review}};
}

void from_json(const nlohmann::json& j, IssueRecord& v) {
  v.schema = j.value("schema", std::string(kIssueSchema));
  v.pipeline_version = j.value("pipeline_version", std::string());
  v.source = j.value("source", SourceInfo{});
  v.pages = j.value("pages", std::vector<PageRecord>{});
  v.review = j.value("review", std::vector<ReviewItem>{});
}

}  // namespace qikan
