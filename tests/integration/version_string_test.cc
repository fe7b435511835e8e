// httpd_suppress_version_string, differentially against squid 5.7: with it on,
// the Via sent upstream and to the client, the Server of an error page and the
// page's signature name the product without its version; with it off, with it.
// Product names differ (squid, cuttle), so both are read as PRODUCT.
#include "tests/support/differential.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <regex>

namespace cuttle::testing {
namespace version_string_test {

// The product names as PRODUCT, and a Via's host name (the fixtures name each proxy) as HOST.
std::string as_product(const std::string& text) {
  const auto unnamed = std::regex_replace(text, std::regex(R"(^1\.1 \S+ \()"), "1.1 HOST (");
  return std::regex_replace(unnamed, std::regex(R"(\b(squid|cuttle)\b)"), "PRODUCT");
}

std::string signature(const std::string& page) {
  std::smatch m;
  return std::regex_search(page, m, std::regex(R"(by \S+ \(([^)]*)\))")) ? as_product(m[1].str()) : "?";
}

// The product as each place shows it: Via upstream, Via to the client, an error
// page's Server and signature.
template <class Proxy>
std::vector<std::string> products(Proxy& proxy, OriginServer& origin) {
  auto page = proxy_get(proxy.port(), origin.url("/page"));
  auto denied = proxy_get(proxy.port(), origin.url("/denied"));
  const auto requests = origin.requests();
  return {as_product(requests.empty() ? "?" : requests.back().header("Via")), as_product(std::string(page["Via"])),
          as_product(std::string(denied[http::field::server])), signature(denied.body())};
}

class VersionString : public ::testing::TestWithParam<bool> {};

TEST_P(VersionString, ServerViaAndErrorPagesNameTheProductAsSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  const bool suppress = GetParam();
  const std::string config = std::string("httpd_suppress_version_string ") +
                             (suppress ? "on" : "off") + "\nacl denied urlpath_regex ^/denied\nhttp_access deny denied\n";
  const auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [](auto& proxy) {
    OriginServer origin;  // its own, so the Via it records is this proxy's
    return products(proxy, origin);
  });
  auto versionless = [](std::vector<std::string> v) {
    for (auto& s : v) s = std::regex_replace(s, std::regex(R"(PRODUCT/[0-9.]+)"), "PRODUCT/VERSION");
    return v;
  };
  EXPECT_EQ(versionless(by_cuttle), versionless(by_squid));
  const std::string product = suppress ? "PRODUCT" : "PRODUCT/VERSION";
  EXPECT_EQ(versionless(by_cuttle),
            (std::vector<std::string>{"1.1 HOST (" + product + ")", "1.1 HOST (" + product + ")", product,
                                      product}));
}

INSTANTIATE_TEST_SUITE_P(OnAndOff, VersionString, ::testing::Bool());

}  // namespace version_string_test
}  // namespace cuttle::testing
