#include "models/geometry.h"

#include <algorithm>

namespace qikan {

Box Box::Union(const Box& other) const {
  if (Empty()) return other;
  if (other.Empty()) return *this;
  const int left = std::min(x, other.x);
  const int top = std::min(y, other.y);
  return Box{.x = left,
             .y = top,
             .width = std::max(Right(), other.Right()) - left,
             .height = std::max(Bottom(), other.Bottom()) - top};
}

Box Box::Intersection(const Box& other) const {
  const int left = std::max(x, other.x);
  const int top = std::max(y, other.y);
  return Box{.x = left,
             .y = top,
             .width = std::max(0, std::min(Right(), other.Right()) - left),
             .height = std::max(0, std::min(Bottom(), other.Bottom()) - top)};
}

}  // namespace qikan
