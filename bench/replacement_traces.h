// Synthetic request traces for comparing replacement policies, and Belady's
// offline policy over them. Deterministic: the same seed gives the same trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cuttle::bench {

struct Request {
  uint64_t object = 0;  // which object (its URL); the same object always has the same size
  uint64_t size = 0;    // body bytes
};

struct Trace {
  std::string name;
  std::string description;
  std::vector<Request> requests;
};

// The traces of docs/performance.md's replacement table:
//   zipf            Zipf(0.8) popularity over 30,000 objects, heavy-tailed sizes
//   one-hit-wonders the same, but 40% of requests are for objects asked for once
//   scan            the Zipf trace, twice interrupted by a pass over 20,000 new objects
//   large-popular   Zipf(0.9) where the popular objects are the large ones
std::vector<Trace> standard_traces(uint64_t seed);

struct Ratios {
  uint64_t hits = 0, requests = 0, hit_bytes = 0, bytes = 0;
  double hit_ratio() const { return requests ? double(hits) / requests : 0; }
  double byte_hit_ratio() const { return bytes ? double(hit_bytes) / bytes : 0; }
  void count(bool hit, uint64_t size) {
    ++requests, bytes += size;
    if (hit) ++hits, hit_bytes += size;
  }
};

// Belady's policy with `capacity` bytes: on a miss the object is kept only if it
// is used again sooner than something cached, and room is made by evicting what
// is used again farthest in the future. With objects of one size that is the
// optimal hit ratio; with sizes it is the usual (near-optimal) offline bound.
// `overhead` is added to each object's size, as a store adds its record's.
Ratios belady(const Trace& trace, uint64_t capacity, uint64_t overhead);

}  // namespace cuttle::bench
