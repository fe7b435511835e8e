// Squid's failure ratio and HIT-only mode (src/client_side.cc checkFailureRatio):
// the counts below were checked against a real squid 5.7, which answered
// MISS_NOFETCH right after its 70th failed connect in a row and not before.
#include "icp/hit_only_mode.h"

#include <gtest/gtest.h>

namespace cuttle::icp {
namespace icp_hit_only_mode_test {

using namespace std::chrono_literals;
using Clock = HitOnlyMode::Clock;

TEST(HitOnlyMode, SeventyFailuresInARowStartItForFiveMinutes) {
  HitOnlyMode mode;
  const auto t0 = Clock::now();
  for (int i = 1; i < 70; ++i) ASSERT_FALSE(mode.note_forwarded(true, t0)) << "failure " << i;
  EXPECT_FALSE(mode.active(t0));
  auto entered = mode.note_forwarded(true, t0);
  ASSERT_TRUE(entered);
  EXPECT_NEAR(*entered, 1.0068, 0.0001);  // squid logs "Failure Ratio at 1.01"
  EXPECT_TRUE(mode.active(t0));
  EXPECT_TRUE(mode.active(t0 + 299s));
  EXPECT_FALSE(mode.active(t0 + 300s));
  EXPECT_DOUBLE_EQ(mode.failure_ratio(), 0.8);
}

TEST(HitOnlyMode, ItTakesAsManyRecentFailuresAsSuccesses) {
  // ratio = bad / good: one failure in three settles near 0.5 and never starts it...
  HitOnlyMode mode;
  const auto t0 = Clock::now();
  for (int i = 0; i < 3000; ++i) ASSERT_FALSE(mode.note_forwarded(i % 3 == 0, t0)) << i;
  EXPECT_NEAR(mode.failure_ratio(), 0.5, 0.05);
  // ...one in two creeps up to 1.0 and does.
  bool started = false;
  for (int i = 0; i < 3000 && !started; ++i) started = mode.note_forwarded(i % 2 == 0, t0).has_value();
  EXPECT_TRUE(started);
}

TEST(HitOnlyMode, AfterItEndsFewerFailuresStartItAgain) {
  HitOnlyMode mode;
  const auto t0 = Clock::now();
  for (int i = 0; i < 70; ++i) mode.note_forwarded(true, t0);
  ASSERT_TRUE(mode.active(t0));
  // While active, failures move the ratio but cannot restart the five minutes.
  for (int i = 0; i < 200; ++i) EXPECT_FALSE(mode.note_forwarded(true, t0 + 10s));
  const auto later = t0 + 301s;
  EXPECT_FALSE(mode.active(later));
  EXPECT_TRUE(mode.note_forwarded(true, later)) << "the ratio is still past 1.0";
  EXPECT_TRUE(mode.active(later + 299s));
}

}  // namespace icp_hit_only_mode_test
}  // namespace cuttle::icp
