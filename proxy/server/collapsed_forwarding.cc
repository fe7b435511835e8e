#include "proxy/server/collapsed_forwarding.h"

namespace cuttle {

awaitable<std::optional<CollapsedForwarding::Lead>> CollapsedForwarding::lead_or_wait(
    const std::string& key, std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  auto wake = std::make_shared<asio::steady_timer>(executor, timeout);
  {
    std::lock_guard lock(mutex_);
    auto [it, first] = leaders_.try_emplace(key);
    if (first) co_return Lead(*this, key);
    it->second.push_back({executor, wake});
  }
  co_await wake->async_wait(use_nothrow);  // cancelled by release(), or timed out
  co_return std::nullopt;
}

void CollapsedForwarding::release(const std::string& key) {
  std::vector<Waiter> waiters;
  {
    std::lock_guard lock(mutex_);
    auto it = leaders_.find(key);
    if (it == leaders_.end()) return;
    waiters = std::move(it->second);
    leaders_.erase(it);
  }
  // Each follower's timer belongs to its own worker: cancel it there.
  for (auto& w : waiters) asio::post(w.executor, [wake = w.wake] { wake->cancel(); });
}

std::optional<CollapsedForwarding::Lead> CollapsedForwarding::try_lead(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (!leaders_.try_emplace(key).second) return std::nullopt;
  return Lead(*this, key);
}

size_t CollapsedForwarding::in_flight() const {
  std::lock_guard lock(mutex_);
  return leaders_.size();
}

}  // namespace cuttle
