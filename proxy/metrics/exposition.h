// Building Prometheus families by hand for figures read at scrape time (store,
// ICP, peers): they live in other objects, not in the registry.
#pragma once

#include <prometheus/metric_family.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace cuttle {

using MetricLabels = std::vector<prometheus::ClientMetric::Label>;

inline prometheus::MetricFamily make_family(std::string name, std::string help, prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

// A counter or gauge sample, by the family's type.
inline void add_value(prometheus::MetricFamily& f, double value, MetricLabels labels = {}) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  if (f.type == prometheus::MetricType::Counter) m.counter.value = value;
  else m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

// A histogram sample from per-bucket (not cumulative) counts: counts[i] fell at
// or below bounds[i]; counts has one more entry, for those above every bound.
inline void add_histogram(prometheus::MetricFamily& f, const std::vector<double>& bounds,
                          const std::vector<uint64_t>& counts, double sum) {
  prometheus::ClientMetric m;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    prometheus::ClientMetric::Bucket b;
    b.cumulative_count = cumulative;
    b.upper_bound = i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back(b);
  }
  m.histogram.sample_count = cumulative;
  m.histogram.sample_sum = sum;
  f.metric.push_back(std::move(m));
}

}  // namespace cuttle
