#include "proxy/server/host_resolver.h"

#include <boost/asio/steady_timer.hpp>

#include <memory>

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

}  // namespace cuttle
