#include "proxy/server/cache_manager.h"

#include "proxy/http/http_date.h"
#include "proxy/http/request_target.h"
#include "proxy/server/cache_manager_password.h"
#include "proxy/dns/ipcache_report.h"

#include <boost/beast/core/string.hpp>

#include <cstdio>
#include <sstream>

namespace cuttle {
namespace beast = boost::beast;
namespace {

std::string percent(uint64_t part, uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole ? 100.0 * double(part) / double(whole) : 0.0);
  return buf;
}

struct Action {
  std::string_view name, description;
};
constexpr Action kActions[] = {{"index", "Cache Manager Interface"},
                               {"menu", "Cache Manager Menu"},
                               {"info", "General Runtime Information"},
                               {"counters", "Traffic and Resource Counters"},
                               {"ipcache", "IP Cache Stats and Contents"},
                               {"delay", "Delay Pool Levels"}};

}  // namespace

std::optional<ManagerRequest> parse_cache_manager_target(std::string_view target, std::string_view own_host,
                                                        uint16_t own_port) {
  constexpr std::string_view kObject = "cache_object://", kInternal = "/squid-internal-mgr/";
  ManagerRequest request;
  // The action is the URL's path after `prefix` (a slash, or /squid-internal-mgr/), up to '?'.
  auto action_after = [](std::string_view path, std::string_view prefix) {
    path.remove_prefix(std::min(prefix.size(), path.size()));
    return std::string(path.substr(0, path.find('?')));
  };
  if (target.size() >= kObject.size() && beast::iequals(target.substr(0, kObject.size()), kObject)) {
    request.url = parse_cache_object_target(target).target;
    if (request.url) request.action = action_after(request.url->path, "/");
    // Only cache_object:// URLs carry "@password" after the action.
    if (auto at = request.action.find('@'); at != std::string::npos) {
      request.password = request.action.substr(at + 1);
      request.action.resize(at);
    }
  } else {
    if (target.starts_with(kInternal)) {
      // As Squid's internalLocalUri: a relative manager URL names this proxy.
      request.url = RequestTarget{"http", std::string(own_host), own_port, std::string(target)};
    } else if (target.starts_with("http://")) {
      // As Squid's clientProcessRequest: an absolute URL is this proxy's own only
      // when it names this proxy; another host's /squid-internal-mgr/ is forwarded.
      request.url = parse_absolute_target(target).target;
      if (request.url && (request.url->host != own_host || request.url->port != own_port)) return std::nullopt;
    }
    if (!request.url || !request.url->path.starts_with(kInternal)) return std::nullopt;
    request.action = action_after(request.url->path, kInternal);
  }
  if (request.action.empty()) request.action = "menu";
  return request;
}

bool cache_manager_action_exists(std::string_view action, const ManagerFigures& figures) {
  for (const auto& a : kActions)
    if (a.name == action) return true;
  for (const auto& h : figures.helpers)
    if (h.action == action) return true;
  return action == "external_acl" && !figures.external_acls.empty();
}

namespace {

// Squid's helper::packStatsInto, less the per-process table (each worker has its own).
std::string helper_statistics(const HelperFigures& h) {
  std::ostringstream out;
  out << "program: " << h.program << "\n"
      << "number active: " << h.running << " of " << h.max_processes << " (0 shutting down)\n"
      << "requests sent: " << h.requests << "\n"
      << "replies received: " << h.replies << "\n"
      << "request timeouts: " << h.timeouts << "\n"
      << "queue length: " << h.queued << "\n";
  return out.str();
}

std::string helper_report(const HelperFigures& h) {
  return (h.heading.empty() ? h.title : h.heading) + ":\n" + helper_statistics(h);
}

// Squid's externalAclStats.
std::string external_acl_report(const std::vector<ManagerFigures::ExternalAcl>& types) {
  std::string out;
  for (const auto& t : types)
    out += "External ACL Statistics: " + t.name + "\nCache size: " + std::to_string(t.remembered) + "\n" +
           helper_statistics(t.helper) + "\n";
  return out;
}

void add_menu_line(std::ostringstream& out, std::string_view name, std::string_view description,
                   std::string_view protection) {
  char line[160];  // Squid's " %-22s\t%-32s\t%s\n"
  std::snprintf(line, sizeof line, " %-22.*s\t%-32.*s\t%.*s\n", int(name.size()), name.data(),
                int(description.size()), description.data(), int(protection.size()), protection.data());
  out << line;
}

}  // namespace

