#include "icp/hit_only_mode.h"

namespace cuttle::icp {

std::optional<double> HitOnlyMode::note_forwarded(bool failed, Clock::time_point now) {
  constexpr double kMagic = 100.0;  // Squid's magic_factor
  std::lock_guard lock(mutex_);
  double good = kMagic / (1.0 + ratio_);
  double bad = kMagic - good;
  (failed ? bad : good) += 1;
  ratio_ = bad / good;
  if (until_ > now || ratio_ < 1.0) return std::nullopt;
  const double reached = ratio_;
  until_ = now + kHitOnlyModeTime;
  ratio_ = 0.8;  // "reset to something less than 1.0"
  return reached;
}

bool HitOnlyMode::active(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return until_ > now;
}

double HitOnlyMode::failure_ratio() const {
  std::lock_guard lock(mutex_);
  return ratio_;
}

}  // namespace cuttle::icp
