#include "carp/load_factors.h"

#include <cmath>

namespace cuttle::carp {

std::vector<LoadFactor> load_factors(std::span<const int> weights_ascending) {
  // Squid sums into an int and divides as doubles.
  int total = 0;
  for (int w : weights_ascending) total += w;

  std::vector<LoadFactor> out(weights_ascending.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].factor = static_cast<double>(weights_ascending[i]) / static_cast<double>(total);
    if (std::floor(out[i].factor * 1000.0) == 0.0) out[i].factor = 0.0;
  }

  // X_k = ((K-k+1) * (P_k - P_{k-1})) / (X_1 * ... * X_{k-1}) + X_{k-1}^(K-k+1),
  // then X_k = X_k^(1/(K-k+1)); P_0 = 0, X_0 = 0, empty product 1. Each step is
  // written as its own statement, like Squid's, so no contraction (FMA) or
  // reassociation can change a rounding.
  const auto members = static_cast<int>(out.size());
  double previous_factor = 0.0;
  double previous_multiplier = 0.0;
  double product = 1.0;
  for (int k = 1; k <= members; ++k) {
    const double remaining = static_cast<double>(members - k + 1);
    LoadFactor& lf = out[k - 1];
    double x = (remaining * (lf.factor - previous_factor)) / product;
    x += std::pow(previous_multiplier, remaining);
    x = std::pow(x, 1.0 / remaining);
    lf.multiplier = x;
    product *= x;
    previous_multiplier = x;
    previous_factor = lf.factor;
  }
  return out;
}

}  // namespace cuttle::carp
