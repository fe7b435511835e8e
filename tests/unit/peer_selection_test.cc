// Peer selection tables: for a request and the peers' state, the next hops in
// order with the hierarchy code Squid 5.7 logs for each (src/peer_select.cc).
#include "proxy/peers/peer_selection.h"

#include <gtest/gtest.h>

namespace cuttle::peers {
namespace peer_selection_test {

PeerView parent() { return PeerView{}; }
PeerView sibling() {
  PeerView p;
  p.type = PeerType::Sibling;
  return p;
}
PeerView dead(PeerView p) {
  p.alive = false;
  return p;
}
PeerView denied(PeerView p) {
  p.allowed = false;
  return p;
}
PeerView with_default(PeerView p) {
  p.is_default = true;
  return p;
}
PeerView carp_member(PeerView p) {
  p.carp = true;
  return p;
}
PeerView round_robin(PeerView p, uint64_t count) {
  p.round_robin = true;
  p.round_robin_count = count;
  return p;
}

HierarchyCode named(std::string_view code) {
  auto parsed = hierarchy_named(code);
  EXPECT_TRUE(parsed) << code;
  return parsed.value_or(HierarchyCode{});
}
Candidate via(size_t peer, std::string_view code) { return {peer, named(code)}; }
Candidate direct(std::string_view code = "HIER_DIRECT") { return {std::nullopt, named(code)}; }

using Order = std::vector<Candidate>;

TEST(PeerSelection, NoPeersGoesDirect) {
  SelectionInput in;
  EXPECT_EQ(select(in), (Order{direct()}));
}

TEST(PeerSelection, OneParentIsFirstUpThenDirect) {
  SelectionInput in;
  in.peers = {parent()};
  EXPECT_EQ(select(in), (Order{via(0, "FIRSTUP_PARENT"), direct()}));
}

TEST(PeerSelection, FirstUpParentIsTheFirstAliveOneAndOthersAreAnyOld) {
  SelectionInput in;
  in.peers = {dead(parent()), parent(), parent()};
  EXPECT_EQ(select(in), (Order{via(1, "FIRSTUP_PARENT"), via(2, "ANY_OLD_PARENT"), direct()}));
}

TEST(PeerSelection, AParentAtMaxConnIsPassedOverForTheNextOne) {
  // Squid's peerHTTPOkay() refuses a peer at max-conn in every parent method.
  SelectionInput in;
  PeerView busy = with_default(parent());
  busy.can_connect = false;
  in.peers = {busy, parent()};
  EXPECT_EQ(select(in), (Order{via(1, "FIRSTUP_PARENT"), direct()}));
  in.peers = {busy};
  in.never_direct = true;
  EXPECT_EQ(select(in), Order{}) << "never_direct and the only parent busy: nowhere to go";
}

TEST(PeerSelection, AnIcpHitIsUsedEvenAtMaxConn) {
  // selectSomeNeighborReplies() adds the HIT peer without asking peerHTTPOkay().
  SelectionInput in;
  PeerView busy = sibling();
  busy.can_connect = false;
  in.peers = {busy};
  in.icp.hit = 0;
  EXPECT_EQ(select(in), (Order{via(0, "SIBLING_HIT"), direct()}));
}

TEST(PeerSelection, ADefaultParentBehindAnotherIsAnyOldParent) {
  // Squid asks getFirstUpParent() before getDefaultParent(), and the first code wins.
  SelectionInput in;
  in.peers = {parent(), with_default(parent())};
  EXPECT_EQ(select(in), (Order{via(0, "FIRSTUP_PARENT"), via(1, "ANY_OLD_PARENT"), direct()}));
}

TEST(PeerSelection, SiblingsAreNeverChosenWithoutAnIcpHit) {
  SelectionInput in;
  in.peers = {sibling(), parent()};
  EXPECT_EQ(select(in), (Order{via(1, "FIRSTUP_PARENT"), direct()}));
}

TEST(PeerSelection, SiblingHitComesFirst) {
  SelectionInput in;
  in.peers = {parent(), sibling()};
  in.icp.hit = 1;
  in.icp.first_parent_miss = 0;
  EXPECT_EQ(select(in), (Order{via(1, "SIBLING_HIT"), via(0, "FIRSTUP_PARENT"), direct()}));
}

TEST(PeerSelection, ParentHit) {
  SelectionInput in;
  in.peers = {parent(), parent()};
  in.icp.hit = 1;
  EXPECT_EQ(select(in), (Order{via(1, "PARENT_HIT"), via(0, "FIRSTUP_PARENT"), direct()}));
}

TEST(PeerSelection, FirstParentMissBeforeOtherParents) {
  SelectionInput in;
  in.peers = {parent(), parent()};
  in.icp.first_parent_miss = 1;
  EXPECT_EQ(select(in), (Order{via(1, "FIRST_PARENT_MISS"), via(0, "FIRSTUP_PARENT"), direct()}));
}

TEST(PeerSelection, ClosestParentMissBeatsFirstParentMiss) {
  SelectionInput in;
  in.peers = {parent(), parent()};
  in.icp.first_parent_miss = 0;
  in.icp.closest_parent_miss = 1;
  EXPECT_EQ(select(in), (Order{via(1, "CLOSEST_PARENT_MISS"), via(0, "FIRSTUP_PARENT"), direct()}));
}

TEST(PeerSelection, IcpTimeoutPrefixesEveryCode) {
  SelectionInput in;
  in.peers = {sibling(), parent()};
  in.icp.timed_out = true;
  EXPECT_EQ(select(in), (Order{via(1, "TIMEOUT_FIRSTUP_PARENT"), direct("TIMEOUT_HIER_DIRECT")}));
}

TEST(PeerSelection, NeverDirectRemovesDirect) {
  SelectionInput in;
  in.never_direct = true;
  in.peers = {parent()};
  EXPECT_EQ(select(in), (Order{via(0, "FIRSTUP_PARENT")}));
}

TEST(PeerSelection, NeverDirectWithEveryParentDeadLeavesNothing) {
  SelectionInput in;
  in.never_direct = true;
  in.peers = {dead(parent()), sibling()};
  EXPECT_TRUE(select(in).empty());
}

TEST(PeerSelection, AlwaysDirectIgnoresPeersAndIcp) {
  SelectionInput in;
  in.always_direct = true;
  in.never_direct = true;  // always_direct is checked first, as in Squid
  in.peers = {parent(), sibling()};
  in.icp.hit = 1;
  EXPECT_EQ(select(in), (Order{direct()}));
}

TEST(PeerSelection, PreferDirectPutsDirectFirst) {
  SelectionInput in;
  in.prefer_direct = true;
  in.peers = {parent()};
  EXPECT_EQ(select(in), (Order{direct(), via(0, "FIRSTUP_PARENT")}));
}

TEST(PeerSelection, NonHierarchicalRequestsGoDirectByDefault) {
  SelectionInput in;
  in.hierarchical = false;
  in.peers = {parent()};
  EXPECT_EQ(select(in), (Order{direct()}));
}

TEST(PeerSelection, NonHierarchicalDirectOffLetsParentsTakeThem) {
  SelectionInput in;
  in.hierarchical = false;
  in.nonhierarchical_direct = false;
  in.peers = {parent()};
  EXPECT_EQ(select(in), (Order{via(0, "FIRSTUP_PARENT"), direct()}));
}

TEST(PeerSelection, NonHierarchicalWithNeverDirectUsesParents) {
  SelectionInput in;
  in.hierarchical = false;
  in.never_direct = true;
  in.peers = {parent()};
  EXPECT_EQ(select(in), (Order{via(0, "FIRSTUP_PARENT")}));
}

TEST(PeerSelection, CachePeerAccessDenialSkipsAParent) {
  SelectionInput in;
  in.peers = {denied(parent()), parent()};
  EXPECT_EQ(select(in), (Order{via(1, "FIRSTUP_PARENT"), direct()}));
}

TEST(PeerSelection, CarpMembersInTheUrlsOrderAliveFirst) {
  SelectionInput in;
  in.peers = {carp_member(parent()), dead(carp_member(parent())), carp_member(parent()), parent()};
  in.carp_order = {1, 2, 0};
  EXPECT_EQ(select(in),
            (Order{via(2, "CARP"), via(0, "CARP"), via(3, "ANY_OLD_PARENT"), direct(), via(1, "CARP")}));
}

TEST(PeerSelection, CarpWithNeverDirect) {
  SelectionInput in;
  in.never_direct = true;
  in.peers = {carp_member(parent()), carp_member(parent()), carp_member(parent())};
  in.carp_order = {2, 0, 1};
  EXPECT_EQ(select(in), (Order{via(2, "CARP"), via(0, "CARP"), via(1, "CARP")}));
}

TEST(PeerSelection, RoundRobinPicksTheLeastUsed) {
  SelectionInput in;
  in.peers = {round_robin(parent(), 5), round_robin(parent(), 2), parent()};
  EXPECT_EQ(select(in), (Order{via(1, "ROUNDROBIN_PARENT"), via(0, "ANY_OLD_PARENT"), via(2, "ANY_OLD_PARENT"),
                               direct()}));
}

TEST(PeerSelection, DefaultParentWhenItIsTheOnlyOne) {
  // getFirstUpParent() finds it first: Squid logs FIRSTUP_PARENT even for a `default` parent.
  SelectionInput in;
  in.peers = {with_default(parent())};
  EXPECT_EQ(select(in), (Order{via(0, "FIRSTUP_PARENT"), direct()}));
}

TEST(PeerSelection, HierarchicalMeansGetOrTraceWithoutCredentials) {
  EXPECT_TRUE(is_hierarchical("GET", false));
  EXPECT_TRUE(is_hierarchical("TRACE", false));
  EXPECT_FALSE(is_hierarchical("HEAD", false));
  EXPECT_FALSE(is_hierarchical("POST", false));
  EXPECT_FALSE(is_hierarchical("GET", true));
}

TEST(IcpTargets, SkipsNoQueryPortZeroDeniedAndDeadPeers) {
  SelectionInput in;
  in.peers = {parent(), sibling(), parent(), denied(parent()), dead(sibling()), dead(parent())};
  std::vector<IcpEligibility> e = {{true, false, false}, {true, false, false}, {true, true, false},
                                   {true, false, false}, {true, false, false}, {true, false, true}};
  EXPECT_EQ(icp_targets(in, e), (std::vector<size_t>{0, 1, 5}));
  e[0].has_icp_port = false;
  EXPECT_EQ(icp_targets(in, e), (std::vector<size_t>{1, 5}));
}

TEST(IcpTargets, NonHierarchicalRequestsQueryNoSiblingsAndOnlyWithNeverDirect) {
  SelectionInput in;
  in.hierarchical = false;
  in.peers = {parent(), sibling()};
  std::vector<IcpEligibility> e(2, {true, false, false});
  EXPECT_TRUE(icp_targets(in, e).empty());
  in.never_direct = true;
  EXPECT_EQ(icp_targets(in, e), (std::vector<size_t>{0}));
}

TEST(IcpTargets, AlwaysDirectQueriesNobody) {
  SelectionInput in;
  in.always_direct = true;
  in.peers = {parent()};
  EXPECT_TRUE(icp_targets(in, {{true, false, false}}).empty());
}

}  // namespace peer_selection_test
}  // namespace cuttle::peers
