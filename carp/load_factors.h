// CARP load factors and their score multipliers, computed as Squid's carpInit()
// does (draft-vinod-carp-v1-03 §3.3), in the same floating-point order so that
// scores — and therefore member choices — are identical bit for bit.
#pragma once

#include <span>
#include <vector>

namespace cuttle::carp {

struct LoadFactor {
  double factor = 0;      // P_k: weight / total weight, 0 when below 1/1000
  double multiplier = 0;  // X_k: the score multiplier
};

// `weights_ascending`: the members' weights in Squid's order (ascending weight,
// configuration order among equals), every weight >= 1. Returns one entry per
// weight, in the same order.
//
// Squid's arithmetic is kept even where it misbehaves: a member whose share is
// below 1/1000 gets factor 0 and multiplier 0, which makes the running product
// zero, the next member's multiplier +inf and every later one NaN. Such members
// are never chosen (see Array::select). Equal weights give multiplier 1 for all.
std::vector<LoadFactor> load_factors(std::span<const int> weights_ascending);

}  // namespace cuttle::carp
