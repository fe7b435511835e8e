// Counts for each kind of helper (basicauthenticator, ...), summed over every
// worker's processes: what the cache manager (mgr:basicauthenticator) and
// Prometheus (cuttle_helper_*) report. Updated by the helper pools, any thread.
#pragma once

#include <prometheus/metric_family.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cuttle {

struct HelperCounters {
  std::atomic<uint64_t> requests{0};  // asked by the proxy (a BH asked again counts once)
  std::atomic<uint64_t> replies{0};   // lines the helpers answered
  std::atomic<uint64_t> timeouts{0};  // no answer in time
  std::atomic<uint64_t> failures{0};  // lost with a dying helper, or refused by an overloaded pool
  std::atomic<uint64_t> started{0};   // processes started
  std::atomic<int64_t> running{0};    // processes running now
  std::atomic<int64_t> queued{0};     // requests waiting for a free process now
};

class HelperMetrics {
 public:
  // The counters of the helpers called `name`, created at the first call; the
  // reference stays valid for the life of this object.
  HelperCounters& counters(const std::string& name);
  // name -> counters, for reports.
  std::vector<std::pair<std::string, const HelperCounters*>> all() const;
  // cuttle_helper_requests_total{helper=…} and its siblings.
  void add_families(std::vector<prometheus::MetricFamily>& families) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<HelperCounters>> by_name_;
};

}  // namespace cuttle
