// Feeds raw bytes to Beast's request parser as a client connection would, then
// through what cuttle does with a parsed request header: framing checks, the
// request target (forward proxy, CONNECT, accelerator with vhost and with
// defaultsite=), the cache key and its Vary variant, and the rewrites on the way
// out (hop-by-hop removal, Via, X-Forwarded-For). Checked: a target cuttle
// accepts has a lowercase host, a port, an origin-form path, and a URL with no
// byte that could split a header or a log line; re-parsing that URL gives the
// same target (the cache key is a fixed point); the header cuttle would send
// re-parses to the same method, target and fields.
#include "proxy/cache/cache_policy.h"
#include "proxy/config/config.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/header_text.h"
#include "proxy/http/request_target.h"
#include "proxy/log/access_log_line.h"
#include "tests/fuzz/fuzz_target.h"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <vector>

using namespace cuttle;

namespace {

using Request = http::request<http::empty_body>;

// As ClientSession reads one: header only, Squid's default 64 KiB limit.
std::optional<Request> parse_request(std::string_view bytes, uint32_t header_limit) {
  http::request_parser<http::empty_body> parser;
  parser.header_limit(header_limit);
  parser.body_limit(boost::none);
  parser.eager(false);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec && ec != http::error::need_more) return std::nullopt;
  if (!parser.is_header_done()) return std::nullopt;
  return parser.release();
}

bool same_fields(const http::fields& a, const http::fields& b) {
  auto i = a.begin(), j = b.begin();
  for (; i != a.end() && j != b.end(); ++i, ++j)
    if (i->name_string() != j->name_string() || i->value() != j->value()) return false;
  return i == a.end() && j == b.end();
}

// The header cuttle writes for a request must read back as that request.
void check_header_round_trip(const Request& req) {
  std::string text = header_text(req);
  auto again = parse_request(text, static_cast<uint32_t>(text.size() + 1));
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->method_string() == req.method_string());
  FUZZ_CHECK(again->target() == req.target());
  FUZZ_CHECK(again->version() == req.version());
  FUZZ_CHECK(same_fields(*again, req));
}

bool splits_lines(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

void check_target(const RequestTarget& t, const Request& req) {
  FUZZ_CHECK(!t.host.empty() && t.port != 0);
  FUZZ_CHECK(std::none_of(t.host.begin(), t.host.end(), [](unsigned char c) { return std::isupper(c); }));
  const std::string url = t.url();
  FUZZ_CHECK(!splits_lines(url) && !splits_lines(t.authority()));
  if (t.is_connect()) {
    FUZZ_CHECK(t.path.empty());
    auto again = parse_connect_target(url);
    FUZZ_CHECK(again.target && again.target->url() == url);
    return;
  }
  FUZZ_CHECK(t.scheme == "http" || t.scheme == "https");
  FUZZ_CHECK(t.path.starts_with('/'));
  // The cache key is the URL: normalizing it again must not move the object.
  auto again = parse_absolute_target(url);
  FUZZ_CHECK(again.target.has_value());
  FUZZ_CHECK(again.target->scheme == t.scheme && again.target->host == t.host && again.target->port == t.port &&
             again.target->path == t.path && again.target->url() == url);

  auto logged = strip_query(url);
  FUZZ_CHECK(url.starts_with(logged) && logged.find('?') == (url.find('?') == std::string::npos ? std::string::npos
                                                                                                  : logged.size() - 1));

  // A variant key is the URL then one "\nname:value" per selecting header: no
  // value may add a line, or two variants could share a key.
  http::fields response;
  response.set(http::field::vary, req.count(http::field::vary) ? std::string(req[http::field::vary])
                                                               : std::string("Accept-Encoding, Cookie"));
  auto names = vary_names(response);
  auto key = variant_key(url, names, req);
  FUZZ_CHECK(key.starts_with(url));
  FUZZ_CHECK(static_cast<size_t>(std::count(key.begin(), key.end(), '\n')) == names.size());
  FUZZ_CHECK(key == variant_key(url, names, req));
}

void check_targets(const Request& req) {
  const std::string_view target = req.target();
  if (req.method() == http::verb::connect) {
    if (auto parsed = parse_connect_target(target); parsed.target) check_target(*parsed.target, req);
    return;
  }
  if (auto parsed = parse_absolute_target(target); parsed.target) check_target(*parsed.target, req);
  // squidclient's cache_object://HOST[:PORT]/ACTION: the URL it logs parses back to itself.
  if (auto parsed = parse_cache_object_target(target); parsed.target) {
    const auto& t = *parsed.target;
    FUZZ_CHECK(t.scheme == "cache_object" && !t.host.empty() && t.port != 0 && t.path.starts_with('/'));
    const std::string url = t.url();
    FUZZ_CHECK(!splits_lines(url));
    auto again = parse_cache_object_target(url);
    FUZZ_CHECK(again.target && again.target->url() == url);
  }
  const std::string_view host = req[http::field::host];
  HttpPortConfig vhost_port;
  vhost_port.accel = true;
  vhost_port.vhost = true;
  HttpPortConfig site_port;
  site_port.accel = true;
  site_port.defaultsite = "www.example.com";
  for (const auto* port : {&vhost_port, &site_port}) {
    auto parsed = parse_accel_target(target, host, *port);
    if (!parsed.target) continue;
    check_target(*parsed.target, req);
    // defaultsite= names the site whatever Host says (no vhost).
    if (port == &site_port && target.starts_with('/')) FUZZ_CHECK(parsed.target->host == "www.example.com");
  }
}

// What forwarding does to the header: hop-by-hop fields go, Via and
// X-Forwarded-For grow, and the result is still a header that parses back.
void check_forwarded_header(Request req) {
  remove_hop_by_hop(req);
  for (auto f : {http::field::connection, http::field::keep_alive, http::field::proxy_connection, http::field::te,
                 http::field::trailer, http::field::transfer_encoding, http::field::upgrade})
    FUZZ_CHECK(req.count(f) == 0);
  append_via(req, req.version(), "cuttle.test", kProductToken);
  FUZZ_CHECK(joined_values(req, "Via").ends_with("1.1 cuttle.test (" + std::string(kProductToken) + ")") ||
             joined_values(req, "Via").ends_with("1.0 cuttle.test (" + std::string(kProductToken) + ")"));
  apply_forwarded_for(req, ForwardedFor::On, "127.0.0.1");
  FUZZ_CHECK(joined_values(req, "X-Forwarded-For").ends_with("127.0.0.1"));
  check_header_round_trip(req);
}

}  // namespace

CUTTLE_FUZZ_TARGET(http_request) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto req = parse_request(bytes, 64 * 1024);
  if (!req) return 0;
  auto problem = request_framing_problem(*req);
  if (problem) FUZZ_CHECK(problem->status == 400 || problem->status == 501);
  check_header_round_trip(*req);
  check_targets(*req);
  check_forwarded_header(*req);
  return 0;
}
