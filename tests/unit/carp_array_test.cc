// Member choice in a CARP array: owner, failover order, weights, and how many
// URLs move when the array changes.
#include "carp/array.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace cuttle::carp {
namespace carp_array_test {

std::vector<Member> members(std::vector<std::pair<std::string, int>> named_weights) {
  std::vector<Member> out;
  uint16_t port = 3128;
  for (auto& [name, weight] : named_weights) out.push_back({name, name, port++, weight, {}});
  return out;
}

std::string url_number(int i) {
  return "http://host" + std::to_string(i % 97) + ".example/path/" + std::to_string(i) + "?q=" + std::to_string(i * 7);
}

// Shares of ownership over `count` URLs.
std::vector<double> owner_shares(const Array& array, int count) {
  std::vector<double> shares(array.size());
  for (int i = 0; i < count; ++i) shares[array.select(url_number(i))[0]] += 1.0 / count;
  return shares;
}

TEST(CarpArray, OwnerOfAUrlMatchesAnIndependentComputation) {
  // Scores from an independent Python re-implementation of Squid's loop
  // (running URL hash over three copies of the URL): 2656486245, 2995433493, 1263363479.
  Array array(members({{"a.example", 1}, {"b.example", 1}, {"c.example", 1}}));
  auto uri = *parse_uri("http://example.com/index.html");
  auto scores = array.scores(uri);
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_EQ(scores[0].score, 2656486245.0);
  EXPECT_EQ(scores[1].score, 2995433493.0);
  EXPECT_EQ(scores[2].score, 1263363479.0);
  EXPECT_EQ(array.select(uri), (std::vector<size_t>{1, 0, 2}));
}

TEST(CarpArray, SelectReturnsEveryMemberOnceBestFirst) {
  Array array(members({{"p1", 1}, {"p2", 2}, {"p3", 3}, {"p4", 1}}));
  for (int i = 0; i < 200; ++i) {
    auto uri = *parse_uri(url_number(i));
    auto order = array.select(uri);
    ASSERT_EQ(order.size(), 4u);
    std::vector<bool> seen(4);
    for (size_t m : order) seen.at(m) = true;
    EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 4);
    // Scores are indexed by slot; map them to members and check they fall.
    std::map<size_t, double> by_member;
    auto scores = array.scores(uri);
    for (size_t k = 0; k < scores.size(); ++k) by_member[array.slots()[k].member] = scores[k].score;
    for (size_t j = 1; j < order.size(); ++j) EXPECT_GE(by_member[order[j - 1]], by_member[order[j]]);
  }
}

TEST(CarpArray, FailoverIsWhatSquidPicksWhenTheOwnerIsDown) {
  // Squid: highest score among members that are up, strictly greater wins.
  Array array(members({{"p1", 1}, {"p2", 1}, {"p3", 2}}));
  for (int i = 0; i < 500; ++i) {
    auto uri = *parse_uri(url_number(i));
    auto order = array.select(uri);
    auto scores = array.scores(uri);
    size_t down = order[0];
    double best = 0;
    size_t squid_pick = SIZE_MAX;
    for (size_t k = 0; k < scores.size(); ++k) {
      if (array.slots()[k].member == down) continue;
      if (scores[k].score > best) {
        best = scores[k].score;
        squid_pick = array.slots()[k].member;
      }
    }
    EXPECT_EQ(order[1], squid_pick) << url_number(i);
  }
}

TEST(CarpArray, EqualWeightsShareTheUrlSpaceEvenly) {
  for (int n = 2; n <= 5; ++n) {
    std::vector<std::pair<std::string, int>> named;
    for (int i = 0; i < n; ++i) named.push_back({"cache" + std::to_string(i) + ".example.net", 1});
    Array array(members(named));
    for (double share : owner_shares(array, 30000)) EXPECT_NEAR(share, 1.0 / n, 0.03) << n << " members";
  }
}

TEST(CarpArray, UnequalWeightsShareByWeight) {
  Array array(members({{"small.example.net", 1}, {"medium.example.net", 2}, {"large.example.net", 3}}));
  auto shares = owner_shares(array, 60000);
  EXPECT_NEAR(shares[0], 1.0 / 6, 0.03);
  EXPECT_NEAR(shares[1], 2.0 / 6, 0.03);
  EXPECT_NEAR(shares[2], 3.0 / 6, 0.03);
}

TEST(CarpArray, HashingOrderIsAscendingWeightThenConfigurationOrder) {
  Array array(members({{"heavy", 3}, {"light-a", 1}, {"light-b", 1}}));
  ASSERT_EQ(array.slots().size(), 3u);
  EXPECT_EQ(array.slots()[0].member, 1u);
  EXPECT_EQ(array.slots()[1].member, 2u);
  EXPECT_EQ(array.slots()[2].member, 0u);
}

TEST(CarpArray, WeightBelowOneCountsAsOneLikeSquidsParser) {
  Array zero(members({{"a", 0}, {"b", 1}}));
  Array one(members({{"a", 1}, {"b", 1}}));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(zero.select(url_number(i)), one.select(url_number(i)));
}

TEST(CarpArray, AddingAMemberLastMovesUrlsOnlyToIt) {
  // With equal weights the new member hashes last, so the others' running URL
  // hashes and scores are unchanged: a URL either stays or moves to the newcomer.
  Array three(members({{"c0", 1}, {"c1", 1}, {"c2", 1}}));
  Array four(members({{"c0", 1}, {"c1", 1}, {"c2", 1}, {"c3", 1}}));
  int moved = 0;
  const int count = 20000;
  for (int i = 0; i < count; ++i) {
    size_t before = three.select(url_number(i))[0];
    size_t after = four.select(url_number(i))[0];
    if (before != after) {
      ++moved;
      EXPECT_EQ(after, 3u);
    }
  }
  EXPECT_NEAR(static_cast<double>(moved) / count, 0.25, 0.03);
}

TEST(CarpArray, UnparseableUrlsAreHashedAsGiven) {
  Array array(members({{"a", 1}, {"b", 1}}));
  EXPECT_EQ(array.select("not a url").size(), 2u);
  // A URL that parses hashes its effective form: case and default port do not matter.
  EXPECT_EQ(array.select("HTTP://EXAMPLE.com:80/x"), array.select("http://example.com/x"));
}

TEST(CarpArray, MembersSquidCanNeverChooseComeLast) {
  // weight 1 of 2001 total is below 1/1000: multiplier 0 (score 0) for "tiny",
  // +inf for the next, NaN after that; Squid always picks the +inf member.
  Array array(members({{"tiny", 1}, {"big1", 1000}, {"big2", 1000}}));
  for (int i = 0; i < 50; ++i) {
    auto order = array.select(url_number(i));
    EXPECT_EQ(order[0], 1u);
  }
}

}  // namespace carp_array_test
}  // namespace cuttle::carp
