#include "stages/regions.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace qikan {
namespace {

struct Interval {
  int left = 0;  // [left, right)
  int right = 0;
  int Width() const { return right - left; }
};

// A slab: items whose (slightly shrunk) heights overlap, a row of text or several rows of
// columns whose lines do not line up.
struct Slab {
  int top = 0;
  int bottom = 0;
  std::vector<size_t> items;
};

// The middle value (the upper of the two middle ones of an even count); `values` not empty.
template <typename T>
T UpperMedian(std::vector<T> values) {
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2];
}

std::vector<Interval> Merged(std::vector<Interval> ink) {
  std::sort(ink.begin(), ink.end(), [](const Interval& a, const Interval& b) { return a.left < b.left; });
  std::vector<Interval> out;
  for (const Interval& i : ink) {
    if (!out.empty() && i.left <= out.back().right) {
      out.back().right = std::max(out.back().right, i.right);
    } else {
      out.push_back(i);
    }
  }
  return out;
}

// The white of [from, to) that `ink` leaves.
std::vector<Interval> Complement(const std::vector<Interval>& ink, int from, int to) {
  std::vector<Interval> white;
  int x = from;
  for (const Interval& i : Merged(ink)) {
    if (i.left > x) white.push_back({x, std::min(i.left, to)});
    x = std::max(x, i.right);
  }
  if (x < to) white.push_back({x, to});
  std::erase_if(white, [](const Interval& w) { return w.Width() <= 0; });
  return white;
}

std::vector<Interval> Intersect(const std::vector<Interval>& a, const std::vector<Interval>& b,
                                double min_width) {
  std::vector<Interval> out;
  for (const Interval& x : a) {
    for (const Interval& y : b) {
      const Interval both{std::max(x.left, y.left), std::min(x.right, y.right)};
      if (both.Width() >= min_width) out.push_back(both);
    }
  }
  return out;
}

// The widest of `intervals` (not empty).
Interval Widest(const std::vector<Interval>& intervals) {
  return *std::max_element(intervals.begin(), intervals.end(),
                           [](const Interval& a, const Interval& b) { return a.Width() < b.Width(); });
}

class Segmenter {
 public:
  // `known`: gutters a first pass over the page found in its bands of columns (a band too short
  // to show its own is parted where it shares them); `found`: where this pass puts those it finds.
  Segmenter(const std::vector<RegionItem>& items, double unit, const RegionOptions& options,
            const InkGrid* ink, std::vector<TextRegion>& out,
            const std::vector<Interval>* known = nullptr, std::vector<Interval>* found = nullptr)
      : items_(items), unit_(unit), options_(options), ink_(ink), out_(out), known_(known),
        found_(found) {
    marks_.reserve(items_.size());
    for (const RegionItem& item : items_) marks_.push_back(IsMark(item));
  }

