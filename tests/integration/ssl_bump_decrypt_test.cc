// ssl_bump bump: the client's TLS ends at the proxy, which shows it a
// certificate made for the site and signed by the port's CA, and the tunnel's
// requests go through the proxy as https:// requests (cached, logged with their
// URLs). Compared with squid 5.7 built with OpenSSL on the same configuration,
// its certificates made by its own helper (security_file_certgen).
#include "proxy/http/http_date.h"
#include "tests/support/access_log_summary.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/helper_files.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cuttle::testing {
namespace ssl_bump_decrypt_test {

constexpr const char* kSquidCertgen = "/opt/squid-openssl/usr/lib/squid/security_file_certgen";

// What a client saw of a bumped fetch: curl's exit code, the status, squid's
// error name if any, the body, and the certificate's subject, issuer and
// alternative names.
struct Seen {
  int exit_code = -1;
  std::string status;
  std::string error;
  std::string body;
  std::string subject;
  std::string issuer;
  std::string alt_names;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  return out << "exit " << s.exit_code << ", " << s.status << " " << s.error << " '" << s.body.substr(0, 40)
             << "', subject '" << s.subject << "', issuer '" << s.issuer << "', names '" << s.alt_names << "'";
}

// The rest of the line after `marker` in curl's verbose output.
std::string after(const std::string& text, const std::string& marker) {
  const auto at = text.find(marker);
  if (at == std::string::npos) return "";
  const auto start = at + marker.size();
  auto line = text.substr(start, text.find('\n', start) - start);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// How a fetch differs from GET /page by name: the CONNECT's Proxy-Authorization
// ("user:password"), the host the CONNECT names instead (the name stays the SNI),
// another path.
struct Variation {
  std::string proxy_user;
  std::string connect_to;
  std::string path = "/page";
};

class SslBumpDecrypts : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_.copy_other_ca_for_bumping(dir_.file("bump-ca.pem"), dir_.file("bump-ca.key"));
    // The origin's certificate names localhost: mismatch.test reaches it under another name.
    dir_.write("hosts", "127.0.0.1 mismatch.test localhost\n");
  }

  std::string bumping_port(unsigned short port) const {
    return "http_port 127.0.0.1:" + std::to_string(port) + " ssl-bump tls-cert=" + dir_.file("bump-ca.pem") +
           " tls-key=" + dir_.file("bump-ca.key") + " generate-host-certificates=on\n";
  }

  // squid's certificate helper and its database, made as an admin makes it.
  std::string squid_certificate_helper() {
    const auto db = dir_.file("ssl_db");
    run_command({kSquidCertgen, "-c", "-s", db, "-M", "4MB"});
    run_command({"chown", "-R", "proxy:proxy", db});
    return "sslcrtd_program " + std::string(kSquidCertgen) + " -s " + db + " -M 4MB\n";
  }

  // cuttle and (unless `cuttle_only`) squid-openssl with the same rules.
  void start(const std::string& rules, const std::string& extra = "", bool cuttle_only = false) {
    cuttle_.reset();
    squid_.reset();
    const std::string common = "hosts_file " + dir_.file("hosts") + "\ntls_outgoing_options cafile=" +
                               certs_.ca_file() + "\ncache_mem 8 MB\n" + rules + "http_access allow localhost\n" + extra;
    cuttle_ = std::make_unique<CuttleProcess>(bumping_port(cuttle_port_) + common);
    if (SquidProcess::openssl_available() && !cuttle_only)
      squid_ = std::make_unique<SquidProcess>(SquidProcess::WithOpenssl{},
                                              bumping_port(squid_port_) + squid_certificate_helper() + common);
  }

  // GET https://NAME:ORIGIN/page through the proxy on `proxy_port`, trusting
  // the bumping CA alone.
  Seen fetch(unsigned short proxy_port, const std::string& name, const Variation& v = {}) {
    const auto body_file = dir_.file("body-" + std::to_string(++fetches_));
    const auto port = std::to_string(origin_.port());
    std::vector<std::string> argv{"curl", "-sS", "-v", "--max-time", "10", "--proxy",
                                  "http://127.0.0.1:" + std::to_string(proxy_port), "--cacert",
                                  dir_.file("bump-ca.pem"), "-o", body_file, "-w", "\nstatus=%{http_code}\n%{certs}",
                                  "https://" + name + ":" + port + v.path};
    if (!v.proxy_user.empty()) argv.insert(argv.begin() + 1, {"--proxy-user", v.proxy_user});
    if (!v.connect_to.empty())
      argv.insert(argv.begin() + 1, {"--connect-to", name + ":" + port + ":" + v.connect_to + ":" + port});
    auto run = run_command(argv, std::chrono::seconds(15));
    // %{certs}: the server's certificate first, then its chain.
    return {run.exit_code,         after(run.output, "status="),  after(run.output, "< X-Squid-Error: "),
            read_text(body_file),  after(run.output, "\nSubject:"), after(run.output, "\nIssuer:"),
            after(run.output, "X509v3 Subject Alternative Name:")};
  }

