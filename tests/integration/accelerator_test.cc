// Accelerator (reverse proxy) mode: origin-form requests on an `accel` port go to
// the `originserver` cache_peer, over TLS with certificate verification if asked.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace accelerator_test {

// Without a host, an HTTP/1.0 request (HTTP/1.1 requires Host): the site then
// comes from defaultsite=.
Response origin_form_get(unsigned short port, const std::string& path, const std::string& host) {
  RawConnection c(port);
  if (host.empty()) c.send("GET " + path + " HTTP/1.0\r\n\r\n");
  else c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  return c.read_response();
}

TEST(Accelerator, OriginFormRequestGoesToTheOriginServerPeer) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "site page " + req.target;
    return r;
  });
  CuttleProcess cuttle("cache_peer 127.0.0.1 parent " + std::to_string(origin.port()) +
                           " 0 no-query originserver name=site\n"
                           "acl our_site dstdomain www.example.test\nhttp_access allow our_site\n",
                       "accel defaultsite=www.example.test");
  auto res = origin_form_get(cuttle.port(), "/index.html?q=1", "");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "site page /index.html?q=1");
  auto req = origin.requests().at(0);
  EXPECT_EQ(req.target, "/index.html?q=1");
  EXPECT_EQ(req.header("Host"), "www.example.test");
  auto lines = cuttle.access_log_lines(1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" GET http://www.example.test/index.html? - FIRSTUP_PARENT/127.0.0.1 "), std::string::npos)
      << lines[0];
}

TEST(Accelerator, VhostTakesTheSiteFromTheHostHeader) {
  OriginServer origin;
  CuttleProcess cuttle("cache_peer 127.0.0.1 parent " + std::to_string(origin.port()) +
                           " 0 no-query originserver\n"
                           "acl sites dstdomain .example.test\nhttp_access allow sites\nhttp_access deny all\n",
                       "accel defaultsite=www.example.test vhost");
  auto res = origin_form_get(cuttle.port(), "/a", "images.example.test");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(origin.requests().at(0).header("Host"), "images.example.test");
  // Sites the ACL does not list are refused: an accelerator is not an open proxy.
  res = origin_form_get(cuttle.port(), "/a", "elsewhere.test");
  EXPECT_EQ(res.result_int(), 403);
}

TEST(Accelerator, HttpsOriginIsVerifiedAgainstTheConfiguredCa) {
  TestCertificates certs;
  OriginServer origin(
      [](const RecordedRequest&) {
        OriginReply r;
        r.body = "from the https origin";
        return r;
      },
      certs.cert_file(), certs.key_file());
  std::string peer = "cache_peer 127.0.0.1 parent " + std::to_string(origin.port()) +
                     " 0 no-query originserver tls tls-cafile=";
  {
    CuttleProcess good(peer + certs.ca_file() + "\nhttp_access allow all\n", "accel defaultsite=secure.test");
    auto res = origin_form_get(good.port(), "/", "");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "from the https origin");
  }
  {
    // A CA that did not sign the origin's certificate: refuse, never talk in clear.
    CuttleProcess bad(peer + certs.other_ca_file() + "\nhttp_access allow all\n", "accel defaultsite=secure.test");
    auto res = origin_form_get(bad.port(), "/", "");
    EXPECT_EQ(res.result_int(), 503);
    EXPECT_EQ(res["X-Squid-Error"], "ERR_SECURE_CONNECT_FAIL 0");
  }
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(Accelerator, HttpsUrlThroughForwardProxyUsesVerifiedTls) {
  TestCertificates certs;
  OriginServer origin(
      [](const RecordedRequest&) {
        OriginReply r;
        r.body = "tls origin via absolute URL";
        return r;
      },
      certs.cert_file(), certs.key_file());
  CuttleProcess cuttle("tls_outgoing_options cafile=" + certs.ca_file() + "\n");
  auto res = proxy_get(cuttle.port(), origin.url("/x"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "tls origin via absolute URL");
}

// Every cafile= is trusted, as squid's options add up: the origin's CA first,
// then another CA, on two lines.
TEST(Accelerator, EveryTlsOutgoingCafileIsTrusted) {
  TestCertificates certs;
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; }, certs.cert_file(), certs.key_file());
  CuttleProcess cuttle("tls_outgoing_options cafile=" + certs.ca_file() + "\ntls_outgoing_options cafile=" +
                       certs.other_ca_file() + "\n");
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/x")).result_int(), 200);
}

}  // namespace accelerator_test
}  // namespace cuttle::testing

namespace cuttle::testing {
namespace accelerator_test {

TEST(Accelerator, ConnectOnAnAcceleratorPortIs405) {
  OriginServer origin;
  CuttleProcess cuttle("cache_peer 127.0.0.1 parent " + std::to_string(origin.port()) +
                           " 0 no-query originserver\nhttp_access allow all\n",
                       "accel defaultsite=www.example.test");
  RawConnection c(cuttle.port());
  std::string target = "127.0.0.1:" + std::to_string(origin.port());
  c.send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
  EXPECT_EQ(c.read_response().result_int(), 405);
  EXPECT_EQ(origin.connections_accepted(), 0);
}

}  // namespace accelerator_test
}  // namespace cuttle::testing
