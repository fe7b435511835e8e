// cuttle's Prometheus metrics (prometheus-cpp): counters and histograms updated
// as transactions finish, plus figures read at scrape time (store, ICP, process).
// Label values are kept few: access.log result codes and a method class.
#pragma once

#include "proxy/log/access_log_line.h"
#include "proxy/metrics/helper_metrics.h"
#include "proxy/metrics/peer_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cuttle {

namespace store {
class ObjectCache;
}
namespace icp {
struct Counters;
struct ClientCounters;
}  // namespace icp

// What a scrape reads besides the registry; any may be null.
struct ScrapeSources {
  const store::ObjectCache* store = nullptr;
  const icp::Counters* icp = nullptr;
  const icp::ClientCounters* icp_client = nullptr;
  size_t collapsed_in_flight = 0;
  std::vector<PeerUp> peers;
};

class ProxyMetrics {
 public:
  ProxyMetrics();

  // One finished transaction, as access.log records it. Any thread.
  void record(const AccessLogEntry& entry);
  void config_reload(bool ok);
  // A connection accepted on an intercept port: with a NAT record, or closed without.
  void intercepted_connection(bool has_original_destination);
  // An intercepted request whose Host does not lead to where the client sent it.
  void host_forgery(bool refused);
  // An ssl_bump decision: "splice", "peek", "terminate" or "bump" at step 1-3.
  void ssl_bump_decision(std::string_view action, int step);
  // A certificate SslBump showed a client: found in the worker's cache, or made.
  void bump_certificate(bool cached);
  PeerMetrics& peers() { return peers_; }
  HelperMetrics& helpers() { return helpers_; }

  // Running totals for the cache manager's reports (mgr:info, mgr:counters).
  struct Totals {
    uint64_t requests = 0, hits = 0, errors = 0, bytes_out = 0, hit_bytes_out = 0;
  };
  Totals totals() const;

  // The text exposition format (version 0.0.4).
  std::string scrape(const ScrapeSources& sources) const;

 private:
  prometheus::Counter& request_counter(const std::string& result, const char* method_class);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Counter>& client_bytes_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Family<prometheus::Counter>& revalidations_;
  prometheus::Family<prometheus::Counter>& intercepted_;
  prometheus::Family<prometheus::Counter>& host_forgeries_;
  prometheus::Family<prometheus::Counter>& ssl_bump_decisions_;
  prometheus::Family<prometheus::Counter>& bump_certificates_;
  PeerMetrics peers_;
  HelperMetrics helpers_;
  std::mutex mutex_;
  // (result, method class) -> its counter: Family::Add hashes every label each call.
  std::unordered_map<std::string, prometheus::Counter*> request_counters_;
  prometheus::Histogram* duration_by_class_[5] = {};
  prometheus::Counter* bytes_by_source_[2] = {};
  prometheus::Counter* revalidation_by_result_[4] = {};
  std::atomic<uint64_t> requests_total_{0}, hits_total_{0}, errors_total_{0}, bytes_total_{0}, hit_bytes_total_{0};
};

// GET, HEAD, POST, PUT, DELETE, CONNECT, PURGE, or "other".
const char* method_class(std::string_view method);

}  // namespace cuttle
