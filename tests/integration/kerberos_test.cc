// Negotiate with real Kerberos, differentially against squid 5.7: a KDC the test
// starts on loopback (tests/support/kdc_process.h), Squid's own
// negotiate_kerberos_auth with the proxy's keytab, and curl's SPNEGO
// (--proxy-negotiate) with a ticket, without one, and a forged token.
#include "tests/support/child_process.h"
#include "tests/support/differential.h"
#include "tests/support/http_client.h"
#include "tests/support/kdc_process.h"
#include "tests/support/log_and_credentials.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cuttle::testing {
namespace kerberos_test {

constexpr const char* kKerberosHelper = "/usr/lib/squid/negotiate_kerberos_auth";

// curl's SPNEGO through the proxy, which it must reach as "localhost": the
// service principal is HTTP/localhost.
template <class Proxy>
std::string curl_negotiate(const KdcProcess& kdc, Proxy& proxy, const std::string& url, const std::string& cache) {
  auto r = run_command(kdc.with_config({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--proxy-negotiate",
                                        "-U", ":", "-x", "http://localhost:" + std::to_string(proxy.port()), url},
                                       cache));
  return r.output;
}

template <class Proxy>
std::vector<std::string> scenario(const KdcProcess& kdc, Proxy& proxy, const OriginServer& origin,
                                  const std::string& alice) {
  std::vector<std::string> seen;
  auto curl = [&](const std::string& path, const std::string& cache, const std::string& log_text) {
    const auto status = curl_negotiate(kdc, proxy, origin.url(path), cache);  // before the log is read
    seen.push_back(status + " " + code_and_user(proxy.access_log_line_with(log_text)));
  };
  curl("/ticket", alice, "TCP_MISS/200");
  curl("/no-ticket", kdc.no_ticket(), "/no-ticket");
  // A token that is no Kerberos token: the helper refuses it.
  auto forged = proxy_request(proxy.port(), "GET", origin.url("/forged"), "",
                              {{"Proxy-Authorization", "Negotiate YIIBhAYGKwYBBQUCoIIBeDCCAXSgMDAuBgkqhkiC9xIBAgIG"}});
  std::string challenges;
  for (const auto& field : forged.base())
    if (field.name() == http::field::proxy_authenticate) challenges += std::string(field.value()) + ";";
  seen.push_back(std::to_string(forged.result_int()) + " " + challenges + " " +
                 code_and_user(proxy.access_log_line_with("/forged")));
  return seen;
}

TEST(Kerberos, NegotiateWithARealKdcIsSquids) {
  if (!SquidProcess::available() || !KdcProcess::available() || !std::filesystem::exists(kKerberosHelper))
    GTEST_FAIL() << "squid 5.7, krb5-kdc, krb5-admin-server and krb5-user are needed";
  KdcProcess kdc({"alice"});
  const auto alice = kdc.kinit("alice");
  std::string program;
  for (const auto& word : kdc.with_config({kKerberosHelper, "-k", kdc.keytab(), "-s", KdcProcess::kService}))
    program += word + " ";
  const std::string config = "auth_param negotiate program " + program +
                             "\nauth_param negotiate children 2\nacl login proxy_auth REQUIRED\n"
                             "http_access deny !login\n";
  OriginServer origin;  // whether credentials leaked upstream is checked on what it recorded
  const auto [by_squid, by_cuttle] =
      through_squid_then_cuttle(config, [&](auto& proxy) { return scenario(kdc, proxy, origin, alice); });
  EXPECT_EQ(by_cuttle, by_squid);
  ASSERT_EQ(by_cuttle.size(), 3u);
  EXPECT_EQ(by_cuttle[0], "200 TCP_MISS/200 alice@CUTTLE.TEST");
  EXPECT_EQ(by_cuttle[1], "407 TCP_DENIED/407 -");
  for (const auto& req : origin.requests()) EXPECT_FALSE(req.has_header("Proxy-Authorization"));
}

}  // namespace kerberos_test
}  // namespace cuttle::testing
