// Squid's cache manager, the part squidclient and monitoring scripts use:
// `squidclient mgr:info` sends "GET cache_object://HOST/info", browsers and
// cachemgr.cgi use "/squid-internal-mgr/info". Plain-text reports in Squid's
// layout; access is http_access with the predefined `manager` ACL, as in Squid.
#pragma once

#include "proxy/metrics/proxy_metrics.h"
#include "store/object_store.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

// The action a request target asks for ("info", "counters", "menu"), or nothing
// when it is not a cache manager request.
std::optional<std::string> cache_manager_action(std::string_view target);

struct ManagerFigures {
  std::string version;
  std::chrono::system_clock::time_point start_time, now;
  ProxyMetrics::Totals totals;
  std::optional<store::StoreStats> store;
  int workers = 1;
};

// The report for `action`, or nothing for an action cuttle does not know.
std::optional<std::string> cache_manager_report(std::string_view action, const ManagerFigures& figures);

}  // namespace cuttle
