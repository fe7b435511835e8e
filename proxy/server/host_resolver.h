// Name resolution for one worker: getaddrinfo (via Asio) under a deadline, with a
// small positive cache so a page's hundred requests to one site cost one lookup.
// Single-threaded like the rest of a worker: no locking.
#pragma once

#include "proxy/server/asio_types.h"

#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

namespace cuttle {

struct ResolveResult {
  std::vector<asio::ip::address> addresses;  // empty on failure
  error_code error;                          // asio::error::timed_out past the deadline
};

class HostResolver {
 public:
  // IP literals are answered at once; names from the cache or the system resolver.
  awaitable<ResolveResult> resolve(const std::string& host, std::chrono::milliseconds timeout,
                                   std::chrono::milliseconds positive_ttl);

 private:
  struct Entry {
    std::vector<asio::ip::address> addresses;
    std::chrono::steady_clock::time_point expires;
  };
  static constexpr size_t kMaxEntries = 10000;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace cuttle
