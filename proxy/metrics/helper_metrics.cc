#include "proxy/metrics/helper_metrics.h"

#include "proxy/metrics/exposition.h"

namespace cuttle {

HelperCounters& HelperMetrics::counters(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto& slot = by_name_[name];
  if (!slot) slot = std::make_unique<HelperCounters>();
  return *slot;
}

std::vector<std::pair<std::string, const HelperCounters*>> HelperMetrics::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, const HelperCounters*>> out;
  for (const auto& [name, counters] : by_name_) out.emplace_back(name, counters.get());
  return out;
}

void HelperMetrics::add_families(std::vector<prometheus::MetricFamily>& families) const {
  const auto helpers = all();
  if (helpers.empty()) return;
  using prometheus::MetricType;
  struct Field {
    const char* name;
    const char* help;
    MetricType type;
    double (*read)(const HelperCounters&);
  };
  static const Field kFields[] = {
      {"cuttle_helper_requests_total", "Requests asked of helper processes.", MetricType::Counter,
       [](const HelperCounters& c) { return double(c.requests.load()); }},
      {"cuttle_helper_replies_total", "Reply lines helper processes sent.", MetricType::Counter,
       [](const HelperCounters& c) { return double(c.replies.load()); }},
      {"cuttle_helper_timeouts_total", "Requests a helper did not answer within helper_timeout.", MetricType::Counter,
       [](const HelperCounters& c) { return double(c.timeouts.load()); }},
      {"cuttle_helper_failures_total", "Requests lost with a helper that died, or refused by an overloaded pool.",
       MetricType::Counter, [](const HelperCounters& c) { return double(c.failures.load()); }},
      {"cuttle_helper_processes_started_total", "Helper processes started (first ones and replacements).",
       MetricType::Counter, [](const HelperCounters& c) { return double(c.started.load()); }},
      {"cuttle_helper_processes", "Helper processes running.", MetricType::Gauge,
       [](const HelperCounters& c) { return double(c.running.load()); }},
      {"cuttle_helper_queue_length", "Requests waiting for a free helper process.", MetricType::Gauge,
       [](const HelperCounters& c) { return double(c.queued.load()); }},
  };
  for (const auto& field : kFields) {
    auto family = make_family(field.name, field.help, field.type);
    for (const auto& [name, counters] : helpers) add_value(family, field.read(*counters), {{"helper", name}});
    families.push_back(std::move(family));
  }
}

}  // namespace cuttle
