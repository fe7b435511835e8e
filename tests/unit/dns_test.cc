// The DNS pieces without sockets: the DNS directives, a hosts file read as squid
// reads it, the shared ipcache's counting, expiry and bounds, and its page.
#include "proxy/config/config_parser.h"
#include "proxy/dns/address_cache.h"
#include "proxy/dns/hosts_file.h"
#include "proxy/dns/ipcache_report.h"

#include "tests/unit/config_text.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace cuttle {
namespace dns_unit_test {

using namespace std::chrono_literals;
using dns::Clock;
namespace ip = boost::asio::ip;

LoadedConfig loaded_from(const std::string& text) { return load_config_text("http_port 3128\n" + text, "test.conf"); }

std::string error_of(const std::string& text) { return testing::config_error_of("http_port 3128\n" + text); }

TEST(DnsDirectives, DefaultsAreSquids) {
  const auto loaded = loaded_from("");
  const auto& dns = loaded.config->dns;
  EXPECT_TRUE(dns.nameservers.empty());
  EXPECT_EQ(dns.hosts_file, "/etc/hosts");
  EXPECT_EQ(dns.timeout, 30s);
  EXPECT_EQ(dns.retransmit, 5s);
  EXPECT_EQ(dns.positive_ttl, 6h);
  EXPECT_EQ(dns.negative_ttl, 1min);
  EXPECT_EQ(dns.ipcache_size, 1024u);
  EXPECT_FALSE(dns.defnames);
}

TEST(DnsDirectives, ValuesAreRead) {
  const auto loaded = loaded_from(
      "dns_nameservers 10.0.0.1 ::1\ndns_nameservers 10.0.0.2\nhosts_file none\ndns_timeout 2 seconds\n"
      "dns_retransmit_interval 500 milliseconds\npositive_dns_ttl 1 hour\nnegative_dns_ttl 5\n"
      "ipcache_size 10\nipcache_low 50\nipcache_high 80\nappend_domain .corp.example\ndns_defnames on\n");
  const auto& dns = loaded.config->dns;
  EXPECT_EQ(dns.nameservers, (std::vector<std::string>{"10.0.0.1", "::1", "10.0.0.2"}));
  EXPECT_EQ(dns.hosts_file, "none");
  EXPECT_EQ(dns.timeout, 2s);
  EXPECT_EQ(dns.retransmit, 500ms);
  EXPECT_EQ(dns.positive_ttl, 1h);
  EXPECT_EQ(dns.negative_ttl, 5s);
  EXPECT_EQ(dns.ipcache_size, 10u);
  EXPECT_EQ(dns.ipcache_low, 50);
  EXPECT_EQ(dns.ipcache_high, 80);
  EXPECT_EQ(dns.append_domain, ".corp.example");
  EXPECT_TRUE(dns.defnames);
}

TEST(DnsDirectives, ANameServerThatIsNoAddressIsRejectedWithSquidsWarning) {
  const auto loaded = loaded_from("dns_nameservers ns1.example 10.0.0.1\n");
  EXPECT_EQ(loaded.config->dns.nameservers, std::vector<std::string>{"10.0.0.1"});
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_NE(loaded.warnings[0].find("test.conf:2: warning: rejecting 'ns1.example' as a name server"),
            std::string::npos)
      << loaded.warnings[0];
}

TEST(DnsDirectives, AppendDomainMustBeginWithADot) {
  EXPECT_NE(error_of("append_domain corp.example\n").find("test.conf:2"), std::string::npos);
  EXPECT_NE(error_of("append_domain corp.example\n").find("must begin with a '.'"), std::string::npos);
}

dns::HostsFile hosts_of(const std::string& text, std::string_view domain = {}) {
  std::istringstream in(text);
  return dns::parse_hosts_file(in, domain);
}

TEST(HostsFile, NamesAndAddressesAreReadAsSquidReadsThem) {
  const auto hosts = hosts_of(
      "# comment\n127.0.0.1 LocalHost  alias\n::1 six # comment\n10.0.0.1 dropped#no-blank-before\n"
      "not-an-address name\n10.0.0.2 first\n10.0.0.3 first\n10.0.0.4 last-without-newline");
  EXPECT_EQ(hosts.addresses.at("localhost"), ip::make_address("127.0.0.1"));
  EXPECT_EQ(hosts.addresses.at("alias"), ip::make_address("127.0.0.1"));
  EXPECT_EQ(hosts.addresses.at("six"), ip::make_address("::1"));
  EXPECT_EQ(hosts.addresses.at("first"), ip::make_address("10.0.0.3")) << "a later line wins";
  EXPECT_FALSE(hosts.addresses.count("dropped")) << "squid needs a blank after a name";
  EXPECT_FALSE(hosts.addresses.count("last-without-newline"));
  EXPECT_FALSE(hosts.addresses.count("name"));
  EXPECT_EQ(hosts.names.at("127.0.0.1"), "localhost");
  EXPECT_EQ(hosts.names.at("::1"), "six");
}

TEST(HostsFile, AppendDomainCompletesNamesWithoutADot) {
  const auto hosts = hosts_of("10.0.0.1 printer printer.other.example\n", ".corp.example");
  EXPECT_TRUE(hosts.addresses.count("printer.corp.example"));
  EXPECT_TRUE(hosts.addresses.count("printer.other.example"));
  EXPECT_FALSE(hosts.addresses.count("printer"));
}

dns::Addresses addresses(const std::string& address, Clock::time_point expires) {
  return {{ip::make_address(address)}, {}, expires};
}

TEST(AddressCache, HitsMissesAndExpiryAreCountedAsSquidCounts) {
  dns::AddressCache cache;
  const auto now = Clock::now();
  EXPECT_FALSE(cache.find("a.example", now));
  cache.store("a.example", addresses("10.0.0.1", now + 10s), now);
  cache.store("gone.example", dns::Addresses{{}, "Name Error: The domain name does not exist.", now + 10s}, now);
  EXPECT_EQ(cache.find("a.example", now + 5s)->addresses.at(0), ip::make_address("10.0.0.1"));
  EXPECT_TRUE(cache.find("gone.example", now + 5s)->addresses.empty());
  EXPECT_FALSE(cache.find("a.example", now + 11s)) << "expired";
  cache.count_numeric();
  const auto counts = cache.snapshot(now).counters;
  EXPECT_EQ(counts.requests, 5u);
  EXPECT_EQ(counts.hits, 1u);
  EXPECT_EQ(counts.negative_hits, 1u);
  EXPECT_EQ(counts.misses, 2u);
  EXPECT_EQ(counts.numeric_hits, 1u);
}

TEST(AddressCache, TheLeastRecentlyUsedGoWhenTheHighMarkIsReachedButNotTheHostsFiles) {
  dns::AddressCache cache;
  cache.set_limits(10, 50, 90);  // purge at 9 entries down to below 5
  cache.set_hosts(hosts_of("10.0.0.9 fixed\n"));
  const auto now = Clock::now();
  for (int i = 0; i < 7; ++i) cache.store("n" + std::to_string(i), addresses("10.0.0.1", now + 1h), now);
  EXPECT_TRUE(cache.find("n0", now));  // used: now the most recent
  cache.store("n7", addresses("10.0.0.1", now + 1h), now);  // 8 + the hosts file's 1 = 9
  const auto snapshot = cache.snapshot(now);
  EXPECT_EQ(snapshot.entries, 4u);
  EXPECT_TRUE(cache.find("n7", now));
  EXPECT_TRUE(cache.find("n0", now));
  EXPECT_FALSE(cache.find("n1", now));
  EXPECT_TRUE(cache.find("fixed", now));
}

TEST(IpcacheReport, RowsAreLaidOutAsSquids) {
  dns::AddressCache cache;
  cache.set_hosts(hosts_of("10.0.0.9 fixed.example\n"));
  const auto now = Clock::now();
  cache.store("two.example", dns::Addresses{{ip::make_address("10.0.0.1"), ip::make_address("::1")}, {}, now + 60s},
              now);
  cache.store("gone.example", dns::Addresses{{}, "Timeout", now + 60s}, now);
  const auto page = dns::ipcache_report(cache.snapshot(now));
  EXPECT_NE(page.find("IP Cache Statistics:\nIPcache Entries Cached:  3\n"), std::string::npos) << page;
  EXPECT_NE(page.find(" Hostname                        Flg lstref    TTL  N(b)\n"), std::string::npos) << page;
  EXPECT_NE(page.find(" gone.example                      N      0     60  0( 0)\n"), std::string::npos) << page;
  // squid's " %-32.32s %c%c %6d %6d %2d(%2d)", then " %45.45s-%3s" per address, the later ones indented by 57.
  EXPECT_NE(page.find(" two.example" + std::string(30, ' ') + "0     60  2( 0)" + std::string(38, ' ') +
                      "10.0.0.1-OK \n" + std::string(100, ' ') + "::1-OK \n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find(" fixed.example                    H       0     -1  1( 0)"), std::string::npos) << page;
}

}  // namespace dns_unit_test
}  // namespace cuttle
