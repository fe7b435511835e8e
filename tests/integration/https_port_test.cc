// https_port: TLS from the client's first byte, as squid 5.7 (built with OpenSSL)
// does it. curl is the client; each behaviour is checked against squid-openssl
// with the same port options where it is installed (scripts/install-deps.sh).
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

namespace cuttle::testing {
namespace https_port_test {

struct CurlResult {
  int exit_code = -1;  // curl's: 0, or why the TLS handshake or the exchange failed
  std::string status;  // "200"; "000" when no reply came
  std::string body;
};

// GET https://localhost:PORT/path trusting `ca_file`, with curl's `extra` options.
CurlResult curl_https(unsigned short port, const std::string& path, const std::string& ca_file,
                      std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{"curl", "-sS", "--max-time", "10", "--cacert", ca_file, "-w", "\n%{http_code}"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("https://localhost:" + std::to_string(port) + path);
  auto run = run_command(argv, std::chrono::seconds(15));
  CurlResult result;
  result.exit_code = run.exit_code;
  const auto last = run.output.rfind('\n');
  result.status = last == std::string::npos ? run.output : run.output.substr(last + 1);
  result.body = last == std::string::npos ? "" : run.output.substr(0, last);
  return result;
}

// The fields of an access.log line that do not depend on time or on the proxy:
// result code/status, method, URL, hierarchy code.
std::string log_summary(const std::string& line, unsigned short port) {
  std::istringstream in(line);
  std::string time, elapsed, client, result, size, method, url, user, hierarchy;
  in >> time >> elapsed >> client >> result >> size >> method >> url >> user >> hierarchy;
  url = std::regex_replace(url, std::regex(":" + std::to_string(port) + "/"), ":PORT/");
  return result + " " + method + " " + url + " " + hierarchy.substr(0, hierarchy.find('/'));
}

// squid also logs a connection that carried no request (the tests' own probe of
// its http_port): the lines of requests alone.
std::vector<std::string> requests_only(std::vector<std::string> lines) {
  std::erase_if(lines, [](const std::string& l) { return l.find("error:transaction-end-before-headers") != l.npos; });
  return lines;
}

size_t lines_with(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  size_t count = 0;
  for (std::string line; std::getline(in, line);) count += line.find(text) != std::string::npos;
  return count;
}

// An https_port line for a proxy, with the test certificate and `options`.
std::string https_port_line(unsigned short port, const TestCertificates& certs, const std::string& options) {
  return "https_port 127.0.0.1:" + std::to_string(port) + " " + options + " tls-cert=" + certs.cert_file() +
         " tls-key=" + certs.key_file() + "\n";
}

OriginServer cacheable_origin() {
  return OriginServer([](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=600"}, {"Date", http_date(std::chrono::system_clock::now())}};
    r.body = "page " + req.target;
    return r;
  });
}

// The same configuration run by cuttle and by squid-openssl.
struct BothProxies {
  unsigned short cuttle_tls_port = free_port();
  unsigned short squid_tls_port = free_port();
  std::unique_ptr<CuttleProcess> cuttle;
  std::unique_ptr<SquidProcess> squid;

  BothProxies(const TestCertificates& certs, const std::string& port_options, const std::string& config) {
    cuttle = std::make_unique<CuttleProcess>(https_port_line(cuttle_tls_port, certs, port_options) + config);
    if (SquidProcess::openssl_available())
      squid = std::make_unique<SquidProcess>(SquidProcess::WithOpenssl{},
                                             https_port_line(squid_tls_port, certs, port_options) + config);
  }
};

std::string accelerating(const OriginServer& origin) {
  return "cache_peer 127.0.0.1 parent " + std::to_string(origin.port()) +
         " 0 no-query originserver name=site\ncache_mem 8 MB\nhttp_access allow all\n";
}

TEST(HttpsPort, AcceleratorAnswersOverTlsAndCachesUnderTheHttpsUrlAsSquid) {
  TestCertificates certs;
  auto origin = cacheable_origin();
  BothProxies proxies(certs, "accel defaultsite=localhost", accelerating(origin));
  for (int i = 0; i < 2; ++i) {
    auto got = curl_https(proxies.cuttle_tls_port, "/page", certs.ca_file());
    EXPECT_EQ(got.exit_code, 0);
    EXPECT_EQ(got.status, "200");
    EXPECT_EQ(got.body, "page /page");
  }
  EXPECT_EQ(origin.requests().size(), 1u) << "the second request is a hit";
  auto lines = proxies.cuttle->access_log_lines(2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(log_summary(lines[0], proxies.cuttle_tls_port), "TCP_MISS/200 GET https://localhost:PORT/page FIRSTUP_PARENT");
  EXPECT_EQ(log_summary(lines[1], proxies.cuttle_tls_port), "TCP_MEM_HIT/200 GET https://localhost:PORT/page HIER_NONE");
  if (!proxies.squid) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
  for (int i = 0; i < 2; ++i) EXPECT_EQ(curl_https(proxies.squid_tls_port, "/page", certs.ca_file()).body, "page /page");
  auto squid_lines = requests_only(proxies.squid->access_log_lines(3));
  ASSERT_EQ(squid_lines.size(), 2u);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_EQ(log_summary(lines[i], proxies.cuttle_tls_port), log_summary(squid_lines[i], proxies.squid_tls_port));
}

TEST(HttpsPort, ForwardProxyRequestsOverTlsAreServedAsSquidServesThem) {
  TestCertificates certs;
  auto origin = cacheable_origin();
  BothProxies proxies(certs, "", "cache_mem 8 MB\nhttp_access allow localhost\n");
  auto through = [&](unsigned short port) {
    return run_command({"curl", "-sS", "--max-time", "10", "--proxy", "https://localhost:" + std::to_string(port),
                        "--proxy-cacert", certs.ca_file(), "http://127.0.0.1:" + std::to_string(origin.port()) + "/f"},
                       std::chrono::seconds(15));
  };
  auto got = through(proxies.cuttle_tls_port);
  EXPECT_EQ(got.exit_code, 0) << got.output;
  EXPECT_EQ(got.output, "page /f");
  if (!proxies.squid) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
  EXPECT_EQ(through(proxies.squid_tls_port).output, got.output);
}

// clientca=: a client must show a certificate one of those CAs issued.
TEST(HttpsPort, ClientcaRequiresAClientCertificateFromThoseCasAsSquid) {
  TestCertificates certs;
  auto origin = cacheable_origin();
  BothProxies proxies(certs, "accel defaultsite=localhost clientca=" + certs.ca_file(), accelerating(origin));
  const auto good = certs.client_certificate("alice");
  const auto foreign = certs.client_certificate("mallory", /*by_other_ca=*/true);
  auto outcomes = [&](unsigned short port) {
    return std::vector<std::string>{
        curl_https(port, "/none", certs.ca_file()).status,
        curl_https(port, "/good", certs.ca_file(), {"--cert", good}).status,
        curl_https(port, "/foreign", certs.ca_file(), {"--cert", foreign}).status,
    };
  };
  const std::vector<std::string> expected{"000", "200", "000"};
  EXPECT_EQ(outcomes(proxies.cuttle_tls_port), expected);
  if (!proxies.squid) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
  EXPECT_EQ(outcomes(proxies.squid_tls_port), expected);
}

TEST(HttpsPort, ConditionalAuthLetsAClientWithoutACertificateInAsSquid) {
  TestCertificates certs;
  auto origin = cacheable_origin();
  BothProxies proxies(certs, "accel defaultsite=localhost sslflags=CONDITIONAL_AUTH clientca=" + certs.ca_file(),
                      accelerating(origin));
  const auto foreign = certs.client_certificate("mallory", /*by_other_ca=*/true);
  auto outcomes = [&](unsigned short port) {
    return std::vector<std::string>{curl_https(port, "/none", certs.ca_file()).status,
                                    curl_https(port, "/foreign", certs.ca_file(), {"--cert", foreign}).status};
  };
  const std::vector<std::string> expected{"200", "000"};
  EXPECT_EQ(outcomes(proxies.cuttle_tls_port), expected);
  if (!proxies.squid) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
  EXPECT_EQ(outcomes(proxies.squid_tls_port), expected);
}

// tls-min-version= and options= take TLS versions away, as squid's do.
TEST(HttpsPort, MinVersionAndOptionsRefuseTheVersionsTheyTurnOffAsSquid) {
  TestCertificates certs;
  auto origin = cacheable_origin();
  BothProxies min13(certs, "accel defaultsite=localhost tls-min-version=1.3", accelerating(origin));
  BothProxies no13(certs, "accel defaultsite=localhost options=NO_TLSv1_3", accelerating(origin));
  const std::vector<std::string> tls12{"--tlsv1.2", "--tls-max", "1.2"};
  const std::vector<std::string> tls13{"--tlsv1.3"};
  auto outcomes = [&](unsigned short min13_port, unsigned short no13_port) {
    return std::vector<std::string>{curl_https(min13_port, "/", certs.ca_file(), tls12).status,
                                    curl_https(min13_port, "/", certs.ca_file(), tls13).status,
                                    curl_https(no13_port, "/", certs.ca_file(), tls12).status,
                                    curl_https(no13_port, "/", certs.ca_file(), tls13).status};
  };
  const std::vector<std::string> expected{"000", "200", "200", "000"};
  EXPECT_EQ(outcomes(min13.cuttle_tls_port, no13.cuttle_tls_port), expected);
  if (!min13.squid) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
  EXPECT_EQ(outcomes(min13.squid_tls_port, no13.squid_tls_port), expected);
}

// Plain HTTP sent to a TLS port fails the handshake: no reply, and the line
// squid writes for a connection that ended before a request.
TEST(HttpsPort, AFailedHandshakeIsLoggedAsAConnectionWithoutRequestAsSquid) {
  TestCertificates certs;
  auto origin = cacheable_origin();
  BothProxies proxies(certs, "accel defaultsite=localhost", accelerating(origin));
  auto plain = [&](unsigned short port) {
    return run_command({"curl", "-s", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://localhost:" + std::to_string(port) + "/"},
                       std::chrono::seconds(10));
  };
  const std::string kNoRequest = "error:transaction-end-before-headers";
  EXPECT_EQ(plain(proxies.cuttle_tls_port).output, "000");
  auto line = proxies.cuttle->access_log_line_with(kNoRequest);
  EXPECT_EQ(log_summary(line, 0), "NONE_NONE/000 - " + kNoRequest + " HIER_NONE") << line;
  if (!proxies.squid) GTEST_SKIP() << "squid-openssl is not installed: cuttle checked alone";
  // squid logged its http_port's probe the same way: one more line is the handshake's.
  const auto before = lines_with(proxies.squid->access_log_path(), kNoRequest);
  EXPECT_EQ(plain(proxies.squid_tls_port).output, "000");
  auto squid_lines = proxies.squid->access_log_lines(before + 1);
  ASSERT_EQ(lines_with(proxies.squid->access_log_path(), kNoRequest), before + 1);
  EXPECT_EQ(log_summary(squid_lines.back(), 0), log_summary(line, 0)) << squid_lines.back();
}

// A key that does not belong to the certificate stops cuttle at start-up with
// the port's line, as any unusable https_port setting does.
TEST(HttpsPort, AnUnusableKeyStopsStartUpNamingTheLine) {
  TestCertificates certs;
  TempDir dir;
  dir.write("cuttle.conf", "http_port 127.0.0.1:" + std::to_string(free_port()) + "\nhttps_port 127.0.0.1:" +
                               std::to_string(free_port()) + " tls-cert=" + certs.cert_file() +
                               " tls-key=" + certs.client_certificate("alice") + "\n");
  auto run = run_command({cuttle_binary(), "-N", "-f", dir.file("cuttle.conf")}, std::chrono::seconds(20));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("cuttle.conf:2: https_port: cannot use tls-key="), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("key values mismatch"), std::string::npos) << run.output;
}

}  // namespace https_port_test
}  // namespace cuttle::testing
