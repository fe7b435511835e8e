// How cuttle reads ICP replies, against scripted ICP peers on loopback: peers are
// asked only for what is not a hit of cuttle's own cache, the first HIT ends the wait (a silent sibling costs nothing then), a peer slower
// than the HIT still counts as alive, and a parent MISS carrying the origin RTT
// (ICP_FLAG_SRC_RTT) decides CLOSEST_PARENT_MISS when query_icmp is on.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/icp_peer.h"
#include "tests/support/origin_server.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace cuttle::testing {
namespace peers_icp_replies_test {

using namespace std::chrono_literals;

// A peer's HTTP side: answers every (absolute-URI) request itself, naming itself.
OriginServer::Handler answering_as(std::string name) {
  return [name](const RecordedRequest& req) {
    OriginReply r;
    r.body = "from " + name + " " + req.target;
    r.headers = {{"Cache-Control", "max-age=3600"},
                 {"Content-Type", "text/plain"},
                 {"Date", http_date(std::chrono::system_clock::now())}};
    return r;
  };
}

std::string port_of(unsigned short p) { return std::to_string(p); }

TEST(PeersIcpReplies, TheFirstHitEndsTheWaitForASilentSibling) {
  OriginServer origin;
  OriginServer sibling_http(answering_as("sibling"));
  ScriptedIcpPeer hit(icp::Opcode::Hit);
  auto silent = ScriptedIcpPeer::silent();
  CuttleProcess cuttle("icp_port " + port_of(free_port()) + "\n" +
                       "cache_peer 127.0.0.1 sibling " + port_of(sibling_http.port()) + " " + port_of(hit.port()) +
                       " no-digest name=fast\n" +
                       "cache_peer 127.0.0.1 sibling " + port_of(free_port()) + " " + port_of(silent.port()) +
                       " no-digest name=silent\n" +
                       "icp_query_timeout 2000\n");
  const auto start = std::chrono::steady_clock::now();
  auto res = proxy_get(cuttle.port(), origin.url("/a"));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_EQ(res.body(), "from sibling " + origin.url("/a"));
  EXPECT_LT(took, 1000ms) << "the HIT should end a 2000 ms ICP wait";
  auto line = cuttle.access_log_line_with("/a ");
  EXPECT_NE(line.find(" SIBLING_HIT/127.0.0.1 "), std::string::npos) << line;
  EXPECT_EQ(line.find("TIMEOUT_"), std::string::npos) << "a HIT ended the wait, no timeout: " << line;
  EXPECT_EQ(silent.queries(), 1u) << "the silent sibling was asked too";
  EXPECT_TRUE(origin.requests().empty());
}

// SIGINT stops at once, with a query to a silent sibling still awaited: the
// unfinished coroutine is destroyed while the ICP client it waits in still exists
// (under AddressSanitizer this was a use after free, and a failing exit status).
TEST(PeersIcpReplies, StoppingWhileAnIcpQueryIsAwaitedExitsCleanly) {
  OriginServer origin;
  auto silent = ScriptedIcpPeer::silent();
  CuttleProcess cuttle("icp_port " + port_of(free_port()) + "\n" + "cache_peer 127.0.0.1 sibling " +
                       port_of(free_port()) + " " + port_of(silent.port()) + " no-digest name=silent\n" +
                       "icp_query_timeout 5000\n");
  RawConnection waiting(cuttle.port());
  waiting.send(request_text("GET", origin.url("/waits")));
  for (auto deadline = std::chrono::steady_clock::now() + 3s;
       silent.queries() == 0 && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(silent.queries(), 1u);
  EXPECT_EQ(cuttle.stop(SIGINT, 5s), 0) << cuttle.output();
  EXPECT_TRUE(origin.requests().empty());
}

// Squid selects peers only for a miss (FwdState starts peer selection): a fresh
// object in cuttle's own store is served without asking anyone.
TEST(PeersIcpReplies, AHitFromTheOwnStoreAsksNoPeer) {
  OriginServer origin(answering_as("origin"));
  ScriptedIcpPeer sibling(icp::Opcode::Miss);
  TempDir dir("icp-own-hit");
  CuttleProcess cuttle("cache_dir lmdb " + dir.file("cache") + " 16\n" + "icp_port " + port_of(free_port()) + "\n" +
                       "cache_peer 127.0.0.1 sibling " + port_of(free_port()) + " " + port_of(sibling.port()) +
                       " no-digest name=sib\n");
  auto miss = proxy_get(cuttle.port(), origin.url("/own"));
  ASSERT_EQ(miss.result_int(), 200) << miss;
  EXPECT_EQ(sibling.queries(), 1u) << "a miss asks the sibling";
  auto hit = proxy_get(cuttle.port(), origin.url("/own"));
  ASSERT_EQ(hit.result_int(), 200) << hit;
  EXPECT_EQ(hit["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(origin.requests().size(), 1u);
  std::this_thread::sleep_for(100ms);  // a query sent for the hit would have arrived by now
  EXPECT_EQ(sibling.queries(), 1u) << "the hit must not have asked the sibling";
}

TEST(PeersIcpReplies, ASiblingSlowerThanTheHitIsNotDeclaredDead) {
  OriginServer origin;
  OriginServer sibling_http(answering_as("sibling"));
  ScriptedIcpPeer hit(icp::Opcode::Hit);
  // Answers every query, 200 ms late: after the HIT ended each wait.
  ScriptedIcpPeer slow([](const icp::Message&) { return IcpAnswer{icp::Opcode::Miss, 0, 0, 200ms}; });
  CuttleProcess cuttle("icp_port " + port_of(free_port()) + "\n" +
                       "cache_peer 127.0.0.1 sibling " + port_of(sibling_http.port()) + " " + port_of(hit.port()) +
                       " no-digest name=fast\n" +
                       "cache_peer 127.0.0.1 sibling " + port_of(free_port()) + " " + port_of(slow.port()) +
                       " no-digest name=slow\n" +
                       "icp_query_timeout 2000\ndead_peer_timeout 1 second\n");
  // Queries over 1.5 s: past dead_peer_timeout since the first one went unanswered in time.
  for (int i = 0; i < 6; ++i) {
    auto res = proxy_get(cuttle.port(), origin.url("/r" + std::to_string(i)));
    ASSERT_EQ(res.result_int(), 200) << res;
    std::this_thread::sleep_for(300ms);
  }
  EXPECT_EQ(slow.queries(), 6u) << "a live sibling is asked every time";
  EXPECT_EQ(cuttle.output().find("Detected DEAD Sibling: slow"), std::string::npos) << cuttle.output();
}

// Answers MISS, with the RTT to the origin when the query asks for it (as Squid's
// doV2Query does when its netdb knows the origin).
ScriptedIcpPeer::Script miss_reporting(uint16_t origin_rtt_ms, std::chrono::milliseconds delay) {
  return [=](const icp::Message& query) {
    IcpAnswer a{icp::Opcode::Miss};
    if (query.options & icp::kFlagSrcRtt) {
      a.options = icp::kFlagSrcRtt;
      a.option_data = origin_rtt_ms;
    }
    a.delay = delay;
    return a;
  };
}

TEST(PeersIcpReplies, WithQueryIcmpTheParentClosestToTheOriginIsChosen) {
  OriginServer origin;
  OriginServer parent_a(answering_as("a"), "127.0.0.11"), parent_b(answering_as("b"), "127.0.0.12");
  // a answers first but is far from the origin; b answers 30 ms later and is close to it.
  ScriptedIcpPeer icp_a(miss_reporting(80, 0ms), "127.0.0.11");
  ScriptedIcpPeer icp_b(miss_reporting(5, 30ms), "127.0.0.12");
  const std::string peers = "cache_peer 127.0.0.11 parent " + port_of(parent_a.port()) + " " + port_of(icp_a.port()) +
                            " no-digest\ncache_peer 127.0.0.12 parent " + port_of(parent_b.port()) + " " +
                            port_of(icp_b.port()) + " no-digest\nicp_query_timeout 2000\n";
  {
    CuttleProcess cuttle("icp_port " + port_of(free_port()) + "\nquery_icmp on\n" + peers);
    auto res = proxy_get(cuttle.port(), origin.url("/near"));
    ASSERT_EQ(res.result_int(), 200) << res;
    EXPECT_EQ(res.body(), "from b " + origin.url("/near"));
    auto line = cuttle.access_log_line_with("/near ");
    EXPECT_NE(line.find(" CLOSEST_PARENT_MISS/127.0.0.12 "), std::string::npos) << line;
    ASSERT_EQ(icp_a.query_flags().size(), 1u);
    EXPECT_EQ(icp_a.query_flags()[0], icp::kFlagSrcRtt) << "query_icmp asks for the origin RTT";
  }
  {
    // Without query_icmp the RTT is neither asked for nor read: the first MISS wins.
    CuttleProcess cuttle("icp_port " + port_of(free_port()) + "\n" + peers);
    auto res = proxy_get(cuttle.port(), origin.url("/first"));
    ASSERT_EQ(res.result_int(), 200) << res;
    EXPECT_EQ(res.body(), "from a " + origin.url("/first"));
    auto line = cuttle.access_log_line_with("/first ");
    EXPECT_NE(line.find(" FIRST_PARENT_MISS/127.0.0.11 "), std::string::npos) << line;
    ASSERT_EQ(icp_b.query_flags().size(), 2u);
    EXPECT_EQ(icp_b.query_flags()[1], 0u);
  }
  EXPECT_TRUE(origin.requests().empty()) << "a parent MISS goes through the parent";
}

}  // namespace peers_icp_replies_test
}  // namespace cuttle::testing