  // The same fetch through both proxies: cuttle's, after checking squid's is the
  // same (its error pages are squid's own, so only their names are compared).
  Seen fetch_both(const std::string& name, const Variation& v = {}) {
    auto ours = fetch(cuttle_port_, name, v);
    if (squid_) {
      auto theirs = fetch(squid_port_, name, v);
      if (!theirs.error.empty()) theirs.body = ours.body;
      EXPECT_EQ(theirs, ours) << name;
    }
    return ours;
  }

  void expect_log_lines(const std::vector<std::string>& expected) {
    EXPECT_EQ(request_log_summaries(*cuttle_, expected.size()), expected);
    if (squid_) {
      EXPECT_EQ(request_log_summaries(*squid_, expected.size()), expected) << "squid";
    }
  }

  TestCertificates certs_;
  TempDir dir_{"cuttle-ssl-bump-decrypt"};
  OriginServer origin_{[](const RecordedRequest& req) {
                         OriginReply r;
                         r.headers = {{"Cache-Control", "max-age=600"},
                                      {"Date", http_date(std::chrono::system_clock::now())}};
                         r.body = "origin page " + req.target;
                         return r;
                       },
                       certs_.cert_file(), certs_.key_file()};
  unsigned short cuttle_port_ = free_port();
  unsigned short squid_port_ = free_port();
  unsigned fetches_ = 0;
  std::unique_ptr<CuttleProcess> cuttle_;
  std::unique_ptr<SquidProcess> squid_;
};

// Bumped at step 1 (client-first): the certificate names the site, signed by
// the port's CA; the request is fetched and then served from the cache.
TEST_F(SslBumpDecrypts, BumpedAtStep1TheSiteGetsACertificateByTheBumpCaAndIsCachedAsSquid) {
  start("ssl_bump bump all\n");
  const Seen site{0, "200", "", "origin page /page", "CN = localhost", "CN = cuttle-other-ca", "DNS:localhost"};
  EXPECT_EQ(fetch_both("localhost"), site);
  EXPECT_EQ(fetch_both("localhost"), site);
  expect_log_lines({"NONE_NONE/200 0 CONNECT localhost:PORT HIER_NONE/-",
                    "TCP_MISS/200 N GET https://localhost:PORT/page HIER_DIRECT/127.0.0.1",
                    "NONE_NONE/200 0 CONNECT localhost:PORT HIER_NONE/-",
                    "TCP_MEM_HIT/200 N GET https://localhost:PORT/page HIER_NONE/-"});
  EXPECT_EQ(origin_.requests().size(), squid_ ? 2u : 1u);

  if (!squid_) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
}

// Bumped at step 2 (server-first): the server's certificate is checked first
// and mimicked (its alternative names, the address included); the connection
// made for it serves the first request.
TEST_F(SslBumpDecrypts, BumpedAtStep2TheServersCertificateIsMimickedAsSquid) {
  start("acl step1 at_step SslBump1\nssl_bump peek step1\nssl_bump bump all\n");
  const Seen site{0,          "200", "", "origin page /page", "CN = localhost", "CN = cuttle-other-ca",
                  "DNS:localhost, IP Address:127.0.0.1"};
  EXPECT_EQ(fetch_both("localhost"), site);
  expect_log_lines({"NONE_NONE/200 0 CONNECT localhost:PORT HIER_DIRECT/127.0.0.1",
                    "TCP_MISS/200 N GET https://localhost:PORT/page HIER_DIRECT/127.0.0.1"});
  if (!squid_) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
}

// Server-first bumping checks the server's certificate against the client's
// SNI, not the CONNECT's host (here a name the certificate does not carry).
TEST_F(SslBumpDecrypts, BumpedAtStep2TheServerIsCheckedAgainstTheSniAsSquid) {
  start("acl step1 at_step SslBump1\nssl_bump peek step1\nssl_bump bump all\n");
  const auto seen = fetch_both("localhost", {.connect_to = "mismatch.test"});
  EXPECT_EQ(seen.status, "200");
  EXPECT_EQ(seen.body, "origin page /page");
  expect_log_lines({"NONE_NONE/200 0 CONNECT mismatch.test:PORT HIER_DIRECT/127.0.0.1",
                    "TCP_MISS/200 N GET https://localhost:PORT/page HIER_DIRECT/127.0.0.1"});
  if (!squid_) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
}

// Inside a bumped tunnel /proxy.pac and /squid-internal-mgr/ are the site's.
TEST_F(SslBumpDecrypts, TheProxysOwnPathsInsideATunnelAreTheSitesAsSquid) {
  start("ssl_bump bump all\n");
  for (const std::string path : {"/proxy.pac", "/squid-internal-mgr/info"})
    EXPECT_EQ(fetch_both("localhost", {.path = path}).body, "origin page " + path);
  if (!squid_) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
}

