// Squid's cache manager, the part squidclient and monitoring scripts use:
// `squidclient mgr:info` sends "GET cache_object://HOST/info", browsers and
// cachemgr.cgi use "/squid-internal-mgr/info". Plain-text reports in Squid's
// layout; access is http_access with the predefined `manager` ACL, then
// cachemgr_passwd (cache_manager_password.h), as in Squid.
#pragma once

#include "proxy/dns/address_cache.h"
#include "proxy/config/config.h"
#include "proxy/http/request_target.h"
#include "proxy/metrics/proxy_metrics.h"
#include "store/object_cache.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

struct ManagerRequest {
  std::string action;                   // "info", "counters", "menu", ...
  std::optional<std::string> password;  // cache_object://HOST/ACTION@PASSWORD
  // The URL access rules see: cache_object://HOST[:PORT]/... (port 3128 when none
  // is named, as Squid's), or the /squid-internal-mgr/ URL, which in origin-form
  // names this proxy (`own_host`, `own_port`). Nothing when it is malformed.
  std::optional<RequestTarget> url;
};

// The action a request target asks for, or nothing when it is not a cache manager
// request (an absolute http://HOST:PORT/squid-internal-mgr/ URL is one only when
// it names this proxy, `own_host` and `own_port`, as in Squid). As Squid 5.7's CacheManager::ParseUrl, only cache_object:// URLs carry
// "@password"; in /squid-internal-mgr/ACTION the '@' stays part of the action
// (so no such action exists) and the password comes in an Authorization header.
std::optional<ManagerRequest> parse_cache_manager_target(std::string_view target, std::string_view own_host,
                                                        uint16_t own_port);

// One kind of helper's figures, summed over the workers (mgr:basicauthenticator).
struct HelperFigures {
  std::string action;  // "basicauthenticator"
  std::string title;   // "Basic Authenticator Statistics" (the menu's)
  std::string heading;  // the report's first line, when not the title
  std::string program;
  unsigned max_processes = 0;  // children × workers
  uint64_t requests = 0, replies = 0, timeouts = 0;
  int64_t running = 0, queued = 0;
};

struct ManagerFigures {
  std::string version;
  std::chrono::system_clock::time_point start_time, now;
  ProxyMetrics::Totals totals;
  std::optional<store::StoreStats> store;
  int workers = 1;
  const std::vector<CachemgrPasswd>* passwords = nullptr;  // the menu's protection column
  std::vector<HelperFigures> helpers;  // the configured ones: each is an action too
  // Each external_acl_type (mgr:external_acl): its helper, and the answers the
  // worker that reports remembers (each worker has its own).
  struct ExternalAcl {
    std::string name;
    size_t remembered = 0;
    HelperFigures helper;
  };
  std::vector<ExternalAcl> external_acls;
  dns::IpcacheSnapshot ipcache;  // mgr:ipcache
  std::string delay_pools;  // mgr:delay, squid's "Delay Pool Levels" (delay_pools.h)
};

// Whether cuttle has a report for `action` (the fixed ones, and the helpers in `figures`).
bool cache_manager_action_exists(std::string_view action, const ManagerFigures& figures);

// The report for `action`, or nothing for an action cuttle does not know.
std::optional<std::string> cache_manager_report(std::string_view action, const ManagerFigures& figures);

}  // namespace cuttle
