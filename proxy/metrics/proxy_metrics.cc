#include "proxy/metrics/proxy_metrics.h"

#include "proxy/metrics/exposition.h"
#include "proxy/metrics/icp_metrics.h"
#include "store/object_cache.h"

#include <prometheus/text_serializer.h>

#include <dirent.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <sstream>

namespace cuttle {
namespace {

constexpr std::array<ResultClass, 5> kResultClasses = {ResultClass::Hit, ResultClass::Miss, ResultClass::Error,
                                                       ResultClass::Denied, ResultClass::Tunnel};
// The result codes of a revalidation with the origin.
constexpr std::array<ResultCode, 4> kRevalidationResults = {ResultCode::TcpRefreshUnmodified,
                                                            ResultCode::TcpRefreshModified,
                                                            ResultCode::TcpRefreshFailOld, ResultCode::TcpRefreshFailErr};

size_t class_index(ResultClass c) {
  for (size_t i = 0; i < kResultClasses.size(); ++i)
    if (kResultClasses[i] == c) return i;
  return 1;
}

// Resident memory, CPU time and open descriptors of this process (Prometheus'
// standard process_* names).
void add_process_metrics(std::vector<prometheus::MetricFamily>& out) {
  long page = sysconf(_SC_PAGESIZE), ticks = sysconf(_SC_CLK_TCK);
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (statm >> size >> resident) {
    auto f = make_family("process_resident_memory_bytes", "Resident memory size in bytes.",
                         prometheus::MetricType::Gauge);
    add_value(f, double(resident) * page);
    out.push_back(std::move(f));
  }
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  auto close = text.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    auto f = make_family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                         prometheus::MetricType::Counter);
    add_value(f, double(utime + stime) / ticks);
    out.push_back(std::move(f));
  }
  if (DIR* dir = opendir("/proc/self/fd")) {
    size_t n = 0;
    while (auto* e = readdir(dir)) n += e->d_name[0] != '.';
    closedir(dir);
    auto f = make_family("process_open_fds", "Number of open file descriptors.", prometheus::MetricType::Gauge);
    add_value(f, double(n > 0 ? n - 1 : 0));  // less the one reading the directory
    out.push_back(std::move(f));
  }
}

}  // namespace

const char* method_class(std::string_view method) {
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "PURGE", "OPTIONS"})
    if (method == m) return m;
  return "other";
}

ProxyMetrics::ProxyMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("cuttle_requests_total")
                    .Help("Client requests answered, by access.log result code and method")
                    .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("cuttle_request_duration_seconds")
                     .Help("Time from request to the end of the reply, by result class")
                     .Register(*registry_)),
      client_bytes_(prometheus::BuildCounter()
                        .Name("cuttle_client_sent_bytes_total")
                        .Help("Bytes sent to clients (headers and bodies), by source: cache or upstream")
                        .Register(*registry_)),
      reloads_(prometheus::BuildCounter()
                   .Name("cuttle_config_reloads_total")
                   .Help("Configuration reloads (SIGHUP / -k reconfigure), by outcome")
                   .Register(*registry_)),
      revalidations_(prometheus::BuildCounter()
                         .Name("cuttle_revalidations_total")
                         .Help("Stale objects revalidated with the origin for a client, by access.log result code")
                         .Register(*registry_)),
      intercepted_(prometheus::BuildCounter()
                       .Name("cuttle_intercepted_connections_total")
                       .Help("Connections accepted on intercept ports, by outcome of the NAT lookup")
                       .Register(*registry_)),
      host_forgeries_(prometheus::BuildCounter()
                          .Name("cuttle_host_forgeries_total")
                          .Help("Requests whose Host failed verification (host_verify_strict), by action")
                          .Register(*registry_)),
      ssl_bump_decisions_(prometheus::BuildCounter()
                              .Name("cuttle_ssl_bump_decisions_total")
                              .Help("ssl_bump actions taken on CONNECT tunnels, by SslBump step and action")
                              .Register(*registry_)),
      bump_certificates_(prometheus::BuildCounter()
                             .Name("cuttle_ssl_bump_certificates_total")
                             .Help("Certificates shown to bumped clients, by where they came from: the worker's "
                                   "cache, or made for the connection")
                             .Register(*registry_)),
      peers_(*registry_) {
  const prometheus::Histogram::BucketBoundaries buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  for (size_t i = 0; i < kResultClasses.size(); ++i)
    duration_by_class_[i] = &durations_.Add({{"class", std::string(class_name(kResultClasses[i]))}}, buckets);
  bytes_by_source_[0] = &client_bytes_.Add({{"source", "cache"}});
  bytes_by_source_[1] = &client_bytes_.Add({{"source", "upstream"}});
  reloads_.Add({{"outcome", "ok"}});
  reloads_.Add({{"outcome", "error"}});
  intercepted_.Add({{"outcome", "original_destination"}});
  intercepted_.Add({{"outcome", "no_nat_record"}});
  host_forgeries_.Add({{"action", "sent_to_original_destination"}});
  host_forgeries_.Add({{"action", "refused"}});
  for (size_t i = 0; i < kRevalidationResults.size(); ++i)
    revalidation_by_result_[i] = &revalidations_.Add({{"result", std::string(squid_name(kRevalidationResults[i]))}});
}

