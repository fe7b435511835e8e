// Access decisions, cuttle against squid 5.7: the same configuration file (ports
// and file paths rewritten, tests/support/config_rewrite.h) and the same matrix
// of requests from several client addresses go to both; every request must be
// allowed by both or denied (403) by both. The built-in configuration, the
// package's (packaging/cuttle.conf), every
// etc/examples file, Debian's /etc/squid/squid.conf and the files in
// tests/integration/access/ are compared. It runs in a private network namespace
// (tests/support/private_network.h): names resolve to loopback addresses where
// nothing listens, so an allowed request ends in the same "cannot connect" error
// from both proxies and nothing leaves the machine.
//
// New ACL types and access directives join by adding a file to access/ (and, when
// they look at something new, a probe below).
#include "tests/support/config_rewrite.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/private_network.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace cuttle::testing {
namespace access_decisions_test {

namespace fs = std::filesystem;

// Client addresses: localhost, another loopback address (no predefined ACL
// matches it), the private ranges of Squid's `localnet`, and IPv6.
const std::vector<std::string> kClients = {"127.0.0.1", "127.0.0.2",   "10.1.2.3", "192.168.7.8",
                                           "172.16.0.9", "100.64.0.1", "::1",      "fd00::5"};

std::string hosts_file() {
  char name[256] = "localhost";
  ::gethostname(name, sizeof name - 1);
  return "127.0.0.1 localhost " + std::string(name) +
         "\n::1 localhost ip6-localhost\n"
         "127.0.2.1 example.com www.example.com\n"
         "127.0.2.2 www.example.org\n"
         "127.0.2.3 intranet.example\n"
         // A destination outside 127/8 (so `to_localhost` does not match it), on
         // this namespace's loopback interface only.
         "198.51.100.7 public.example\n";
}

struct Probe {
  std::string name;
  std::string method, target, extra_headers, body;
};

std::vector<Probe> probes() {
  return {
      {"GET http", "GET", "http://example.com/", "", ""},
      {"GET query", "GET", "http://www.example.org/search?q=squid", "", ""},
      {"GET port 8080", "GET", "http://intranet.example:8080/", "", ""},
      {"GET port 22", "GET", "http://example.com:22/", "", ""},
      {"GET port 70", "GET", "http://example.com:70/", "", ""},
      {"GET to localhost", "GET", "http://127.0.0.1/", "", ""},
      {"GET public", "GET", "http://public.example/index.html", "", ""},
      {"GET https", "GET", "https://example.com/", "", ""},
      {"GET upper case host", "GET", "http://WWW.Example.ORG/a.cgi", "", ""},
      {"HEAD", "HEAD", "http://example.com/", "", ""},
      {"POST", "POST", "http://example.com/form", "Content-Type: text/plain\r\n", "a=b"},
      {"PUT", "PUT", "http://www.example.org/upload", "", "x"},
      {"DELETE", "DELETE", "http://www.example.org/upload", "", ""},
      {"OPTIONS", "OPTIONS", "http://example.com/", "", ""},
      {"CONNECT 443", "CONNECT", "example.com:443", "", ""},
      {"CONNECT 22", "CONNECT", "example.com:22", "", ""},
      {"CONNECT localhost 8443", "CONNECT", "127.0.0.1:8443", "", ""},
      {"PURGE", "PURGE", "http://example.com/", "", ""},
      {"mgr:info", "GET", "cache_object://127.0.0.1/info", "", ""},
      {"mgr:menu by name", "GET", "cache_object://localhost/menu", "", ""},
      {"mgr on port 8080", "GET", "cache_object://127.0.0.1:8080/info", "", ""},
      {"internal mgr", "GET", "/squid-internal-mgr/info", "", ""},
      {"another host's internal mgr", "GET", "http://intranet.example/squid-internal-mgr/info", "", ""},
      {"kiosk", "GET", "http://example.com/", "X-Kiosk: YES\r\n", ""},
      {"two Accept fields", "GET", "http://example.com/", "Accept: text/html\r\nAccept: image/png\r\n", ""},
      {"two Cookie fields", "GET", "http://example.com/", "Cookie: session=1\r\nCookie: session=2\r\n", ""},
      {"two custom fields", "GET", "http://example.com/", "X-Custom: one\r\nX-Custom: two\r\n", ""},
      {"old browser", "GET", "http://example.com/", "User-Agent: Mozilla/4.0 (compatible; msie 6.0)\r\n", ""},
      {"bot", "GET", "http://example.com/", "User-Agent: somebot/1.0\r\n", ""},
      {"bot from intranet", "GET", "http://example.com/",
       "User-Agent: somebot/1.0\r\nReferer: http://intranet.example/links\r\n", ""},
      {"form post", "POST", "http://example.com/form", "Content-Type: application/x-www-form-urlencoded\r\n", "a=b"},
  };
}

std::string request_for(const Probe& p, unsigned short proxy_port) {
  std::string host = p.target;
  if (p.target.starts_with('/')) {
    host = "127.0.0.1:" + std::to_string(proxy_port);
  } else if (p.method != "CONNECT") {
    host = p.target.substr(p.target.find("://") + 3);
    host = host.substr(0, host.find('/'));
  }
  std::string text = p.method + " " + p.target + " HTTP/1.1\r\nHost: " + host + "\r\n" + p.extra_headers;
  if (!p.body.empty() || p.method == "POST" || p.method == "PUT")
    text += "Content-Length: " + std::to_string(p.body.size()) + "\r\n";
  return text + "Connection: close\r\n\r\n" + p.body;
}

// The status a proxy answers `probe` with from `client` (0: no answer).
int status_of(unsigned short port, const std::string& client, const Probe& probe) {
  const bool v6 = client.find(':') != std::string::npos;
  try {
    RawConnection conn(port, client, std::chrono::seconds(10), v6 ? "::1" : "127.0.0.1");
    conn.send(request_for(probe, port));
    return conn.read_response(probe.method == "HEAD").result_int();
  } catch (const std::exception&) {
    return 0;
  }
}

struct ConfigCase {
  std::string name;
  std::string path;
  friend void PrintTo(const ConfigCase& c, std::ostream* out) { *out << c.path; }
};

std::vector<ConfigCase> config_cases() {
  const fs::path source = CUTTLE_SOURCE_DIR;
  std::vector<ConfigCase> cases = {{"builtin", (source / "etc/cuttle.conf").string()},
                                   {"packaged", (source / "packaging/cuttle.conf").string()}};
  std::vector<fs::path> more;
  for (auto dir : {source / "etc/examples", source / "tests/integration/access"})
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".conf") more.push_back(entry.path());
  std::sort(more.begin(), more.end());
  for (const auto& p : more) {
    std::string name = p.parent_path().filename().string() + "_" + p.stem().string();
    std::replace(name.begin(), name.end(), '-', '_');
    cases.push_back({name, p.string()});
  }
  cases.push_back({"debian_squid_conf", "/etc/squid/squid.conf"});
  return cases;
}

