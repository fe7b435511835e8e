#include "proxy/server/host_resolver.h"

#include "proxy/config/ascii_case.h"

#include <boost/asio/steady_timer.hpp>

#include <fstream>
#include <memory>
#include <sstream>

namespace cuttle {
namespace {

// Shared by the waiting request and the lookup, which may outlive it: getaddrinfo
// cannot be interrupted, so on timeout the request leaves and the lookup finishes
// on its own.
struct PendingLookup {
  explicit PendingLookup(const asio::any_io_executor& executor) : wake(executor) {}
  asio::steady_timer wake;
  bool done = false;
  ResolveResult result;
  std::string name;  // a reverse lookup's answer
};

}  // namespace

awaitable<ResolveResult> HostResolver::resolve(const std::string& host, std::chrono::milliseconds timeout,
                                               std::chrono::milliseconds positive_ttl) {
  error_code ec;
  auto literal = asio::ip::make_address(host, ec);
  if (!ec) co_return ResolveResult{{literal}, {}};

  auto now = std::chrono::steady_clock::now();
  if (auto it = cache_.find(host); it != cache_.end()) {
    if (it->second.expires > now) co_return ResolveResult{it->second.addresses, {}};
    cache_.erase(it);
  }

  auto executor = co_await asio::this_coro::executor;
  auto lookup = std::make_shared<PendingLookup>(executor);
  lookup->wake.expires_after(timeout);
  asio::co_spawn(
      executor,
      [lookup, host]() -> awaitable<void> {
        tcp::resolver resolver(lookup->wake.get_executor());
        auto [rec, results] = co_await resolver.async_resolve(host, "", use_nothrow);
        lookup->result.error = rec;
        for (const auto& r : results) lookup->result.addresses.push_back(r.endpoint().address());
        if (!rec && lookup->result.addresses.empty()) lookup->result.error = asio::error::host_not_found;
        lookup->done = true;
        lookup->wake.cancel();
      },
      asio::detached);
  co_await lookup->wake.async_wait(use_nothrow);
  if (!lookup->done) co_return ResolveResult{{}, asio::error::timed_out};

  if (!lookup->result.error && positive_ttl.count() > 0) {
    if (cache_.size() >= kMaxEntries) cache_.clear();  // crude bound; hot names come back at once
    cache_[host] = Entry{lookup->result.addresses, now + positive_ttl};
  }
  co_return lookup->result;
}

std::unordered_map<std::string, std::string> hosts_file_names(std::istream& in) {
  std::unordered_map<std::string, std::string> names;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string address, name;
    if (!(words >> address >> name)) continue;
    error_code ec;
    const auto parsed = asio::ip::make_address(address, ec);
    if (ec) continue;
    names[parsed.to_string()] = ascii_lowercase(name);  // a later line for the address replaces it, as in Squid
  }
  return names;
}

awaitable<std::string> HostResolver::name_of(const asio::ip::address& address, std::chrono::milliseconds timeout,
                                             std::chrono::milliseconds ttl) {
  const auto key = address.to_string();
  if (!hosts_names_) {
    std::ifstream hosts("/etc/hosts");
    hosts_names_ = hosts_file_names(hosts);
  }
  if (auto it = hosts_names_->find(key); it != hosts_names_->end()) co_return it->second;
  const auto now = std::chrono::steady_clock::now();
  if (auto it = names_.find(key); it != names_.end()) {
    if (it->second.expires > now) co_return it->second.name;
    names_.erase(it);
  }
  auto executor = co_await asio::this_coro::executor;
  auto lookup = std::make_shared<PendingLookup>(executor);
  lookup->wake.expires_after(timeout);
  asio::co_spawn(
      executor,
      [lookup, address]() -> awaitable<void> {
        tcp::resolver resolver(lookup->wake.get_executor());
        auto [ec, results] = co_await resolver.async_resolve(tcp::endpoint(address, 0), use_nothrow);
        // getnameinfo gives the address back as text when it has no name.
        if (!ec && !results.empty() && results.begin()->host_name() != address.to_string())
          lookup->name = results.begin()->host_name();
        lookup->done = true;
        lookup->wake.cancel();
      },
      asio::detached);
  co_await lookup->wake.async_wait(use_nothrow);
  const auto name = lookup->done ? lookup->name : std::string();
  if (names_.size() >= kMaxEntries) names_.clear();
  names_[key] = Name{name, now + ttl};
  co_return name;
}

}  // namespace cuttle