std::optional<std::string> cache_manager_report(std::string_view action, const ManagerFigures& f) {
  std::ostringstream out;
  const auto& t = f.totals;
  if (action == "menu" || action == "index") {
    static const std::vector<CachemgrPasswd> kNoPasswords;
    const auto& passwords = f.passwords ? *f.passwords : kNoPasswords;
    for (const auto& a : kActions) add_menu_line(out, a.name, a.description, cachemgr_protection(passwords, a.name));
    for (const auto& h : f.helpers) add_menu_line(out, h.action, h.title, cachemgr_protection(passwords, h.action));
    if (!f.external_acls.empty())
      add_menu_line(out, "external_acl", "External ACL stats", cachemgr_protection(passwords, "external_acl"));
    return out.str();
  }
  for (const auto& h : f.helpers)
    if (h.action == action) return helper_report(h);
  if (action == "external_acl" && !f.external_acls.empty()) return external_acl_report(f.external_acls);
  if (action == "ipcache") return dns::ipcache_report(f.ipcache);
  if (action == "delay") return f.delay_pools;
  if (action == "info") {
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(f.now - f.start_time).count();
    out << "Cuttle Object Cache: Version " << f.version << "\n"
        << "Service Name: cuttle\n"
        << "Start Time:\t" << http_date(f.start_time) << "\n"
        << "Current Time:\t" << http_date(f.now) << "\n"
        << "Connection information for cuttle:\n"
        << "\tNumber of HTTP requests received:\t" << t.requests << "\n"
        << "\tRequest failure ratio:\t" << percent(t.errors, t.requests) << "\n"
        << "\tWorkers:\t" << f.workers << "\n"
        << "Cache information for cuttle:\n"
        << "\tHits as % of all requests:\t" << percent(t.hits, t.requests) << "\n"
        << "\tHits as % of bytes sent:\t" << percent(t.hit_bytes_out, t.bytes_out) << "\n";
    if (f.store) {
      out << "\tStorage Swap size:\t" << (f.store->bytes >> 10) << " KB\n"
          << "\tStorage Swap capacity:\t" << percent(f.store->bytes, f.store->capacity) << " used\n"
          << "\tStorage Mem size:\t0 KB\n";
    }
    out << "Median Service Times (seconds):\t see cuttle_request_duration_seconds on prometheus_port\n"
        << "Resource usage for cuttle:\n"
        << "\tUP Time:\t" << uptime << " seconds\n";
    if (f.store) {
      out << "Internal Data Structures:\n"
          << "\t" << f.store->objects << " StoreEntries\n"
          << "\t" << f.store->evictions << " objects evicted since start\n";
    }
    return out.str();
  }
  if (action == "counters") {
    auto sample = std::chrono::duration_cast<std::chrono::microseconds>(f.now.time_since_epoch()).count();
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%lld.%06lld", static_cast<long long>(sample / 1000000),
                  static_cast<long long>(sample % 1000000));
    out << "sample_time = " << stamp << " (" << http_date(f.now) << ")\n"
        << "client_http.requests = " << t.requests << "\n"
        << "client_http.hits = " << t.hits << "\n"
        << "client_http.errors = " << t.errors << "\n"
        << "client_http.kbytes_out = " << (t.bytes_out >> 10) << "\n"
        << "client_http.hit_kbytes_out = " << (t.hit_bytes_out >> 10) << "\n";
    if (f.store) out << "store.objects = " << f.store->objects << "\n" << "store.kbytes = " << (f.store->bytes >> 10) << "\n";
    return out.str();
  }
  return std::nullopt;
}

}  // namespace cuttle
