// What an ICP server has seen, readable from any thread (metrics) while the
// worker owning the socket updates it.
#pragma once

#include <atomic>
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

}  // namespace cuttle::icp
