#include "proxy/server/helpers/external_acl_helper.h"

#include <boost/asio/steady_timer.hpp>

namespace cuttle {

// A lookup others may wait for: they sleep on `done` until the answer is set.
struct ExternalAclHelper::Pending {
  explicit Pending(asio::any_io_executor executor) : done(executor, asio::steady_timer::time_point::max()) {}
  asio::steady_timer done;
  std::shared_ptr<const ExternalAnswer> answer;

  awaitable<std::shared_ptr<const ExternalAnswer>> wait() {
    while (!answer) co_await done.async_wait(use_nothrow);
    co_return answer;
  }
  void finish(std::shared_ptr<const ExternalAnswer> a) {
    answer = std::move(a);
    done.cancel();
  }
};

ExternalAclHelper::ExternalAclHelper(asio::any_io_executor executor, std::shared_ptr<const ExternalAclType> type,
                                     std::shared_ptr<HelperPool> pool)
    : executor_(std::move(executor)), type_(std::move(type)), pool_(std::move(pool)), cache_(*type_) {}

awaitable<std::shared_ptr<const ExternalAnswer>> ExternalAclHelper::answer(std::string key) {
  const auto found = cache_.find(key, helpers::ExternalAnswerCache::Clock::now());
  if (found && found->fresh) {
    if (found->refresh && !pending_.contains(key)) refresh_in_background(key);
    co_return found->answer;
  }
  if (pool_->would_overload()) {
    if (found) co_return found->answer;
    auto busy = std::make_shared<ExternalAnswer>();
    busy->message = "SYSTEM TOO BUSY, TRY AGAIN LATER";
    co_return busy;
  }
  co_return co_await ask(std::move(key));
}

// As Squid: with a cache, a lookup for a key already being asked waits for that
// answer instead of asking again.
awaitable<std::shared_ptr<const ExternalAnswer>> ExternalAclHelper::ask(std::string key) {
  const bool joinable = type_->cache_size > 0;
  if (auto it = pending_.find(key); joinable && it != pending_.end()) {
    auto earlier = it->second;
    co_return co_await earlier->wait();
  }
  auto self = shared_from_this();  // a reload may drop this helper while it is asked
  auto pending = std::make_shared<Pending>(executor_);
  if (joinable) pending_[key] = pending;
  const auto reply = co_await pool_->ask(key);
  auto answer = std::make_shared<const ExternalAnswer>(helpers::read_external_answer(reply));
  cache_.remember(key, answer, helpers::ExternalAnswerCache::Clock::now());
  if (joinable) pending_.erase(key);
  pending->finish(answer);
  co_return answer;
}

void ExternalAclHelper::refresh_in_background(const std::string& key) {
  if (pool_->would_overload()) return;
  asio::co_spawn(
      executor_, [self = shared_from_this(), key]() -> awaitable<void> { co_await self->ask(key); }, asio::detached);
}

}  // namespace cuttle
