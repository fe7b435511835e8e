#include "proxy/dns/ipcache_report.h"

#include <cstdio>

namespace cuttle::dns {
namespace {

std::string printed(const char* format, auto... values) {
  char line[256];
  std::snprintf(line, sizeof line, format, values...);
  return line;
}

std::string statistics(const IpcacheSnapshot& s) {
  const auto& c = s.counters;
  auto number = [](uint64_t n) { return static_cast<long long>(n); };
  return "IP Cache Statistics:\n" + printed("IPcache Entries Cached:  %lld\n", number(s.entries)) +
         printed("IPcache Requests: %lld\n", number(c.requests)) +
         printed("IPcache Hits:            %lld\n", number(c.hits)) +
         printed("IPcache Negative Hits:       %lld\n", number(c.negative_hits)) +
         printed("IPcache Numeric Hits:        %lld\n", number(c.numeric_hits)) +
         printed("IPcache Misses:          %lld\n", number(c.misses)) +
         printed("IPcache Retrieved A:     %lld\n", number(c.a_records)) +
         printed("IPcache Retrieved AAAA:  %lld\n", number(c.aaaa_records)) +
         printed("IPcache Retrieved CNAME: %lld\n", number(c.cname_records)) +
         printed("IPcache CNAME-Only Response: %lld\n", number(c.cname_only)) +
         printed("IPcache Invalid Request: %lld\n", number(c.invalid));
}

// One name: its flags (H from the hosts file, N negative), seconds since last
// used, seconds left, address count (and bad ones: cuttle marks none), then its
// addresses one per line.
std::string row(const IpcacheRow& r) {
  std::string out = printed(" %-32.32s %c%c %6d %6d %2d(%2d)", r.name.c_str(), r.from_hosts ? 'H' : ' ',
                            r.negative ? 'N' : ' ', static_cast<int>(r.seconds_since_use),
                            static_cast<int>(r.ttl_seconds), static_cast<int>(r.addresses.size()), 0);
  if (r.negative) return out + "\n";
  bool first = true;
  for (const auto& address : r.addresses) {
    const char* indent = first ? "" : "                                                         ";
    out += printed("%s %45.45s-%3s\n", indent, address.to_string().c_str(), "OK ");
    first = false;
  }
  return out;
}

}  // namespace

std::string ipcache_report(const IpcacheSnapshot& snapshot) {
  std::string out = statistics(snapshot) + "\n\nIP Cache Contents:\n\n" +
                    printed(" %-31.31s %3s %6s %6s  %4s\n", "Hostname", "Flg", "lstref", "TTL", "N(b)");
  for (const auto& r : snapshot.rows) out += row(r);
  return out;
}

}  // namespace cuttle::dns
