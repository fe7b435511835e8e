// request_header_access and request_header_replace, differentially against
// squid 5.7: the origin records the request headers each proxy forwards, and the
// headers the rules name (and the proxies' own Via and X-Forwarded-For, which
// the rules may also remove) must arrive, go or be replaced alike.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cuttle::testing {
namespace header_access_test {

// What the origin got of each header the test watches ("<absent>" when none).
std::vector<std::string> forwarded(unsigned short proxy_port, OriginServer& origin, const std::string& path) {
  auto res = proxy_request(proxy_port, "GET", origin.url(path), "",
                           {{"User-Agent", "browser/1.0"}, {"Referer", "http://private.example/"},
                            {"X-Custom", "custom value"}, {"Accept", "text/plain"}, {"DNT", "1"}});
  EXPECT_EQ(res.result_int(), 200);
  for (const auto& req : origin.requests()) {
    if (req.target != path) continue;
    std::vector<std::string> seen;
    for (const char* name : {"User-Agent", "Referer", "X-Custom", "Accept", "DNT", "Via", "X-Forwarded-For"})
      seen.push_back(std::string(name) + ": " + (req.has_header(name) ? req.header(name) : "<absent>"));
    return seen;
  }
  ADD_FAILURE() << path << " never reached the origin";
  return {};
}

class HeaderAccess : public ::testing::TestWithParam<const char*> {};

TEST_P(HeaderAccess, TheOriginGetsTheHeadersSquidWouldForward) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "no-store"}};
    r.body = "ok";
    return r;
  });
  const std::string rules = GetParam();
  CuttleProcess cuttle(rules);
  SquidProcess squid(rules);
  auto by_cuttle = forwarded(cuttle.port(), origin, "/through-cuttle");
  auto by_squid = forwarded(squid.port(), origin, "/through-squid");
  ASSERT_EQ(by_cuttle.size(), by_squid.size());
  for (size_t i = 0; i < by_cuttle.size(); ++i) {
    // Via and X-Forwarded-For values name each proxy; only whether they came counts.
    const bool value_matters = by_cuttle[i].rfind("Via", 0) != 0 && by_cuttle[i].rfind("X-Forwarded-For", 0) != 0;
    if (value_matters) EXPECT_EQ(by_cuttle[i], by_squid[i]) << rules;
    else EXPECT_EQ(by_cuttle[i].ends_with("<absent>"), by_squid[i].ends_with("<absent>")) << by_cuttle[i] << " / " << by_squid[i];
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, HeaderAccess,
    ::testing::Values(
        // Privacy: no Referer, a generic User-Agent.
        "request_header_access Referer deny all\nrequest_header_access User-Agent deny all\n"
        "request_header_replace User-Agent Anonymous/1.0\n",
        // Headers squid does not know go; known ones stay.
        "request_header_access Other deny all\n",
        // The proxies' own fields may be removed as well.
        "request_header_access Via deny all\nrequest_header_access X-Forwarded-For deny all\n",
        // Allowed by name, everything else but Host denied.
        "request_header_access Host allow all\nrequest_header_access Accept allow all\n"
        "request_header_access All deny all\n",
        // A rule that does not match: its opposite applies.
        "acl nobody src 192.0.2.1\nrequest_header_access DNT allow nobody\n"));

}  // namespace header_access_test
}  // namespace cuttle::testing
