// One bandwidth bucket of a delay pool (squid's DelayBucket) or of a client
// delay pool (squid's BandwidthBucket): tokens are bytes, added at `restore`
// per second up to `max`. Refilled lazily from the time elapsed when someone
// looks, so an idle bucket costs nothing (no timer). Not thread-safe: its
// owner's mutex guards it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace cuttle {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // `initial`: the starting level in bytes. `drain_excess`: a level above `max`
  // (an initial level over 100%) is spent before refills resume, as squid's
  // client buckets do; otherwise the first refill caps it, as delay pools do.
  TokenBucket(int64_t restore, int64_t max, double initial, Clock::time_point now, bool drain_excess = false)
      : restore_(restore), max_(max), level_(initial), last_(now), drain_excess_(drain_excess) {}

  // New rates, the level kept (squid's setWriteLimiter on a known client).
  void set_rates(int64_t restore, int64_t max) {
    restore_ = restore;
    max_ = max;
  }

  void refill(Clock::time_point now) {
    if (now <= last_) return;
    const double seconds = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    if (drain_excess_ && level_ > double(max_)) return;
    level_ = std::min(level_ + seconds * double(restore_), double(max_));
  }

  // Whole bytes available now (what squid's mgr:delay shows as Current).
  int64_t level() const { return static_cast<int64_t>(std::floor(level_)); }

  // Takes up to `want` bytes; returns how many (0 when the bucket is empty).
  int64_t take(int64_t want) {
    const int64_t granted = std::clamp<int64_t>(level(), 0, std::max<int64_t>(want, 0));
    level_ -= double(granted);
    return granted;
  }

  void give_back(int64_t bytes) { level_ += double(bytes); }

  // How long until `need` bytes are there (zero when they are); a bucket that
  // never fills that far (no restore, or a maximum below `need`) asks again in a second.
  Clock::duration time_until(int64_t need) const {
    const double missing = double(need) - level_;
    if (missing <= 0) return Clock::duration::zero();
    if (restore_ <= 0 || double(max_) < double(need)) return std::chrono::seconds(1);
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(missing / double(restore_)));
  }

  // What a waiter asks for before it wakes: a tenth of a second's worth (at
  // least a byte, at most the bucket), so a slow pool is not read a byte at a time.
  int64_t worth_waiting_for(int64_t want) const {
    const int64_t tenth = std::max<int64_t>(restore_ / 10, 1);
    return std::clamp<int64_t>(std::min(want, tenth), 1, std::max<int64_t>(max_, 1));
  }

 private:
  int64_t restore_;
  int64_t max_;
  double level_;
  Clock::time_point last_;
  bool drain_excess_;
};

}  // namespace cuttle
