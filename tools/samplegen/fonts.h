#pragma once

#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace qikan::samplegen {

// The body typefaces a sample can be set in; headings stay in a bold Song (or Hei for a Hei
// body), as offices set them whatever the body face.
enum class FontFamily { kNotoSerif, kUkai, kUming, kWqyZenhei };

std::optional<FontFamily> ParseFontFamily(std::string_view name);

// The face headings are set in, when it is not the one that goes with the body: Song (Noto
// Serif CJK), Hei (WenQuanYi Zen Hei) or Kai (AR PL UKai). A face without a bold weight is
// emboldened.
enum class HeadingFace { kSong, kHei, kKai };
struct HeadingStyle {
  std::optional<HeadingFace> face;  // none: bold Song, or bold Hei for a Hei body
  bool bold = true;
};
std::vector<std::string> FontFamilyNames();

enum class FontRole {
  kBody,     // paragraphs, attributions, TOC titles, masthead lines
  kHeading,  // article headings, 目 录, the digest banner
  kTitle,    // the masthead title
  kLabel,    // TOC column names
};

// Horizontal extent of a glyph's ink, in em, relative to its origin.
struct InkSpan {
  double left = 0;
  double right = 0;
};

// FreeType faces for each role, with glyph metrics in em and a glyph cache for drawing. OpenCV's
// freetype module draws whole strings only and reports ink boxes rather than advances, so
// justified CJK setting places each glyph itself.
class FontSet {
 public:
  explicit FontSet(FontFamily family, const HeadingStyle& heading = {});
  ~FontSet();
  FontSet(const FontSet&) = delete;
  FontSet& operator=(const FontSet&) = delete;

  double AdvanceEm(FontRole role, char32_t c);
  InkSpan InkEm(FontRole role, char32_t c);

  // Blends the glyph into an 8-bit BGR image with its origin (left end of the baseline) at
  // `origin`, in pixels.
  void Draw(cv::Mat& bgr, FontRole role, char32_t c, double em_px, cv::Point2d origin,
            const cv::Scalar& ink);

 private:
  struct Library;
  struct Face;
  struct Glyph {
    cv::Mat coverage;  // CV_8UC1
    int left = 0;      // bitmap offset from the origin, pixels
    int top = 0;       // rows above the baseline
  };

  Face& FaceFor(FontRole role, char32_t c);
  const Glyph& Rasterize(FontRole role, char32_t c, int em_px);

  std::unique_ptr<Library> library_;
  std::vector<std::unique_ptr<Face>> faces_;
  std::map<FontRole, size_t> role_face_;
  size_t fallback_face_ = 0;
  std::map<std::tuple<FontRole, char32_t>, double> advance_cache_;
  std::map<std::tuple<FontRole, char32_t, int>, Glyph> glyph_cache_;
};

}  // namespace qikan::samplegen
