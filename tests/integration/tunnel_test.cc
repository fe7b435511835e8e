// CONNECT tunnels: a TLS conversation with a local HTTPS server through cuttle.
#include "tests/support/cuttle_process.h"
#include "tests/support/differential.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace cuttle::testing {
namespace tunnel_test {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

TEST(Tunnel, ConnectCarriesTlsToALocalServer) {
  TestCertificates certs;
  OriginServer tls_origin(
      [](const RecordedRequest& req) {
        OriginReply r;
        r.body = "secret over tls: " + req.target;
        return r;
      },
      certs.cert_file(), certs.key_file());
  std::string port = std::to_string(tls_origin.port());
  CuttleProcess cuttle("acl SSL_ports port " + port + "\nacl CONNECT method CONNECT\n"
                       "http_access deny CONNECT !SSL_ports\n");

  RawConnection c(cuttle.port());
  c.send("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
  auto established = c.read_response(/*head=*/true);
  ASSERT_EQ(established.result_int(), 200);

  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(certs.ca_file());
  ctx.set_verify_mode(ssl::verify_peer);
  ssl::stream<asio::ip::tcp::socket&> tls(c.socket(), ctx);
  tls.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  tls.handshake(ssl::stream_base::client);
  std::string req = "GET /inside HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  asio::write(tls, asio::buffer(req));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(tls, buffer, res);
  EXPECT_EQ(res.body(), "secret over tls: /inside");

  // The tunnel is logged when it closes.
  boost::system::error_code ignored;
  tls.shutdown(ignored);
  c.socket().close();
  auto lines = cuttle.access_log_lines(1, std::chrono::seconds(10));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" TCP_TUNNEL/200 "), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(" CONNECT 127.0.0.1:" + port + " - HIER_DIRECT/127.0.0.1 -"), std::string::npos)
      << lines[0];
}

TEST(Tunnel, ConnectToANonSslPortIsDenied) {
  OriginServer origin;
  CuttleProcess cuttle("acl SSL_ports port 443\nacl CONNECT method CONNECT\nhttp_access deny CONNECT !SSL_ports\n");
  RawConnection c(cuttle.port());
  std::string port = std::to_string(origin.port());
  c.send("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
  auto res = c.read_response();
  EXPECT_EQ(res.result_int(), 403);
  EXPECT_EQ(origin.connections_accepted(), 0);
}

TEST(Tunnel, DefaultConfigurationAllowsConnectOnlyTo443) {
  // The built-in policy (etc/cuttle.conf) says `http_access deny CONNECT !SSL_ports`.
  OriginServer origin;
  // Its ACLs and rules, without the lines that name ports and files.
  std::istringstream defaults(read_file(std::string(CUTTLE_SOURCE_DIR) + "/etc/cuttle.conf"));
  std::string policy;
  for (std::string line; std::getline(defaults, line);)
    if (line.starts_with("acl ") || line.starts_with("http_access ")) policy += line + "\n";
  ASSERT_NE(policy.find("http_access deny CONNECT !SSL_ports"), std::string::npos);
  CuttleProcess cuttle(policy);
  RawConnection c(cuttle.port());
  std::string port = std::to_string(origin.port());
  c.send("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
  EXPECT_EQ(c.read_response().result_int(), 403);
}

// A CONNECT whose server refuses it: squid answers 503 and logs the tunnel
// that never opened as NONE_NONE with the address tried, the page as no reply.
TEST(Tunnel, ARefusedConnectIsLoggedAsSquid) {
  auto [by_squid, by_cuttle] = through_squid_then_cuttle("", [](auto& proxy) {
    RawConnection conn(proxy.port());
    conn.send("CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n");
    const auto status = conn.read_response().result_int();
    auto line = proxy.access_log_line_with("CONNECT 127.0.0.1:1");
    // The fields after time and elapsed: client, code/status, size, method, URL, user, hierarchy, type.
    std::istringstream in(line);
    std::string time, elapsed, rest;
    in >> time >> elapsed;
    std::getline(in, rest);
    return std::to_string(status) + rest;
  });
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_squid, "503 127.0.0.1 NONE_NONE/503 0 CONNECT 127.0.0.1:1 - HIER_DIRECT/127.0.0.1 -");
}

}  // namespace tunnel_test
}  // namespace cuttle::testing
