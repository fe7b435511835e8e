// Squid's cache manager, the part squidclient and monitoring scripts use:
// `squidclient mgr:info` sends "GET cache_object://HOST/info", browsers and
// cachemgr.cgi use "/squid-internal-mgr/info". Plain-text reports in Squid's
// layout; access is http_access with the predefined `manager` ACL, then
// cachemgr_passwd (cache_manager_password.h), as in Squid.
#pragma once

#include "proxy/config/config.h"
#include "proxy/metrics/proxy_metrics.h"
#include "store/object_store.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

struct ManagerRequest {
  std::string action;                   // "info", "counters", "menu", ...
  std::optional<std::string> password;  // cache_object://HOST/ACTION@PASSWORD
};

// The action a request target asks for, or nothing when it is not a cache manager
// request. As Squid 5.7's CacheManager::ParseUrl, only cache_object:// URLs carry
// "@password"; in /squid-internal-mgr/ACTION the '@' stays part of the action
// (so no such action exists) and the password comes in an Authorization header.
std::optional<ManagerRequest> parse_cache_manager_target(std::string_view target);

// Whether cuttle has a report for `action`.
bool cache_manager_action_exists(std::string_view action);

struct ManagerFigures {
  std::string version;
  std::chrono::system_clock::time_point start_time, now;
  ProxyMetrics::Totals totals;
  std::optional<store::StoreStats> store;
  int workers = 1;
  const std::vector<CachemgrPasswd>* passwords = nullptr;  // the menu's protection column
};

// The report for `action`, or nothing for an action cuttle does not know.
std::optional<std::string> cache_manager_report(std::string_view action, const ManagerFigures& figures);

}  // namespace cuttle
