#include "proxy/config/unimplemented_directives.h"

#include <algorithm>
#include <iterator>

namespace cuttle {
namespace {

struct Restriction {
  std::string_view name;
  std::string_view what;        // what the directive restricts, filters or protects
  std::string_view off = "";    // first values that turn it off, '|'-separated ("" : none does)
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
    {"icap_access", "sends traffic through ICAP services (squid 5.7 reads it as adaptation_access)"},
    {"check_hostnames", "refuses requests whose host name is not RFC 1034 compliant", "off"},
    {"host_verify_strict", "refuses requests whose Host disagrees with their URL or destination", "off"},
    {"relaxed_header_parser", "refuses HTTP messages with non-compliant syntax when off", "on|warn"},
    {"client_netmask", "hides the last bits of client addresses in logs (privacy)", "255.255.255.255"},
    {"collapsed_forwarding_access", "keeps some requests from sharing one origin reply"},
    {"auth_schemes", "chooses which authentication schemes each client is offered"},
    {"chroot", "confines the proxy to a directory after start-up"},
    {"sslcrtvalidator_program", "validates every server certificate with a helper"},
    {"udp_incoming_address", "binds the ICP socket to one address", "0.0.0.0|any_addr|::"},
};

bool turns_it_off(std::string_view off_values, std::string_view value) {
  while (!off_values.empty()) {
    const auto bar = off_values.find('|');
    if (off_values.substr(0, bar) == value) return true;
    off_values = bar == std::string_view::npos ? std::string_view{} : off_values.substr(bar + 1);
  }
  return false;
}

}  // namespace

std::optional<std::string> refusal_for_unimplemented(std::string_view name, std::string_view first_value) {
  auto it = std::find_if(std::begin(kRestrictions), std::end(kRestrictions),
                         [&](const Restriction& r) { return r.name == name; });
  if (it == std::end(kRestrictions)) return std::nullopt;
  if (turns_it_off(it->off, first_value)) return std::nullopt;
  return "'" + std::string(name) + "' " + std::string(it->what) +
         "; cuttle does not implement it yet and will not run without it (see docs/configuration.md)";
}

}  // namespace cuttle
