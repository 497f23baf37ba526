#include "stages/cells.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include <opencv2/imgproc.hpp>

#include "models/text.h"
#include "stages/image.h"
#include "stages/ink_fit.h"
#include "stages/reread.h"

namespace qikan {
namespace {

// A character that takes a whole cell of the grid: Han, or a full-width mark set in a cell of its
// own. Quotes and brackets are left out: some faces set them narrower.
bool SetInACell(char32_t c) {
  return IsHan(c) || c == U'，' || c == U'。' || c == U'、' || c == U'；' || c == U'：' ||
         c == U'！' || c == U'？';
}

struct Measured {
  size_t block = 0, line = 0;
  double cells = 0;  // the reading's characters, less the tenth of a cell a glyph leaves white
  double ink = 0;    // from the first inked column of the line's row to the last
};

}  // namespace

std::vector<LineReadLong> FindLinesReadLong(const cv::Mat& gray, const OcrPage& page,
                                            double glyph_px, const CellFitOptions& options) {
  std::vector<LineReadLong> found;
  if (gray.empty() || glyph_px <= 0) return found;
  const double body = BodyGlyphHeight(page);
  const int pad = static_cast<int>(std::lround(options.pad_glyphs * glyph_px));
  std::vector<Measured> measured;
  for (size_t b = 0; b < page.blocks.size(); ++b) {
    for (size_t l = 0; l < page.blocks[b].lines.size(); ++l) {
      const OcrLine& line = page.blocks[b].lines[l];
      const std::u32string text = StripWhitespace(ToU32(line.text));
      if (static_cast<int>(text.size()) < options.min_chars || !IsHan(text.front()) ||
          !IsHan(text.back()) || !std::all_of(text.begin(), text.end(), SetInACell)) {
        continue;
      }
      if (body > 0 && LineGlyph(line, body) > options.body_glyphs * body) continue;
      const cv::Rect rect =
          cv::Rect(line.box.x - pad, line.box.y, line.box.width + 2 * pad, line.box.height) &
          cv::Rect(0, 0, gray.cols, gray.rows);
      if (rect.width < 2 || rect.height < 2) continue;
      const cv::Rect ink = cv::boundingRect(ToGray8(gray(rect)) < 128);
      if (ink.width < 2) continue;
      measured.push_back({.block = b,
                          .line = l,
                          .cells = static_cast<double>(text.size()) - 0.1,
                          .ink = static_cast<double>(ink.width - 1)});
    }
  }
  if (static_cast<int>(measured.size()) < options.min_lines) return found;
  std::vector<double> pitches;
  for (const Measured& m : measured) pitches.push_back(m.ink / m.cells);
  std::nth_element(pitches.begin(), pitches.begin() + pitches.size() / 2, pitches.end());
  const double pitch = pitches[pitches.size() / 2];
  if (pitch <= 0) return found;
  for (const Measured& m : measured) {
    const double excess = m.cells - m.ink / pitch;
    if (excess >= options.excess_from && excess < options.excess_to &&
        static_cast<int>(found.size()) < options.max_lines) {
      found.push_back({.block = m.block, .line = m.line, .excess = excess});
    }
  }
  return found;
}

std::optional<size_t> CharacterNoOtherReads(std::u32string_view text_in,
                                            const std::vector<std::u32string>& others) {
  const std::u32string text = StripWhitespace(text_in);
  if (others.size() < 2 || text.empty()) return std::nullopt;
  std::optional<std::set<size_t>> common;
  for (const std::u32string& other_in : others) {
    // A model that reads the full-width comma as "," reads the same mark: aligned as such, not
    // as a character against 和.
    const std::u32string other =
        StripWhitespace(ToU32(NormalizePunctuation(ToUtf8(StripWhitespace(other_in)))));
    if (other.empty()) return std::nullopt;
    size_t edits = 0;
    std::set<size_t> left_out;
    for (const AlignedPair& pair : AlignCharacters(text, other)) {
      if (pair.a == kUnaligned || pair.b == kUnaligned || text[pair.a] != other[pair.b]) ++edits;
      if (pair.b == kUnaligned) left_out.insert(pair.a);
    }
    if (5 * edits > text.size()) return std::nullopt;
    if (!common) {
      common = std::move(left_out);
    } else {
      std::set<size_t> both;
      std::set_intersection(common->begin(), common->end(), left_out.begin(), left_out.end(),
                            std::inserter(both, both.begin()));
      common = std::move(both);
    }
  }
  if (!common || common->size() != 1) return std::nullopt;
  return *common->begin();
}

}  // namespace qikan
