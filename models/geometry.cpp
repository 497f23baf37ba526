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

}  // namespace qikan
