// Counting open connections per cache_peer for max-conn (Squid's conn_open and
// peerCanOpenMore / peerHasConnAvailable in src/neighbors.cc).
#include "proxy/peers/peer_connections.h"

#include <gtest/gtest.h>

#include <optional>

namespace cuttle::peers {
namespace peer_connections_test {

TEST(PeerConnections, ASlotCountsUntilItIsGone) {
  PeerConnections connections;
  EXPECT_EQ(connections.count("p"), 0u);
  std::optional<PeerConnections::Slot> a(connections.open("p"));
  auto b = connections.open("p");
  auto other = connections.open("q");
  EXPECT_EQ(connections.count("p"), 2u);
  EXPECT_EQ(connections.count("q"), 1u);
  a.reset();
  EXPECT_EQ(connections.count("p"), 1u);
  PeerConnections::Slot moved = std::move(b);  // a connection handed on still counts once
  EXPECT_EQ(connections.count("p"), 1u);
  moved = PeerConnections::Slot();
  EXPECT_EQ(connections.count("p"), 0u);
}

TEST(PeerConnections, MaxConnAllowsBelowTheLimitOrWithAnIdleConnectionAtHand) {
  EXPECT_TRUE(may_use_connection(5, 0, false)) << "0: no limit";
  EXPECT_TRUE(may_use_connection(0, 1, false));
  EXPECT_FALSE(may_use_connection(1, 1, false));
  EXPECT_TRUE(may_use_connection(1, 1, true)) << "reusing an idle connection opens none";
  EXPECT_FALSE(may_use_connection(3, 2, false));
}

}  // namespace peer_connections_test
}  // namespace cuttle::peers
