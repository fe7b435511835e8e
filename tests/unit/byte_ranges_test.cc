// Range header resolution (RFC 9110 §14.1.2, §14.2) against a known length.
#include "proxy/http/byte_ranges.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace byte_ranges_test {

using R = std::vector<ByteRange>;

TEST(ByteRanges, FirstLastSuffixAndOpenEnded) {
  auto r = resolve_ranges("bytes=0-99", 1000);
  EXPECT_EQ(r.outcome, RangeOutcome::Satisfiable);
  EXPECT_EQ(r.ranges, (R{{0, 99}}));
  EXPECT_EQ(resolve_ranges("bytes=-100", 1000).ranges, (R{{900, 999}}));
  EXPECT_EQ(resolve_ranges("bytes=990-", 1000).ranges, (R{{990, 999}}));
  EXPECT_EQ(resolve_ranges("BYTES=5-9", 1000).ranges, (R{{5, 9}}));
}

TEST(ByteRanges, LastBeyondTheEndIsClampedSuffixLongerThanTheBodyIsAll) {
  EXPECT_EQ(resolve_ranges("bytes=900-5000", 1000).ranges, (R{{900, 999}}));
  EXPECT_EQ(resolve_ranges("bytes=-5000", 1000).ranges, (R{{0, 999}}));
}

TEST(ByteRanges, SeveralRangesKeepTheirOrderUnlessTheyOverlap) {
  EXPECT_EQ(resolve_ranges("bytes=0-9, 20-29", 100).ranges, (R{{0, 9}, {20, 29}}));
  EXPECT_EQ(resolve_ranges("bytes=0-50,40-60", 100).ranges, (R{{0, 60}}));
}

TEST(ByteRanges, ManyTinyRangesAreCoalesced) {
  std::string header = "bytes=";
  for (int i = 0; i < 100; ++i) header += std::to_string(i * 2) + "-" + std::to_string(i * 2) + ",";
  auto r = resolve_ranges(header, 1000);
  EXPECT_EQ(r.outcome, RangeOutcome::Satisfiable);
  EXPECT_EQ(r.ranges.size(), 100u);  // 0-0, 2-2, ... do not touch: still many, but sorted
  auto touching = resolve_ranges("bytes=" + [] {
    std::string s;
    for (int i = 0; i < 100; ++i) s += std::to_string(i) + "-" + std::to_string(i) + ",";
    return s;
  }(), 1000);
  EXPECT_EQ(touching.ranges, (R{{0, 99}}));
}

TEST(ByteRanges, NothingOverlappingIs416) {
  EXPECT_EQ(resolve_ranges("bytes=1000-1999", 1000).outcome, RangeOutcome::Unsatisfiable);
  EXPECT_EQ(resolve_ranges("bytes=-0", 1000).outcome, RangeOutcome::Unsatisfiable);
  EXPECT_EQ(resolve_ranges("bytes=0-0", 0).outcome, RangeOutcome::Unsatisfiable);
}

TEST(ByteRanges, SyntaxErrorsAndOtherUnitsAreIgnored) {
  for (auto bad : {"", "items=0-1", "bytes=5-1", "bytes=a-b", "bytes=5", "bytes=,", "bytes=-"})
    EXPECT_EQ(resolve_ranges(bad, 1000).outcome, RangeOutcome::Ignore) << bad;
}

TEST(ByteRanges, ContentRangeText) { EXPECT_EQ(content_range({0, 499}, 1234), "bytes 0-499/1234"); }

}  // namespace byte_ranges_test
}  // namespace cuttle
