#include "tools/samplegen/fonts.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#include <stdexcept>

namespace qikan::samplegen {
namespace {

constexpr const char* kNotoDir = "/usr/share/fonts/opentype/noto/";
constexpr long kNotoSimplifiedIndex = 2;  // JP, KR, SC, TC, HK in the Noto CJK collections

struct FontFile {
  std::string path;
  long index = 0;
  double embolden = 0;  // synthetic bold, fraction of the em
};

FontFile Noto(const char* file, double embolden = 0) {
  return FontFile{std::string(kNotoDir) + file, kNotoSimplifiedIndex, embolden};
}

FontFile BodyFile(FontFamily family) {
  switch (family) {
    case FontFamily::kNotoSerif:
      return Noto("NotoSerifCJK-Regular.ttc");
    case FontFamily::kUkai:
      return {"/usr/share/fonts/truetype/arphic/ukai.ttc", 0, 0};
    case FontFamily::kUming:
      return {"/usr/share/fonts/truetype/arphic/uming.ttc", 0, 0};
    case FontFamily::kWqyZenhei:
      return {"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, 0};
  }
  throw std::logic_error("unknown font family");
}

constexpr double kSyntheticBold = 0.03;  // of the em, the masthead title's weight or a little under

FontFile HeadingFile(FontFamily family, const HeadingStyle& style) {
  if (!style.face) {
    const bool hei = family == FontFamily::kWqyZenhei;
    if (style.bold) return hei ? Noto("NotoSansCJK-Bold.ttc") : Noto("NotoSerifCJK-Bold.ttc");
    return hei ? Noto("NotoSansCJK-Regular.ttc") : Noto("NotoSerifCJK-Regular.ttc");
  }
  const double embolden = style.bold ? kSyntheticBold : 0;
  switch (*style.face) {
    case HeadingFace::kSong:
      return style.bold ? Noto("NotoSerifCJK-Bold.ttc") : Noto("NotoSerifCJK-Regular.ttc");
    case HeadingFace::kHei:
      return {"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, embolden};
    case HeadingFace::kKai:
      return {"/usr/share/fonts/truetype/arphic/ukai.ttc", 0, embolden};
  }
  throw std::logic_error("unknown heading face");
}

// Print sets quotes, dashes and the middle dot full-width; fonts with Latin metrics give them
// a narrow advance, which we widen to one em.
bool IsFullWidthInPrint(char32_t c) {
  return c == U'“' || c == U'”' || c == U'‘' || c == U'’' || c == U'—' || c == U'…' || c == U'·';
}

}  // namespace

struct FontSet::Library {
  FT_Library handle = nullptr;
  Library() {
    if (FT_Init_FreeType(&handle) != 0) throw std::runtime_error("FreeType did not start");
  }
  ~Library() { FT_Done_FreeType(handle); }
};

struct FontSet::Face {
  FT_Face handle = nullptr;
  double embolden = 0;
  Face(FT_Library library, const FontFile& file) : embolden(file.embolden) {
    if (FT_New_Face(library, file.path.c_str(), file.index, &handle) != 0) {
      throw std::runtime_error("cannot open font " + file.path);
    }
  }
  ~Face() { FT_Done_Face(handle); }
  bool Has(char32_t c) const { return FT_Get_Char_Index(handle, c) != 0; }
};

std::optional<FontFamily> ParseFontFamily(std::string_view name) {
  if (name == "noto-serif") return FontFamily::kNotoSerif;
  if (name == "ukai") return FontFamily::kUkai;
  if (name == "uming") return FontFamily::kUming;
  if (name == "wqy-zenhei") return FontFamily::kWqyZenhei;
  return std::nullopt;
}

std::vector<std::string> FontFamilyNames() { return {"noto-serif", "ukai", "uming", "wqy-zenhei"}; }

FontSet::FontSet(FontFamily family, const HeadingStyle& heading)
    : library_(std::make_unique<Library>()) {
  auto add = [&](const FontFile& file) {
    faces_.push_back(std::make_unique<Face>(library_->handle, file));
    return faces_.size() - 1;
  };
  role_face_[FontRole::kBody] = add(BodyFile(family));
  role_face_[FontRole::kHeading] = add(HeadingFile(family, heading));
  role_face_[FontRole::kTitle] = add(Noto("NotoSerifCJK-Bold.ttc", 0.035));
  role_face_[FontRole::kLabel] = add(Noto("NotoSansCJK-Bold.ttc"));
  fallback_face_ = add(Noto("NotoSansCJK-Regular.ttc"));
}

FontSet::~FontSet() = default;

FontSet::Face& FontSet::FaceFor(FontRole role, char32_t c) {
  Face& face = *faces_[role_face_.at(role)];
  return face.Has(c) ? face : *faces_[fallback_face_];
}

double FontSet::AdvanceEm(FontRole role, char32_t c) {
  const auto key = std::make_tuple(role, c);
  if (auto it = advance_cache_.find(key); it != advance_cache_.end()) return it->second;
  Face& face = FaceFor(role, c);
  double advance = 0.5;
  if (FT_Load_Char(face.handle, c, FT_LOAD_NO_SCALE) == 0) {
    advance =
        static_cast<double>(face.handle->glyph->metrics.horiAdvance) / face.handle->units_per_EM;
  }
  if (IsFullWidthInPrint(c) && advance < 0.9) advance = 1.0;
  advance_cache_[key] = advance;
  return advance;
}

InkSpan FontSet::InkEm(FontRole role, char32_t c) {
  Face& face = FaceFor(role, c);
  if (FT_Load_Char(face.handle, c, FT_LOAD_NO_SCALE) != 0) return {0, AdvanceEm(role, c)};
  const FT_Glyph_Metrics& m = face.handle->glyph->metrics;
  const double units = face.handle->units_per_EM;
  return {m.horiBearingX / units, (m.horiBearingX + m.width) / units};
}

const FontSet::Glyph& FontSet::Rasterize(FontRole role, char32_t c, int em_px) {
  const auto key = std::make_tuple(role, c, em_px);
  if (auto it = glyph_cache_.find(key); it != glyph_cache_.end()) return it->second;
  Face& face = FaceFor(role, c);
  Glyph glyph;
  FT_Set_Pixel_Sizes(face.handle, 0, em_px);
  if (FT_Load_Char(face.handle, c, FT_LOAD_NO_BITMAP | FT_LOAD_NO_HINTING) == 0) {
    FT_GlyphSlot slot = face.handle->glyph;
    if (face.embolden > 0 && slot->format == FT_GLYPH_FORMAT_OUTLINE) {
      FT_Outline_Embolden(&slot->outline, static_cast<FT_Pos>(face.embolden * em_px * 64));
    }
    if (FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL) == 0) {
      const FT_Bitmap& bitmap = slot->bitmap;
      glyph.left = slot->bitmap_left;
      glyph.top = slot->bitmap_top;
      glyph.coverage = cv::Mat(static_cast<int>(bitmap.rows), static_cast<int>(bitmap.width),
                               CV_8UC1, bitmap.buffer, bitmap.pitch)
                           .clone();
    }
  }
  return glyph_cache_.emplace(key, std::move(glyph)).first->second;
}

void FontSet::Draw(cv::Mat& bgr, FontRole role, char32_t c, double em_px, cv::Point2d origin,
                   const cv::Scalar& ink) {
  const Glyph& glyph = Rasterize(role, c, static_cast<int>(std::lround(em_px)));
  if (glyph.coverage.empty()) return;
  double x_offset = 0;
  if (IsFullWidthInPrint(c)) {
    // Narrow Latin-style glyphs sit in a full-width cell: opening marks against the text that
    // follows, closing marks against the text before, the rest centred.
    const InkSpan ink_span = InkEm(role, c);
    const double width = ink_span.right - ink_span.left;
    if (width < 0.8) {
      double cell_left = (1.0 - width) / 2;
      if (c == U'“' || c == U'‘') cell_left = 0.95 - width;
      if (c == U'”' || c == U'’') cell_left = 0.05;
      x_offset = (cell_left - ink_span.left) * em_px;
    }
  }
  const int x0 = static_cast<int>(std::lround(origin.x + x_offset)) + glyph.left;
  const int y0 = static_cast<int>(std::lround(origin.y)) - glyph.top;
  for (int r = 0; r < glyph.coverage.rows; ++r) {
    const int y = y0 + r;
    if (y < 0 || y >= bgr.rows) continue;
    const uint8_t* cov = glyph.coverage.ptr<uint8_t>(r);
    auto* out = bgr.ptr<cv::Vec3b>(y);
    for (int k = 0; k < glyph.coverage.cols; ++k) {
      const int x = x0 + k;
      if (x < 0 || x >= bgr.cols || cov[k] == 0) continue;
      const double a = cov[k] / 255.0;
      for (int ch = 0; ch < 3; ++ch) {
        // Ink darkens what is under it, so overlapping glyphs and rules never lighten.
        const double blended = out[x][ch] * (1 - a) + ink[ch] * a;
        out[x][ch] = static_cast<uint8_t>(std::min<double>(out[x][ch], blended + 0.5));
      }
    }
  }
}

}  // namespace qikan::samplegen
