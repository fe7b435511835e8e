// Squid's ICP "HIT-only mode" (src/client_side.cc checkFailureRatio, read by
// src/icp_v2.cc icpGetCommonOpcode): when too many recent forwarding attempts
// failed to reach a server, the ICP server answers MISS_NOFETCH instead of MISS
// for FAILURE_MODE_TIME (300 s), so that peers stop relying on it to fetch.
//
// The ratio is Squid's running estimate: the bad and good counts are scaled to a
// sum of 100 (good = 100 / (1 + ratio)), the outcome adds one to its side, and
// ratio = bad / good. At 1.0 or more the mode starts and the ratio restarts at
// 0.8. From a clean start that takes 70 failures in a row. Squid counts as bad
// ERR_DNS_FAIL, ERR_CONNECT_FAIL, ERR_SECURE_CONNECT_FAIL and ERR_READ_ERROR;
// every other forwarded request as good (answers from the cache do not count).
// Thread-safe: every worker reports, the ICP server reads.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>

namespace cuttle::icp {

inline constexpr std::chrono::seconds kHitOnlyModeTime{300};  // Squid's FAILURE_MODE_TIME

class HitOnlyMode {
 public:
  using Clock = std::chrono::steady_clock;

  // One forwarded request's outcome. Returns the failure ratio when this outcome
  // started HIT-only mode (for Squid's "Failure Ratio at ..." warning).
  std::optional<double> note_forwarded(bool failed, Clock::time_point now);
  bool active(Clock::time_point now) const;
  double failure_ratio() const;

 private:
  mutable std::mutex mutex_;
  double ratio_ = 0;
  Clock::time_point until_{};
};

}  // namespace cuttle::icp
