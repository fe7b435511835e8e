// The addresses of names, shared by every worker: squid's ipcache. Entries from
// the hosts file never expire; looked-up ones expire with their TTL; the least
// recently used are dropped when the cache passes ipcache_high percent of
// ipcache_size, down to ipcache_low. Safe to use from any thread.
#pragma once

#include "proxy/dns/hosts_file.h"

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cuttle::dns {

using Clock = std::chrono::steady_clock;

struct Addresses {
  std::vector<boost::asio::ip::address> addresses;  // empty: the name has none (negative entry)
  std::string error;                                // squid's words for why it has none
  Clock::time_point expires;
};

// Squid's IpcacheStats, as mgr:ipcache shows them.
struct IpcacheCounters {
  uint64_t requests = 0, hits = 0, negative_hits = 0, numeric_hits = 0, misses = 0;
  uint64_t a_records = 0, aaaa_records = 0, cname_records = 0, cname_only = 0, invalid = 0;
};

struct IpcacheRow {
  std::string name;
  bool from_hosts = false;
  bool negative = false;
  int64_t seconds_since_use = 0;
  int64_t ttl_seconds = -1;  // -1: from the hosts file
  std::vector<boost::asio::ip::address> addresses;
};

struct IpcacheSnapshot {
  IpcacheCounters counters;
  size_t entries = 0;
  std::vector<IpcacheRow> rows;  // most recently used first
};

class AddressCache {
 public:
  // Replaces the hosts file's entries (start-up, reconfigure).
  void set_hosts(const HostsFile& hosts);
  void set_limits(size_t size, int low_percent, int high_percent);

  // A lookup of `name` (lowercase): counted as squid counts it. nullopt: a miss.
  std::optional<Addresses> find(const std::string& name, Clock::time_point now);
  // The hosts file's first name of the last line listing `address`.
  std::optional<std::string> host_name_of(const boost::asio::ip::address& address) const;
  void store(const std::string& name, Addresses entry, Clock::time_point now);

  void count_numeric();
  void count_invalid();
  void count_records(uint64_t a, uint64_t aaaa, uint64_t cname, bool cname_only);

  IpcacheSnapshot snapshot(Clock::time_point now) const;

 private:
  struct Entry {
    Addresses value;
    Clock::time_point last_used;
    std::list<std::string>::iterator in_order;
  };
  void drop_least_recently_used();

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, boost::asio::ip::address> hosts_;
  std::unordered_map<std::string, std::string> host_names_;  // by address text
  Clock::time_point hosts_loaded_ = Clock::now();
  size_t low_mark_ = 921, high_mark_ = 972;  // 90 % and 95 % of 1024
  IpcacheCounters counters_;
};

}  // namespace cuttle::dns
