// http_port ... intercept: a client without proxy settings behind a gateway whose
// netfilter redirects its connections to the proxy (interception_network.h). The
// same requests through squid 5.7 and cuttle, with the same configuration.
#include "tests/support/differential.h"
#include "tests/support/helper_files.h"
#include "proxy/http/http_date.h"
#include "tests/support/interception_network.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cuttle::testing {
namespace interception_test {

constexpr const char* kOrigin = "10.9.0.1";
constexpr const char* kOtherOrigin = "10.9.0.2";  // other.test in the gateway's hosts file
constexpr const char* kOrigin6 = "fd00:9::1";

const std::string kConfig =
    "http_port 3129 intercept\n"
    "acl gateway_clients src 10.200.0.0/24 fd00:200::/64\n"
    "http_access allow gateway_clients\n";

InterceptionNetwork network() {
  return {{kOrigin, kOtherOrigin, kOrigin6}, "127.0.0.1 localhost\n10.9.0.2 other.test\n", 3129};
}

OriginReply cacheable(const RecordedRequest& request) {
  return OriginReply{.headers = {{"Cache-Control", "max-age=600"}, {"Date", http_date(std::chrono::system_clock::now())}},
                     .body = "page " + request.target};
}

// The status of each fetch of `url` from the client, then what each access.log
// line of it says of the result and the next hop: {"200", "200",
// "TCP_MISS/200 ORIGINAL_DST/10.9.0.1", "TCP_MEM_HIT/200 HIER_NONE/-"}.
template <class Proxy>
std::vector<std::string> fetched(Proxy& proxy, const std::string& url, size_t times,
                                 const std::vector<std::string>& headers = {}) {
  std::vector<std::string> seen;
  for (size_t i = 0; i < times; ++i) {
    std::istringstream reply(fetch_from_client(url, headers).output);
    std::string version, status;
    reply >> version >> status;
    seen.push_back(status);
  }
  const auto path = url.substr(url.find('/', url.find("//") + 2));
  for (const auto& line : lines_containing(proxy, path, times)) {
    std::istringstream fields_of(line);
    std::vector<std::string> fields;
    for (std::string field; fields_of >> field;) fields.push_back(field);
    seen.push_back(fields.size() > 8 ? fields[3] + " " + fields[8] : line);
  }
  return seen;
}

TEST(Interception, ARedirectedRequestIsServedAndCachedAsBySquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  ASSERT_EQ(set_up_interception(network()), "");
  OriginServer origin(cacheable, kOrigin);
  auto [squid, cuttle] = through_squid_then_cuttle(kConfig + "cache_mem 8 MB\n", [&](auto& proxy) {
    return fetched(proxy, origin.url("/page-" + std::to_string(proxy.port())), 2);
  });
  EXPECT_EQ(cuttle, squid);
  ASSERT_EQ(cuttle.size(), 4u);
  EXPECT_EQ(cuttle[2], "TCP_MISS/200 ORIGINAL_DST/" + std::string(kOrigin));
  EXPECT_EQ(cuttle[3], "TCP_MEM_HIT/200 HIER_NONE/-");
}

// IPv6: the original destination comes from IP6T_SO_ORIGINAL_DST.
TEST(Interception, AnIpv6ConnectionIsRedirectedAsAnIpv4OneAsBySquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  ASSERT_EQ(set_up_interception(network()), "");
  OriginServer origin(cacheable, kOrigin6);
  auto [squid, cuttle] = through_squid_then_cuttle(kConfig, [&](auto& proxy) {
    return fetched(proxy, origin.url("/v6-" + std::to_string(proxy.port())), 1);
  });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle, (std::vector<std::string>{"200", "TCP_MISS/200 ORIGINAL_DST/" + std::string(kOrigin6)}));
}

