// A token bucket bounding how many DENIED and ERR replies go out per second.
// Such replies can be provoked with a forged source address; without a bound a
// responder would reflect a flood at whatever address the forger chose.
#pragma once

#include <chrono>

namespace cuttle::icp {

class RefusalLimit {
 public:
  using Clock = std::chrono::steady_clock;

  RefusalLimit(double per_second, double burst) : rate_(per_second), burst_(burst), tokens_(burst) {}

  // True when one more refusal may be sent at `now`.
  bool allow(Clock::time_point now) {
    if (last_ != Clock::time_point{}) {
      double elapsed = std::chrono::duration<double>(now - last_).count();
      if (elapsed > 0) tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    }
    last_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double rate_, burst_, tokens_;
  Clock::time_point last_{};
};

}  // namespace cuttle::icp
