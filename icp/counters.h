// What an ICP server has seen, readable from any thread (metrics) while the
// worker owning the socket updates it.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace cuttle::icp {

struct Counters {
  std::atomic<uint64_t> queries{0};        // well-formed QUERY messages
  std::atomic<uint64_t> hits{0};           // answered HIT
  std::atomic<uint64_t> misses{0};         // answered MISS
  std::atomic<uint64_t> misses_nofetch{0}; // answered MISS_NOFETCH
  std::atomic<uint64_t> denied{0};         // refused by icp_access (answered or not)
  std::atomic<uint64_t> errors{0};         // malformed datagrams (answered ERR or dropped)
  std::atomic<uint64_t> dropped{0};        // datagrams given no reply: malformed, rate-limited, unexpected
  std::atomic<uint64_t> replies{0};        // reply opcodes received (handed to a client or ignored)

  static void add(std::atomic<uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }
};

// A counter one thread adds to while another reads it (metrics at scrape time).
// Copying takes a snapshot, so structs of them can still be copied out whole.
class RelaxedCounter {
 public:
  RelaxedCounter() = default;
  RelaxedCounter(const RelaxedCounter& other) : value_(other.load()) {}
  RelaxedCounter& operator=(const RelaxedCounter& other) {
    value_.store(other.load(), std::memory_order_relaxed);
    return *this;
  }
  RelaxedCounter& operator++() { return *this += 1; }
  RelaxedCounter& operator+=(uint64_t n) {
    value_.fetch_add(n, std::memory_order_relaxed);
    return *this;
  }
  uint64_t load() const { return value_.load(std::memory_order_relaxed); }
  operator uint64_t() const { return load(); }

 private:
  std::atomic<uint64_t> value_{0};
};

// ICP round-trip times by bucket (not cumulative; the last bucket is above every
// bound), for a Prometheus histogram built at scrape time. Bounds span loopback
// (well under a millisecond) to Squid's 2 s icp_query_timeout ceiling.
struct RttHistogram {
  static constexpr std::array<uint32_t, 12> kBoundsUs{250,    500,    1000,   2500,   5000,   10000,
                                                      25000,  50000,  100000, 250000, 500000, 2000000};
  std::array<RelaxedCounter, kBoundsUs.size() + 1> buckets;
  RelaxedCounter sum_us;

  void observe(std::chrono::microseconds rtt) {
    const auto us = static_cast<uint64_t>(rtt.count() < 0 ? 0 : rtt.count());
    size_t i = 0;
    while (i < kBoundsUs.size() && us > kBoundsUs[i]) ++i;
    ++buckets[i];
    sum_us += us;
  }
};

}  // namespace cuttle::icp
