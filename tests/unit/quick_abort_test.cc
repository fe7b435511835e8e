// quick_abort_*: which fills go on after their client left, as squid 5.7's
// CheckQuickAbortIsReasonable decides.
#include "proxy/cache/quick_abort.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace quick_abort_test {

TEST(QuickAbort, SquidsDefaultsFinishOnlyTheLastSixteenKilobytes) {
  const QuickAbort defaults;
  EXPECT_TRUE(fill_continues_without_client(defaults, 1'000'000, 1'000'000 - 10'000, false));
  EXPECT_FALSE(fill_continues_without_client(defaults, 1'000'000, 500'000, false));
  EXPECT_FALSE(fill_continues_without_client(defaults, std::nullopt, 500'000, false)) << "no length: abandoned";
  EXPECT_FALSE(fill_continues_without_client(defaults, 1000, 2000, false)) << "more than the length: abandoned";
}

TEST(QuickAbort, MinusOneFinishesEveryFillAsDoesAWholeObjectForARange) {
  QuickAbort always{-1, 0, 0};
  EXPECT_TRUE(fill_continues_without_client(always, std::nullopt, 1, false));
  EXPECT_TRUE(fill_continues_without_client(QuickAbort{0, 0, 100}, 1'000'000, 1, true));
}

TEST(QuickAbort, ZeroAndZeroAbandonEveryFill) {
  QuickAbort never{0, 0, 95};
  EXPECT_FALSE(fill_continues_without_client(never, 1'000'000, 999'999, false));
  EXPECT_FALSE(fill_continues_without_client(never, 1'000'000, 0, false));
}

TEST(QuickAbort, PastThePercentageAFillWithinMaxGoesOn) {
  QuickAbort pct{1 << 10, 1 << 20, 50};  // 1 KB, 1 MB, 50 %
  EXPECT_TRUE(fill_continues_without_client(pct, 800'000, 500'000, false)) << "62 % done, 300 KB left";
  EXPECT_FALSE(fill_continues_without_client(pct, 800'000, 300'000, false)) << "37 % done";
  EXPECT_FALSE(fill_continues_without_client(pct, 3'000'000, 1'900'000, false)) << "63 % done, but more than max left";
  EXPECT_TRUE(fill_continues_without_client(pct, 99, 0, false)) << "Squid keeps replies under 100 bytes";
}

}  // namespace quick_abort_test
}  // namespace cuttle
