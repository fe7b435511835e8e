// The set of chunks this process has checked: exact per (object, chunk), bounded.
#include "store/verified_chunks.h"

#include <gtest/gtest.h>

namespace cuttle::store {
namespace verified_chunks_test {

TEST(VerifiedChunks, RemembersExactlyTheChunksInserted) {
  VerifiedChunks verified;
  EXPECT_FALSE(verified.contains(7, 0));
  verified.insert(7, 0);
  EXPECT_TRUE(verified.contains(7, 0));
  EXPECT_FALSE(verified.contains(7, 1));
  EXPECT_FALSE(verified.contains(8, 0));
  EXPECT_FALSE(verified.contains(6, 1u << 19));  // no aliasing between id and chunk bits
}

TEST(VerifiedChunks, KeysBeyondItsRangeAreNeverVouchedFor) {
  VerifiedChunks verified;
  verified.insert(1ull << 44, 0);
  verified.insert(1, 1u << 20);
  EXPECT_FALSE(verified.contains(1ull << 44, 0));
  EXPECT_FALSE(verified.contains(1, 1u << 20));
  EXPECT_FALSE(verified.contains(0, 0));  // (1 << 44, 0) and (1, 1 << 20) must not wrap onto others
  EXPECT_FALSE(verified.contains(2, 0));
}

TEST(VerifiedChunks, StartsOverWhenFullInsteadOfGrowing) {
  VerifiedChunks verified;
  for (uint64_t id = 1; id <= VerifiedChunks::kMaxEntries; ++id) verified.insert(id, 0);
  EXPECT_TRUE(verified.contains(1, 0));
  verified.insert(VerifiedChunks::kMaxEntries + 1, 0);  // one past the bound: the set starts over
  EXPECT_FALSE(verified.contains(1, 0));
  EXPECT_TRUE(verified.contains(VerifiedChunks::kMaxEntries + 1, 0));
}

}  // namespace verified_chunks_test
}  // namespace cuttle::store
