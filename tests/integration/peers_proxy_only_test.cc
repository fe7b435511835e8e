// cache_peer proxy-only: what cuttle fetches through such a peer is relayed to
// the client but never stored (Squid's HttpStateData releases the entry), so the
// next request goes to the peer again instead of being a TCP_HIT.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/icp_peer.h"
#include "tests/support/icp_probe.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <thread>

namespace cuttle::testing {
namespace peers_proxy_only_test {

using namespace std::chrono_literals;

// A sibling that holds everything: ICP HIT for every URL, and its HTTP side
// answers with a reply cuttle would normally store.
struct HitEverythingSibling {
  OriginServer http{[](const RecordedRequest& req) {
    OriginReply r;
    r.body = "from the sibling " + req.target;
    r.headers = {{"Cache-Control", "max-age=3600"},
                 {"Content-Type", "text/plain"},
                 {"Date", http_date(std::chrono::system_clock::now())}};
    return r;
  }};
  ScriptedIcpPeer icp{icp::Opcode::Hit};
  std::string cache_peer(const std::string& options) const {
    return "cache_peer 127.0.0.1 sibling " + std::to_string(http.port()) + " " + std::to_string(icp.port()) +
           " no-digest " + options + "\n";
  }
};

std::string cuttle_config(unsigned short icp_port, const TempDir& dir, const std::string& peer) {
  // A generous ICP timeout: under a loaded test machine the sibling's HIT must
  // still arrive in time (a timeout would send the request to the origin).
  return "icp_port " + std::to_string(icp_port) + "\nicp_access allow localhost\nicp_access deny all\n" +
         "icp_query_timeout 3000\n" +
         "cache_dir lmdb " + dir.file("cache") + " 64\n" + peer;
}


TEST(PeersProxyOnly, RepliesFromAProxyOnlySiblingAreNotStored) {
  OriginServer origin;
  HitEverythingSibling sibling;
  TempDir dir;
  const unsigned short icp_port = free_port();
  CuttleProcess cuttle(cuttle_config(icp_port, dir, sibling.cache_peer("proxy-only")));
  const std::string url = origin.url("/po");
  for (int i = 0; i < 2; ++i) {
    auto res = proxy_get(cuttle.port(), url);
    ASSERT_EQ(res.result_int(), 200) << res;
    EXPECT_EQ(res.body(), "from the sibling " + url);
    // Time for a store write to land, had there been one (the control below sees it within this).
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_EQ(icp_ask(icp_port, url, 99), icp::Opcode::Miss) << "cuttle must not hold the object";
  EXPECT_EQ(sibling.http.requests().size(), 2u) << "both requests went to the sibling";
  auto lines = cuttle.access_log_lines(2);
  size_t sibling_hits = 0;
  for (const auto& l : lines) {
    if (l.find(" GET " + url) == std::string::npos) continue;
    EXPECT_EQ(l.find("TCP_HIT"), std::string::npos) << l;
    sibling_hits += l.find(" SIBLING_HIT/127.0.0.1 ") != std::string::npos;
  }
  EXPECT_EQ(sibling_hits, 2u);
  EXPECT_TRUE(origin.requests().empty());
}

TEST(PeersProxyOnly, WithoutProxyOnlyTheSameReplyIsStoredAndHit) {
  // The control: the reply above is storable, so only proxy-only kept it out.
  OriginServer origin;
  HitEverythingSibling sibling;
  TempDir dir;
  const unsigned short icp_port = free_port();
  CuttleProcess cuttle(cuttle_config(icp_port, dir, sibling.cache_peer("")));
  const std::string url = origin.url("/stored");
  ASSERT_EQ(proxy_get(cuttle.port(), url).result_int(), 200);
  ASSERT_EQ(ask_until(icp_port, url, icp::Opcode::Hit), icp::Opcode::Hit) << "cuttle never stored the reply";
  auto res = proxy_get(cuttle.port(), url);
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_NE(cuttle.access_log_line_with(" TCP_HIT/200 "), "");
  EXPECT_EQ(sibling.http.requests().size(), 1u);
}

}  // namespace peers_proxy_only_test
}  // namespace cuttle::testing
