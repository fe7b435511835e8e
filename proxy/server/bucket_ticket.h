// The buckets one transfer draws from in one set of pools (a delay pool's
// aggregate, network, host, user or tag buckets; a client's write bucket),
// with the lock of the set that owns them: workers share the sets.
#pragma once

#include "proxy/server/token_bucket.h"

#include <memory>
#include <mutex>
#include <vector>

namespace cuttle {

// What owns buckets: its mutex guards every bucket it hands out.
struct BucketOwner {
  std::mutex mutex;
  virtual ~BucketOwner() = default;
};

class BucketTicket {
 public:
  using Clock = TokenBucket::Clock;

  BucketTicket() = default;
  BucketTicket(std::shared_ptr<BucketOwner> owner, std::vector<TokenBucket*> buckets)
      : owner_(std::move(owner)), buckets_(std::move(buckets)) {}

  // Nothing limits a transfer with no buckets (an unlimited pool, no pool).
  bool limits() const { return !buckets_.empty(); }

  // Takes up to `want` bytes from every bucket alike: as many as the emptiest has.
  int64_t take(int64_t want, Clock::time_point now) {
    if (!limits()) return want;
    std::lock_guard lock(owner_->mutex);
    int64_t granted = want;
    for (auto* bucket : buckets_) {
      bucket->refill(now);
      granted = std::min(granted, std::max<int64_t>(bucket->level(), 0));
    }
    for (auto* bucket : buckets_) bucket->take(granted);
    return granted;
  }

  void give_back(int64_t bytes) {
    if (bytes <= 0 || !limits()) return;
    std::lock_guard lock(owner_->mutex);
    for (auto* bucket : buckets_) bucket->give_back(bytes);
  }

  // How long until every bucket has a useful amount of `want` again.
  Clock::duration time_until_worth(int64_t want, Clock::time_point now) {
    if (!limits()) return Clock::duration::zero();
    std::lock_guard lock(owner_->mutex);
    auto wait = Clock::duration::zero();
    for (auto* bucket : buckets_) {
      bucket->refill(now);
      wait = std::max(wait, bucket->time_until(bucket->worth_waiting_for(want)));
    }
    return wait;
  }

 private:
  std::shared_ptr<BucketOwner> owner_;  // keeps the buckets alive
  std::vector<TokenBucket*> buckets_;
};

}  // namespace cuttle
