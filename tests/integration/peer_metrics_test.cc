// Per-peer and ICP client figures on /metrics with real peers: a squid 5.7
// sibling that answers ICP (HIT for an object it holds), a sibling that never
// answers, and a parent that refuses connections. The counters match what cuttle
// did, as its access.log shows it, and promtool accepts the exposition.
#include "proxy/http/http_date.h"
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/icp_probe.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace peer_metrics_test {

using namespace std::chrono_literals;

std::string scrape(unsigned short port) {
  RawConnection conn(port);
  conn.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  return conn.read_response().body();
}

// The value of the exposition line for exactly `series`, or -1 when absent.
double sample(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

TEST(PeerMetrics, IcpQueriesRttTimeoutsAndPerPeerCountsWithASquidSibling) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "object " + req.target;
    // A Date, as real origins send: without one squid never answers ICP_HIT.
    r.headers = {{"Cache-Control", "max-age=3600"}, {"Date", http_date(std::chrono::system_clock::now())}};
    return r;
  });
  const unsigned short squid_icp = free_port();
  SquidProcess squid("icp_port " + std::to_string(squid_icp) + "\nicp_access allow localhost\nicp_access deny all\n");
  const std::string shared = origin.url("/shared");
  Response res;
  for (int i = 0; i < 50; ++i) {  // a fresh squid may fail its first request
    res = proxy_get(squid.port(), shared);
    if (res.result_int() == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(res.result_int(), 200) << res;
  // Squid answers ICP_MISS for a moment after storing: wait (at most 5 s) for HIT.
  std::optional<icp::Opcode> answer;
  for (uint32_t n = 1, tries = 0; answer != icp::Opcode::Hit && tries < 100; ++n, ++tries) {
    answer = icp_ask(squid_icp, shared, n);
    if (answer != icp::Opcode::Hit) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(answer, icp::Opcode::Hit) << "squid never reported the object over ICP";

  const unsigned short metrics_port = free_port();
  CuttleProcess cuttle("icp_port " + std::to_string(free_port()) + "\nprometheus_port 127.0.0.1:" +
                       std::to_string(metrics_port) + "\ncache_peer 127.0.0.1 sibling " +
                       std::to_string(squid.port()) + " " + std::to_string(squid_icp) +
                       " no-digest name=squid\ncache_peer 127.0.0.1 sibling " + std::to_string(free_port()) + " " +
                       std::to_string(free_port()) + " no-digest name=silent\ncache_peer 127.0.0.1 parent " +
                       std::to_string(free_port()) + " 0 no-query name=refusing\n"
                       "icp_query_timeout 400\ndead_peer_timeout 2 seconds\n");

  // squid answers HIT: fetched from squid; the silent sibling costs the wait.
  res = proxy_get(cuttle.port(), shared);
  ASSERT_EQ(res.result_int(), 200) << res;
  auto line = cuttle.access_log_line_with("/shared");
  ASSERT_NE(line.find("SIBLING_HIT/127.0.0.1"), std::string::npos) << line;
  // squid answers MISS, the silent sibling nothing (the wait ends at the timeout);
  // the parent refuses the connection and the request goes DIRECT.
  res = proxy_get(cuttle.port(), origin.url("/other"));
  ASSERT_EQ(res.result_int(), 200) << res;
  line = cuttle.access_log_line_with("/other");
  ASSERT_NE(line.find("TIMEOUT_HIER_DIRECT/127.0.0.1"), std::string::npos) << line;

  auto text = scrape(metrics_port);
  EXPECT_EQ(sample(text, "cuttle_icp_queries_sent_total"), 4) << "two requests, two siblings asked\n" << text;
  EXPECT_EQ(sample(text, "cuttle_icp_reply_rtt_seconds_count"), 2) << "squid answered both, the silent one neither";
  EXPECT_GT(sample(text, "cuttle_icp_reply_rtt_seconds_sum"), 0);
  EXPECT_LT(sample(text, "cuttle_icp_reply_rtt_seconds_sum"), 0.8) << "each reply came within the 400 ms wait";
  EXPECT_GE(sample(text, "cuttle_icp_query_timeouts_total"), 1) << "the second query waited out its timeout";
  EXPECT_LE(sample(text, "cuttle_icp_query_timeouts_total"), 2);
  EXPECT_EQ(sample(text, R"(cuttle_peer_requests_total{peer="squid"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_peer_failures_total{peer="squid"})"), 0);
  EXPECT_EQ(sample(text, R"(cuttle_peer_requests_total{peer="refusing"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_peer_failures_total{peer="refusing"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_peer_requests_total{peer="silent"})"), -1) << "never sent a request";
  EXPECT_EQ(sample(text, R"(cuttle_peer_up{peer="squid"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_peer_up{peer="refusing"})"), 0) << "its connect failed";

  // Unanswered for dead_peer_timeout: the silent sibling is down.
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       sample(text, R"(cuttle_peer_up{peer="silent"})") != 0 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(100ms);
    text = scrape(metrics_port);
  }
  EXPECT_EQ(sample(text, R"(cuttle_peer_up{peer="silent"})"), 0) << text;
  EXPECT_EQ(sample(text, R"(cuttle_peer_up{peer="squid"})"), 1) << "squid answered its last query";

  TempDir dir;
  dir.write("metrics.txt", text);
  auto check = run_command({"sh", "-c", "promtool check metrics < " + dir.file("metrics.txt")});
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

}  // namespace peer_metrics_test
}  // namespace cuttle::testing