  void Cut(std::vector<size_t> ids, int left, int right, int column, int depth) {
    if (ids.empty()) return;
    const std::vector<Slab> slabs = Slabs(std::move(ids));
    std::vector<std::vector<Interval>> white;
    std::vector<bool> tall;
    for (const Slab& slab : slabs) {
      white.push_back(Complement(Ink(slab), left, right));
      tall.push_back(Tall(slab));
    }
    for (size_t s = slabs.size(); s-- > 0;) {
      if (tall[s]) white[s] = ColumnHeadingsGutters(slabs, s, white, tall, left, right);
    }
    // (Row s follows the row above it closely enough to be of its band.)
    auto near = [&](size_t s) {
      return s < slabs.size() && slabs[s].top - slabs[s - 1].bottom <= options_.band_break * unit_;
    };
    struct Band {
      size_t end;  // the slab after its last
      std::optional<Interval> gutter;
    };
    // The band of rows from slab i that share white, and its gutter if it is a band of columns.
    auto band_at = [&](const size_t i) {
      // The band of rows from slab i that share white. A row whose ink covers a strip (all of
      // it, or so much that less than a gutter is left), with the strip going on under it, stays
      // in the band (a word OCR joined across it, or read twice over it): a third of the rows
      // at most for each strip, and IsGutter checks. The strip keeps its width.
      struct Strip {
        Interval white;
        size_t crossed = 0;
      };
      const double min_gutter = options_.min_gutter * unit_;
      std::vector<Strip> strips;
      // (A row standing apart, white above and below it, is a banner or a heading across the
      // page, never a band's first row: the rows under it are no columns of its. Headings set
      // large side by side at the top of their columns, `tall`, keep the gutters they leave.)
      const bool apart = !tall[i] && Apart(slabs, i, i + 1, std::min(slabs.size(), i + 6));
      for (const Interval& w : white[i]) {
        if (apart) break;
        if (w.Width() < min_gutter) continue;
        // (Nor does one start a band: the white between a heading's characters over the
        // gutter of the columns under it is no strip of theirs. Nor a gap in one line as OCR
        // read it, set large, no wider than the white between its other words: a heading across
        // two columns that is not Tall (some of its words boxed small), "临安区：多措并举助力" |
        // "打造“青年留杭第一区”", dev4 h08 page 2. OCR reads a body row across a gutter as one line
        // too, its words' boxes as far apart now and then, dev2 e08 page 6.)
        if (SetLarge(slabs[i]) && OneLineAcross(slabs[i], w) &&
            LetterSpaced(white[i], left, right, w)) {
          continue;
        }
        if (near(i + 1) && std::any_of(white[i + 1].begin(), white[i + 1].end(),
                                       [&](const Interval& under) {
                                         return SpacedAcross(white[i], left, right, under, w,
                                                             slabs[i], slabs[i + 1]);
                                       })) {
          continue;
        }
        strips.push_back({w, 0});
      }
      size_t end = i + 1;
      // (Columns go on under white across them up to column_break, see below.)
      auto goes_on_under_white = [&](size_t s) {
        return s < slabs.size() && !tall[s] &&
               s - i >= static_cast<size_t>(options_.min_band_lines) &&
               slabs[s].top - slabs[s - 1].bottom <= options_.column_break * unit_;
      };
      // Where a row parts a strip between columns in several, the strip goes on in the piece
      // whose white goes on furthest down the rows that follow closely (past a row that crosses
      // it, as a band's strip goes on below), the widest of those that go on as far: white that
      // lines up by chance ends within a few rows, a gutter goes on down the band. A strip wider
      // than the gutter at the top of a band (the top rows of tune2-clean-3col-ukai's third page,
      // their third column empty but for "曦）" at its right edge) meets, in the rows below, the
      // gutter and the white between the characters of the next column's heading, which is wider
      // than the gutter and ends two rows down: the band ran with the white that ends, and its
      // top rows were read across. (White at the region's edge is its margin, and goes on in its
      // widest piece: beside a banner centred over the middle column of three, alone on its row
      // (t04-old-1bit-heading-over-three-columns page 5, "信息快递"), it holds the gutter of the
      // columns below, and the banner would be read as the middle column's heading.)
      auto goes_down = [&](Interval piece, size_t from) {
        size_t rows = 0;
        for (size_t r = from; near(r); ++r) {
          auto both = Intersect({piece}, white[r], min_gutter);
          if (both.empty() && !tall[r] && near(r + 1)) {
            both = Intersect({piece}, white[++r], min_gutter);
          }
          if (both.empty()) break;
          piece = Widest(both);
          ++rows;
        }
        return rows;
      };
      auto goes_on_in = [&](const Interval& strip, const std::vector<Interval>& pieces,
                            size_t row) {
        if (strip.left <= left || strip.right >= right) return Widest(pieces);
        if (pieces.size() == 1) return pieces.front();
        size_t best = 0, best_rows = 0;
        for (size_t k = 0; k < pieces.size(); ++k) {
          const size_t rows = goes_down(pieces[k], row + 1);
          if (k == 0 || rows > best_rows ||
              (rows == best_rows && pieces[k].Width() > pieces[best].Width())) {
            best = k;
            best_rows = rows;
          }
        }
        return pieces[best];
      };
      while (near(end) || goes_on_under_white(end)) {
        // (Nor does the band go on through such a row: a banner set letter-spaced, "简  讯"
        // between rules, whose gap falls on the gutter, ends the columns above it; the
        // columns below are a band of their own.)
        if (!tall[end] && Apart(slabs, end, i, end)) break;
        std::vector<Strip> next;
        std::vector<Interval> above, ended;  // the strips down to row `end`; those it ends
        for (const Strip& strip : strips) {
          above.push_back(strip.white);
          const auto both = Intersect({strip.white}, white[end], min_gutter);
          // (A line printed across the strip, whose characters stand as far apart over it as
          // they do along the row, ends it as a heading does: the next article's heading, set
          // a little larger and looser than the body, over both columns.)
          if (both.size() == 1 && near(end + 1) &&
              SpacedAcross(white[end], left, right, strip.white, both.front(), slabs[end],
                           slabs[end + 1])) {
            ended.push_back(strip.white);
            continue;
          }
          if (!both.empty()) {
            next.push_back({goes_on_in(strip.white, both, end), strip.crossed});
            continue;
          }
          // (A heading over the strip ends the band: its columns stop above it.)
          const bool goes_on = near(end) && !tall[end] && near(end + 1) &&
                               !Intersect({strip.white}, white[end + 1], min_gutter).empty();
          if (goes_on && 3 * (strip.crossed + 1) <= end + 1 - i) {
            next.push_back({strip.white, strip.crossed + 1});
          } else {
            ended.push_back(strip.white);
          }
        }
        // (White at the region's edges is its margin: it goes on under a heading across the
        // columns, but the band does not go on with it alone.)
        if (std::none_of(next.begin(), next.end(), [&](const Strip& strip) {
              return strip.white.left > left && strip.white.right < right;
            })) {
          break;
        }
        // A last row (nothing follows it closely) that ends the gutter of the columns above it
        // is no row of their band, though other white goes on through it: the band is not
        // read with fewer columns (a word OCR boxed into the gutter on the last row of a page's
        // columns left them one gutter of two, and all their rows were read across).
        if (!near(end + 1) && end - i >= static_cast<size_t>(options_.min_band_lines) &&
            std::any_of(ended.begin(), ended.end(),
                        [&](const Interval& g) { return IsGutter(slabs, i, end, g, above); })) {
          break;
        }
        if (!near(end)) {
          // Under white taller than band_break, a band goes on only as columns: they are
          // columns above the white already, and every one goes on under it.
          if (next.size() < strips.size() ||
              std::none_of(above.begin(), above.end(), [&](const Interval& g) {
                return IsGutter(slabs, i, end, g, above);
              })) {
            break;
          }
        }
        strips = std::move(next);
        ++end;
      }
      std::vector<Interval> common;
      for (const Strip& strip : strips) common.push_back(strip.white);
      if (depth < 6) {
        for (const Interval& g : common) {
          if (IsGutter(slabs, i, end, g, common)) return Band{end, g};
        }
      }
      return Band{end, std::nullopt};
    };
    for (size_t i = 0; i < slabs.size();) {
      const Band band = band_at(i);
      if (!band.gutter) {
        Emit(slabs[i].items, left, right, column);
        ++i;
        continue;
      }
      // Bands of columns that follow one another closely with gutters that overlap are one
      // band's columns, its gutter narrowed under min_gutter where OCR's boxes ate into it (the
      // last rows of an office page's two columns, 5 px of a 34 px gutter): each column is read
      // down through them all, not band by band (e14 page 3 read its left column's last three
      // lines after the right column).
      std::vector<std::pair<size_t, Interval>> parts = {{i, *band.gutter}};
      Interval shared = *band.gutter;  // the white all of them leave
      size_t end = band.end;
      while (near(end)) {
        const Band next = band_at(end);
        // (A row too short to be a band of its own that leaves their gutter white, with words
        // each side of it, is a row of their columns: a heading set large at the foot of the
        // west column beside the east column's last line, e13 page 4, had been read across.)
        if (!next.gutter) {
          if (!RowOfColumns(slabs[end], shared)) break;
          parts.push_back({end, shared});
          ++end;
          continue;
        }
        const Interval both{std::max(shared.left, next.gutter->left),
                            std::min(shared.right, next.gutter->right)};
        if (both.Width() < options_.min_gutter * unit_ / 2) break;
        shared = both;
        parts.push_back({end, *next.gutter});
        end = next.end;
      }
      const Interval* gutter = &parts.front().second;
      for (const auto& part : parts) {
        if (found_) found_->push_back(part.second);
      }
      std::vector<size_t> west, east;
      int band_left = right, band_right = left;
      for (size_t s = i, k = 0; s < end; ++s) {
        if (k + 1 < parts.size() && s >= parts[k + 1].first) gutter = &parts[++k].second;
        for (size_t id : slabs[s].items) {
          const Box& b = items_[id].box;
          const double centre = b.x + b.width / 2.0;
          // A mark standing in the gutter is a speck OCR read as a quote: print sets marks
          // inside the column. (A character read surely that OCR boxed as narrow as a mark is
          // none: "力", boxed 10 by 22 px over its 80 px glyph at the end of a heading's west
          // half, dev d08, RegionOptions::sure_character_confidence.)
          const bool character = items_[id].chars > 0 &&
                                 items_[id].confidence >= options_.sure_character_confidence;
          // (Nor is an opening bracket, which starts the east column's line: print never ends
          // a line with one. An attribution's, left out of the band's white, o06 page 4.)
          if (((Mark(id) && !character && !items_[id].opens_bracket) || items_[id].speck) &&
              centre > gutter->left && centre < gutter->right) {
            continue;
          }
          (centre < (gutter->left + gutter->right) / 2.0 ? west : east).push_back(id);
          if (!Mark(id)) {
            band_left = std::min(band_left, b.x);
            band_right = std::max(band_right, b.Right());
          }
        }
      }
      const int first = column == 0 ? 1 : column;
      const Interval g = shared;
      const size_t before = out_.size();
      Cut(std::move(west), std::min(band_left, g.left), g.left, first, depth + 1);
      // The east side's columns are numbered on from the west side's last.
      int last = first;
      for (size_t r = before; r < out_.size(); ++r) last = std::max(last, out_[r].column);
      Cut(std::move(east), g.right, std::max(band_right, g.right), last + 1, depth + 1);
      i = end;
    }
  }

 private:
  bool Mark(size_t id) const { return marks_[id]; }