prometheus::Counter& ProxyMetrics::request_counter(const std::string& result, const char* method) {
  std::string key = result;
  key += '\n';
  key += method;
  std::lock_guard lock(mutex_);
  auto& slot = request_counters_[key];
  if (!slot) slot = &requests_.Add({{"result", result}, {"method", method}});
  return *slot;
}

void ProxyMetrics::record(const AccessLogEntry& entry) {
  std::string result(squid_name(entry.result));
  result += squid_name(entry.result_suffix);
  request_counter(result, method_class(entry.method)).Increment();
  const ResultClass c = result_class(entry.result, entry.status);
  duration_by_class_[class_index(c)]->Observe(std::chrono::duration<double>(entry.elapsed).count());
  const bool hit = c == ResultClass::Hit;
  bytes_by_source_[hit ? 0 : 1]->Increment(double(entry.reply_bytes));
  requests_total_.fetch_add(1, std::memory_order_relaxed);
  bytes_total_.fetch_add(entry.reply_bytes, std::memory_order_relaxed);
  if (hit) {
    hits_total_.fetch_add(1, std::memory_order_relaxed);
    hit_bytes_total_.fetch_add(entry.reply_bytes, std::memory_order_relaxed);
  }
  if (c == ResultClass::Error) errors_total_.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < kRevalidationResults.size(); ++i)
    if (entry.result == kRevalidationResults[i]) revalidation_by_result_[i]->Increment();
}

ProxyMetrics::Totals ProxyMetrics::totals() const {
  return {requests_total_.load(), hits_total_.load(), errors_total_.load(), bytes_total_.load(),
          hit_bytes_total_.load()};
}

void ProxyMetrics::config_reload(bool ok) { reloads_.Add({{"outcome", ok ? "ok" : "error"}}).Increment(); }

void ProxyMetrics::intercepted_connection(bool has_original_destination) {
  intercepted_.Add({{"outcome", has_original_destination ? "original_destination" : "no_nat_record"}}).Increment();
}

void ProxyMetrics::ssl_bump_decision(std::string_view action, int step) {
  ssl_bump_decisions_.Add({{"step", "SslBump" + std::to_string(step)}, {"action", std::string(action)}}).Increment();
}

void ProxyMetrics::bump_certificate(bool cached) {
  bump_certificates_.Add({{"source", cached ? "cache" : "made"}}).Increment();
}

void ProxyMetrics::host_forgery(bool refused) {
  host_forgeries_.Add({{"action", refused ? "refused" : "sent_to_original_destination"}}).Increment();
}

std::string ProxyMetrics::scrape(const ScrapeSources& sources) const {
  auto families = registry_->Collect();
  using prometheus::MetricType;
  if (sources.store) {
    auto s = sources.store->stats();
    for (auto [name, help, value, type] :
         {std::tuple{"cuttle_store_objects", "Objects (and Vary markers) in the store", double(s.objects),
                     MetricType::Gauge},
          std::tuple{"cuttle_store_bytes", "Bytes stored (keys and values)", double(s.bytes), MetricType::Gauge},
          std::tuple{"cuttle_store_capacity_bytes", "cache_dir size limit", double(s.capacity), MetricType::Gauge},
          std::tuple{"cuttle_store_evictions_total", "Objects evicted to stay under the size limit since start",
                     double(s.evictions), MetricType::Counter},
          std::tuple{"cuttle_store_map_used_bytes", "LMDB map pages in use", double(s.map_used), MetricType::Gauge},
          std::tuple{"cuttle_store_map_size_bytes", "LMDB map size", double(s.map_size), MetricType::Gauge}}) {
      auto f = make_family(name, help, type);
      add_value(f, value);
      families.push_back(std::move(f));
    }
  }
  if (sources.icp) add_icp_server_families(*sources.icp, families);
  if (sources.icp_client) add_icp_client_families(*sources.icp_client, families);
  if (!sources.peers.empty()) add_peer_up_family(sources.peers, families);
  helpers_.add_families(families);
  auto collapsed = make_family("cuttle_collapsed_fetches_in_flight",
                               "URLs being fetched with other requests waiting", MetricType::Gauge);
  add_value(collapsed, double(sources.collapsed_in_flight));
  families.push_back(std::move(collapsed));
  add_process_metrics(families);
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace cuttle
