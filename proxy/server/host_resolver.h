// Name resolution for one worker: getaddrinfo (via Asio) under a deadline, with a
// small positive cache so a page's hundred requests to one site cost one lookup.
// Single-threaded like the rest of a worker: no locking.
#pragma once

#include "proxy/server/asio_types.h"

#include <chrono>
#include <istream>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cuttle {

struct ResolveResult {
  std::vector<asio::ip::address> addresses;  // empty on failure
  error_code error;                          // asio::error::timed_out past the deadline
};

// Squid's reading of a hosts file for names (parseEtcHosts): address → the first
// name of the last line that lists it, lowercased.
std::unordered_map<std::string, std::string> hosts_file_names(std::istream& in);

class HostResolver {
 public:
  // IP literals are answered at once; names from the cache or the system resolver.
  awaitable<ResolveResult> resolve(const std::string& host, std::chrono::milliseconds timeout,
                                   std::chrono::milliseconds positive_ttl);
  // The name of an address, remembered for `ttl` whether found or not: from
  // /etc/hosts as Squid reads it (the first name of the last line naming the
  // address, lowercased), else a reverse lookup through getnameinfo. "" when it
  // has none or the lookup failed or timed out (Squid's srcdomain then matches "none").
  awaitable<std::string> name_of(const asio::ip::address& address, std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds ttl);

 private:
  struct Entry {
    std::vector<asio::ip::address> addresses;
    std::chrono::steady_clock::time_point expires;
  };
  static constexpr size_t kMaxEntries = 10000;
  std::unordered_map<std::string, Entry> cache_;
  struct Name {
    std::string name;
    std::chrono::steady_clock::time_point expires;
  };
  std::unordered_map<std::string, Name> names_;  // by address
  std::optional<std::unordered_map<std::string, std::string>> hosts_names_;  // read at the first lookup
};

}  // namespace cuttle