  // OCR stretches a mark's box to the height of the line, never its width. It boxes a Han
  // character narrow now and then too (萧 15 px over 28 px glyphs on a colour page): one boxed
  // as tall as a glyph (mark_width of one at least: a piece of a glyph OCR boxed alone is
  // shorter) whose ink, on the page, runs on as wide as a character is no mark.
  bool IsMark(const RegionItem& item) const {
    const double narrow = options_.mark_width * unit_;
    if (item.mark) return true;
    if (item.box.width >= narrow) return false;
    return item.chars == 0 || item.box.height < narrow || !ink_ || ink_->Empty() ||
           InkRunWidth(item.box) < narrow;
  }

  // The width of the page's ink run (columns inked in the middle half of the box's rows) that
  // holds the box's middle; 0 if the middle is white.
  double InkRunWidth(const Box& box) const {
    const double cell = ink_->cell;
    const int r0 = static_cast<int>((box.y + box.height / 4) / cell);
    const int r1 = static_cast<int>((box.Bottom() - box.height / 4) / cell);
    auto inked = [&](int c) {
      for (int r = r0; r <= r1; ++r) {
        if (ink_->At(c, r)) return true;
      }
      return false;
    };
    const int middle = static_cast<int>((box.x + box.width / 2) / cell);
    if (!inked(middle)) return 0;
    int first = middle, last = middle;
    while (first > 0 && inked(first - 1)) --first;
    while (last + 1 < ink_->columns && inked(last + 1)) ++last;
    return (last - first + 1) * cell;
  }

  std::vector<Slab> Slabs(std::vector<size_t> ids) const {
    std::sort(ids.begin(), ids.end(), [&](size_t a, size_t b) { return items_[a].box.y < items_[b].box.y; });
    // Each line's rows: the median top and bottom of its words' boxes.
    std::map<int, std::vector<int>> tops, bottoms;
    for (size_t id : ids) {
      if (Mark(id) || items_[id].speck) continue;  // (a mark's box is no glyph's height)
      tops[items_[id].line].push_back(items_[id].box.y);
      bottoms[items_[id].line].push_back(items_[id].box.Bottom());
    }
    std::map<int, Interval> line_rows;
    for (auto& [line, t] : tops) {
      std::vector<int>& u = bottoms[line];
      std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
      std::nth_element(u.begin(), u.begin() + u.size() / 2, u.end());
      line_rows[line] = Interval{t[t.size() / 2], u[u.size() / 2]};
    }
    std::vector<Slab> slabs;
    for (size_t id : ids) {
      const Box& b = items_[id].box;
      // OCR's boxes of a line overlap the next line's now and then by a stroke: shrink them.
      const int shrink = b.height >= 5 ? b.height / 5 : 0;
      int top = b.y + shrink;
      int bottom = std::max(top + 1, b.Bottom() - shrink);
      // A box OCR drew far taller than the other words of its heading, down into the next row
      // (on a degraded page, 112 px over 55 px glyphs), stands where they stand.
      if (const auto it = line_rows.find(items_[id].line);
          it != line_rows.end() && it->second.Width() >= options_.heading_height * unit_ &&
          b.height > options_.tall_box * it->second.Width()) {
        top = std::max(top, it->second.left + shrink / 2);
        bottom = std::max(top + 1, std::min(bottom, it->second.right - shrink / 2));
      }
      if (!slabs.empty() && top < slabs.back().bottom) {
        slabs.back().bottom = std::max(slabs.back().bottom, bottom);
        slabs.back().items.push_back(id);
      } else {
        slabs.push_back(Slab{.top = top, .bottom = bottom, .items = {id}});
      }
    }
    return slabs;
  }

  // Whether the slab's row is set large: a heading, one piece of text, whose gaps (the shoulder
  // of a quote, a letter-spaced title) are no gutter. Over two columns it ends their band; inside
  // one it stays in it. (OCR stretches many a word's box to a mark's height beside it, never
  // shrinks one: the lower quartile is the glyphs' height.)
  bool Tall(const Slab& slab) const { return Tall(slab.items); }
  bool Tall(const std::vector<size_t>& items) const {
    std::vector<int> heights;
    std::vector<double> pitches;  // of each word whose characters are known
    for (size_t id : items) {
      if (Mark(id)) continue;
      heights.push_back(items_[id].box.height);
      if (items_[id].chars > 0) pitches.push_back(items_[id].box.width / double(items_[id].chars));
    }
    if (heights.empty()) return false;
    const size_t quartile = heights.size() / 4;
    std::nth_element(heights.begin(), heights.begin() + quartile, heights.end());
    if (heights[quartile] < options_.heading_height * unit_) return false;
    // OCR stretches the boxes of a whole body line to its height now and then, never their
    // widths: a heading's characters stand wider apart too.
    if (pitches.empty()) return true;
    return UpperMedian(pitches) >= options_.heading_pitch * unit_;
  }

  // Whether most of the slab's words stand heading_height glyphs tall or more.
  bool SetLarge(const Slab& slab) const {
    std::vector<int> heights;
    for (size_t id : slab.items) {
      if (!Mark(id)) heights.push_back(items_[id].box.height);
    }
    return !heights.empty() && UpperMedian(heights) >= options_.heading_height * unit_;
  }

