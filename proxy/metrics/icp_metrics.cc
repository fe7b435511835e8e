#include "proxy/metrics/icp_metrics.h"

#include "icp/client.h"
#include "icp/counters.h"
#include "proxy/metrics/exposition.h"

namespace cuttle {

using prometheus::MetricType;

void add_icp_server_families(const icp::Counters& c, std::vector<prometheus::MetricFamily>& out) {
  auto received = make_family("cuttle_icp_queries_received_total", "ICP queries received, by the answer given",
                              MetricType::Counter);
  add_value(received, double(c.hits.load()), {{"answer", "HIT"}});
  add_value(received, double(c.misses.load()), {{"answer", "MISS"}});
  add_value(received, double(c.misses_nofetch.load()), {{"answer", "MISS_NOFETCH"}});
  add_value(received, double(c.denied.load()), {{"answer", "DENIED"}});
  out.push_back(std::move(received));
  auto invalid = make_family("cuttle_icp_invalid_datagrams_total", "Malformed ICP datagrams received",
                             MetricType::Counter);
  add_value(invalid, double(c.errors.load()));
  out.push_back(std::move(invalid));
  auto dropped = make_family("cuttle_icp_dropped_datagrams_total",
                             "ICP datagrams given no reply (malformed, rate-limited, unexpected)", MetricType::Counter);
  add_value(dropped, double(c.dropped.load()));
  out.push_back(std::move(dropped));
}

void add_icp_client_families(const icp::ClientCounters& c, std::vector<prometheus::MetricFamily>& out) {
  auto sent = make_family("cuttle_icp_queries_sent_total", "ICP queries sent to peers (one per peer asked)",
                          MetricType::Counter);
  add_value(sent, double(c.queries_sent.load()));
  out.push_back(std::move(sent));
  auto timeouts = make_family("cuttle_icp_query_timeouts_total",
                              "ICP queries whose wait ended at the timeout with peers' answers missing",
                              MetricType::Counter);
  add_value(timeouts, double(c.timeouts.load()));
  out.push_back(std::move(timeouts));
  auto unmatched = make_family("cuttle_icp_unmatched_replies_total",
                               "ICP replies that answered no pending query (late, duplicate, unknown peer)",
                               MetricType::Counter);
  add_value(unmatched, double(c.replies_unmatched.load()));
  out.push_back(std::move(unmatched));

  auto rtt = make_family("cuttle_icp_reply_rtt_seconds", "Time from sending an ICP query to each peer's reply",
                         MetricType::Histogram);
  std::vector<double> bounds;
  for (auto us : icp::RttHistogram::kBoundsUs) bounds.push_back(us / 1e6);
  std::vector<uint64_t> counts;
  for (const auto& b : c.reply_rtt.buckets) counts.push_back(b.load());
  add_histogram(rtt, bounds, counts, double(c.reply_rtt.sum_us.load()) / 1e6);
  out.push_back(std::move(rtt));
}

}  // namespace cuttle
