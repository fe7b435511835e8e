#include "bench/replacement_traces.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <unordered_map>
#include <utility>

namespace cuttle::bench {
namespace {

// Draws object ranks 0..n-1 with P(rank r) proportional to 1 / (r + 1)^alpha.
class Zipf {
 public:
  Zipf(size_t n, double alpha) : cdf_(n) {
    double sum = 0;
    for (size_t r = 0; r < n; ++r) cdf_[r] = sum += 1.0 / std::pow(double(r + 1), alpha);
    for (auto& c : cdf_) c /= sum;
  }
  size_t operator()(std::mt19937_64& rng) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return std::min<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin(), cdf_.size() - 1);
  }

 private:
  std::vector<double> cdf_;
};

// Web object sizes: log-normal around 4 kB with a long tail, within squid's
// default limits (4 MB maximum_object_size).
std::vector<uint64_t> object_sizes(size_t n, std::mt19937_64& rng) {
  std::lognormal_distribution<double> size(std::log(4000.0), 1.3);
  std::vector<uint64_t> sizes(n);
  for (auto& s : sizes) s = std::clamp<uint64_t>(static_cast<uint64_t>(size(rng)), 100, 4 << 20);
  return sizes;
}

constexpr size_t kObjects = 30000;
constexpr size_t kRequests = 150000;

Trace zipf_trace(uint64_t seed, double alpha, bool large_popular) {
  std::mt19937_64 rng(seed);
  auto sizes = object_sizes(kObjects, rng);
  if (large_popular) std::sort(sizes.begin(), sizes.end(), std::greater<>());  // rank 0 is the largest
  Zipf popularity(kObjects, alpha);
  Trace trace;
  for (size_t i = 0; i < kRequests; ++i) {
    const auto rank = popularity(rng);
    trace.requests.push_back({rank, sizes[rank]});
  }
  return trace;
}

Trace with_one_hit_wonders(Trace trace, uint64_t seed) {
  std::mt19937_64 rng(seed + 1);
  std::bernoulli_distribution once(0.4);
  auto sizes = object_sizes(kRequests, rng);
  uint64_t next_new = 1ull << 40;  // object numbers no Zipf rank has
  for (size_t i = 0; i < trace.requests.size(); ++i)
    if (once(rng)) trace.requests[i] = {next_new++, sizes[i]};
  return trace;
}

Trace with_scans(Trace trace, uint64_t seed) {
  std::mt19937_64 rng(seed + 2);
  constexpr size_t kScanned = 20000;
  auto sizes = object_sizes(kScanned, rng);
  std::vector<Request> scan;
  for (size_t i = 0; i < kScanned; ++i) scan.push_back({(1ull << 41) + i, sizes[i]});
  for (size_t at : {trace.requests.size() * 2 / 3, trace.requests.size() / 3})
    trace.requests.insert(trace.requests.begin() + static_cast<ptrdiff_t>(at), scan.begin(), scan.end());
  return trace;
}

}  // namespace

std::vector<Trace> standard_traces(uint64_t seed) {
  std::vector<Trace> traces;
  traces.push_back(zipf_trace(seed, 0.8, false));
  traces.back().name = "zipf";
  traces.back().description = "Zipf(0.8) over 30,000 objects, log-normal sizes (median 4 kB)";
  traces.push_back(with_one_hit_wonders(traces.front(), seed));
  traces.back().name = "one-hit-wonders";
  traces.back().description = "the zipf trace with 40% of requests for objects asked for once";
  traces.push_back(with_scans(traces.front(), seed));
  traces.back().name = "scan";
  traces.back().description = "the zipf trace with two passes over 20,000 objects asked for once";
  traces.push_back(zipf_trace(seed, 0.9, true));
  traces.back().name = "large-popular";
  traces.back().description = "Zipf(0.9) where the most popular objects are the largest";
  return traces;
}

Ratios belady(const Trace& trace, uint64_t capacity, uint64_t overhead) {
  constexpr size_t kNever = std::numeric_limits<size_t>::max();
  const auto& requests = trace.requests;
  std::vector<size_t> next_use(requests.size(), kNever);
  std::unordered_map<uint64_t, size_t> seen_at;
  for (size_t i = requests.size(); i-- > 0;) {
    auto [it, fresh] = seen_at.try_emplace(requests[i].object, i);
    if (!fresh) next_use[i] = std::exchange(it->second, i);
  }
  std::set<std::pair<size_t, uint64_t>> by_next_use;  // (next use, object), farthest last
  std::unordered_map<uint64_t, size_t> cached;         // object -> its next use
  uint64_t used = 0;
  Ratios ratios;
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& request = requests[i];
    const uint64_t size = request.size + overhead;
    const auto it = cached.find(request.object);
    ratios.count(it != cached.end(), request.size);
    if (it != cached.end()) {
      by_next_use.erase({it->second, request.object});
      used -= size;
      cached.erase(it);
    }
    if (next_use[i] == kNever || size > capacity) continue;
    // Make room from the farthest next use, unless the newcomer's is farther still.
    while (used + size > capacity && !by_next_use.empty() && std::prev(by_next_use.end())->first > next_use[i]) {
      const auto victim = *std::prev(by_next_use.end());
      by_next_use.erase(std::prev(by_next_use.end()));
      used -= requests[victim.first].size + overhead;  // its next request is for the same object
      cached.erase(victim.second);
    }
    if (used + size > capacity) continue;
    by_next_use.insert({next_use[i], request.object});
    cached[request.object] = next_use[i];
    used += size;
  }
  return ratios;
}

}  // namespace cuttle::bench
