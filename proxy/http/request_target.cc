#include "proxy/http/request_target.h"

#include "proxy/config/config.h"
#include "proxy/http/relaxed_uri.h"

#include <boost/url/authority_view.hpp>
#include <boost/url/grammar/ci_string.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>

namespace cuttle {
namespace urls = boost::urls;

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// ':' only in an IPv6 literal: a name decoded from "%3a1" must not become ":1",
// which url() would write as "[:1]", a different (and invalid) authority.
bool valid_host(std::string_view host, bool ipv6_literal) {
  if (host.empty() || host.size() > 255) return false;
  return std::all_of(host.begin(), host.end(), [&](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || (c == ':' && ipv6_literal);
  });
}

// Host and port of an authority; the port falls back to `fallback_port`.
bool take_authority(const urls::authority_view& a, uint16_t fallback_port, RequestTarget& out) {
  if (a.host_type() == urls::host_type::none || a.host_type() == urls::host_type::ipvfuture) return false;
  // host_address(): the name, or the IP literal without brackets.
  out.host = lowercase(a.host_address());
  if (!valid_host(out.host, a.host_type() == urls::host_type::ipv6)) return false;
  if (a.has_port()) {
    auto p = a.port();
    unsigned v = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || v == 0 || v > 65535) return false;
    out.port = static_cast<uint16_t>(v);
  } else {
    out.port = fallback_port;
  }
  return out.port != 0;
}

}  // namespace

bool is_forwarded_scheme(std::string_view scheme) { return scheme == "http" || scheme == "https"; }

bool RequestTarget::is_ip_literal() const {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

std::string RequestTarget::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (is_connect() || port != default_port(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::string RequestTarget::url() const {
  if (is_connect()) return authority();
  return scheme + "://" + authority() + path;
}

TargetResult parse_absolute_target(std::string_view target) {
  TargetResult result;
  const auto tail = target.substr(path_start(target));
  std::string checked;  // only for a target with bytes RFC 3986 does not allow
  if (auto encoded = encoded_for_strict_parse(tail))
    checked = std::string(target.substr(0, target.size() - tail.size())) + *encoded;
  auto parsed = urls::parse_absolute_uri(checked.empty() ? target : std::string_view(checked));
  if (!parsed || !parsed->has_authority()) return result;
  // Boost.URL 1.81 reads "http://[::1]:80x/y" as port "80" and path "x/y"; after
  // an authority the path must be empty or start with '/' (RFC 3986 §3.3).
  if (!parsed->encoded_path().empty() && !parsed->encoded_path().starts_with('/')) return result;
  RequestTarget t;
  t.scheme = lowercase(parsed->scheme());
  if (!is_forwarded_scheme(t.scheme)) {
    result.problem = TargetProblem::UnsupportedScheme;
    return result;
  }
  if (!take_authority(parsed->authority(), default_port(t.scheme), t)) return result;
  t.path = raw_origin_form(tail);
  result.target = std::move(t);
  return result;
}

TargetResult parse_cache_object_target(std::string_view target) {
  constexpr std::string_view kScheme = "cache_object://";
  TargetResult result;
  if (target.size() < kScheme.size() || !boost::urls::grammar::ci_is_equal(target.substr(0, kScheme.size()), kScheme))
    return result;
  auto rest = target.substr(kScheme.size());
  const auto slash = std::min(rest.find('/'), rest.size());
  auto parsed = urls::parse_authority(rest.substr(0, slash));
  if (!parsed || parsed->has_userinfo()) return result;
  RequestTarget t;
  t.scheme = "cache_object";
  if (!take_authority(*parsed, kCacheObjectDefaultPort, t)) return result;
  t.path = slash < rest.size() ? std::string(rest.substr(slash)) : "/";
  result.target = std::move(t);
  return result;
}

TargetResult parse_connect_target(std::string_view target) {
  TargetResult result;
  auto parsed = urls::parse_authority(target);
  if (!parsed || !parsed->has_port() || parsed->has_userinfo()) return result;
  RequestTarget t;
  if (!take_authority(*parsed, 0, t)) return result;
  result.target = std::move(t);
  return result;
}

namespace {

// An origin-form target ("/path?q") at `site` ("host[:port]"), reached over TLS
// when `encrypted` (an https_port's request: https://site/path).
TargetResult origin_form_at(std::string_view target, std::string_view site, bool encrypted = false) {
  TargetResult result;
  const auto encoded = encoded_for_strict_parse(target);
  auto parsed = urls::parse_origin_form(encoded ? std::string_view(*encoded) : target);
  if (!parsed || site.empty()) return result;
  auto authority = urls::parse_authority(site);
  if (!authority || authority->has_userinfo()) return result;
  RequestTarget t;
  t.scheme = encrypted ? "https" : "http";
  if (!take_authority(*authority, encrypted ? 443 : 80, t)) return result;
  t.path = raw_origin_form(target);
  result.target = std::move(t);
  return result;
}

}  // namespace

TargetResult parse_accel_target(std::string_view target, std::string_view host_header, const HttpPortConfig& port) {
  if (!target.starts_with('/')) return parse_absolute_target(target);
  return origin_form_at(target, port.vhost && !host_header.empty() ? host_header : std::string_view(port.defaultsite),
                        port.tls_from_first_byte());
}

TargetResult parse_intercepted_target(std::string_view target, std::string_view host_header,
                                      std::string_view original_destination) {
  if (!target.starts_with('/')) return parse_absolute_target(target);
  return origin_form_at(target, host_header.empty() ? original_destination : host_header);
}

TargetResult parse_bumped_target(std::string_view target, std::string_view host_header,
                                 std::string_view tunnel_authority) {
  if (!target.starts_with('/')) return parse_absolute_target(target);
  return origin_form_at(target, host_header.empty() ? tunnel_authority : host_header, true);
}

}  // namespace cuttle
