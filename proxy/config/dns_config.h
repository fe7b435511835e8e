// The DNS directives, as squid 5.7 names and defaults them.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace cuttle {

struct DnsConfig {
  // dns_nameservers: numeric addresses asked instead of /etc/resolv.conf's.
  std::vector<std::string> nameservers;
  std::string hosts_file = "/etc/hosts";  // "none": no hosts file
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};       // dns_timeout: a whole lookup
  std::chrono::milliseconds retransmit{std::chrono::seconds(5)};     // dns_retransmit_interval
  // A record's TTL is used within [negative_dns_ttl, positive_dns_ttl]; failures
  // are remembered for negative_dns_ttl.
  std::chrono::milliseconds positive_ttl{std::chrono::hours(6)};
  std::chrono::milliseconds negative_ttl{std::chrono::minutes(1)};
  size_t ipcache_size = 1024;  // names remembered
  int ipcache_low = 90;        // percent of ipcache_size left after a purge
  int ipcache_high = 95;       // percent of ipcache_size that starts a purge
  std::string append_domain;   // ".example.com": added to host names without a dot
  bool defnames = false;       // dns_defnames: resolv.conf's search list for names without a dot

  bool operator==(const DnsConfig&) const = default;
};

}  // namespace cuttle
