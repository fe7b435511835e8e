// ssl_bump on an http_port's CONNECT tunnels: peek at the ClientHello, then
// splice or terminate by server name, as squid 5.7 (built with OpenSSL) does with
// the same rules. curl is the client, a TLS origin signed by a test CA the server.
#include "tests/support/access_log_summary.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

namespace cuttle::testing {
namespace ssl_bump_test {

// What a CONNECT through a proxy came to: curl's exit code (0: the page was read)
// and the body.
struct Outcome {
  int exit_code = -1;
  std::string body;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Outcome& o) { return out << o.exit_code << " '" << o.body << "'"; }

template <class Proxy>
std::vector<std::string> request_lines(const Proxy& proxy, size_t count) {
  return request_log_summaries(proxy, count);
}

class SslBump : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_.copy_other_ca_for_bumping(dir_.file("bump-ca.pem"), dir_.file("bump-ca.key"));
    dir_.write("hosts", "127.0.0.1 allowed.test blocked.test localhost\n");
  }

  std::string bumping_port(unsigned short port) const {
    return "http_port 127.0.0.1:" + std::to_string(port) + " ssl-bump tls-cert=" + dir_.file("bump-ca.pem") +
           " tls-key=" + dir_.file("bump-ca.key") + " generate-host-certificates=off\n";
  }

  // cuttle and squid-openssl with the same rules, each with its own ssl-bump port.
  void start(const std::string& rules) {
    const std::string common = "hosts_file " + dir_.file("hosts") + "\n" + rules + "http_access allow localhost\n";
    cuttle_ = std::make_unique<CuttleProcess>(bumping_port(cuttle_port_) + common);
    if (SquidProcess::openssl_available())
      squid_ = std::make_unique<SquidProcess>(SquidProcess::WithOpenssl{}, bumping_port(squid_port_) + common);
  }

  // GET https://NAME:ORIGIN/page through the proxy on `proxy_port`; `connect_to`:
  // the name the CONNECT asks for when it differs from the URL's (the SNI).
  Outcome fetch(unsigned short proxy_port, const std::string& name, const std::string& connect_to = "") {
    std::vector<std::string> argv{"curl", "-sS", "--max-time", "10", "--proxy",
                                  "http://127.0.0.1:" + std::to_string(proxy_port), "--cacert", certs_.ca_file()};
    const auto port = std::to_string(origin_.port());
    if (name != "localhost") argv.push_back("-k");  // the origin's certificate names localhost only
    if (!connect_to.empty()) argv.insert(argv.end(), {"--connect-to", name + ":" + port + ":" + connect_to + ":" + port});
    argv.push_back("https://" + name + ":" + port + "/page");
    auto run = run_command(argv, std::chrono::seconds(15));
    return {run.exit_code, run.exit_code == 0 ? run.output : ""};
  }

  // The same fetch through both proxies: cuttle's outcome, after checking squid's is the same.
  Outcome fetch_both(const std::string& name, const std::string& connect_to = "") {
    auto ours = fetch(cuttle_port_, name, connect_to);
    if (squid_) {
      EXPECT_EQ(fetch(squid_port_, name, connect_to), ours) << name << " via " << connect_to;
    }
    return ours;
  }

  void expect_same_log_lines(size_t count) {
    auto ours = request_lines(*cuttle_, count);
    EXPECT_EQ(ours.size(), count);
    if (!squid_) return;
    // squid 5.7 logs a spliced tunnel that ended normally TCP_TUNNEL/500 now and
    // then, by which side closed first (1 run in 5 here): that status is not compared.
    auto theirs = request_lines(*squid_, count);
    for (auto& line : theirs)
      if (line.starts_with("TCP_TUNNEL/500 ")) line.replace(0, 14, "TCP_TUNNEL/200");
    EXPECT_EQ(ours, theirs);
  }

  TestCertificates certs_;
  TempDir dir_{"cuttle-ssl-bump"};
  OriginServer origin_{[](const RecordedRequest& req) {
                         OriginReply r;
                         r.body = "origin page " + req.target;
                         return r;
                       },
                       certs_.cert_file(), certs_.key_file()};
  unsigned short cuttle_port_ = free_port();
  unsigned short squid_port_ = free_port();
  std::unique_ptr<CuttleProcess> cuttle_;
  std::unique_ptr<SquidProcess> squid_;
};

const std::string kPeekThenDecide =
    "acl step1 at_step SslBump1\nacl blocked ssl::server_name .blocked.test\n"
    "ssl_bump peek step1\nssl_bump terminate blocked\nssl_bump splice all\n";

TEST_F(SslBump, ASplicedSiteShowsTheOriginsOwnCertificateAsSquid) {
  start(kPeekThenDecide);
  // curl trusts only the origin's CA and checks the name: the origin's own
  // certificate reached it through the peek, untouched.
  EXPECT_EQ(fetch_both("localhost"), (Outcome{0, "origin page /page"}));
  expect_same_log_lines(2);
  EXPECT_EQ(request_lines(*cuttle_, 2),
            (std::vector<std::string>{"NONE_NONE/200 0 CONNECT localhost:PORT HIER_NONE/-",
                                      "TCP_TUNNEL/200 N CONNECT localhost:PORT HIER_DIRECT/127.0.0.1"}));
  if (!squid_) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
}

TEST_F(SslBump, ATerminatedNameIsClosedAfterThePeekAsSquid) {
  start(kPeekThenDecide);
  const auto outcome = fetch_both("blocked.test");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_EQ(outcome.body, "");
  expect_same_log_lines(1);
  EXPECT_EQ(request_lines(*cuttle_, 1), (std::vector<std::string>{"NONE_NONE/200 0 CONNECT blocked.test:PORT HIER_NONE/-"}));
  EXPECT_TRUE(origin_.requests().empty());
  if (!squid_) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
}