// A server whose certificate does not name the site: the client still gets a
// certificate for the name it asked for (its browser would show the page), and
// the request squid's ERR_SECURE_CONNECT_FAIL, whichever step bumped.
TEST_F(SslBumpDecrypts, AServerFailingItsCertificateCheckGetsTheErrorPageOverTlsAsSquid) {
  for (const char* rules : {"ssl_bump bump all\n", "acl step1 at_step SslBump1\nssl_bump peek step1\nssl_bump bump all\n"}) {
    SCOPED_TRACE(rules);
    start(rules);
    const auto seen = fetch_both("mismatch.test");
    EXPECT_EQ(seen.status, "503");
    EXPECT_EQ(seen.error, "ERR_SECURE_CONNECT_FAIL 0");
    EXPECT_EQ(seen.subject, "CN = mismatch.test");
    EXPECT_EQ(seen.issuer, "CN = cuttle-other-ca");
    const bool server_first = std::string(rules).find("peek") != std::string::npos;
    expect_log_lines({"NONE_NONE/200 0 CONNECT mismatch.test:PORT HIER_NONE/-",
                      std::string(server_first ? "NONE_NONE" : "TCP_MISS") +
                          "/503 N GET https://mismatch.test:PORT/page HIER_NONE/-"});
  }
  EXPECT_TRUE(origin_.requests().empty());
}

// A CONNECT http_access denies is bumped anyway, whatever the ssl_bump rules
// say, so the browser can show the page: its first request gets the 403.
TEST_F(SslBumpDecrypts, ADeniedConnectIsBumpedToShowTheDenialAsSquid) {
  start("acl step1 at_step SslBump1\nssl_bump peek step1\nssl_bump splice all\n"
        "acl blocked dstdomain mismatch.test\nhttp_access deny blocked\n");
  const auto seen = fetch_both("mismatch.test");
  EXPECT_EQ(seen.status, "403");
  EXPECT_EQ(seen.error, "ERR_ACCESS_DENIED 0");
  EXPECT_EQ(seen.subject, "CN = mismatch.test");
  EXPECT_EQ(seen.issuer, "CN = cuttle-other-ca");
  expect_log_lines({"TCP_DENIED/200 0 CONNECT mismatch.test:PORT HIER_NONE/-",
                    "NONE_NONE/403 N GET https://mismatch.test:PORT/page HIER_NONE/-"});
  EXPECT_TRUE(origin_.requests().empty());
}

// The user field of a proxy's first `count` access.log lines.
template <class Proxy>
std::vector<std::string> logged_users(const Proxy& proxy, size_t count) {
  std::vector<std::string> users;
  for (const auto& line : proxy.access_log_lines(count, std::chrono::seconds(3))) {
    std::istringstream fields(line);
    std::string f[8];
    for (auto& x : f) fields >> x;
    if (line.find("error:transaction-end-before-headers") == std::string::npos) users.push_back(f[7]);
  }
  return users;
}

// The CONNECT authenticated: the bumped requests inside, which carry no
// credentials, are that user's (not asked for a 407 the browser could not answer).
TEST_F(SslBumpDecrypts, TheTunnelsRequestsAreTheAuthenticatedConnectsUserAsSquid) {
  HelperFiles files("cuttle-bump-auth");
  const auto hash = run_command({"openssl", "passwd", "-apr1", "wonderland"}).output;
  const auto passwd = files.write("passwd", "alice:" + hash.substr(0, hash.find('\n')) + "\n");
  start("ssl_bump bump all\nauth_param basic program /usr/lib/squid/basic_ncsa_auth " + passwd +
        "\nauth_param basic realm test\nacl users proxy_auth REQUIRED\nhttp_access deny !users\n");
  const auto seen = fetch_both("localhost", {.proxy_user = "alice:wonderland"});
  EXPECT_EQ(seen.status, "200");
  EXPECT_EQ(seen.body, "origin page /page");
  expect_log_lines({"NONE_NONE/200 0 CONNECT localhost:PORT HIER_NONE/-",
                    "TCP_MISS/200 N GET https://localhost:PORT/page HIER_DIRECT/127.0.0.1"});
  EXPECT_EQ(logged_users(*cuttle_, 2), (std::vector<std::string>{"alice", "alice"}));
  if (squid_) {
    EXPECT_EQ(logged_users(*squid_, 2), (std::vector<std::string>{"alice", "alice"})) << "squid";
  }
}

// The worker keeps what it made: the second connection to a site reuses it.
TEST_F(SslBumpDecrypts, MadeCertificatesAreKeptAndCounted) {
  const auto metrics_port = free_port();
  start("ssl_bump bump all\n", "prometheus_port 127.0.0.1:" + std::to_string(metrics_port) + "\n", true);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(fetch(cuttle_port_, "localhost").status, "200");
  RawConnection scrape(metrics_port);
  scrape.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto text = scrape.read_response().body();
  for (const char* line : {"cuttle_ssl_bump_certificates_total{source=\"made\"} 1",
                           "cuttle_ssl_bump_certificates_total{source=\"cache\"} 1",
                           "cuttle_ssl_bump_decisions_total{action=\"bump\",step=\"SslBump1\"} 2"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
}

}  // namespace ssl_bump_decrypt_test
}  // namespace cuttle::testing
