#pragma once

namespace qikan {

// An axis-aligned box in page pixels, origin top-left.
struct Box {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;

  int Right() const { return x + width; }
  int Bottom() const { return y + height; }
  bool Empty() const { return width <= 0 || height <= 0; }
  Box Union(const Box& other) const;
  // The part the two share; empty (width or height 0) when they do not meet.
  Box Intersection(const Box& other) const;
  // The same box: how a line read again finds the line it was cut for.
  bool operator==(const Box& other) const = default;
};

}  // namespace qikan
