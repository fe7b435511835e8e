// request_header_access / request_header_replace as squid 5.7 applies them
// (HeaderManglers::find and httpHdrMangle): a header's own rules, then "Other"
// for headers Squid does not know, then "All"; no matching rule means the
// opposite of the last; a denied field with a replacement keeps its place.
#include "proxy/config/config_parser.h"
#include "proxy/http/header_mangling.h"
#include "proxy/http/request_facts.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cuttle {
namespace header_mangling_test {

std::shared_ptr<const Config> config_with(const std::string& rules) {
  return load_config_text("http_port 3128\nacl from_lan src 10.0.0.0/8\n" + rules, "test.conf").config;
}

std::vector<std::string> mangled(const std::string& rules, const char* client = "10.1.2.3") {
  auto config = config_with(rules);
  http::fields f;
  f.insert("Host", "example.com");
  f.insert("User-Agent", "browser/1.0");
  f.insert("Accept", "*/*");
  f.insert("X-Custom", "one");
  f.insert("X-Custom", "two");
  f.insert("Via", "1.1 cuttle");
  RequestTarget target{"http", "example.com", 80, "/"};
  mangle_headers(f, config->request_header_manglers,
                 request_facts(target, "GET", boost::asio::ip::make_address(client)));
  std::vector<std::string> out;
  for (const auto& field : f) out.push_back(std::string(field.name_string()) + ": " + std::string(field.value()));
  return out;
}

using Fields = std::vector<std::string>;

TEST(HeaderMangling, NoRulesChangeNothing) {
  EXPECT_EQ(mangled(""), (Fields{"Host: example.com", "User-Agent: browser/1.0", "Accept: */*", "X-Custom: one",
                                 "X-Custom: two", "Via: 1.1 cuttle"}));
}

TEST(HeaderMangling, ADeniedHeaderGoesAndItsRulesAreCaseInsensitiveByName) {
  EXPECT_EQ(mangled("request_header_access user-agent deny all\n"),
            (Fields{"Host: example.com", "Accept: */*", "X-Custom: one", "X-Custom: two", "Via: 1.1 cuttle"}));
}

TEST(HeaderMangling, AReplacementTakesTheDeniedValuesPlace) {
  EXPECT_EQ(mangled("request_header_access User-Agent deny all\nrequest_header_replace User-Agent Anonymous Browser\n"),
            (Fields{"Host: example.com", "User-Agent: Anonymous Browser", "Accept: */*", "X-Custom: one",
                    "X-Custom: two", "Via: 1.1 cuttle"}));
}

TEST(HeaderMangling, OtherAppliesOnlyToHeadersSquidDoesNotKnow) {
  EXPECT_EQ(mangled("request_header_access Other deny all\n"),
            (Fields{"Host: example.com", "User-Agent: browser/1.0", "Accept: */*", "Via: 1.1 cuttle"}));
}

TEST(HeaderMangling, AllIsTheLastResortAfterAHeadersOwnRules) {
  EXPECT_EQ(mangled("request_header_access Host allow all\nrequest_header_access Accept allow all\n"
                    "request_header_access All deny all\n"),
            (Fields{"Host: example.com", "Accept: */*"}));
}

TEST(HeaderMangling, NoMatchingRuleMeansTheOppositeOfTheLast) {
  // The client is not on the LAN: the one rule does not match, so its opposite (deny) applies.
  EXPECT_EQ(mangled("request_header_access User-Agent allow from_lan\n", "192.168.1.1").size(), 5u);
  EXPECT_EQ(mangled("request_header_access User-Agent allow from_lan\n", "10.9.9.9").size(), 6u);
}

TEST(HeaderMangling, ACustomHeaderWithOnlyAReplacementIsKeptAsSquidDoes) {
  // Squid finds the custom header's own entry (no rules: allowed) before "Other".
  EXPECT_EQ(mangled("request_header_replace X-Custom three\nrequest_header_access Other deny all\n"),
            (Fields{"Host: example.com", "User-Agent: browser/1.0", "Accept: */*", "X-Custom: one", "X-Custom: two",
                    "Via: 1.1 cuttle"}));
}

TEST(HeaderMangling, SquidsRegisteredHeadersAreKnownCaseInsensitively) {
  EXPECT_TRUE(is_squid_known_header("x-forwarded-for"));
  EXPECT_TRUE(is_squid_known_header("Surrogate-Capability"));
  EXPECT_FALSE(is_squid_known_header("X-Custom"));
  EXPECT_FALSE(is_squid_known_header("DNT"));
}

}  // namespace header_mangling_test
}  // namespace cuttle
