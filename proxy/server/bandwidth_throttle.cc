#include "proxy/server/bandwidth_throttle.h"

#include <boost/asio/steady_timer.hpp>

namespace cuttle {

size_t BandwidthThrottle::take(size_t want) {
  const auto now = BucketTicket::Clock::now();
  auto granted = static_cast<int64_t>(want);
  for (size_t i = 0; i < tickets_.size() && granted > 0; ++i) {
    const auto got = tickets_[i].take(granted, now);
    // The sets before this one gave more than it has: they get the rest back.
    for (size_t j = 0; j < i; ++j) tickets_[j].give_back(granted - got);
    granted = got;
  }
  return static_cast<size_t>(granted);
}

awaitable<size_t> BandwidthThrottle::acquire(size_t want) {
  if (!limits() || want == 0) co_return want;
  for (;;) {
    if (const auto granted = take(want)) co_return granted;
    const auto now = BucketTicket::Clock::now();
    auto wait = BucketTicket::Clock::duration::zero();
    for (auto& ticket : tickets_) wait = std::max(wait, ticket.time_until_worth(static_cast<int64_t>(want), now));
    // At least a millisecond (no spinning), at most a second (rates may change).
    wait = std::clamp<BucketTicket::Clock::duration>(wait, std::chrono::milliseconds(1), std::chrono::seconds(1));
    asio::steady_timer timer(co_await asio::this_coro::executor, wait);
    co_await timer.async_wait(use_nothrow);
  }
}

void BandwidthThrottle::charge(size_t moved) {
  const auto now = BucketTicket::Clock::now();
  for (auto& ticket : tickets_) ticket.take(static_cast<int64_t>(moved), now);
}

void BandwidthThrottle::give_back(size_t unused) {
  for (auto& ticket : tickets_) ticket.give_back(static_cast<int64_t>(unused));
}

}  // namespace cuttle