  // The white of a tall row `s` (whole, see Ink) where it heads columns: headings set side by
  // side at the top of a band's columns (or level with another column's lines) each stand in
  // one column, and leave the gutters the rows below share white. Each gutter of the rows below
  // that the row's ink leaves white is kept when the row's ink each side of it is set in its
  // own column: from the column's left edge (a paragraph's indent in, on the east side) or
  // centred in it. A heading across the columns whose gap (a quote's shoulder) happens to fall
  // on a gutter starts at no column's edge and is centred in none: it stays whole, and so does
  // any run of its ink over another gutter.
  std::vector<Interval> ColumnHeadingsGutters(const std::vector<Slab>& slabs, size_t s,
                                              const std::vector<std::vector<Interval>>& white,
                                              const std::vector<bool>& tall, int left,
                                              int right) const {
    // (Row r follows the row above it closely enough to be of its band.)
    auto follows = [&](size_t r) {
      return slabs[r].top - slabs[r - 1].bottom <= options_.band_break * unit_;
    };
    size_t below = s + 1;
    while (below < slabs.size() && tall[below] && follows(below)) ++below;  // a two-line heading
    if (below >= slabs.size() || !follows(below)) return white[s];
    std::vector<Interval> ink;
    for (size_t id : slabs[s].items) {
      if (!Mark(id)) ink.push_back({items_[id].box.x, items_[id].box.Right()});
    }
    if (ink.empty()) return white[s];
    ink = Merged(std::move(ink));
    // The rows below: their leftmost start and rightmost end (a word OCR boxed across a gutter
    // to the west starts at the region's edge).
    const double min_gutter = options_.min_gutter * unit_;
    int below_start = right, below_end = left;
    // (Another column's heading below, level with none of this row's, is passed over: the
    // columns' rows go on beside and under it.)
    std::vector<size_t> under;
    for (size_t r = below; r < slabs.size() && follows(r); ++r) {
      if (!tall[r]) under.push_back(r);
    }
    const size_t rows = under.size();
    for (size_t r : under) {
      for (size_t id : slabs[r].items) {
        if (Mark(id) || items_[id].speck) continue;
        below_start = std::min(below_start, std::max(left, items_[id].box.x));
        below_end = std::max(below_end, std::min(right, items_[id].box.Right()));
      }
    }
    // The white a strip of `seed` keeps down two thirds of the rows below (empty: none does), as
    // a band's strip goes on under a row OCR read across it.
    auto down_rows = [&](Interval seed) {
      size_t white_rows = 0;
      for (size_t r : under) {
        const auto both = Intersect({seed}, white[r], min_gutter);
        if (both.empty()) continue;
        seed = Widest(both);
        ++white_rows;
      }
      return white_rows > 0 && 3 * white_rows >= 2 * rows ? seed : Interval{};
    };
    // ... and the white the rows just above leave too, where there are such rows: two of the
    // three leave it (a few rows below, short or set in, leave white by chance; and a paragraph's
    // indent or an attribution set in below leaves more white than the gutter: it is narrowed).
    auto up_rows = [&](Interval g) {
      size_t looked = 0, seen = 0;
      for (size_t r = s; r-- > 0 && looked < 3 && !tall[r] && follows(r + 1); ++looked) {
        const auto both = Intersect({g}, white[r], min_gutter);
        if (both.empty()) continue;
        g = Widest(both);
        ++seen;
      }
      return 3 * seen >= 2 * looked ? g : Interval{};
    };
    // The gutters of the rows below (from the white of their first rows: one may be read across).
    std::vector<Interval> gutters;
    for (size_t k = 0; k < std::min<size_t>(rows, 3); ++k) {
      const size_t r = under[k];
      for (const Interval& w : white[r]) {
        const Interval g = up_rows(down_rows(w));
        if (g.Width() <= 0 || g.left <= below_start || g.right >= below_end) continue;
        if (std::none_of(gutters.begin(), gutters.end(), [&](const Interval& o) {
              return std::min(o.right, g.right) > std::max(o.left, g.left);
            })) {
          gutters.push_back(g);
        }
      }
    }
    std::sort(gutters.begin(), gutters.end(),
              [](const Interval& x, const Interval& y) { return x.left < y.left; });
    // Which of them the row leaves white, and how much of each.
    const std::vector<Interval> row_white = Complement(ink, left, right);
    // (Ink in a gutter, past a quarter glyph from its edges, is a heading's across it: its
    // letter spacing fell on the gutter.)
    const double edge = 0.25 * unit_;
    std::vector<Interval> open(gutters.size());
    for (size_t k = 0; k < gutters.size(); ++k) {
      for (const Interval& both : Intersect({gutters[k]}, row_white, min_gutter)) {
        if (both.left <= gutters[k].left + edge && both.right >= gutters[k].right - edge) {
          open[k] = both;
        }
      }
      // (So is the page's ink over its middle half, half a glyph tall: OCR boxes a heading's
      // glyphs narrower than their ink now and then, "助力" 117 px wide over 80 px glyphs, and
      // leaves the white of a gutter between two of them that the ink does not. Headings side
      // by side, each set to its column's edge, leave the middle white; a rule down the gutter,
      // broken where a 1-bit scan lost its ink, covers a cell or two of it.)
      if (open[k].Width() > 0 && GlyphInkInGutter(gutters[k], slabs[s])) open[k] = Interval{};
    }
    const double slack = options_.full_slack * unit_;
    // The row's ink inside [from, to), as one run (empty: none), its marks in it: a heading's
    // quotes and stops are set in its measure ("网”" is centred with its quote).
    std::vector<Interval> set = ink;
    std::vector<Interval> read;  // the words as OCR boxed them, their own marks in
    for (size_t id : slabs[s].items) {
      if (items_[id].speck) continue;
      if (Mark(id)) {
        set.push_back({items_[id].box.x, items_[id].box.Right()});
        continue;
      }
      // A word's own marks, which its item's box leaves out ("“青年" boxed from its quote).
      const Box& box = items_[id].box;
      const Box& ocr = items_[id].ocr_box.Empty() ? box : items_[id].ocr_box;
      read.push_back({std::min(ocr.x, box.x), std::max(ocr.Right(), box.Right())});
      set.push_back(read.back());
    }
    auto run_in = [&](int from, int to) {
      Interval run{to, from};
      for (const Interval& i : set) {
        if (i.right <= from || i.left >= to) continue;
        run = {std::min(run.left, std::max(i.left, from)),
               std::max(run.right, std::min(i.right, to))};
      }
      return run;
    };
    auto centred = [&](const Interval& run, int from, int to) {
      return std::abs((run.left - from) - (to - run.right)) <= options_.centre_slack * unit_;
    };
    std::vector<Interval> kept = white[s];
    for (size_t k = 0; k < gutters.size(); ++k) {
      if (open[k].Width() <= 0) continue;  // the row's ink crosses it
      // (Ink over the gutter west or east of the columns either side runs across it.)
      if ((k > 0 && open[k - 1].Width() <= 0) ||
          (k + 1 < gutters.size() && open[k + 1].Width() <= 0)) {
        continue;
      }
      const Interval& g = gutters[k];
      const int west_from = k == 0 ? below_start : gutters[k - 1].right;
      const int east_to = k + 1 < gutters.size() ? gutters[k + 1].left : below_end;
      const Interval west = run_in(west_from, g.left);
      const Interval east = run_in(g.right, east_to);
      if (west.Width() <= 0 || east.Width() <= 0) continue;
      // (A word boxed over the gutter's middle, with its marks, runs across it: a heading across
      // the columns whose quote's white half fell on the gutter, "打造 “青年".)
      const int middle = (g.left + g.right) / 2;
      if (std::any_of(read.begin(), read.end(),
                      [&](const Interval& i) { return i.left < middle && i.right > middle; })) {
        continue;
      }
      // (Or a line of body text set right in its column: the last line of an attribution that
      // closes the article above, beside the next article's heading in the column before. Its
      // glyphs in the page's ink, not OCR's boxes, which stretch beside a heading's: the west
      // half of a heading across two columns ends at the gutter too when its gap falls there.)
      auto body_set_right = [&](const Interval& run, int to) {
        const int reach = static_cast<int>(unit_ / 2);  // (the slab is its items' middle rows)
        return std::abs(to - run.right) <= slack &&
               InkHeight(run, slabs[s].top - reach, slabs[s].bottom + reach) <
                   options_.heading_height * unit_;
      };
      const bool west_set = std::abs(west.left - west_from) <= slack ||
                            centred(west, west_from, g.left) || body_set_right(west, g.left);
      const bool east_set = (east.left >= g.right - slack &&
                             east.left <= g.right + options_.max_indent * unit_) ||
                            centred(east, g.right, east_to) ||
                            body_set_right(east, east_to);
      if (west_set && east_set) kept.push_back(open[k]);
    }
    return kept;
  }

  // Whether the words next to strip `g` on each side in the slab are of one line as OCR read it.
  bool OneLineAcross(const Slab& slab, const Interval& g) const {
    std::optional<size_t> west, east;
    for (size_t id : slab.items) {
      if (Mark(id) || items_[id].speck) continue;
      const Box& b = items_[id].box;
      if (b.Right() <= g.left + unit_ / 4 && (!west || b.Right() > items_[*west].box.Right())) west = id;
      if (b.x >= g.right - unit_ / 4 && (!east || b.x < items_[*east].box.x)) east = id;
    }
    return west && east && items_[*west].line == items_[*east].line;
  }

