// CARP hash values. Expected numbers come from an independent re-implementation
// of Squid's src/carp.cc arithmetic (a few lines of Python with explicit & 0xFFFFFFFF),
// or are derived by hand in the comments.
#include "carp/hash.h"
#include "carp/load_factors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace cuttle::carp {
namespace carp_hash_test {

TEST(CarpHash, RotateLeftWrapsTheHighBitsAround) {
  EXPECT_EQ(rotl(0x80000000u, 1), 1u);
  EXPECT_EQ(rotl(0x12345678u, 8), 0x34567812u);
  EXPECT_EQ(rotl(0x00000001u, 21), 0x00200000u);
}

TEST(CarpHash, UrlHashOfShortStringsByHand) {
  EXPECT_EQ(url_hash(""), 0u);
  // 'a' = 97: h = 0 + rotl(0,19) + 97.
  EXPECT_EQ(url_hash("a"), 97u);
  // then 'b' = 98: h = 97 + rotl(97,19) + 98 = 97 + 97*2^19 + 98.
  EXPECT_EQ(url_hash("ab"), 50856131u);
}

TEST(CarpHash, BytesAbove127CountAsNegativeChars) {
  // Squid adds `char` (signed on x86): byte 0x80 adds -128, i.e. 2^32 - 128.
  EXPECT_EQ(url_hash("\x80"), 0xFFFFFF80u);
  EXPECT_EQ(url_hash("http://example.com/caf\xc3\xa9"), 0xa30a27fdu);
}

TEST(CarpHash, PinnedUrlMemberAndCombinedHashes) {
  EXPECT_EQ(url_hash("http://example.com/"), 0x1e6fa10bu);
  EXPECT_EQ(url_hash("http://example.com/cafe"), 0x12c992aau);
  EXPECT_EQ(member_hash("127.0.0.11"), 0x999f4994u);
  EXPECT_EQ(member_hash("p1"), 0x24d7685fu);
  EXPECT_EQ(combine(0x1e6fa10bu, 0x999f4994u), 0xcb5f4826u);
}

TEST(CarpHash, UpdateContinuesARunningHash) {
  EXPECT_EQ(url_hash_update(url_hash("http://a/"), "http://b/"), url_hash("http://a/http://b/"));
}

TEST(CarpLoadFactors, EqualWeightsGiveMultiplierOne) {
  std::vector<int> weights{5, 5, 5, 5};
  for (const auto& lf : load_factors(weights)) {
    EXPECT_EQ(lf.factor, 0.25);
    EXPECT_EQ(lf.multiplier, 1.0);
  }
}

TEST(CarpLoadFactors, OneToThreeByHand) {
  // P = 1/4, 3/4. X1 = (2 * 1/4)^(1/2) = sqrt(1/2).
  // X2 = (1 * (3/4 - 1/4)) / X1 + X1^1 = 2 * sqrt(1/2) = sqrt(2).
  std::vector<int> weights{1, 3};
  auto lf = load_factors(weights);
  ASSERT_EQ(lf.size(), 2u);
  EXPECT_EQ(lf[0].factor, 0.25);
  EXPECT_EQ(lf[1].factor, 0.75);
  EXPECT_DOUBLE_EQ(lf[0].multiplier, std::sqrt(0.5));
  EXPECT_DOUBLE_EQ(lf[1].multiplier, std::sqrt(2.0));
}

TEST(CarpLoadFactors, FactorsSumToOneAndMultipliersGrowWithWeight) {
  std::vector<int> weights{1, 2, 3, 10};
  auto lf = load_factors(weights);
  double sum = 0;
  for (const auto& f : lf) sum += f.factor;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  for (size_t i = 1; i < lf.size(); ++i) EXPECT_GT(lf[i].multiplier, lf[i - 1].multiplier);
}

TEST(CarpLoadFactors, ShareBelowOnePermilleBreaksLaterMultipliersAsInSquid) {
  // 1/2001 < 1/1000: factor 0, multiplier 0; the next gets +inf, later ones NaN.
  std::vector<int> weights{1, 1000, 1000};
  auto lf = load_factors(weights);
  EXPECT_EQ(lf[0].factor, 0.0);
  EXPECT_EQ(lf[0].multiplier, 0.0);
  EXPECT_TRUE(std::isinf(lf[1].multiplier));
  EXPECT_TRUE(std::isnan(lf[2].multiplier));
}

}  // namespace carp_hash_test
}  // namespace cuttle::carp
