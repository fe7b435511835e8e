// Name resolution through a real DNS server (dnsmasq) the test starts on its own
// loopback address: dns_nameservers, a hung name that holds up only itself, TTLs,
// negative caching, hosts_file first, IPv6 destinations.
#include "tests/support/cuttle_process.h"
#include "tests/support/dns_server.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

namespace cuttle::testing {
namespace dns_test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string url_at(const std::string& host, const OriginServer& origin, const std::string& path = "/") {
  return "http://" + host + ":" + std::to_string(origin.port()) + path;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

TEST(Dns, NamesComeFromTheConfiguredNameServers) {
  if (!DnsServer::available()) GTEST_FAIL() << "dnsmasq is needed";
  DnsServer dns({"host-record=only-here.test,127.0.0.1"});
  OriginServer origin;
  CuttleProcess cuttle("dns_nameservers " + dns.address() + "\n");
  auto res = proxy_get(cuttle.port(), url_at("only-here.test", origin, "/known"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "hello from origin");
  EXPECT_EQ(dns.queries("only-here.test"), 1u);
  EXPECT_EQ(dns.queries("only-here.test", "AAAA"), 1u) << "A and AAAA are asked for, as squid asks";
}

// Today's worst case with getaddrinfo: one unanswered name held every other
// uncached lookup of the worker until dns_timeout.
TEST(Dns, ANameNobodyAnswersHoldsUpOnlyItself) {
  if (!DnsServer::available()) GTEST_FAIL() << "dnsmasq is needed";
  DnsServer dns({"address=/fast.test/127.0.0.1", "server=/hang.test/" + DnsServer::silent_server()});
  OriginServer origin;
  CuttleProcess cuttle("dns_nameservers " + dns.address() + "\ndns_timeout 6 seconds\n");
  const auto start = Clock::now();
  auto hung = std::async(std::launch::async, [&] { return proxy_get(cuttle.port(), url_at("x.hang.test", origin)); });
  std::this_thread::sleep_for(300ms);  // its lookup is under way
  for (int i = 0; i < 5; ++i) {
    const auto asked = Clock::now();
    auto res = proxy_get(cuttle.port(), url_at("n" + std::to_string(i) + ".fast.test", origin));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_LT(seconds_since(asked), 2.0) << "a fast name waited behind the hung one";
  }
  auto res = hung.get();
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(res["X-Squid-Error"], "ERR_DNS_FAIL 0");
  EXPECT_GE(seconds_since(start), 5.5) << "dns_timeout bounds the hung lookup";
  EXPECT_LT(seconds_since(start), 12.0);
}

TEST(Dns, RecordTtlsAreHonouredWithinTheConfiguredBounds) {
  if (!DnsServer::available()) GTEST_FAIL() << "dnsmasq is needed";
  DnsServer dns({"host-record=short.test,127.0.0.1,2", "host-record=long.test,127.0.0.1,3600"});
  // It closes each connection, so every request needs the name's address (an idle
  // connection to the origin would be reused without a lookup).
  OriginServer origin([](const RecordedRequest&) { return OriginReply{.close = true}; });
  CuttleProcess cuttle("dns_nameservers " + dns.address() +
                       "\nnegative_dns_ttl 1 second\npositive_dns_ttl 3 seconds\nworkers 2\n");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(proxy_get(cuttle.port(), url_at("short.test", origin)).result_int(), 200);
    EXPECT_EQ(proxy_get(cuttle.port(), url_at("long.test", origin)).result_int(), 200);
  }
  EXPECT_EQ(dns.queries("short.test"), 1u) << "the answer is shared by the workers while its TTL lasts";
  EXPECT_EQ(dns.queries("long.test"), 1u);
  std::this_thread::sleep_for(2500ms);
  proxy_get(cuttle.port(), url_at("short.test", origin));
  proxy_get(cuttle.port(), url_at("long.test", origin));
  EXPECT_EQ(dns.queries("short.test"), 2u) << "the record's 2 s TTL passed";
  EXPECT_EQ(dns.queries("long.test"), 1u) << "positive_dns_ttl (3 s) caps the record's hour, not yet passed";
  std::this_thread::sleep_for(1000ms);
  proxy_get(cuttle.port(), url_at("long.test", origin));
  EXPECT_EQ(dns.queries("long.test"), 2u) << "positive_dns_ttl passed";
}

TEST(Dns, FailuresAreRememberedForNegativeDnsTtl) {
  if (!DnsServer::available()) GTEST_FAIL() << "dnsmasq is needed";
  DnsServer dns({"address=/nx.test/"});  // NXDOMAIN
  OriginServer origin;
  CuttleProcess cuttle("dns_nameservers " + dns.address() + "\nnegative_dns_ttl 2 seconds\n");
  for (int i = 0; i < 3; ++i) {
    auto res = proxy_get(cuttle.port(), url_at("gone.nx.test", origin));
    EXPECT_EQ(res.result_int(), 503);
    EXPECT_EQ(res["X-Squid-Error"], "ERR_DNS_FAIL 0");
    EXPECT_NE(res.body().find("Name Error: The domain name does not exist."), std::string::npos)
        << "squid's words for NXDOMAIN: " << res.body();
  }
  EXPECT_EQ(dns.queries("gone.nx.test"), 1u);
  std::this_thread::sleep_for(2500ms);
  proxy_get(cuttle.port(), url_at("gone.nx.test", origin));
  EXPECT_EQ(dns.queries("gone.nx.test"), 2u);
}

TEST(Dns, TheHostsFileAnswersBeforeDns) {
  if (!DnsServer::available()) GTEST_FAIL() << "dnsmasq is needed";
  DnsServer dns({"host-record=listed.test,127.0.0.9"});  // a wrong address: the file's must win
  OriginServer origin;
  TempDir dir("cuttle-hosts");
  dir.write("hosts", "# a comment line\n127.0.0.1 Listed.Test other-name # trailing comment\n");
  CuttleProcess cuttle("dns_nameservers " + dns.address() + "\nhosts_file " + dir.file("hosts") + "\n");
  EXPECT_EQ(proxy_get(cuttle.port(), url_at("listed.test", origin)).result_int(), 200);
  EXPECT_EQ(proxy_get(cuttle.port(), url_at("other-name", origin)).result_int(), 200);
  EXPECT_EQ(dns.queries("listed.test"), 0u);
}

TEST(Dns, Ipv6OnlyNamesAreReached) {
  if (!DnsServer::available()) GTEST_FAIL() << "dnsmasq is needed";
  DnsServer dns({"host-record=six.test,::1"});
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; }, "::1");
  CuttleProcess cuttle("dns_nameservers " + dns.address() + "\n");
  auto res = proxy_get(cuttle.port(), url_at("six.test", origin));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(origin.requests().size(), 1u);
  EXPECT_NE(cuttle.access_log_line_with("six.test").find("HIER_DIRECT/::1"), std::string::npos)
      << cuttle.access_log_line_with("six.test");
}

}  // namespace dns_test
}  // namespace cuttle::testing
