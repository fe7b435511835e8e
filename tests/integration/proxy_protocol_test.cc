// http_port ... require-proxy-header behind a real haproxy (send-proxy and
// send-proxy-v2), against squid 5.7: the client haproxy saw is the one access
// rules and access.log see, and a connection without a header, with a broken
// one, or from a sender proxy_protocol_access does not allow is closed unanswered
// and logged as squid logs it.
#include "tests/support/differential.h"
#include "tests/support/haproxy_process.h"
#include "tests/support/log_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace cuttle::testing {
namespace proxy_protocol_test {

namespace fs = std::filesystem;

// Where haproxy listens: the address the header names as the one clients reached.
constexpr const char* kBalancerAddress = "127.0.0.5";

std::string config_text(unsigned short port, const std::string& log_file) {
  return "http_port 127.0.0.1:" + std::to_string(port) + " require-proxy-header\n"
         "acl balancer src 127.0.0.1\n"
         "proxy_protocol_access allow balancer\n"
         "acl banned src 127.0.0.3\n"
         "http_access deny banned\n"
         "http_access allow all\n"
         "logformat pp %>a %>la %>lp %la %lp %Ss/%03>Hs %rm %ru\n"
         "access_log stdio:" + log_file + " pp\n"
         "icp_port 0\n";
}

// The line's words with this run's ports named instead of numbered.
std::string with_ports_named(std::string line, const std::vector<std::pair<unsigned short, std::string>>& ports) {
  std::istringstream in(line);
  std::string out;
  for (std::string word; in >> word;) {
    for (const auto& [port, name] : ports)
      if (word == std::to_string(port)) word = name;
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

// One request through haproxy's route `route` from `source`: its status.
std::string through_balancer(const HaproxyProcess& haproxy, size_t route, const std::string& source,
                             const std::string& url) {
  RawConnection conn(haproxy.port(route), source, std::chrono::seconds(10), kBalancerAddress);
  conn.send(request_text("GET", url));
  return std::to_string(conn.read_response().result_int());
}

// Bytes sent straight to the proxy's port from `source`: what came back before it closed.
std::string straight_to(unsigned short port, const std::string& source, const std::string& bytes) {
  RawConnection conn(port, source, std::chrono::seconds(10));
  conn.send(bytes);
  return conn.read_until_close();
}

template <class Proxy>
std::vector<std::string> scenario(Proxy& proxy, const OriginServer& origin, const std::string& log_file) {
  HaproxyProcess haproxy({{proxy.port(), "send-proxy"}, {proxy.port(), "send-proxy-v2"}}, kBalancerAddress);
  std::vector<std::string> seen;
  for (size_t route = 0; route < 2; ++route) {
    const auto v = "/v" + std::to_string(route + 1);
    seen.push_back(v + " allowed: " + through_balancer(haproxy, route, "127.0.0.2", origin.url(v + "/allowed")));
    seen.push_back(v + " banned: " + through_balancer(haproxy, route, "127.0.0.3", origin.url(v + "/banned")));
  }
  const auto request = request_text("GET", origin.url("/straight"));
  seen.push_back("no header: [" + straight_to(proxy.port(), "127.0.0.1", request) + "]");
  seen.push_back("sender not allowed: [" +
                 straight_to(proxy.port(), "127.0.0.4", "PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n" + request) + "]");
  seen.push_back("malformed: [" +
                 straight_to(proxy.port(), "127.0.0.1", "PROXY TCP4 192.0.2.1 192.0.2.2 1111\r\n" + request) + "]");
  // The fixture's port probe (a connection without a request, allowed to send a
  // header), the four requests, and the three connections refused.
  const auto lines = wait_for_lines(log_file, 8, std::chrono::seconds(5));
  const std::vector<std::pair<unsigned short, std::string>> ports = {
      {proxy.port(), "PROXY_PORT"}, {haproxy.port(0), "V1_PORT"}, {haproxy.port(1), "V2_PORT"}};
  for (const auto& line : lines) seen.push_back(with_ports_named(line, ports));
  return seen;
}

TEST(ProxyProtocol, HaproxysClientIsTheClientAsInSquid) {
  if (!SquidProcess::available() || !HaproxyProcess::available()) GTEST_SKIP() << "needs squid and haproxy";
  OriginServer origin([](const RecordedRequest&) {
    OriginReply reply;
    reply.body = "hello";
    return reply;
  });
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  std::vector<std::string> by_squid, by_cuttle;
  {
    const auto port = free_port();
    SquidProcess squid(WholeConfig{config_text(port, dir.file("squid.log")), port});
    by_squid = scenario(squid, origin, dir.file("squid.log"));
  }
  {
    const auto port = free_port();
    CuttleProcess cuttle(WholeConfig{config_text(port, dir.file("cuttle.log")), port});
    by_cuttle = scenario(cuttle, origin, dir.file("cuttle.log"));
  }
  // What squid does, spelled out, so a change in both would still be seen.
  const std::vector<std::string> expected_start = {"/v1 allowed: 200", "/v1 banned: 403", "/v2 allowed: 200",
                                                   "/v2 banned: 403",  "no header: []",   "sender not allowed: []",
                                                   "malformed: []"};
  ASSERT_GE(by_squid.size(), expected_start.size());
  EXPECT_EQ(std::vector(by_squid.begin(), by_squid.begin() + expected_start.size()), expected_start);
  EXPECT_NE(std::find(by_squid.begin(), by_squid.end(),
                      "127.0.0.2 127.0.0.5 V2_PORT 127.0.0.1 PROXY_PORT TCP_MISS/200 GET " + origin.url("/v2/allowed")),
            by_squid.end());
  EXPECT_EQ(by_cuttle, by_squid);
}

}  // namespace proxy_protocol_test
}  // namespace cuttle::testing
