// The Prometheus families behind issue 7's figures, read back from the text
// exposition: revalidations by result code, per-peer and CARP counters, peers'
// up state from PeerHealth, and the ICP client's queries, timeouts and RTTs.
#include "icp/client.h"
#include "proxy/metrics/proxy_metrics.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cuttle {
namespace proxy_metrics_test {

using namespace std::chrono_literals;

// The value of the exposition line for exactly `series`, or -1 when absent.
double sample(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

AccessLogEntry entry(std::string_view result_code, unsigned status = 200) {
  AccessLogEntry e;
  auto code = result_code_named(result_code);
  EXPECT_TRUE(code) << result_code;
  e.result = code.value_or(ResultCode::None);
  e.status = status;
  e.method = "GET";
  return e;
}

TEST(ProxyMetrics, RevalidationsAreCountedByTheirResultCode) {
  ProxyMetrics metrics;
  for (auto code : {"TCP_REFRESH_UNMODIFIED", "TCP_REFRESH_UNMODIFIED", "TCP_REFRESH_MODIFIED",
                    "TCP_REFRESH_FAIL_OLD", "TCP_HIT", "TCP_MISS"})
    metrics.record(entry(code));
  metrics.record(entry("TCP_REFRESH_FAIL_ERR", 502));
  auto text = metrics.scrape({});
  EXPECT_EQ(sample(text, R"(cuttle_revalidations_total{result="TCP_REFRESH_UNMODIFIED"})"), 2) << text;
  EXPECT_EQ(sample(text, R"(cuttle_revalidations_total{result="TCP_REFRESH_MODIFIED"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_revalidations_total{result="TCP_REFRESH_FAIL_OLD"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_revalidations_total{result="TCP_REFRESH_FAIL_ERR"})"), 1);
}

TEST(ProxyMetrics, PeerAttemptsAreCountedPerPeerAndCarpMember) {
  ProxyMetrics metrics;
  metrics.peers().attempt("parent1", {Hierarchy::Carp}, false);
  metrics.peers().attempt("parent1", {Hierarchy::Carp}, true);
  metrics.peers().attempt("parent2", {Hierarchy::FirstupParent}, true);
  metrics.peers().attempt("sib", {Hierarchy::SiblingHit}, false);
  auto text = metrics.scrape({});
  EXPECT_EQ(sample(text, R"(cuttle_peer_requests_total{peer="parent1"})"), 2) << text;
  EXPECT_EQ(sample(text, R"(cuttle_peer_failures_total{peer="parent1"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_carp_requests_total{member="parent1"})"), 2);
  EXPECT_EQ(sample(text, R"(cuttle_peer_requests_total{peer="parent2"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_peer_failures_total{peer="parent2"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_carp_requests_total{member="parent2"})"), -1) << "not a CARP request";
  EXPECT_EQ(sample(text, R"(cuttle_peer_failures_total{peer="sib"})"), 0);
}

CachePeerConfig peer(std::string name, uint16_t icp_port, bool no_query = false) {
  CachePeerConfig p;
  p.name = p.host = std::move(name);
  p.type = "parent";
  p.http_port = 3128;
  p.icp_port = icp_port;
  p.no_query = no_query;
  return p;
}

TEST(PeerUp, DownAfterAFailedConnectOrWhenIcpGoesUnansweredForDeadPeerTimeout) {
  Config config;
  config.icp.dead_peer_timeout = 10s;
  config.cache_peers = {peer("fine", 3130), peer("refused", 0), peer("silent", 3130), peer("unasked", 3130, true)};
  std::ostringstream log;
  peers::PeerHealth health(&log);
  const auto t0 = peers::PeerHealth::Clock::now();
  health.connect_failed("refused", "Parent", t0);
  health.icp_queried("silent", "Parent", t0, config.icp.dead_peer_timeout);
  health.icp_queried("unasked", "Parent", t0, config.icp.dead_peer_timeout);
  health.icp_queried("fine", "Parent", t0, config.icp.dead_peer_timeout);
  health.icp_replied("fine", "Parent", 3ms);

  const auto later = t0 + 11s;  // past dead_peer_timeout, and past any retry allowance
  ProxyMetrics metrics;
  ScrapeSources sources;
  sources.peers = peers_up(config, health, /*icp_on=*/true, later);
  auto text = metrics.scrape(sources);
  EXPECT_EQ(sample(text, R"(cuttle_peer_up{peer="fine"})"), 1) << text;
  EXPECT_EQ(sample(text, R"(cuttle_peer_up{peer="refused"})"), 0) << "down until a connect succeeds";
  EXPECT_EQ(sample(text, R"(cuttle_peer_up{peer="silent"})"), 0);
  EXPECT_EQ(sample(text, R"(cuttle_peer_up{peer="unasked"})"), 1) << "no-query: ICP silence says nothing";
  // Without an ICP socket nobody is asked, so ICP silence marks nobody down.
  sources.peers = peers_up(config, health, false, later);
  EXPECT_EQ(sample(metrics.scrape(sources), R"(cuttle_peer_up{peer="silent"})"), 1);
  health.connect_succeeded("refused", "Parent");
  sources.peers = peers_up(config, health, true, later);
  EXPECT_EQ(sample(metrics.scrape(sources), R"(cuttle_peer_up{peer="refused"})"), 1);
}

TEST(IcpClientMetrics, QueriesTimeoutsAndReplyRttHistogram) {
  icp::ClientCounters c;
  c.queries_sent += 5;
  ++c.timeouts;
  ++c.replies_unmatched;
  c.reply_rtt.observe(200us);   // first bucket (≤ 250 µs)
  c.reply_rtt.observe(3ms);     // ≤ 5 ms
  c.reply_rtt.observe(2500ms);  // above every bound
  ScrapeSources sources;
  sources.icp_client = &c;
  auto text = ProxyMetrics().scrape(sources);
  EXPECT_EQ(sample(text, "cuttle_icp_queries_sent_total"), 5) << text;
  EXPECT_EQ(sample(text, "cuttle_icp_query_timeouts_total"), 1);
  EXPECT_EQ(sample(text, "cuttle_icp_unmatched_replies_total"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_icp_reply_rtt_seconds_bucket{le="0.00025"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_icp_reply_rtt_seconds_bucket{le="0.0025"})"), 1);
  EXPECT_EQ(sample(text, R"(cuttle_icp_reply_rtt_seconds_bucket{le="0.005"})"), 2);
  EXPECT_EQ(sample(text, R"(cuttle_icp_reply_rtt_seconds_bucket{le="2"})"), 2);
  EXPECT_EQ(sample(text, R"(cuttle_icp_reply_rtt_seconds_bucket{le="+Inf"})"), 3);
  EXPECT_EQ(sample(text, "cuttle_icp_reply_rtt_seconds_count"), 3);
  EXPECT_NEAR(sample(text, "cuttle_icp_reply_rtt_seconds_sum"), 2.5032, 1e-9);
}

}  // namespace proxy_metrics_test
}  // namespace cuttle
