#include "proxy/config/unimplemented_directives.h"

#include <algorithm>
#include <iterator>

namespace cuttle {
namespace {

struct Restriction {
  std::string_view name;
  std::string_view what;        // what the directive restricts, filters or protects
  std::string_view off = "";    // a first value that turns it off ("" : none does)
};

constexpr Restriction kRestrictions[] = {
    {"adapted_http_access", "decides access after adaptation"},
    {"miss_access", "decides which clients (e.g. sibling caches) may fetch misses through this proxy"},
    {"send_hit", "forbids serving some hits"},
    {"store_miss", "forbids storing some replies"},
    {"chunked_request_body_max_size", "limits the size of chunked request bodies", "0"},
    {"client_ip_max_connections", "limits connections per client address", "-1"},
    {"delay_pools", "limits bandwidth (delay pools)", "0"},
    {"client_delay_pools", "limits client upload bandwidth", "0"},
    {"response_delay_pool", "limits response bandwidth"},
    {"cache_peer_domain", "limits which domains go to a cache_peer"},
    {"icap_enable", "sends traffic through ICAP services (filtering, virus scanning)", "off"},
    {"ecap_enable", "sends traffic through eCAP adapters", "off"},
    {"adaptation_access", "sends traffic through adaptation services"},
};

}  // namespace

std::optional<std::string> refusal_for_unimplemented(std::string_view name, std::string_view first_value) {
  auto it = std::find_if(std::begin(kRestrictions), std::end(kRestrictions),
                         [&](const Restriction& r) { return r.name == name; });
  if (it == std::end(kRestrictions)) return std::nullopt;
  if (!it->off.empty() && first_value == it->off) return std::nullopt;
  return "'" + std::string(name) + "' " + std::string(it->what) +
         "; cuttle does not implement it yet and will not run without it (see docs/configuration.md)";
}

}  // namespace cuttle
