// Reading ICP replies as Squid 5.7 does (src/peer_select.cc: handleIcpReply,
// handleIcpParentMiss): which peer is the HIT, the CLOSEST_PARENT_MISS and the
// FIRST_PARENT_MISS.
#include "proxy/peers/icp_replies.h"

#include <gtest/gtest.h>

namespace cuttle::peers {
namespace icp_replies_test {

using namespace std::chrono_literals;

IcpReplyView reply(size_t peer, bool parent, IcpAnswer answer, std::chrono::microseconds elapsed) {
  IcpReplyView r;
  r.peer = peer;
  r.parent = parent;
  r.answer = answer;
  r.elapsed = elapsed;
  return r;
}
IcpReplyView parent_miss(size_t peer, std::chrono::microseconds elapsed, std::optional<uint16_t> src_rtt = {}) {
  auto r = reply(peer, true, IcpAnswer::Miss, elapsed);
  r.src_rtt = src_rtt;
  return r;
}
IcpReplyView silent(size_t peer, bool parent = true) { return reply(peer, parent, IcpAnswer::None, 0us); }

TEST(IcpReplies, TheFirstHitToArriveWinsWhateverTheOrderGiven) {
  auto out = read_icp_replies({reply(0, false, IcpAnswer::Hit, 900us), reply(1, false, IcpAnswer::Hit, 300us),
                               parent_miss(2, 100us)},
                              false);
  EXPECT_EQ(out.hit, 1u);
  EXPECT_FALSE(out.timed_out);
}

TEST(IcpReplies, AHitEndsTheWaitSoAnUnansweredPeerIsNoTimeout) {
  auto out = read_icp_replies({reply(0, false, IcpAnswer::Hit, 300us), silent(1, false)}, false);
  EXPECT_EQ(out.hit, 0u);
  EXPECT_FALSE(out.timed_out);
  out = read_icp_replies({parent_miss(0, 300us), silent(1, false)}, false);
  EXPECT_TRUE(out.timed_out);
  EXPECT_EQ(out.first_parent_miss, 0u);
}

TEST(IcpReplies, SiblingMissesAndRefusalsChooseNothing) {
  auto out = read_icp_replies({reply(0, false, IcpAnswer::Miss, 100us), reply(1, true, IcpAnswer::Other, 200us)},
                              false);
  EXPECT_FALSE(out.hit);
  EXPECT_FALSE(out.first_parent_miss);
  EXPECT_FALSE(out.closest_parent_miss);
  EXPECT_FALSE(out.timed_out);
}

TEST(IcpReplies, FirstParentMissIsTheLowestWholeMillisecondRttOverWeight) {
  // Both under a millisecond: a tie at 1 ms, the earlier reply keeps it.
  auto out = read_icp_replies({parent_miss(0, 800us), parent_miss(1, 200us)}, false);
  EXPECT_EQ(out.first_parent_miss, 1u);
  // 30 ms with weight 10 (3) beats 5 ms with weight 1 (5).
  auto heavy = parent_miss(0, 30ms);
  heavy.weight = 10;
  out = read_icp_replies({heavy, parent_miss(1, 5ms)}, false);
  EXPECT_EQ(out.first_parent_miss, 0u);
}

TEST(IcpReplies, SourceRttCountsOnlyWithQueryIcmp) {
  const std::vector<IcpReplyView> replies{parent_miss(0, 1ms, 80), parent_miss(1, 9ms, 20)};
  auto out = read_icp_replies(replies, true);
  EXPECT_EQ(out.closest_parent_miss, 1u) << "the lowest origin RTT, not the fastest reply";
  EXPECT_FALSE(out.first_parent_miss) << "every MISS carried an RTT: none competed for first";
  out = read_icp_replies(replies, false);
  EXPECT_FALSE(out.closest_parent_miss);
  EXPECT_EQ(out.first_parent_miss, 0u);
}

TEST(IcpReplies, ZeroSourceRttMeansUnknown) {
  auto out = read_icp_replies({parent_miss(0, 1ms, 0), parent_miss(1, 2ms)}, true);
  EXPECT_FALSE(out.closest_parent_miss);
  EXPECT_EQ(out.first_parent_miss, 0u);
}

TEST(IcpReplies, MissesAfterAClosestCandidateNoLongerCompeteForFirst) {
  // Squid's "set FIRST_MISS if there is no CLOSEST parent".
  auto out = read_icp_replies({parent_miss(0, 1ms, 40), parent_miss(1, 3ms)}, true);
  EXPECT_EQ(out.closest_parent_miss, 0u);
  EXPECT_FALSE(out.first_parent_miss);
  // Before the closest one arrived, a MISS still became FIRST_PARENT_MISS.
  out = read_icp_replies({parent_miss(0, 3ms, 40), parent_miss(1, 1ms)}, true);
  EXPECT_EQ(out.closest_parent_miss, 0u);
  EXPECT_EQ(out.first_parent_miss, 1u);
}

TEST(IcpReplies, ClosestOnlyParentIsNeverFirstParentMiss) {
  auto only_closest = parent_miss(0, 1ms);
  only_closest.closest_only = true;
  auto out = read_icp_replies({only_closest, parent_miss(1, 5ms)}, false);
  EXPECT_EQ(out.first_parent_miss, 1u);
  out = read_icp_replies({only_closest}, false);
  EXPECT_FALSE(out.first_parent_miss);
}

}  // namespace icp_replies_test
}  // namespace cuttle::peers
