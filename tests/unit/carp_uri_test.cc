// The string CARP hashes: Squid's effective request URI and carp-key= parts.
#include "carp/uri.h"

#include <gtest/gtest.h>

namespace cuttle::carp {
namespace carp_uri_test {

std::string effective(std::string_view url) {
  auto uri = parse_uri(url);
  EXPECT_TRUE(uri) << url;
  return uri ? uri->effective() : "";
}

TEST(CarpUri, SchemeAndHostAreLowercasedPathKeepsItsCase) {
  EXPECT_EQ(effective("HTTP://Example.COM/Some/Path?Q=V"), "http://example.com/Some/Path?Q=V");
}

TEST(CarpUri, DefaultPortIsLeftOutOtherPortsKept) {
  EXPECT_EQ(effective("http://example.com:80/a"), "http://example.com/a");
  EXPECT_EQ(effective("http://example.com:080/a"), "http://example.com/a");  // atoi, as Squid
  EXPECT_EQ(effective("https://example.com:443/a"), "https://example.com/a");
  EXPECT_EQ(effective("http://example.com:443/a"), "http://example.com:443/a");
  EXPECT_EQ(effective("http://example.com:8080/a"), "http://example.com:8080/a");
}

TEST(CarpUri, EmptyPathBecomesSlashAndAQueryRightAfterTheHostGetsOne) {
  EXPECT_EQ(effective("http://example.com"), "http://example.com/");
  EXPECT_EQ(effective("http://example.com?x=1"), "http://example.com/?x=1");
}

TEST(CarpUri, UserInfoAndTrailingDotsAreDropped) {
  EXPECT_EQ(effective("http://user:pw@example.com./x"), "http://example.com/x");
}

TEST(CarpUri, Ipv6LiteralsKeepTheirBrackets) {
  auto uri = parse_uri("http://[::1]:8080/x");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->host, "::1");
  EXPECT_EQ(uri->port, 8080);
  EXPECT_EQ(uri->effective(), "http://[::1]:8080/x");
}

TEST(CarpUri, ConnectAuthorityForm) {
  auto uri = parse_uri("Example.com:443");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->effective(), "example.com:443");
  EXPECT_FALSE(parse_uri("example.com"));  // CONNECT needs a port
}

TEST(CarpUri, UrlsSquidRejects) {
  EXPECT_FALSE(parse_uri("http:///path"));
  EXPECT_FALSE(parse_uri("http://a..b/"));
  EXPECT_FALSE(parse_uri("http://.a/"));
  EXPECT_FALSE(parse_uri("http://a:0/"));
  EXPECT_FALSE(parse_uri("http://a:70000/"));
}

TEST(CarpKeyParts, ParsesSquidsItemNames) {
  auto parts = parse_key_parts("host,path");
  ASSERT_TRUE(parts);
  EXPECT_TRUE(parts->host);
  EXPECT_TRUE(parts->path);
  EXPECT_FALSE(parts->scheme || parts->port || parts->params);
  EXPECT_TRUE(parse_key_parts("hostname"));  // strncmp prefix, like Squid
  EXPECT_FALSE(parse_key_parts("query"));
  EXPECT_FALSE(parse_key_parts(""));
}

TEST(CarpKeyParts, KeyIsBuiltFromTheSelectedPartsInUriOrder) {
  auto uri = *parse_uri("http://Example.com/a/b?c=d");
  EXPECT_EQ(hash_key(uri, {}), "http://example.com/a/b?c=d");
  EXPECT_EQ(hash_key(uri, *parse_key_parts("host")), "example.com");
  // The port is always written, even the default one.
  EXPECT_EQ(hash_key(uri, *parse_key_parts("scheme,host,port")), "http://example.com:80");
  EXPECT_EQ(hash_key(uri, *parse_key_parts("params,path")), "/a/b?c=d");
  EXPECT_EQ(hash_key(uri, *parse_key_parts("path")), "/a/b");
}

TEST(CarpKeyParts, AnEmptyKeyFallsBackToTheWholeUri) {
  auto uri = *parse_uri("http://example.com/a");
  EXPECT_EQ(hash_key(uri, *parse_key_parts("params")), "http://example.com/a");
}

}  // namespace carp_uri_test
}  // namespace cuttle::carp