// Host names a server other than the one the client connected to: squid's
// CVE-2009-0801 defence sends the request where the client sent it.
TEST(Interception, AForgedHostGoesWhereTheClientSentItAndIsNotCached) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  ASSERT_EQ(set_up_interception(network()), "");
  OriginServer origin(cacheable, kOrigin);
  OriginServer other(cacheable, kOtherOrigin);
  auto [squid, cuttle] = through_squid_then_cuttle(kConfig, [&](auto& proxy) {
    const auto path = "/forged-" + std::to_string(proxy.port());
    return fetched(proxy, origin.url(path), 2, {"Host: other.test:" + std::to_string(origin.port())});
  });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(other.requests().size(), 0u) << "the forged Host's server was never asked";
  EXPECT_EQ(cuttle, (std::vector<std::string>{"200", "200", "TCP_MISS/200 ORIGINAL_DST/" + std::string(kOrigin),
                                              "TCP_MISS/200 ORIGINAL_DST/" + std::string(kOrigin)}));
}

TEST(Interception, HostVerifyStrictRefusesAForgedHost) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  ASSERT_EQ(set_up_interception(network()), "");
  OriginServer origin(cacheable, kOrigin);
  auto [squid, cuttle] = through_squid_then_cuttle(kConfig + "host_verify_strict on\n", [&](auto& proxy) {
    const auto path = "/strict-" + std::to_string(proxy.port());
    return fetched(proxy, origin.url(path), 1, {"Host: other.test:" + std::to_string(origin.port())});
  });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle.at(0), "409");
  EXPECT_EQ(origin.requests().size(), 0u);
}

// The client connects to the intercept port itself: nothing redirected it, and
// serving it would send the request back to this port.
TEST(Interception, AConnectionStraightToTheInterceptPortIsNotForwardedToItself) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  ASSERT_EQ(set_up_interception(network()), "");
  auto [squid, cuttle] = through_squid_then_cuttle(kConfig, [&](auto& proxy) {
    const auto url = std::string("http://") + InterceptionNetwork::kGatewayAddress + ":3129/self-" +
                     std::to_string(proxy.port());
    return fetched(proxy, url, 1);
  });
  // squid forwards it to itself once and refuses it there (two lines, the outer
  // one ORIGINAL_DST); cuttle refuses it at once.
  EXPECT_EQ(squid.at(0), "403");
  EXPECT_EQ(cuttle, (std::vector<std::string>{"403", "TCP_MISS/403 HIER_NONE/-"}));
}

// What the metrics say of it: each redirected connection, and each forged Host.
TEST(Interception, MetricsCountInterceptedConnectionsAndForgedHosts) {
  ASSERT_EQ(set_up_interception(network()), "");
  OriginServer origin(cacheable, kOrigin);
  const auto metrics_port = free_port();
  CuttleProcess cuttle(kConfig + "prometheus_port 127.0.0.1:" + std::to_string(metrics_port) + "\n");
  fetch_from_client(origin.url("/counted"));
  fetch_from_client(origin.url("/counted-forged"), {"Host: other.test:" + std::to_string(origin.port())});
  RawConnection scrape(metrics_port);
  scrape.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto text = scrape.read_response().body();
  EXPECT_NE(text.find("cuttle_intercepted_connections_total{outcome=\"original_destination\"} 2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("cuttle_host_forgeries_total{action=\"sent_to_original_destination\"} 1"), std::string::npos)
      << text;
}

// client_dst_passthru off: a request whose Host was verified goes where its URL
// says (DIRECT, by name), not to the address the client connected to.
TEST(Interception, WithoutClientDstPassthruAVerifiedRequestGoesDirect) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  ASSERT_EQ(set_up_interception(network()), "");
  OriginServer origin(cacheable, kOrigin);
  auto [squid, cuttle] = through_squid_then_cuttle(kConfig + "client_dst_passthru off\n", [&](auto& proxy) {
    return fetched(proxy, origin.url("/direct-" + std::to_string(proxy.port())), 1);
  });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle.at(1), "TCP_MISS/200 HIER_DIRECT/" + std::string(kOrigin));
}