  // Whether `piece` of a row's white is no wider than letter_spacing times the white between
  // the row's words (the upper median of three gaps or more, its margins and `piece` aside).
  bool LetterSpaced(const std::vector<Interval>& row_white, int left, int right,
                    const Interval& piece) const {
    std::vector<int> gaps;
    for (const Interval& w : row_white) {
      if (w.left <= left || w.right >= right || w.Width() <= 0) continue;
      if (w.right > piece.left && w.left < piece.right) continue;
      gaps.push_back(w.Width());
    }
    return gaps.size() >= 3 && piece.Width() <= options_.letter_spacing * UpperMedian(gaps);
  }

  // Whether a glyph's ink (GlyphInkAcross) stands over the middle half of gutter `g` on the
  // slab's rows: a rule down it, or the glyphs of the columns' edges, leave that white.
  bool GlyphInkInGutter(const Interval& g, const Slab& slab) const {
    const int quarter = g.Width() / 4;
    return GlyphInkAcross({g.left + quarter, g.right - quarter}, slab);
  }

  // Whether the page's ink over `x`, on the slab's rows, is a glyph's: half a glyph tall and
  // inked in half its cells across (a rule's stroke is one or two). False without the ink.
  bool GlyphInkAcross(const Interval& x, const Slab& slab) const {
    if (!ink_ || ink_->Empty() || x.Width() <= 0) return false;
    const int reach = static_cast<int>(unit_ / 2);
    const int top = slab.top - reach, bottom = slab.bottom + reach;
    if (InkHeight(x, top, bottom) < 0.5 * unit_) return false;
    const int c0 = static_cast<int>(x.left / ink_->cell), c1 = static_cast<int>(x.right / ink_->cell);
    const int r0 = static_cast<int>(top / ink_->cell), r1 = static_cast<int>(bottom / ink_->cell);
    int inked = 0;
    for (int c = c0; c <= c1; ++c) {
      bool any = false;
      for (int r = r0; r <= r1 && !any; ++r) any = ink_->At(c, r);
      inked += any;
    }
    return inked >= 2 && 2 * inked >= c1 - c0 + 1;
  }

  // Whether row `s` stands apart: the white above it and below it is each at least a glyph tall
  // and `apart_gap` times as tall as the white between rows [from, to) (the median, between
  // rows of one line each: where two columns' lines do not line up, OCR's rows of both overlap
  // into one row twice as tall with little white between them). A column's lines follow at one
  // leading; a banner or a heading across the page has white above and below it.
  bool Apart(const std::vector<Slab>& slabs, size_t s, size_t from, size_t to) const {
    if (s == 0 || s + 1 >= slabs.size()) return false;
    std::vector<int> heights;
    for (size_t r = from; r < to; ++r) heights.push_back(slabs[r].bottom - slabs[r].top);
    if (heights.size() < 3) return false;
    const double one_line = options_.apart_one_line * UpperMedian(heights);
    std::vector<int> gaps;
    for (size_t r = from + 1; r < to; ++r) {
      const int gap = slabs[r].top - slabs[r - 1].bottom;
      if (gap > options_.band_break * unit_) break;
      if (slabs[r].bottom - slabs[r].top > one_line ||
          slabs[r - 1].bottom - slabs[r - 1].top > one_line) {
        continue;
      }
      gaps.push_back(gap);
    }
    if (gaps.size() < 2) return false;
    const double wide = std::max(unit_, options_.apart_gap * UpperMedian(gaps));
    return slabs[s].top - slabs[s - 1].bottom >= wide && slabs[s + 1].top - slabs[s].bottom >= wide;
  }

  // Whether a row whose white is `row_white` (between `left` and `right`) sets its characters
  // across `strip`, leaving `piece` of it white: it is set larger than the row of text below it
  // (RegionOptions::spaced_height), its words reach into the strip from both sides
  // (a column's lines end at its edge and the next column's start at the other), and the white
  // left is no wider than `letter_spacing` times the white between the row's own words (the
  // median of three or more, its margins aside). A heading's characters stand apart as wide as
  // a narrow gutter (0.75 of the body's glyph between two of them on a clean 300 dpi page).
  bool SpacedAcross(const std::vector<Interval>& row_white, int left, int right,
                    const Interval& strip, const Interval& piece, const Slab& row,
                    const Slab& below) const {
    const int below_height = below.bottom - below.top;
    if (below_height < 0.5 * unit_ ||
        row.bottom - row.top < options_.spaced_height * below_height) {
      return false;
    }
    const double reach = options_.spaced_reach * unit_;
    // (Or both sides a little way into the strip, together twice spaced_reach, neither as far
    // as half a glyph: a heading's gap that falls a little east of the strip's middle, 11 px and
    // 4 px of a 45 px glyph, matrix m07 page 3. A column's heading beside the strip reaches far
    // into it from its own side only, 51 px and 2 px, dev d07 page 2.)
    const int west = piece.left - strip.left, east = strip.right - piece.right;
    const bool both_far = west >= reach && east >= reach;
    const bool both_near = west > 0 && east > 0 && west + east >= 2 * reach &&
                           std::max(west, east) <= 0.5 * unit_;
    if (!both_far && !both_near) return false;
    std::vector<int> gaps;
    for (const Interval& w : row_white) {
      if (w.left <= left || w.right >= right || w.Width() <= 0) continue;
      if (w.left == piece.left && w.right == piece.right) continue;
      gaps.push_back(w.Width());
    }
    if (gaps.size() < 3) return false;
    return piece.Width() <= options_.letter_spacing * UpperMedian(gaps);
  }

