// Request targets: absolute-form (forward proxy), authority-form (CONNECT) and
// origin-form on accelerator ports.
#include "proxy/config/config.h"
#include "proxy/http/request_target.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace request_target_test {

RequestTarget absolute(std::string_view text) {
  auto r = parse_absolute_target(text);
  EXPECT_TRUE(r.target.has_value()) << text;
  return r.target.value_or(RequestTarget{});
}

TEST(RequestTarget, DefaultPorts) {
  EXPECT_EQ(default_port("http"), 80);
  EXPECT_EQ(default_port("https"), 443);
  EXPECT_EQ(default_port("ftp"), 21);
  EXPECT_EQ(default_port("cache_object"), 3128);
  EXPECT_EQ(default_port("no-such-scheme"), 0);
}

TEST(RequestTarget, AbsoluteFormIsSplitAndNormalized) {
  auto t = absolute("HTTP://Example.COM:8080/a/B?c=D");
  EXPECT_EQ(t.scheme, "http");
  EXPECT_EQ(t.host, "example.com");
  EXPECT_EQ(t.port, 8080);
  EXPECT_EQ(t.path, "/a/B?c=D");  // path and query keep their case
  EXPECT_FALSE(t.is_connect());
  EXPECT_EQ(t.authority(), "example.com:8080");
  EXPECT_EQ(t.url(), "http://example.com:8080/a/B?c=D");
}

TEST(RequestTarget, DefaultPortIsLeftOutOfUrlAndAuthority) {
  auto t = absolute("http://example.com:80/x");
  EXPECT_EQ(t.port, 80);
  EXPECT_EQ(t.authority(), "example.com");
  EXPECT_EQ(t.url(), "http://example.com/x");
  auto s = absolute("https://example.com/");
  EXPECT_EQ(s.port, 443);
  EXPECT_EQ(s.url(), "https://example.com/");
  EXPECT_EQ(absolute("https://example.com:80/").url(), "https://example.com:80/");
}

TEST(RequestTarget, MissingPathBecomesSlash) {
  EXPECT_EQ(absolute("http://example.com").path, "/");
  EXPECT_EQ(absolute("http://example.com?q=1").path, "/?q=1");
  EXPECT_EQ(absolute("http://example.com?q=1").url(), "http://example.com/?q=1");
}

TEST(RequestTarget, PercentEncodingIsKeptAsSent) {
  EXPECT_EQ(absolute("http://example.com/a%20b?x=%41").path, "/a%20b?x=%41");
}

TEST(RequestTarget, Ipv6LiteralLosesItsBracketsButGetsThemBackInUrls) {
  auto t = absolute("http://[2001:DB8::1]:8080/");
  EXPECT_EQ(t.host, "2001:db8::1");
  EXPECT_TRUE(t.is_ip_literal());
  EXPECT_EQ(t.authority(), "[2001:db8::1]:8080");
  EXPECT_EQ(t.url(), "http://[2001:db8::1]:8080/");
}

TEST(RequestTarget, IpLiteralDetection) {
  EXPECT_TRUE(absolute("http://10.0.0.1/").is_ip_literal());
  EXPECT_FALSE(absolute("http://example.com/").is_ip_literal());
}

TEST(RequestTarget, UnsupportedSchemeIsNot400) {
  for (auto text : {"ftp://example.com/file", "gopher://example.com/", "ws://example.com/"}) {
    auto r = parse_absolute_target(text);
    EXPECT_FALSE(r.target.has_value()) << text;
    EXPECT_EQ(r.problem, TargetProblem::UnsupportedScheme) << text;
  }
}

TEST(RequestTarget, MalformedAbsoluteTargets) {
  for (auto text : {"/origin/form", "example.com:80", "http:///nohost", "http://example.com:99999/",
                    "http://example.com:0/", "http://example.com:/", "http://exa mple.com/", "http://ex<ample.com/",
                    "http://example.com/#fragment", "", "*",
                    "http://[::1]:80x/y", "http://[::1]x", "http://example.com:8080x/y"}) {
    auto r = parse_absolute_target(text);
    EXPECT_FALSE(r.target.has_value()) << text;
    EXPECT_EQ(r.problem, TargetProblem::Malformed) << text;
  }
}

TEST(RequestTarget, ConnectTargetNeedsHostAndPort) {
  auto r = parse_connect_target("Secure.Example:443");
  ASSERT_TRUE(r.target.has_value());
  EXPECT_TRUE(r.target->is_connect());
  EXPECT_EQ(r.target->host, "secure.example");
  EXPECT_EQ(r.target->port, 443);
  EXPECT_EQ(r.target->path, "");
  EXPECT_EQ(r.target->authority(), "secure.example:443");  // CONNECT always names the port
  EXPECT_EQ(r.target->url(), "secure.example:443");
}

TEST(RequestTarget, ConnectToIpv6) {
  auto r = parse_connect_target("[::1]:8443");
  ASSERT_TRUE(r.target.has_value());
  EXPECT_EQ(r.target->host, "::1");
  EXPECT_EQ(r.target->url(), "[::1]:8443");
}

TEST(RequestTarget, MalformedConnectTargets) {
  for (auto text : {"secure.example", "secure.example:", "secure.example:0", "secure.example:70000",
                    "user@secure.example:443", "https://secure.example:443", "/path", ""}) {
    auto r = parse_connect_target(text);
    EXPECT_FALSE(r.target.has_value()) << text;
    EXPECT_EQ(r.problem, TargetProblem::Malformed) << text;
  }
}