// The client does not know a proxy is there: squid never asks it for credentials
// and proxy_auth does not match, even with credentials sent.
TEST(Interception, ProxyAuthenticationDoesNotApplyToInterceptedRequests) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  ASSERT_EQ(set_up_interception(network()), "");
  OriginServer origin(cacheable, kOrigin);
  HelperFiles files("cuttle-intercept-auth");
  const auto hash = run_command({"openssl", "passwd", "-apr1", "secret"}).output;
  const auto passwd = files.write("passwd", "alice:" + hash.substr(0, hash.find('\n')) + "\n");
  const std::string config = "http_port 3129 intercept\n"
                             "auth_param basic program /usr/lib/squid/basic_ncsa_auth " + passwd + "\n"
                             "acl users proxy_auth REQUIRED\n"
                             "http_access allow users\n";
  auto [squid, cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    return fetched(proxy, origin.url("/auth-" + std::to_string(proxy.port())), 1,
                   {"Proxy-Authorization: Basic YWxpY2U6c2VjcmV0"});  // alice:secret
  });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle.at(0), "403");
  EXPECT_EQ(origin.requests().size(), 0u);
}

// TPROXY: the gateway hands the client's connections to the proxy with their
// addresses untouched, and the proxy reaches the origin from the client's own
// address (spoof_client_ip decides; the origin sits behind the gateway).
InterceptionNetwork tproxy_network() {
  auto tproxy = network();
  tproxy.mode = InterceptionNetwork::Mode::Tproxy;
  tproxy.origin_addresses = {kOrigin, kOtherOrigin};  // the server namespace is IPv4 only
  return tproxy;
}

const std::string kTproxyConfig =
    "http_port 3129 tproxy\n"
    "acl gateway_clients src 10.200.0.0/24\n"
    "http_access allow gateway_clients\n";

// What the origin saw the request come from, with the client's status and log codes.
template <class Proxy>
std::vector<std::string> origin_view(Proxy& proxy, OriginServer& origin, const std::string& name) {
  auto seen = fetched(proxy, origin.url("/" + name + "-" + std::to_string(proxy.port())), 1);
  seen.push_back(origin.requests().empty() ? "(no request)" : origin.requests().back().peer_address);
  return seen;
}

TEST(Tproxy, TheOriginSeesTheClientsOwnAddressAsWithSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  ASSERT_EQ(set_up_interception(tproxy_network()), "");
  auto origin = in_server_namespace([] { return std::make_unique<OriginServer>(cacheable, kOrigin); });
  auto [squid, cuttle] =
      through_squid_then_cuttle(kTproxyConfig, [&](auto& proxy) { return origin_view(proxy, *origin, "spoofed"); });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle, (std::vector<std::string>{"200", "TCP_MISS/200 ORIGINAL_DST/" + std::string(kOrigin),
                                              InterceptionNetwork::kClientAddress}));
}

TEST(Tproxy, SpoofClientIpDenyConnectsFromTheProxysOwnAddress) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  ASSERT_EQ(set_up_interception(tproxy_network()), "");
  auto origin = in_server_namespace([] { return std::make_unique<OriginServer>(cacheable, kOrigin); });
  auto [squid, cuttle] = through_squid_then_cuttle(kTproxyConfig + "spoof_client_ip deny all\n", [&](auto& proxy) {
    return origin_view(proxy, *origin, "unspoofed");
  });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle.back(), "10.201.0.2");  // the gateway's address towards the server
}

// host_verify_strict on a forward port changes nothing in squid 5.7: a request
// in absolute form has its Host replaced by the URL's (RFC 9112 §3.2.2) before it
// is verified, so no Host can disagree.
TEST(HostVerification, StrictModeLeavesForwardRequestsAloneAsInSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  OriginServer origin(cacheable);
  const std::vector<std::string> hosts{"127.0.0.1:" + std::to_string(origin.port()), "elsewhere.test:" +
                                       std::to_string(origin.port()), "127.0.0.1:1", "127.0.0.1"};
  auto [squid, cuttle] = through_squid_then_cuttle("host_verify_strict on\n", [&](auto& proxy) {
    std::vector<unsigned> statuses;
    for (const auto& host : hosts) {
      RawConnection conn(proxy.port());
      conn.send("GET " + origin.url("/strict") + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      statuses.push_back(conn.read_response().result_int());
    }
    return statuses;
  });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle, (std::vector<unsigned>{200, 200, 200, 200}));
}

}  // namespace interception_test
}  // namespace cuttle::testing
