// cuttle asking siblings over ICP: a real squid 5.7 that holds an object answers
// HIT and cuttle fetches it from squid (SIBLING_HIT, the origin asked once); a
// sibling that never answers costs at most the ICP timeout, then is passed over.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/icp_probe.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <thread>

namespace cuttle::testing {
namespace peers_icp_test {

using namespace std::chrono_literals;

size_t requests_for(const OriginServer& origin, const std::string& path) {
  size_t n = 0;
  for (const auto& r : origin.requests()) n += r.target == path;
  return n;
}

TEST(PeersIcp, CuttleFetchesFromASquidSiblingThatHasTheObject) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "object " + req.target;
    // A Date, as real origins send: without one squid stores the object but never answers ICP_HIT for it.
    r.headers = {{"Cache-Control", "max-age=3600"},
                 {"Content-Type", "text/plain"},
                 {"Date", http_date(std::chrono::system_clock::now())}};
    return r;
  });
  const unsigned short squid_icp = free_port();
  SquidProcess squid("icp_port " + std::to_string(squid_icp) + "\nicp_access allow localhost\nicp_access deny all\n");
  const std::string url = origin.url("/shared");
  Response res;
  for (int i = 0; i < 50; ++i) {  // a fresh squid may fail its first request
    res = proxy_get(squid.port(), url);
    if (res.result_int() == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(res.result_int(), 200) << res;
  ASSERT_EQ(requests_for(origin, "/shared"), 1u);
  // Squid answers ICP_MISS for a moment after storing (observed: 80 ms later);
  // wait (at most 5 s) until it would answer HIT, as a settled sibling does.
  std::optional<icp::Opcode> answer;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  for (uint32_t n = 1; answer != icp::Opcode::Hit && std::chrono::steady_clock::now() < deadline; ++n) {
    answer = icp_ask(squid_icp, url, n);
    if (answer != icp::Opcode::Hit) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(answer, icp::Opcode::Hit) << "squid never reported the object over ICP";

  CuttleProcess cuttle("icp_port " + std::to_string(free_port()) + "\ncache_peer 127.0.0.1 sibling " +
                       std::to_string(squid.port()) + " " + std::to_string(squid_icp) + " no-digest\n");
  res = proxy_get(cuttle.port(), url);
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_EQ(res.body(), "object /shared");
  auto line = cuttle.access_log_line_with("/shared");
  std::string squid_log;
  for (const auto& l : squid.access_log_lines(3)) squid_log += l + "\n";
  EXPECT_NE(line.find(" SIBLING_HIT/127.0.0.1 "), std::string::npos) << line << "\nsquid:\n" << squid_log
                                                                      << cuttle.output();
  EXPECT_EQ(requests_for(origin, "/shared"), 1u) << "the object came from squid's cache, not the origin";
  // Squid logs its ICP answers too: wait for the HTTP hit itself (TCP_HIT or TCP_MEM_HIT).
  EXPECT_FALSE(squid.access_log_line_with("_HIT/200").empty()) << "squid should have served cuttle from its cache";

  // A URL squid does not hold: squid answers MISS, and a sibling never fetches for us.
  res = proxy_get(cuttle.port(), origin.url("/other"));
  ASSERT_EQ(res.result_int(), 200) << res;
  line = cuttle.access_log_line_with("/other");
  EXPECT_NE(line.find(" HIER_DIRECT/127.0.0.1 "), std::string::npos) << line;
  EXPECT_EQ(line.find("TIMEOUT_"), std::string::npos) << "squid answered in time: " << line;
}

TEST(PeersIcp, ASilentSiblingCostsAtMostTheTimeoutAndIsThenSkipped) {
  OriginServer origin;
  CuttleProcess cuttle("icp_port " + std::to_string(free_port()) + "\ncache_peer 127.0.0.1 sibling " +
                       std::to_string(free_port()) + " " + std::to_string(free_port()) +
                       " no-digest\nicp_query_timeout 300\ndead_peer_timeout 1 second\n");
  auto start = std::chrono::steady_clock::now();
  auto res = proxy_get(cuttle.port(), origin.url("/first"));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_GE(took, 250ms) << "cuttle should have waited for the sibling's ICP reply";
  EXPECT_LT(took, 2s);
  auto line = cuttle.access_log_line_with("/first");
  EXPECT_NE(line.find(" TIMEOUT_HIER_DIRECT/127.0.0.1 "), std::string::npos) << line;

  // After dead_peer_timeout without a reply the sibling is not asked (until its next ping).
  std::this_thread::sleep_for(1100ms);
  start = std::chrono::steady_clock::now();
  res = proxy_get(cuttle.port(), origin.url("/later"));
  took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_LT(took, 250ms);
  line = cuttle.access_log_line_with("/later");
  EXPECT_NE(line.find(" HIER_DIRECT/127.0.0.1 "), std::string::npos) << line;
  EXPECT_EQ(line.find("TIMEOUT_"), std::string::npos) << line;
}

}  // namespace peers_icp_test
}  // namespace cuttle::testing
