// Where a request is going: the target URI of RFC 9112 §3.2 (absolute-form for a
// forward proxy, authority-form for CONNECT, origin-form rebuilt from Host or
// defaultsite= in accelerator mode), normalized the way caches key on it.
#pragma once

#include "proxy/config/default_port.h"  // default_port, kCacheObjectDefaultPort

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

struct HttpPortConfig;

struct RequestTarget {
  std::string scheme;  // "http" or "https" ("cache_object" for the cache manager); empty for CONNECT
  std::string host;    // lowercase; IPv6 literals without brackets
  uint16_t port = 0;
  std::string path;    // "/path?query"; empty for CONNECT

  bool is_connect() const { return scheme.empty(); }
  bool is_ip_literal() const;
  // host[:port], brackets around IPv6, the scheme's default port left out (CONNECT
  // always names the port). This is what goes into Host.
  std::string authority() const;
  // The effective request URI: "http://host[:port]/path?q", or "host:port" for CONNECT.
  std::string url() const;
};

enum class TargetProblem {
  Malformed,          // not a URI of the form the request needs -> 400
  UnsupportedScheme,  // e.g. ftp:// -> 501
};

struct TargetResult {
  std::optional<RequestTarget> target;
  TargetProblem problem = TargetProblem::Malformed;
};

// The schemes cuttle fetches from a server: http and https.
bool is_forwarded_scheme(std::string_view scheme);

// "http://Example.COM:8080/a?b" (forward proxying).
TargetResult parse_absolute_target(std::string_view target);
// "cache_object://host[:port]/action[@password]" (squidclient's cache manager
// requests); the port defaults to 3128 as in Squid.
TargetResult parse_cache_object_target(std::string_view target);
// "host:port" (CONNECT); the port is required.
TargetResult parse_connect_target(std::string_view target);
// An accelerator port's request: absolute-form is taken as is; origin-form gets its
// site from Host (with vhost) or defaultsite=.
TargetResult parse_accel_target(std::string_view target, std::string_view host_header, const HttpPortConfig& port);
// An intercepted request (squid's prepareTransparentURL): absolute-form is taken as
// is; origin-form gets its site from Host, else from where the client sent it
// ("10.0.0.1:80", "[2001:db8::1]:80").
TargetResult parse_intercepted_target(std::string_view target, std::string_view host_header,
                                      std::string_view original_destination);
// A request in a tunnel SslBump decrypted (squid's prepareTlsSwitchingURL):
// absolute-form is taken as is; origin-form is https:// at Host, else at
// `tunnel_authority` (the SNI or the CONNECT's host, with the CONNECT's port).
TargetResult parse_bumped_target(std::string_view target, std::string_view host_header,
                                 std::string_view tunnel_authority);

}  // namespace cuttle