  // The tallest run of inked rows of the page's ink over `x` between `top` and `bottom` (px); a
  // heading's height (never body text) when the page's ink is not known.
  double InkHeight(const Interval& x, int top, int bottom) const {
    if (!ink_ || ink_->Empty()) return options_.heading_height * unit_;
    const int c0 = static_cast<int>(x.left / ink_->cell), c1 = static_cast<int>(x.right / ink_->cell);
    const int r0 = static_cast<int>(top / ink_->cell), r1 = static_cast<int>(bottom / ink_->cell);
    int run = 0, longest = 0;
    for (int r = r0; r <= r1; ++r) {
      bool inked = false;
      for (int c = c0; c <= c1 && !inked; ++c) inked = ink_->At(c, r);
      run = inked ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    return longest * ink_->cell;
  }

  // The slab's ink but its marks (which may stand in a gutter); a heading's, whole.
  std::vector<Interval> Ink(const Slab& slab) const {
    std::vector<Interval> ink;
    for (size_t id : slab.items) {
      if (!Mark(id) && !items_[id].speck) ink.push_back({items_[id].box.x, items_[id].box.Right()});
    }
    if (!ink.empty() && Tall(slab)) {
      Interval whole = ink.front();
      for (const Interval& i : ink) whole = {std::min(whole.left, i.left), std::max(whole.right, i.right)};
      return {whole};
    }
    return ink;
  }

  // Whether strip `g` is white only as far as the rows' characters stand apart: on most rows
  // that set ink close to both its edges, the white over it in the page's ink is no wider than
  // `letter_spacing` times the white between the row's own characters (the median of three or
  // more). A contents page set letter-spaced, its titles of several lengths, lines up the white
  // between characters down its rows as wide as a narrow gutter; a column's characters stand a
  // tenth of a glyph apart, its gutter a glyph and more.
  bool LetterSpacing(const std::vector<Slab>& slabs, size_t first, size_t end,
                     const Interval& g) const {
    if (!ink_) return false;
    const InkGrid& ink = *ink_;
    const double cell = ink.cell;
    const double strip_from = g.left / cell, strip_to = g.right / cell;
    const double reach = unit_ / cell;
    const int from = std::max(0, static_cast<int>(std::floor((g.left / cell) - 2 * reach)));
    const int to = std::min(ink.columns, static_cast<int>(std::ceil((g.right / cell) + 2 * reach)) + 1);
    size_t close = 0, spaced = 0;
    for (size_t s = first; s < end; ++s) {
      // The slab's ink across, from the band's left to its right (the row's other characters).
      int left = static_cast<int>(g.left / cell), right = static_cast<int>(g.right / cell);
      for (size_t id : slabs[s].items) {
        left = std::min(left, static_cast<int>(items_[id].box.x / cell));
        right = std::max(right, static_cast<int>(std::ceil(items_[id].box.Right() / cell)));
      }
      left = std::max(0, left);
      right = std::min(ink.columns, right);
      // Runs of white between ink; the widest over the strip, with ink close by both sides.
      std::vector<int> gaps;
      int gap = -1;
      int last_ink = -1;
      for (int c = left; c < right; ++c) {
        if (!InkedInSlab(slabs[s], c)) continue;
        if (last_ink >= 0 && c - last_ink > 1) {
          const int white = c - last_ink - 1;
          if (c > strip_from && last_ink + 1 < strip_to) {
            if (last_ink >= from && c < to) gap = std::max(gap, white);
          } else {
            gaps.push_back(white);
          }
        }
        last_ink = c;
      }
      if (gap < 0 || gaps.size() < 3) continue;
      ++close;
      if (gap <= options_.letter_spacing * UpperMedian(gaps)) ++spaced;
    }
    return 2 * spaced > close;
  }

  // Whether the page's ink (InkGrid) holds ink in grid column `c` on the slab's row: in the
  // grid's rows whose middles lie in the slab's.
  bool InkedInSlab(const Slab& slab, int c) const {
    const InkGrid& ink = *ink_;
    const int top = static_cast<int>(std::ceil(slab.top / ink.cell - 0.5));
    const int bottom = static_cast<int>(std::floor(slab.bottom / ink.cell - 0.5));
    for (int r = top; r <= bottom; ++r) {
      if (ink.At(c, r)) return true;
    }
    return false;
  }

  // Whether the page's ink leaves white `ink_gutter` wide, down two thirds of the rows of slabs
  // [first, end) that have text on both sides of it, within `ink_slack` of strip `g`
  // (RegionOptions::ink_gutter).
  bool WhiteInInk(const std::vector<Slab>& slabs, size_t first, size_t end,
                  const Interval& g) const {
    const InkGrid& ink = *ink_;
    const double slack = options_.ink_slack * unit_;
    const int from = std::max(0, static_cast<int>(std::floor((g.left - slack) / ink.cell)));
    const int to = std::min(ink.columns, static_cast<int>(std::ceil((g.right + slack) / ink.cell)));
    // The rows with text on both sides of the strip, where there are two or more: a row with
    // text on one side only leaves the strip white whatever it is (a contents page's column
    // names, alone on their lines, over titles whose boxes OCR drew apart at one place).
    std::vector<size_t> rows_of;
    for (size_t s = first; s < end; ++s) {
      bool west = false, east = false;
      for (size_t id : slabs[s].items) {
        if (Mark(id) || items_[id].speck) continue;
        west |= items_[id].box.Right() <= g.left + slack;
        east |= items_[id].box.x >= g.right - slack;
      }
      if (west && east) rows_of.push_back(s);
    }
    if (rows_of.size() < 2) {
      rows_of.clear();
      for (size_t s = first; s < end; ++s) rows_of.push_back(s);
    }
    std::vector<size_t> inked_rows(static_cast<size_t>(std::max(0, to - from)), 0);
    for (size_t s : rows_of) {
      for (int c = from; c < to; ++c) inked_rows[c - from] += InkedInSlab(slabs[s], c);
    }
    const size_t rows = rows_of.size();
    const int wanted =
        std::max(1, static_cast<int>(std::ceil(options_.ink_gutter * unit_ / ink.cell - 1e-6)));
    int run = 0;
    for (const size_t inked : inked_rows) {
      run = 3 * inked <= rows ? run + 1 : 0;
      if (run >= wanted) return true;
    }
    return false;
  }

  // Whether a row leaves gutter `g` white, as OCR boxed its words and on the page's ink, with
  // words (no marks or specks) on both sides of it, set large on one side only: a heading in
  // one column beside the other column's line. (A heading set across both, its letter spacing
  // on the gutter, is set large on both.) The row's own white, not the white the band search
  // takes for a tall row (Ink(): a heading is one run across its row there).
  bool RowOfColumns(const Slab& slab, const Interval& g) const {
    std::vector<Interval> words;
    std::vector<size_t> sides[2];
    for (size_t id : slab.items) {
      if (Mark(id) || items_[id].speck || items_[id].rule) continue;
      const Box& b = items_[id].box;
      words.push_back({b.x, b.Right()});
      if (b.Right() <= g.left) sides[0].push_back(id);
      if (b.x >= g.right) sides[1].push_back(id);
    }
    if (sides[0].empty() || sides[1].empty() || Tall(sides[0]) == Tall(sides[1])) return false;
    const std::vector<Interval> white = Complement(Merged(std::move(words)), g.left - 1, g.right + 1);
    if (Intersect({g}, white, options_.min_gutter * unit_ / 2).empty()) return false;
    return !GlyphInkInGutter(g, slab);
  }

  // Whether the words east of strip `g` on slabs [first, end) are the end of an article atop a
  // column, beside the column west of it: the tail of an article at the top of a page of
  // columns, its last lines (if any) then its bracketed attribution set right, three rows at
  // most, heading the next column (r14 page 6: "（余杭区人大常委会办公室）" beside "…处处体"
  // over "现代表作为…"; d10 page 5 the same over two lines; r01 page 3 "量发展。" then the
  // attribution, beside two lines). Too few lines for a column's, set too far in to start level,
  // the attribution's white wider than a gutter, they were read across, into the west column's
  // sentence. Read across, the attribution would close a line that ends with no stop: an
  // attribution closes an article's last sentence.
  bool ArticleEndAtopColumn(const std::vector<Slab>& slabs, size_t first, size_t end,
                            const Interval& g) const {
    const size_t rows = end - first;
    if (rows < 2) return false;
    const double mid = (g.left + g.right) / 2.0;
    std::vector<std::vector<size_t>> west(rows), east(rows);
    for (size_t s = first; s < end; ++s) {
      for (size_t id : slabs[s].items) {
        if (items_[id].speck || items_[id].rule) continue;
        const Box& b = items_[id].box;
        // (A mark may stand in the strip: the attribution's opening bracket, which the band's
        // white leaves out, o06 page 4.)
        if (!Mark(id) && b.x < g.right && b.Right() > g.left) return false;
        (b.x + b.width / 2.0 < mid ? west : east)[s - first].push_back(id);
      }
      if (GlyphInkInGutter(g, slabs[s])) return false;
    }
    size_t k = 0;  // the east side's rows: the band's first
    while (k < rows && !east[k].empty()) ++k;
    if (k == 0 || k > 3) return false;
    for (size_t r = k; r < rows; ++r) {
      if (!east[r].empty()) return false;
    }
    size_t west_rows = 0;
    for (size_t r = 0; r < rows; ++r) {
      if (r < k && west[r].empty()) return false;
      west_rows += !west[r].empty();
    }
    if (west_rows < 2 || west.front().empty()) return false;
    auto leftmost = [&](const std::vector<size_t>& ids) {
      return *std::min_element(ids.begin(), ids.end(),
                               [&](size_t a, size_t b) { return items_[a].box.x < items_[b].box.x; });
    };
    auto rightmost = [&](const std::vector<size_t>& ids) {
      return *std::max_element(ids.begin(), ids.end(), [&](size_t a, size_t b) {
        return items_[a].box.Right() < items_[b].box.Right();
      });
    };
    // The attribution opens an east row and closes the last: its rightmost word, a speck's too
    // (a closing bracket read at a speck's confidence still closes it: ")" at 11, dev2 e04).
    size_t j = 0;
    while (j < k && !items_[leftmost(east[j])].opens_bracket) ++j;
    std::vector<size_t> last_row;
    for (size_t id : slabs[first + k - 1].items) {
      const Box& b = items_[id].box;
      if (!items_[id].rule && b.x + b.width / 2.0 >= mid) last_row.push_back(id);
    }
    if (j == k || !items_[rightmost(last_row)].closes_bracket) return false;
    if (items_[rightmost(west[j])].ends_with_stop) return false;
    for (size_t r = 0; r < j; ++r) {  // (the article's last lines start at the column's edge)
      if (items_[leftmost(east[r])].box.x > g.right + options_.max_indent * unit_) return false;
    }
    // The west lines start level (or a paragraph's indent in), the first runs to the strip.
    int band_left = g.left;
    for (const auto& ids : west) {
      if (!ids.empty()) band_left = std::min(band_left, items_[leftmost(ids)].box.x);
    }
    if (g.left - band_left < options_.min_column * unit_) return false;
    for (const auto& ids : west) {
      if (!ids.empty() && items_[leftmost(ids)].box.x > band_left + options_.max_indent * unit_) {
        return false;
      }
    }
    return items_[rightmost(west.front())].box.Right() >= g.left - options_.full_slack * unit_;
  }

  // Whether white strip `g`, shared by slabs [first, end), is the gutter of a band of columns.
  bool IsGutter(const std::vector<Slab>& slabs, size_t first, size_t end, const Interval& g,
                const std::vector<Interval>& common) const {
    if (g.Width() >= options_.min_gutter * unit_ && ArticleEndAtopColumn(slabs, first, end, g)) {
      return true;
    }
    if (g.Width() < options_.min_gutter * unit_ || g.Width() > options_.max_gutter * unit_) {
      return false;
    }
    // Marks in the strip, or a word OCR joined across it: a third of the rows at most, and none
    // on the first or last row (prose whose quotes line up down a few rows leaves a strip as
    // wide as a gutter, the quotes in it).
    const int edge = static_cast<int>(0.15 * unit_);
    auto crossed = [&](const Slab& slab, bool as_read, bool words_only = false) {
      return std::any_of(slab.items.begin(), slab.items.end(), [&](size_t id) {
        if (items_[id].rule) return false;  // a rule drawn down the gutter marks it
        if (items_[id].speck) return false;  // dirt: print sets no line's mark in a gutter
        if (words_only && Mark(id)) return false;
        const Box& b = as_read && !items_[id].ocr_box.Empty() ? items_[id].ocr_box : items_[id].box;
        return b.x < g.right - edge && b.Right() > g.left + edge;
      });
    };
    // (Down a band twice that tall, a speck OCR read as a mark in the strip on its first or
    // last row is one of the third: its columns' justified lines made the strip. So is a mark at
    // the strip's edge beside which the row, as OCR boxed it, leaves a wide gutter's white: the
    // opening bracket of a column's indented first line. Quotes in prose leave less.)
    const bool long_band = end - first >= 2 * static_cast<size_t>(options_.min_band_lines);
    auto open_row = [&](const Slab& slab) {
      std::vector<Interval> ink;
      for (size_t id : slab.items) {
        if (items_[id].rule) continue;
        const Box& b = items_[id].ocr_box.Empty() ? items_[id].box : items_[id].ocr_box;
        ink.push_back({b.x, b.Right()});
      }
      const std::vector<Interval> white = Complement(ink, g.left, g.right);
      return std::any_of(white.begin(), white.end(), [&](const Interval& w) {
        return w.Width() >= options_.wide_gutter * unit_;
      });
    };
    for (const size_t row : {first, end - 1}) {
      if (crossed(slabs[row], false, long_band || open_row(slabs[row]))) return false;
    }
    // (A row counts as marked too where the strip is white only once a word's quote is taken
    // off: "“青年" boxed from the quote across the next characters leaves a strip after "打造"
    // on a contents page that is no gutter.)
    size_t marked = 0;
    for (size_t s = first; s < end; ++s) marked += crossed(slabs[s], true);
    if (3 * marked > end - first) return false;
    // Rows with words on both sides of the strip and none over it: a column band has them
    // down most of its height; a few rows whose white lines up only where one line ends short
    // and the next starts far in (an article's last line, a right-set attribution and its
    // wrapped names) have one at most.
    size_t flanked = 0;
    std::vector<size_t> rows_of[2];  // the rows with words on each side
    for (size_t s = first; s < end; ++s) {
      bool sides_inked[2] = {false, false};
      for (size_t id : slabs[s].items) {
        if (Mark(id) || items_[id].rule) continue;
        const Box& b = items_[id].box;
        sides_inked[b.x + b.width / 2.0 < (g.left + g.right) / 2.0 ? 0 : 1] = true;
      }
      for (int k = 0; k < 2; ++k) {
        if (sides_inked[k]) rows_of[k].push_back(s);
      }
      if (crossed(slabs[s], false)) continue;
      flanked += sides_inked[0] && sides_inked[1];
    }
    if (flanked < static_cast<size_t>(options_.min_flanked_rows)) return false;
    // Two flanked rows only, and a side whose lines skip a row: no column (a column's lines
    // follow one another). A justified line split by a gap after a number ("2.7  万人次"), a
    // paragraph's short last line, then an attribution whose names are spaced apart line up a
    // strip of white.
    if (flanked <= 2) {
      for (const auto& rows : rows_of) {
        if (!rows.empty() && rows.back() - rows.front() + 1 > rows.size()) return false;
      }
    }
    if (ink_ && !WhiteInInk(slabs, first, end, g)) return false;
    if (LetterSpacing(slabs, first, end, g)) return false;

    // Each side's lines: their extents on that side.
    std::map<int, Interval> sides[2];
    int band_left = g.left, band_right = g.right;
    for (size_t s = first; s < end; ++s) {
      for (size_t id : slabs[s].items) {
        if (Mark(id)) continue;
        const Box& b = items_[id].box;
        const int side = b.x + b.width / 2.0 < (g.left + g.right) / 2.0 ? 0 : 1;
        auto [it, fresh] = sides[side].try_emplace(items_[id].line, Interval{b.x, b.Right()});
        if (!fresh) it->second = {std::min(it->second.left, b.x), std::max(it->second.right, b.Right())};
        band_left = std::min(band_left, b.x);
        band_right = std::max(band_right, b.Right());
      }
    }
    // The last word before the strip on each row's west side.
    std::map<int, size_t> last_west;
    for (size_t s = first; s < end; ++s) {
      for (size_t id : slabs[s].items) {
        const Box& b = items_[id].box;
        if (b.x + b.width / 2.0 >= (g.left + g.right) / 2.0) continue;
        auto [it, fresh] = last_west.try_emplace(items_[id].line, id);
        if (!fresh && b.Right() > items_[it->second].box.Right()) it->second = id;
      }
    }
    // (Where the page's other bands have their gutter, the strip is that gutter whatever ends
    // the rows beside it: three of the four rows above two columns' headings ended in a stop or
    // a bracket, and were read across, dev4 h32 page 3.)
    size_t stops = 0;
    for (const auto& [line, id] : last_west) stops += items_[id].ends_with_stop;
    if (!last_west.empty() && !Known(g) &&
        static_cast<double>(stops) > options_.max_stop_share * static_cast<double>(last_west.size())) {
      return false;
    }
    const double west = g.left - band_left;
    const double east = band_right - g.right;
    if (std::min(west, east) < options_.min_column * unit_ ||
        std::min(west, east) < options_.min_column_ratio * std::max(west, east)) {
      return false;
    }
    const size_t fewer = std::min(sides[0].size(), sides[1].size());
    const size_t more = std::max(sides[0].size(), sides[1].size());
    const bool narrow = g.Width() < options_.wide_gutter * unit_;
    // A band of two rows, both with words each side, under or over a gutter the page's other
    // bands have (the tail of an article a page of columns goes on with, above a banner).
    // So is one whose west lines are a column's: both start at the band's left edge and end
    // level (justified), the east lines start level or one an indent in, past a gutter a glyph
    // wide (the tail of an article on a page of three columns above its colophon, no other band
    // to show the gutters; a contents page's column names are too narrow for a column,
    // min_column).
    const bool known = end - first == 2 && flanked == 2 &&
                       (Known(g) || (!narrow && TwoJustifiedRows(sides, band_left)));
    if (!known && (fewer < (narrow ? 3u : 2u) ||
                   more < static_cast<size_t>(options_.min_band_lines + (narrow ? 3 : 0)))) {
      return false;
    }
    // Justified: lines end at a gutter (this one, or one further right the rows share) or at
    // the band's right edge.
    std::vector<int> edges = {band_right};
    for (const Interval& other : common) edges.push_back(other.left);
    // (Starting at the band's left edge or right of a gutter the rows share: the further
    // columns of a band of three. Or right of the white at the band's left edge that the rows
    // share: a speck OCR boxed into one row's first word set the edge a margin out, d16 page 5.)
    const double slack = options_.full_slack * unit_;
    for (int k = 0; k < 2; ++k) {
      std::vector<int> starts = {k == 0 ? band_left : g.right};
      for (const Interval& other : common) {
        if (k == 1 && other.left > g.right) starts.push_back(other.right);
        if (k == 0 && other.left <= band_left && other.right <= g.left) starts.push_back(other.right);
      }
      size_t starting = 0;
      for (const auto& [line, extent] : sides[k]) {
        starting += std::any_of(starts.begin(), starts.end(), [&](int e) {
          return extent.left >= e - slack && extent.left <= e + options_.max_indent * unit_;
        });
      }
      if (starting < options_.start_share * static_cast<double>(sides[k].size())) return false;
    }
    for (const auto& side : sides) {
      size_t full = 0;
      for (const auto& [line, extent] : side) {
        full += std::any_of(edges.begin(), edges.end(), [&](int e) {
          return std::abs(extent.right - e) <= slack;
        });
      }
      if (full < options_.full_share * static_cast<double>(side.size())) return false;
    }
    return true;
  }

  // Whether the two lines west of a strip start at `band_left` and end level (within
  // full_slack), and the two east of it start level or one a paragraph's indent in (max_indent):
  // the article's last line at the column's edge, then its attribution set in, its opening
  // bracket's ink half a glyph further ("（钱塘区人大常委会办公" 1.6 glyphs in on tune
  // clean-3col noto-serif page 4, its box 1.75 glyphs).
  bool TwoJustifiedRows(const std::map<int, Interval> (&sides)[2], int band_left) const {
    if (sides[0].size() != 2 || sides[1].size() != 2) return false;
    const double slack = options_.full_slack * unit_;
    const Interval& a = sides[0].begin()->second;
    const Interval& b = std::next(sides[0].begin())->second;
    const Interval& c = sides[1].begin()->second;
    const Interval& d = std::next(sides[1].begin())->second;
    return std::abs(a.left - band_left) <= slack && std::abs(b.left - band_left) <= slack &&
           std::abs(a.right - b.right) <= slack &&
           std::abs(c.left - d.left) <= options_.max_indent * unit_;
  }

  // Whether strip `g` is where a gutter the first pass found stands: their middles within half
  // a glyph, and each as wide as the other's half at least.
  bool Known(const Interval& g) const {
    if (!known_) return false;
    return std::any_of(known_->begin(), known_->end(), [&](const Interval& k) {
      return std::abs((g.left + g.right) - (k.left + k.right)) <= unit_ &&
             2 * std::min(g.Width(), k.Width()) >= std::max(g.Width(), k.Width());
    });
  }

  void Emit(const std::vector<size_t>& ids, int left, int right, int column) {
    if (!out_.empty() && out_.back().column == column && out_.back().left == left &&
        out_.back().right == right) {
      out_.back().items.insert(out_.back().items.end(), ids.begin(), ids.end());
      return;
    }
    out_.push_back(TextRegion{.items = ids, .left = left, .right = right, .column = column});
  }

  const std::vector<RegionItem>& items_;
  double unit_;
  const RegionOptions& options_;
  const InkGrid* ink_;
  std::vector<TextRegion>& out_;
  const std::vector<Interval>* known_;
  std::vector<Interval>* found_;
  std::vector<bool> marks_;  // Mark() of each item
};

}  // namespace

std::vector<TextRegion> OrderRegions(const std::vector<RegionItem>& items, double unit,
                                     const RegionOptions& options, const InkGrid* ink) {
  std::vector<TextRegion> out;
  if (items.empty() || unit <= 0) return out;
  int left = items.front().box.x, right = items.front().box.Right();
  std::vector<size_t> ids;
  for (size_t i = 0; i < items.size(); ++i) {
    left = std::min(left, items[i].box.x);
    right = std::max(right, items[i].box.Right());
    ids.push_back(i);
  }
  // Twice: the second pass parts a short band where the first found its columns' gutters (a
  // page the first pass found none on, most of them, is read as the first pass read it).
  std::vector<Interval> gutters;
  Segmenter(items, unit, options, ink, out, nullptr, &gutters).Cut(ids, left, right, 0, 0);
  if (gutters.empty()) return out;
  out.clear();
  Segmenter(items, unit, options, ink, out, &gutters).Cut(std::move(ids), left, right, 0, 0);
  return out;
}

}  // namespace qikan
