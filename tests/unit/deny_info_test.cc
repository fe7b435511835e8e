// deny_info lines as squid 5.7 reads them, and the %-codes of its URLs.
#include "proxy/config/deny_info.h"
#include "proxy/http/deny_page.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace cuttle {
namespace deny_info_test {

TEST(DenyInfoLines, KindsAndStatusesAreReadFromThePageToken) {
  auto url = parse_deny_info({"http://portal/x?u=%u", "a"});
  EXPECT_EQ(url.kind, DenyInfo::Kind::Redirect);
  EXPECT_EQ(url.status, 0u);
  auto named = parse_deny_info({"307:http://portal/", "a", "b"});
  EXPECT_EQ(named.kind, DenyInfo::Kind::Redirect);
  EXPECT_EQ(named.status, 307u);
  EXPECT_EQ(named.acls, (std::vector<std::string>{"a", "b"}));
  auto page = parse_deny_info({"404:ERR_GONE", "a"});
  EXPECT_EQ(page.kind, DenyInfo::Kind::Page);
  EXPECT_EQ(page.target, "ERR_GONE");
  EXPECT_EQ(parse_deny_info({"TCP_RESET", "a"}).kind, DenyInfo::Kind::Reset);
  EXPECT_EQ(parse_deny_info({"ERR_MY_PAGE", "a"}).kind, DenyInfo::Kind::Page);
}

TEST(DenyInfoLines, MalformedStatusPrefixesAreRefusedAsSquidRefusesThem) {
  EXPECT_THROW(parse_deny_info({"302:ERR_X", "a"}), std::invalid_argument);          // 3xx needs a URL
  EXPECT_THROW(parse_deny_info({"404:http://x/", "a"}), std::invalid_argument);      // others a page
  EXPECT_THROW(parse_deny_info({"700:http://x/", "a"}), std::invalid_argument);
  EXPECT_THROW(parse_deny_info({"http://portal/"}), std::invalid_argument);          // no ACL
}

TEST(DenyInfoLines, TheFirstLineNamingTheAclWinsAndUrlsMayBeSkipped) {
  std::vector<DenyInfo> lines = {parse_deny_info({"http://a/", "x"}), parse_deny_info({"ERR_B", "x", "y"})};
  EXPECT_EQ(find_deny_info(lines, "x", true), &lines[0]);
  EXPECT_EQ(find_deny_info(lines, "x", false), &lines[1]);
  EXPECT_EQ(find_deny_info(lines, "y", true), &lines[1]);
  EXPECT_EQ(find_deny_info(lines, "z", true), nullptr);
}

TEST(DenyInfoCodes, UrlValuesAreHtmlQuotedThenEscapedAsSquidDoes) {
  ErrorPageFacts c;
  c.url = "http://e.com/a b?x=1&y='z'";
  c.path = "/a b";
  c.client_ip = "10.0.0.1";
  c.method = "GET";
  EXPECT_EQ(expand_error_codes("http://p/?u=%u&i=%i&m=%M&a=%a", c, true),
            "http://p/?u=http%3A%2F%2Fe.com%2Fa%20b%3Fx%3D1%26amp%3By%3D%26%2339%3Bz%26%2339%3B&i=10.0.0.1&m=GET&a=-");
  EXPECT_EQ(expand_error_codes("%R", c, true), "/a b") << "the path is quoted, not escaped";
  EXPECT_EQ(expand_error_codes("100%% %d", c, true), "100%25 %25d") << "'%' and an unknown code stay, escaped";
  EXPECT_EQ(expand_error_codes("<p>%U</p>", c, false), "<p>http://e.com/a b?x=1&amp;y=&#39;z&#39;</p>");
}

}  // namespace deny_info_test
}  // namespace cuttle
