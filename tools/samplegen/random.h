#pragma once

#include <cstddef>
#include <random>

namespace qikan::samplegen {

// std::mt19937's output is fixed by the standard, the std distributions' are not: these keep a
// seed's samples the same on every standard library.

inline double Uniform(std::mt19937& rng, double lo, double hi) {
  return lo + (hi - lo) * (static_cast<double>(rng()) / 4294967296.0);
}

inline size_t Below(std::mt19937& rng, size_t n) {
  return n == 0 ? 0 : static_cast<size_t>(Uniform(rng, 0, static_cast<double>(n)));
}

inline bool Chance(std::mt19937& rng, double p) { return Uniform(rng, 0, 1) < p; }

}  // namespace qikan::samplegen
