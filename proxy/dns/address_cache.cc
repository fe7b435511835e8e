#include "proxy/dns/address_cache.h"

namespace cuttle::dns {

void AddressCache::set_hosts(const HostsFile& hosts) {
  std::lock_guard lock(mutex_);
  hosts_ = hosts.addresses;
  host_names_ = hosts.names;
  hosts_loaded_ = Clock::now();
}

void AddressCache::set_limits(size_t size, int low_percent, int high_percent) {
  std::lock_guard lock(mutex_);
  low_mark_ = size * static_cast<size_t>(low_percent) / 100;
  high_mark_ = size * static_cast<size_t>(high_percent) / 100;
}

std::optional<Addresses> AddressCache::find(const std::string& name, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++counters_.requests;
  if (auto host = hosts_.find(name); host != hosts_.end()) {
    ++counters_.hits;
    return Addresses{{host->second}, {}, Clock::time_point::max()};
  }
  auto it = entries_.find(name);
  if (it != entries_.end() && it->second.value.expires <= now) {
    order_.erase(it->second.in_order);
    entries_.erase(it);
    it = entries_.end();
  }
  if (it == entries_.end()) {
    ++counters_.misses;
    return std::nullopt;
  }
  ++(it->second.value.addresses.empty() ? counters_.negative_hits : counters_.hits);
  it->second.last_used = now;
  order_.splice(order_.begin(), order_, it->second.in_order);
  return it->second.value;
}

std::optional<std::string> AddressCache::host_name_of(const boost::asio::ip::address& address) const {
  std::lock_guard lock(mutex_);
  auto it = host_names_.find(address.to_string());
  if (it == host_names_.end()) return std::nullopt;
  return it->second;
}

void AddressCache::store(const std::string& name, Addresses entry, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(name); it != entries_.end()) {
    order_.erase(it->second.in_order);
    entries_.erase(it);
  }
  order_.push_front(name);
  entries_.emplace(name, Entry{std::move(entry), now, order_.begin()});
  if (entries_.size() + hosts_.size() >= high_mark_) drop_least_recently_used();
}

// Squid's ipcache_purgelru: the hosts file's entries count but stay.
void AddressCache::drop_least_recently_used() {
  while (!order_.empty() && entries_.size() + hosts_.size() >= low_mark_ && entries_.size() > 1) {
    entries_.erase(order_.back());
    order_.pop_back();
  }
}

void AddressCache::count_numeric() {
  std::lock_guard lock(mutex_);
  ++counters_.requests;
  ++counters_.numeric_hits;
}

void AddressCache::count_invalid() {
  std::lock_guard lock(mutex_);
  ++counters_.requests;
  ++counters_.invalid;
}

void AddressCache::count_records(uint64_t a, uint64_t aaaa, uint64_t cname, bool cname_only) {
  std::lock_guard lock(mutex_);
  counters_.a_records += a;
  counters_.aaaa_records += aaaa;
  counters_.cname_records += cname;
  if (cname_only) ++counters_.cname_only;
}

IpcacheSnapshot AddressCache::snapshot(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  IpcacheSnapshot out;
  out.counters = counters_;
  out.entries = entries_.size() + hosts_.size();
  auto seconds = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); };
  for (const auto& name : order_) {
    const auto& e = entries_.at(name);
    out.rows.push_back({name, false, e.value.addresses.empty(), seconds(now - e.last_used),
                        seconds(e.value.expires - now), e.value.addresses});
  }
  for (const auto& [name, address] : hosts_)
    out.rows.push_back({name, true, false, seconds(now - hosts_loaded_), -1, {address}});
  return out;
}

}  // namespace cuttle::dns