HttpPortConfig accel_port(std::string defaultsite, bool vhost) {
  HttpPortConfig port;
  port.port = 80;
  port.accel = true;
  port.defaultsite = std::move(defaultsite);
  port.vhost = vhost;
  return port;
}

TEST(RequestTarget, AccelVhostTakesTheSiteFromHost) {
  auto r = parse_accel_target("/index.html?x=1", "Images.Example.test:8080", accel_port("www.example.test", true));
  ASSERT_TRUE(r.target.has_value());
  EXPECT_EQ(r.target->scheme, "http");
  EXPECT_EQ(r.target->host, "images.example.test");
  EXPECT_EQ(r.target->port, 8080);
  EXPECT_EQ(r.target->path, "/index.html?x=1");
  EXPECT_EQ(r.target->url(), "http://images.example.test:8080/index.html?x=1");
}

TEST(RequestTarget, AccelVhostWithoutHostFallsBackToDefaultsite) {
  auto r = parse_accel_target("/a", "", accel_port("www.example.test", true));
  ASSERT_TRUE(r.target.has_value());
  EXPECT_EQ(r.target->host, "www.example.test");
  EXPECT_EQ(r.target->port, 80);
  EXPECT_EQ(r.target->url(), "http://www.example.test/a");
}

TEST(RequestTarget, AccelWithoutVhostIgnoresHost) {
  auto r = parse_accel_target("/a", "elsewhere.test", accel_port("www.example.test:8081", false));
  ASSERT_TRUE(r.target.has_value());
  EXPECT_EQ(r.target->host, "www.example.test");
  EXPECT_EQ(r.target->port, 8081);
}

TEST(RequestTarget, AccelWithNoSiteAtAllIsMalformed) {
  auto r = parse_accel_target("/a", "", accel_port("", true));
  EXPECT_FALSE(r.target.has_value());
  EXPECT_EQ(r.problem, TargetProblem::Malformed);
  EXPECT_FALSE(parse_accel_target("/a", "site.test", accel_port("", false)).target.has_value());
}

TEST(RequestTarget, AccelRejectsBadHostHeaders) {
  for (auto host : {"user@site.test", "site.test:99999", "bad host", "site.test/path"}) {
    EXPECT_FALSE(parse_accel_target("/a", host, accel_port("www.example.test", true)).target.has_value()) << host;
  }
}

// squid 5.7's relaxed parser serves any visible byte in a path or query (JSON in
// a query, '|' lists, 8-bit bytes); the path goes on as the client sent it.
TEST(RequestTarget, VisibleBytesRfc3986DoesNotAllowAreKeptAsSquidKeepsThem) {
  auto t = absolute("http://example.com/a|b/{c}?q=\"<x>\"&r=^`\\&s=%zz&t=%41\xC3\xA9");
  EXPECT_EQ(t.host, "example.com");
  EXPECT_EQ(t.path, "/a|b/{c}?q=\"<x>\"&r=^`\\&s=%zz&t=%41\xC3\xA9");
  EXPECT_EQ(absolute("http://example.com?{}").path, "/?{}");
  auto accel = parse_accel_target("/p?json={\"a\":[1]}", "", accel_port("www.example.test", true));
  ASSERT_TRUE(accel.target.has_value());
  EXPECT_EQ(accel.target->path, "/p?json={\"a\":[1]}");
  for (auto text : {"http://example.com/a\x01b", "http://example.com/a\x7f", "http://ex{ample.com/"})
    EXPECT_FALSE(parse_absolute_target(text).target.has_value()) << "controls and a bad host stay refused";
}

TEST(RequestTarget, AccelRejectsBadOriginForm) {
  EXPECT_FALSE(parse_accel_target("/a b", "", accel_port("www.example.test", true)).target.has_value());
  EXPECT_FALSE(parse_accel_target("*", "", accel_port("www.example.test", true)).target.has_value());
}

TEST(RequestTarget, AccelTakesAbsoluteFormAsIs) {
  auto r = parse_accel_target("http://other.test/x", "ignored.test", accel_port("www.example.test", true));
  ASSERT_TRUE(r.target.has_value());
  EXPECT_EQ(r.target->host, "other.test");
  EXPECT_EQ(r.target->path, "/x");
  EXPECT_EQ(parse_accel_target("ftp://other.test/x", "", accel_port("www.example.test", true)).problem,
            TargetProblem::UnsupportedScheme);
}

}  // namespace request_target_test
}  // namespace cuttle

namespace cuttle {
namespace request_target_test {

// Found by the http_request fuzzer: Host "%3a1" decoded to the name ":1", whose URL
// "http://[:1]/" did not parse back.
TEST(RequestTarget, AColonDecodedFromAPercentEscapeIsNotAName) {
  HttpPortConfig port;
  port.accel = true;
  port.vhost = true;
  EXPECT_FALSE(parse_accel_target("/", "%3a1", port).target);
  EXPECT_FALSE(parse_absolute_target("http://%3a1/").target);
  EXPECT_FALSE(parse_connect_target("%3a1:443").target);
  auto v6 = parse_absolute_target("http://[::1]:8080/");  // a real IPv6 literal still is
  ASSERT_TRUE(v6.target);
  EXPECT_EQ(v6.target->host, "::1");
}

}  // namespace request_target_test
}  // namespace cuttle