class AccessDecisions : public ::testing::TestWithParam<ConfigCase> {
 protected:
  void SetUp() override {
    if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
    if (!fs::exists(GetParam().path)) GTEST_FAIL() << GetParam().path << " is missing";
    PrivateNetwork network{{"127.0.0.2", "10.1.2.3", "192.168.7.8", "172.16.0.9", "100.64.0.1", "fd00::5",
                            "198.51.100.7"},
                           hosts_file()};
    // Each test runs in a process of its own (ctest), so each enters its own namespace.
    auto error = enter_private_network(network);
    ASSERT_EQ(error, "") << "cannot make a private network namespace";
  }
};

TEST_P(AccessDecisions, CuttleAllowsAndDeniesWhatSquidDoes) {
  const std::string text = read_file(GetParam().path);
  const auto for_squid = rewrite_for_test(text), for_cuttle = rewrite_for_test(text);
  ASSERT_NE(for_squid.port, 0) << "no http_port in " << GetParam().path;
  SquidProcess squid(for_squid);
  CuttleProcess cuttle(for_cuttle);
  std::ostringstream disagreements;
  int denied = 0, allowed = 0;
  for (const auto& client : kClients) {
    for (const auto& probe : probes()) {
      const int from_squid = status_of(squid.port(), client, probe);
      const int from_cuttle = status_of(cuttle.port(), client, probe);
      ASSERT_NE(from_squid, 0) << probe.name << " from " << client << ": no answer from squid";
      (from_squid == 403 ? denied : allowed)++;
      if (std::getenv("CUTTLE_TEST_VERBOSE"))
        std::cout << probe.name << " from " << client << ": squid " << from_squid << ", cuttle " << from_cuttle << "\n";
      if ((from_squid == 403) != (from_cuttle == 403))
        disagreements << "  " << probe.name << " (" << probe.method << " " << probe.target << ") from " << client
                      << ": squid " << from_squid << ", cuttle " << from_cuttle << "\n";
    }
  }
  EXPECT_EQ(disagreements.str(), "") << "cuttle's access decisions differ from squid 5.7's for " << GetParam().path;
  // A matrix that squid answers all one way would prove nothing about the rules.
  EXPECT_GT(denied, 0);
  EXPECT_GT(allowed, 0);
}

INSTANTIATE_TEST_SUITE_P(Configurations, AccessDecisions, ::testing::ValuesIn(config_cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace access_decisions_test
}  // namespace cuttle::testing
