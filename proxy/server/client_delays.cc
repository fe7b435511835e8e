#include "proxy/server/client_delays.h"

#include <cmath>

namespace cuttle {

BucketTicket ClientDelays::ticket(size_t number, const boost::asio::ip::address& client, Clock::time_point now) {
  if (number < 1 || number > config_.client_pools.size()) return {};
  const auto& pool = config_.client_pools[number - 1];
  if (pool.rate < 0) return {};
  std::lock_guard lock(mutex);
  auto& bucket = buckets_[client];
  if (!bucket) {
    // squid's burst: the initial percentage of the maximum, rounded.
    const double burst = std::floor(0.5 + double(pool.max) * config_.client_initial_percent / 100.0);
    bucket = std::make_unique<TokenBucket>(pool.rate, pool.max, burst, now, /*drain_excess=*/true);
  } else {
    bucket->set_rates(pool.rate, pool.max);
  }
  return BucketTicket(shared_from_this(), {bucket.get()});
}

}  // namespace cuttle
