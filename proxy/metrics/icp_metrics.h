// ICP families, read at scrape time from the counters the ICP socket's worker
// keeps: queries answered (the responder) and queries sent (the client).
#pragma once

#include <prometheus/metric_family.h>

#include <vector>

namespace cuttle {

namespace icp {
struct Counters;
struct ClientCounters;
}  // namespace icp

// cuttle_icp_queries_received_total{answer}, invalid and dropped datagrams.
void add_icp_server_families(const icp::Counters& counters, std::vector<prometheus::MetricFamily>& out);
// cuttle_icp_queries_sent_total, cuttle_icp_query_timeouts_total,
// cuttle_icp_reply_rtt_seconds, cuttle_icp_unmatched_replies_total.
void add_icp_client_families(const icp::ClientCounters& counters, std::vector<prometheus::MetricFamily>& out);

}  // namespace cuttle
