// What goes to a peer (login=) and how a forwarding loop is recognised (Via), and
// the peer health bookkeeping behind "dead" and "revived".
#include "proxy/peers/peer_health.h"
#include "proxy/peers/peer_requests.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cuttle {
namespace peer_requests_test {

using namespace std::chrono_literals;

CachePeerConfig peer_with_login(std::string login) {
  CachePeerConfig peer;
  peer.login = std::move(login);
  return peer;
}

TEST(PeerCredentials, UserAndPasswordBecomeBasicCredentials) {
  // RFC 7617's example: Aladdin:open sesame.
  EXPECT_EQ(peer_credentials(peer_with_login("Aladdin:open sesame"), "Basic other"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(PeerCredentials, PassHandsOnTheClientsCredentials) {
  EXPECT_EQ(peer_credentials(peer_with_login("PASS"), "Basic dTpw"), "Basic dTpw");
  EXPECT_EQ(peer_credentials(peer_with_login("PASSTHRU"), "Basic dTpw"), "Basic dTpw");
  EXPECT_EQ(peer_credentials(peer_with_login("PASS"), ""), "");
}

TEST(PeerCredentials, NoLoginSendsNothing) {
  EXPECT_EQ(peer_credentials(peer_with_login(""), "Basic dTpw"), "");
  EXPECT_EQ(peer_credentials(peer_with_login("NEGOTIATE"), "Basic dTpw"), "");
}

TEST(ForwardingLoop, ViaWithThisCachesEntryIsALoop) {
  EXPECT_TRUE(via_names("1.1 cache1 (cuttle/0.1.0)", "cache1", "cuttle/0.1.0"));
  EXPECT_TRUE(via_names("1.0 front, 1.1 cache1:3128 (cuttle/0.1.0)", "cache1", "cuttle/0.1.0"));
}

TEST(ForwardingLoop, OtherCachesAreNot) {
  EXPECT_FALSE(via_names("", "cache1", "cuttle/0.1.0"));
  EXPECT_FALSE(via_names("1.1 cache10 (cuttle/0.1.0)", "cache1", "cuttle/0.1.0"));
  EXPECT_FALSE(via_names("1.1 my.cache1 (cuttle/0.1.0)", "cache1", "cuttle/0.1.0"));
  EXPECT_FALSE(via_names("1.1 other (cache1)", "cache1", "cuttle/0.1.0"));
  // A squid on the same host, named the same, is a different cache (squid's rule too).
  EXPECT_FALSE(via_names("1.1 cache1 (squid/5.7)", "cache1", "cuttle/0.1.0"));
  EXPECT_FALSE(via_names("1.1 cache1", "cache1", "cuttle/0.1.0"));
}

TEST(PeerHealth, AFailedConnectMarksDeadUntilTheRetryIsDue) {
  std::ostringstream log;
  peers::PeerHealth health(&log);
  const auto t0 = peers::PeerHealth::Clock::now();
  EXPECT_TRUE(health.tcp_usable("p", t0, 10s));
  health.connect_failed("p", "Parent", t0);
  EXPECT_FALSE(health.tcp_usable("p", t0 + 9s, 10s));
  EXPECT_TRUE(health.tcp_usable("p", t0 + 10s, 10s));
  health.connect_failed("p", "Parent", t0 + 10s);  // the retry failed: still dead, logged once
  EXPECT_FALSE(health.tcp_usable("p", t0 + 15s, 10s));
  health.connect_succeeded("p", "Parent");
  EXPECT_TRUE(health.tcp_usable("p", t0 + 15s, 10s));
  EXPECT_EQ(log.str(), "cuttle: Detected DEAD Parent: p\ncuttle: Detected REVIVED Parent: p\n");
}

TEST(PeerHealth, IcpSilenceForDeadPeerTimeoutIsDeathAndAReplyRevives) {
  std::ostringstream log;
  peers::PeerHealth health(&log);
  const auto t0 = peers::PeerHealth::Clock::now();
  health.icp_queried("s", "Sibling", t0, 10s);
  EXPECT_TRUE(health.icp_alive("s", t0 + 9s, 10s));
  EXPECT_FALSE(health.icp_alive("s", t0 + 10s, 10s));
  EXPECT_FALSE(health.due_for_ping("s", t0 + 9s, 10s));
  EXPECT_TRUE(health.due_for_ping("s", t0 + 10s, 10s));
  health.icp_queried("s", "Sibling", t0 + 10s, 10s);
  EXPECT_EQ(log.str(), "cuttle: Detected DEAD Sibling: s\n");
  health.icp_replied("s", "Sibling", 3ms);
  EXPECT_TRUE(health.icp_alive("s", t0 + 30s, 10s));
  EXPECT_EQ(health.icp_rtt("s"), 3ms);
  EXPECT_EQ(log.str(), "cuttle: Detected DEAD Sibling: s\ncuttle: Detected REVIVED Sibling: s\n");
}

TEST(PeerHealth, RoundRobinCountsPerPeer) {
  peers::PeerHealth health;
  health.count_round_robin("a");
  health.count_round_robin("a");
  EXPECT_EQ(health.round_robin_count("a"), 2u);
  EXPECT_EQ(health.round_robin_count("b"), 0u);
}

TEST(PeerRequests, AuthorizationGoesToAnOriginServerPeerOnlyWithLoginPass) {
  CachePeerConfig proxy;
  EXPECT_TRUE(passes_authorization(proxy));
  CachePeerConfig origin;
  origin.originserver = true;
  EXPECT_FALSE(passes_authorization(origin));
  for (auto login : {"PASS", "PASSTHRU", "PROXYPASS"}) {
    origin.login = login;
    EXPECT_TRUE(passes_authorization(origin)) << login;
  }
  origin.login = "user:secret";
  EXPECT_FALSE(passes_authorization(origin));
}

}  // namespace peer_requests_test
}  // namespace cuttle