// After a peek the client was told 200: a server that refuses the splice's
// connection just ends it, logged with the error's status as squid does.
TEST_F(SslBump, ASplicedServerThatRefusesIsLoggedAsSquid) {
  start(kPeekThenDecide);
  const auto closed = std::to_string(free_port());
  for (auto* proxy_port : {&cuttle_port_, &squid_port_}) {
    if (proxy_port == &squid_port_ && !squid_) continue;
    auto run = run_command({"curl", "-sS", "-k", "--max-time", "10", "--proxy",
                            "http://127.0.0.1:" + std::to_string(*proxy_port), "https://allowed.test:" + closed + "/"},
                           std::chrono::seconds(15));
    EXPECT_NE(run.exit_code, 0);
  }
  expect_same_log_lines(2);
  EXPECT_EQ(request_lines(*cuttle_, 2),
            (std::vector<std::string>{"NONE_NONE/200 0 CONNECT allowed.test:PORT HIER_NONE/-",
                                      "NONE_NONE/503 0 CONNECT allowed.test:PORT HIER_DIRECT/127.0.0.1"}));
}

// After the peek the ClientHello's SNI is the server name, whatever the CONNECT said.
TEST_F(SslBump, TheSniDecidesAfterThePeekNotTheConnectTargetAsSquid) {
  start(kPeekThenDecide);
  EXPECT_NE(fetch_both("blocked.test", "allowed.test").exit_code, 0);
  EXPECT_EQ(fetch_both("allowed.test", "blocked.test"), (Outcome{0, "origin page /page"}));
  expect_same_log_lines(3);
}

// Without a peek only the CONNECT is known: terminate at step 1 answers nothing.
TEST_F(SslBump, WithoutAPeekTheConnectTargetDecidesAsSquid) {
  start("acl blocked ssl::server_name .blocked.test\nssl_bump terminate blocked\nssl_bump splice all\n");
  EXPECT_NE(fetch_both("blocked.test").exit_code, 0);
  EXPECT_EQ(fetch_both("blocked.test", "allowed.test"), (Outcome{0, "origin page /page"}));
  expect_same_log_lines(2);
  EXPECT_EQ(request_lines(*cuttle_, 2),
            (std::vector<std::string>{"NONE_NONE/000 0 CONNECT blocked.test:PORT HIER_NONE/-",
                                      "TCP_TUNNEL/200 N CONNECT allowed.test:PORT HIER_DIRECT/127.0.0.1"}));
}

// A dst ACL only ssl_bump names: the CONNECT host's addresses are looked up for it.
TEST_F(SslBump, ADstAclOnlySslBumpNamesIsCheckedAsSquid) {
  start("acl loopback dst 127.0.0.0/8\nssl_bump terminate loopback\n");
  EXPECT_NE(fetch_both("allowed.test").exit_code, 0);
  expect_same_log_lines(1);
  EXPECT_EQ(request_lines(*cuttle_, 1), (std::vector<std::string>{"NONE_NONE/000 0 CONNECT allowed.test:PORT HIER_NONE/-"}));
}

TEST_F(SslBump, RegexNamesAndNoMatchingRuleSpliceAsSquid) {
  start("acl step1 at_step SslBump1\nacl blocked ssl::server_name_regex -i ^BLOCKED\\.\n"
        "ssl_bump peek step1\nssl_bump terminate blocked\n");
  EXPECT_NE(fetch_both("blocked.test").exit_code, 0);
  EXPECT_EQ(fetch_both("localhost"), (Outcome{0, "origin page /page"})) << "no rule matched: splice";
}

TEST_F(SslBump, DecisionsAreCountedByStepAndAction) {
  const auto metrics_port = free_port();
  cuttle_ = std::make_unique<CuttleProcess>(bumping_port(cuttle_port_) + "hosts_file " + dir_.file("hosts") + "\n" +
                                            kPeekThenDecide + "http_access allow localhost\nprometheus_port 127.0.0.1:" +
                                            std::to_string(metrics_port) + "\n");
  EXPECT_EQ(fetch(cuttle_port_, "localhost").exit_code, 0);
  EXPECT_NE(fetch(cuttle_port_, "blocked.test").exit_code, 0);
  RawConnection scrape(metrics_port);
  scrape.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto text = scrape.read_response().body();
  for (const char* line : {"cuttle_ssl_bump_decisions_total{action=\"peek\",step=\"SslBump1\"} 2",
                           "cuttle_ssl_bump_decisions_total{action=\"splice\",step=\"SslBump2\"} 1",
                           "cuttle_ssl_bump_decisions_total{action=\"terminate\",step=\"SslBump2\"} 1"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
}

// A CA key others can read would let them impersonate every site to every client.
TEST_F(SslBump, ACaKeyOthersCanReadStopsStartUp) {
  std::filesystem::permissions(dir_.file("bump-ca.key"), std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  dir_.write("cuttle.conf", bumping_port(cuttle_port_) + "ssl_bump splice all\n");
  auto run = run_command({cuttle_binary(), "-N", "-f", dir_.file("cuttle.conf")}, std::chrono::seconds(20));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("cuttle.conf:1: http_port: the ssl-bump CA key"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("is readable by other users"), std::string::npos) << run.output;
}

}  // namespace ssl_bump_test
}  // namespace cuttle::testing
