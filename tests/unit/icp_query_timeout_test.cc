#include "icp/query_timeout.h"

#include <gtest/gtest.h>

#include <vector>

namespace cuttle::icp {
namespace icp_query_timeout_test {

using std::chrono::milliseconds;
const milliseconds kMin{5}, kMax{2000};

TEST(IcpQueryTimeout, ConfiguredValueWins) {
  std::vector<milliseconds> rtts{milliseconds(10)};
  EXPECT_EQ(query_timeout(rtts, milliseconds(1500), kMin, kMax), milliseconds(1500));
}

TEST(IcpQueryTimeout, DynamicIsTwiceTheMeanMeasuredRtt) {
  std::vector<milliseconds> rtts{milliseconds(10), milliseconds(30), milliseconds(0) /* not measured */};
  EXPECT_EQ(query_timeout(rtts, milliseconds(0), kMin, kMax), milliseconds(40));
}

TEST(IcpQueryTimeout, DynamicIsBoundedByMinimumAndMaximum) {
  std::vector<milliseconds> fast{milliseconds(1)}, slow{milliseconds(5000)};
  EXPECT_EQ(query_timeout(fast, milliseconds(0), kMin, kMax), kMin);
  EXPECT_EQ(query_timeout(slow, milliseconds(0), kMin, kMax), kMax);
}

TEST(IcpQueryTimeout, NothingMeasuredYetWaitsTheMaximum) {
  EXPECT_EQ(query_timeout({}, milliseconds(0), kMin, kMax), kMax);
}

}  // namespace icp_query_timeout_test
}  // namespace cuttle::icp
