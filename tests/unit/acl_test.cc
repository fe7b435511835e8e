// Squid ACL types and http_access evaluation over RequestFacts.
#include "proxy/config/acl/acl_types.h"
#include "proxy/config/acl/name_acls.h"
#include "proxy/config/config_parser.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>

namespace cuttle {
namespace acl_test {

using boost::asio::ip::make_address;

Acl make_acl(std::string_view type, std::initializer_list<const char*> words) {
  auto made = make_acl_data(type);
  Acl acl("test", made.type, std::move(made.data));
  acl.parse(std::vector<std::string>(words.begin(), words.end()));
  return acl;
}

RequestFacts from(const char* client) {
  RequestFacts f;
  f.client = make_address(client);
  return f;
}

RequestFacts to_host(std::string host, uint16_t port = 80) {
  RequestFacts f;
  f.client = make_address("127.0.0.1");
  f.method = "GET";
  f.scheme = "http";
  f.host = std::move(host);
  f.port = port;
  f.path = "/";
  return f;
}

RequestFacts get(std::string scheme, std::string host, uint16_t port, std::string path) {
  RequestFacts f = to_host(std::move(host), port);
  f.scheme = std::move(scheme);
  f.path = std::move(path);
  return f;
}

RequestFacts connect(std::string host, uint16_t port) {
  RequestFacts f = to_host(std::move(host), port);
  f.method = "CONNECT";
  f.scheme = "";
  f.path = "";
  return f;
}

bool src_matches(std::initializer_list<const char*> values, const char* client) {
  return make_acl("src", values).matches(from(client));
}

// --- src / dst: addresses --------------------------------------------------------

TEST(Acl, SrcCidrMatchesTheWholeNetworkOnly) {
  EXPECT_TRUE(src_matches({"10.0.0.0/8"}, "10.0.0.0"));
  EXPECT_TRUE(src_matches({"10.0.0.0/8"}, "10.255.255.255"));
  EXPECT_FALSE(src_matches({"10.0.0.0/8"}, "11.0.0.0"));
  EXPECT_FALSE(src_matches({"10.0.0.0/8"}, "9.255.255.255"));
  EXPECT_TRUE(src_matches({"172.16.0.0/12"}, "172.31.255.1"));
  EXPECT_FALSE(src_matches({"172.16.0.0/12"}, "172.32.0.1"));
}

TEST(Acl, SrcCidrWithHostBitsSetCoversItsNetwork) {
  EXPECT_TRUE(src_matches({"10.1.2.3/8"}, "10.200.0.1"));
}

TEST(Acl, SrcSingleAddressMatchesOnlyItself) {
  EXPECT_TRUE(src_matches({"192.168.1.10"}, "192.168.1.10"));
  EXPECT_FALSE(src_matches({"192.168.1.10"}, "192.168.1.11"));
  EXPECT_TRUE(src_matches({"192.168.1.10/32"}, "192.168.1.10"));
}

TEST(Acl, SrcNetmaskFormEqualsPrefixLength) {
  EXPECT_TRUE(src_matches({"192.168.0.0/255.255.0.0"}, "192.168.77.1"));
  EXPECT_FALSE(src_matches({"192.168.0.0/255.255.0.0"}, "192.169.0.1"));
  EXPECT_TRUE(src_matches({"0.0.0.0/0.0.0.0"}, "8.8.8.8"));
}

TEST(Acl, SrcNonContiguousNetmaskIsRejected) {
  auto acl = make_acl("src", {});
  EXPECT_THROW(acl.parse({"10.0.0.0/255.0.255.0"}), std::invalid_argument);
}

TEST(Acl, SrcRangeIsInclusive) {
  EXPECT_FALSE(src_matches({"10.0.0.5-10.0.0.9"}, "10.0.0.4"));
  EXPECT_TRUE(src_matches({"10.0.0.5-10.0.0.9"}, "10.0.0.5"));
  EXPECT_TRUE(src_matches({"10.0.0.5-10.0.0.9"}, "10.0.0.7"));
  EXPECT_TRUE(src_matches({"10.0.0.5-10.0.0.9"}, "10.0.0.9"));
  EXPECT_FALSE(src_matches({"10.0.0.5-10.0.0.9"}, "10.0.0.10"));
}

TEST(Acl, SrcMalformedValuesAreRejected) {
  for (auto bad : {"10.0.0.300", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/abc", "::/129", "10.0.0.9-10.0.0.5",
                   "10.0.0.1-::1", "example.com", ""}) {
    auto acl = make_acl("src", {});
    EXPECT_THROW(acl.parse({bad}), std::invalid_argument) << bad;
  }
}

TEST(Acl, SrcIpv6Networks) {
  EXPECT_TRUE(src_matches({"2001:db8::/32"}, "2001:db8:1234::1"));
  EXPECT_FALSE(src_matches({"2001:db8::/32"}, "2001:db9::1"));
  EXPECT_TRUE(src_matches({"fe80::/10"}, "febf::1"));
  EXPECT_FALSE(src_matches({"fe80::/10"}, "fec0::1"));
  EXPECT_TRUE(src_matches({"fc00::/7"}, "fdff::1"));
  EXPECT_TRUE(src_matches({"::1"}, "::1"));
  EXPECT_FALSE(src_matches({"::1"}, "::2"));
}

TEST(Acl, SrcIpv6RangeDoesNotMatchIpv4AndViceVersa) {
  EXPECT_FALSE(src_matches({"::/0"}, "10.0.0.1"));
  EXPECT_FALSE(src_matches({"0.0.0.0/0"}, "2001:db8::1"));
}

TEST(Acl, V4MappedClientMatchesIpv4Ranges) {
  // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
  EXPECT_TRUE(src_matches({"10.0.0.0/8"}, "::ffff:10.1.2.3"));
  EXPECT_FALSE(src_matches({"10.0.0.0/8"}, "::ffff:11.1.2.3"));
  EXPECT_TRUE(src_matches({"10.0.0.1-10.0.0.3"}, "::ffff:10.0.0.2"));
}

TEST(Acl, V4MappedValueIsTreatedAsIpv4) {
  EXPECT_TRUE(src_matches({"::ffff:10.0.0.1"}, "10.0.0.1"));
}

TEST(Acl, SrcAllMatchesEveryFamily) {
  EXPECT_TRUE(src_matches({"all"}, "1.2.3.4"));
  EXPECT_TRUE(src_matches({"all"}, "2001:db8::1"));
}

TEST(Acl, SrcListMatchesAnyValue) {
  EXPECT_TRUE(src_matches({"10.0.0.0/8", "192.168.0.0/16"}, "192.168.3.3"));
  EXPECT_FALSE(src_matches({"10.0.0.0/8", "192.168.0.0/16"}, "172.16.0.1"));
}

TEST(Acl, DstMatchesAnIpLiteralHostWithoutResolving) {
  auto acl = make_acl("dst", {"93.184.216.0/24"});
  EXPECT_TRUE(acl.needs_destinations());
  EXPECT_TRUE(acl.matches(to_host("93.184.216.34")));
  EXPECT_FALSE(acl.matches(to_host("93.184.217.34")));
  auto v6 = make_acl("dst", {"2001:db8::/32"});
  EXPECT_TRUE(v6.matches(to_host("2001:db8::5")));
}

TEST(Acl, DstMatchesAnyResolvedDestination) {
  auto acl = make_acl("dst", {"10.0.0.0/8"});
  auto facts = to_host("intranet.example");
  EXPECT_FALSE(acl.matches(facts));  // not resolved: no match
  facts.destinations.emplace();
  facts.destinations->push_back(make_address("192.0.2.1"));
  EXPECT_FALSE(acl.matches(facts));
  facts.destinations->push_back(make_address("10.9.9.9"));
  EXPECT_TRUE(acl.matches(facts));
}

TEST(Acl, OnlyDstNeedsDestinations) {
  EXPECT_FALSE(make_acl("src", {}).needs_destinations());
  EXPECT_FALSE(make_acl("dstdomain", {}).needs_destinations());
}

// --- domains -------------------------------------------------------------------------

TEST(Acl, DstDomainWithLeadingDotMatchesDomainAndSubdomains) {
  auto acl = make_acl("dstdomain", {".example.com"});
  EXPECT_TRUE(acl.matches(to_host("example.com")));
  EXPECT_TRUE(acl.matches(to_host("www.example.com")));
  EXPECT_TRUE(acl.matches(to_host("a.b.example.com")));
  EXPECT_FALSE(acl.matches(to_host("badexample.com")));
  EXPECT_FALSE(acl.matches(to_host("example.com.evil.org")));
  EXPECT_FALSE(acl.matches(to_host("com")));
}

TEST(Acl, DstDomainWithoutDotMatchesOnlyThatName) {
  auto acl = make_acl("dstdomain", {"example.com"});
  EXPECT_TRUE(acl.matches(to_host("example.com")));
  EXPECT_FALSE(acl.matches(to_host("www.example.com")));
}

TEST(Acl, DstDomainValuesAreCaseInsensitive) {
  auto acl = make_acl("dstdomain", {".Example.COM"});
  EXPECT_TRUE(acl.matches(to_host("www.example.com")));
}

TEST(Acl, DstDomRegexMatchesTheHost) {
  auto acl = make_acl("dstdom_regex", {"^www\\."});
  EXPECT_TRUE(acl.matches(to_host("www.example.com")));
  EXPECT_FALSE(acl.matches(to_host("example.com")));
  EXPECT_FALSE(acl.matches(get("http", "example.com", 80, "/www.html")));
}

TEST(Acl, RegexIsCaseSensitiveUnlessDashI) {
  EXPECT_FALSE(make_acl("dstdom_regex", {"EXAMPLE"}).matches(to_host("example.com")));
  EXPECT_TRUE(make_acl("dstdom_regex", {"-i", "EXAMPLE"}).matches(to_host("example.com")));
  EXPECT_TRUE(make_acl("urlpath_regex", {"-i", "\\.GIF$"}).matches(get("http", "e.com", 80, "/a.gif")));
}

TEST(Acl, BadRegexIsRejected) {
  auto acl = make_acl("url_regex", {});
  EXPECT_THROW(acl.parse({"(unclosed"}), std::invalid_argument);
}

// --- ports, methods, protocols -----------------------------------------------------

TEST(Acl, PortSingleAndRange) {
  auto acl = make_acl("port", {"80", "1025-65535"});
  EXPECT_TRUE(acl.matches(to_host("e.com", 80)));
  EXPECT_FALSE(acl.matches(to_host("e.com", 81)));
  EXPECT_FALSE(acl.matches(to_host("e.com", 1024)));
  EXPECT_TRUE(acl.matches(to_host("e.com", 1025)));
  EXPECT_TRUE(acl.matches(to_host("e.com", 65535)));
}

TEST(Acl, PortMalformedValuesAreRejected) {
  for (auto bad : {"70000", "10-5", "abc", "80-", "-80", ""}) {
    auto acl = make_acl("port", {});
    EXPECT_THROW(acl.parse({bad}), std::invalid_argument) << bad;
  }
}

TEST(Acl, MethodMatchesTheRequestMethod) {
  auto acl = make_acl("method", {"CONNECT", "PURGE"});
  EXPECT_TRUE(acl.matches(connect("e.com", 443)));
  EXPECT_FALSE(acl.matches(to_host("e.com")));
  auto purge = to_host("e.com");
  purge.method = "PURGE";
  EXPECT_TRUE(acl.matches(purge));
}

TEST(Acl, ProtoMatchesTheSchemeInAnyCase) {
  auto acl = make_acl("proto", {"HTTP"});
  EXPECT_TRUE(acl.matches(get("http", "e.com", 80, "/")));
  EXPECT_FALSE(acl.matches(get("https", "e.com", 443, "/")));
}

// Squid 5.7 parses CONNECT's authority-form without setting a scheme (checked
// against squid: `proto AUTHORITY_FORM` never matches CONNECT, `proto NONE` does).
TEST(Acl, ProtoOfConnectIsNone) {
  auto acl = make_acl("proto", {"NONE"});
  EXPECT_TRUE(acl.matches(connect("e.com", 443)));
  EXPECT_FALSE(make_acl("proto", {"AUTHORITY_FORM"}).matches(connect("e.com", 443)));
  EXPECT_FALSE(acl.matches(get("http", "e.com", 80, "/")));
  EXPECT_FALSE(make_acl("proto", {"https"}).matches(connect("e.com", 443)));
}

TEST(Acl, ProtoNamesAreSquids) {
  EXPECT_TRUE(is_squid_protocol("HTTPS"));
  EXPECT_TRUE(is_squid_protocol("cache_object"));
  EXPECT_TRUE(is_squid_protocol("AUTHORITY_FORM"));
  EXPECT_FALSE(is_squid_protocol("AUTHORITY"));  // squid 5.7 warns and ignores it
  EXPECT_FALSE(is_squid_protocol("HTTP2"));
}

TEST(Acl, ProtoCacheObject) {
  EXPECT_TRUE(make_acl("proto", {"cache_object"}).matches(get("cache_object", "localhost", 80, "/info")));
}

// --- URLs -----------------------------------------------------------------------------

TEST(Acl, UrlRegexSeesTheUrlWithoutTheDefaultPort) {
  auto acl = make_acl("url_regex", {"^http://example\\.com/"});
  EXPECT_TRUE(acl.matches(get("http", "example.com", 80, "/index.html")));
  EXPECT_FALSE(acl.matches(get("http", "example.com", 8080, "/index.html")));
  auto https = make_acl("url_regex", {"^https://example\\.com/"});
  EXPECT_TRUE(https.matches(get("https", "example.com", 443, "/")));
}

TEST(Acl, UrlRegexSeesANonDefaultPort) {
  auto acl = make_acl("url_regex", {"^http://example\\.com:8080/a\\?q=1$"});
  EXPECT_TRUE(acl.matches(get("http", "example.com", 8080, "/a?q=1")));
}

TEST(Acl, UrlRegexSeesIpv6HostsInBrackets) {
  auto acl = make_acl("url_regex", {"^http://[[]2001:db8::1[]]:8080/"});
  EXPECT_TRUE(acl.matches(get("http", "2001:db8::1", 8080, "/")));
}

TEST(Acl, UrlRegexOfConnectIsHostColonPort) {
  auto acl = make_acl("url_regex", {"^secure\\.example:443$"});
  EXPECT_TRUE(acl.matches(connect("secure.example", 443)));
  EXPECT_FALSE(acl.matches(connect("secure.example", 8443)));
}

TEST(Acl, UrlPathRegexSeesPathAndQuery) {
  auto acl = make_acl("urlpath_regex", {"\\.exe$", "^/cgi-bin/", "\\?"});
  EXPECT_TRUE(acl.matches(get("http", "e.com", 80, "/files/setup.exe")));
  EXPECT_TRUE(acl.matches(get("http", "e.com", 80, "/cgi-bin/x")));
  EXPECT_TRUE(acl.matches(get("http", "e.com", 80, "/search?q=1")));
  EXPECT_FALSE(acl.matches(get("http", "e.com", 80, "/files/setup.exe.txt")));
  // The host is not part of the path.
  EXPECT_FALSE(make_acl("urlpath_regex", {"e\\.com"}).matches(get("http", "e.com", 80, "/")));
}

TEST(Acl, UrlRegexesMatchThePercentDecodedUrl) {
  // Squid unescapes before matching, so encoding cannot sneak past a rule.
  auto path = make_acl("urlpath_regex", {"\\.exe$"});
  EXPECT_TRUE(path.matches(get("http", "e.com", 80, "/setup%2Eexe")));
  EXPECT_TRUE(path.matches(get("http", "e.com", 80, "/setup%2eexe")));
  auto url = make_acl("url_regex", {"/private/"});
  EXPECT_TRUE(url.matches(get("http", "e.com", 80, "/%70rivate/x")));
}

TEST(Acl, PercentDecodingLeavesInvalidEscapesAlone) {
  EXPECT_TRUE(make_acl("urlpath_regex", {"^/a%zz$"}).matches(get("http", "e.com", 80, "/a%zz")));
  EXPECT_TRUE(make_acl("urlpath_regex", {"^/a%$"}).matches(get("http", "e.com", 80, "/a%")));
  EXPECT_TRUE(make_acl("urlpath_regex", {"^/100%$"}).matches(get("http", "e.com", 80, "/100%%")));
}

// --- predefined ACLs ----------------------------------------------------------------

TEST(Acl, RegistryStartsWithSquidsPredefinedAcls) {
  AclRegistry registry;
  ASSERT_NE(registry.find("all"), nullptr);
  ASSERT_NE(registry.find("localhost"), nullptr);
  ASSERT_NE(registry.find("to_localhost"), nullptr);
  ASSERT_NE(registry.find("manager"), nullptr);
  EXPECT_EQ(registry.find("localnet"), nullptr);
  EXPECT_EQ(registry.find("all")->type(), "src");
  EXPECT_EQ(registry.find("to_localhost")->type(), "dst");
  EXPECT_EQ(registry.find("manager")->type(), "url_regex");
}

TEST(Acl, PredefinedLocalhostMatchesLoopbackClients) {
  AclRegistry registry;
  const Acl& localhost = *registry.find("localhost");
  EXPECT_TRUE(localhost.matches(from("127.0.0.1")));
  EXPECT_TRUE(localhost.matches(from("::1")));
  EXPECT_TRUE(localhost.matches(from("::ffff:127.0.0.1")));
  EXPECT_FALSE(localhost.matches(from("127.0.0.2")));
  EXPECT_FALSE(localhost.matches(from("10.0.0.1")));
}

TEST(Acl, PredefinedToLocalhostMatchesLoopbackDestinations) {
  AclRegistry registry;
  const Acl& to_localhost = *registry.find("to_localhost");
  EXPECT_TRUE(to_localhost.matches(to_host("127.0.0.1")));
  EXPECT_TRUE(to_localhost.matches(to_host("127.200.0.1")));
  EXPECT_TRUE(to_localhost.matches(to_host("0.0.0.0")));
  EXPECT_TRUE(to_localhost.matches(to_host("::1")));
  EXPECT_FALSE(to_localhost.matches(to_host("10.0.0.1")));
}

TEST(Acl, PredefinedManagerMatchesCacheManagerRequests) {
  AclRegistry registry;
  const Acl& manager = *registry.find("manager");
  EXPECT_TRUE(manager.matches(get("cache_object", "localhost", 80, "/info")));
  EXPECT_TRUE(manager.matches(get("http", "proxy.example", 3128, "/squid-internal-mgr/info")));
  EXPECT_FALSE(manager.matches(get("http", "e.com", 80, "/info")));
}

// As squid 5.7's own definition, a url_regex a configuration may add to.
TEST(Acl, PredefinedManagerIsSquidsUrlRegex) {
  AclRegistry registry;
  Acl& manager = *registry.find("manager");
  EXPECT_EQ(manager.type(), "url_regex");
  EXPECT_TRUE(manager.matches(get("CACHE_OBJECT", "localhost", 80, "/info")));
  manager.parse({"^http://admin\\.example/"});
  EXPECT_TRUE(manager.matches(get("http", "admin.example", 80, "/x")));
}

TEST(Acl, UnknownAndUnimplementedTypesAreRefused) {
  EXPECT_THROW(make_acl_data("nosuchtype"), std::invalid_argument);
  EXPECT_THROW(make_acl_data("manager"), std::invalid_argument);  // predefined only, not a type
  try {
    make_acl_data("eui64");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not implemented"), std::string::npos);
  }
  EXPECT_EQ(make_acl_data("myip").type, "localip");
  EXPECT_EQ(make_acl_data("myport").type, "localport");
}

// --- http_access evaluation ----------------------------------------------------------

struct Rules {
  AclRegistry registry;
  std::vector<AccessRule> rules;

  Acl& acl(const char* name, std::string_view type, std::initializer_list<const char*> values) {
    Acl& a = registry.add(name, type);
    a.parse(std::vector<std::string>(values.begin(), values.end()), &registry);
    return a;
  }
  // "allow", {"a", "!b"}
  void rule(bool allow, std::initializer_list<std::string> names) {
    AccessRule r;
    r.allow = allow;
    for (std::string n : names) {
      AclReference ref;
      ref.negated = n.starts_with('!');
      if (ref.negated) n.erase(0, 1);
      ref.acl = registry.find(n);
      r.acls.push_back(ref);
    }
    rules.push_back(std::move(r));
  }
  AccessDecision check(const RequestFacts& f) const { return check_access(rules, f); }
};

TEST(AccessRules, NoRulesDeny) {
  EXPECT_EQ(check_access({}, from("127.0.0.1")), AccessDecision::Deny);
}

TEST(AccessRules, FirstMatchingRuleDecides) {
  Rules r;
  r.acl("lan", "src", {"10.0.0.0/8"});
  r.acl("bad", "src", {"10.6.6.6"});
  r.rule(false, {"bad"});
  r.rule(true, {"lan"});
  r.rule(false, {"all"});
  EXPECT_EQ(r.check(from("10.6.6.6")), AccessDecision::Deny);
  EXPECT_EQ(r.check(from("10.1.1.1")), AccessDecision::Allow);
  EXPECT_EQ(r.check(from("8.8.8.8")), AccessDecision::Deny);
}

TEST(AccessRules, NoMatchGivesTheOppositeOfTheLastRule) {
  Rules allow_last;
  allow_last.acl("lan", "src", {"10.0.0.0/8"});
  allow_last.rule(true, {"lan"});
  EXPECT_EQ(allow_last.check(from("8.8.8.8")), AccessDecision::Deny);

  Rules deny_last;
  deny_last.acl("bad", "src", {"10.6.6.6"});
  deny_last.rule(false, {"bad"});
  EXPECT_EQ(deny_last.check(from("8.8.8.8")), AccessDecision::Allow);
  EXPECT_EQ(deny_last.check(from("10.6.6.6")), AccessDecision::Deny);
}

TEST(AccessRules, AllAclsOfARuleMustMatch) {
  Rules r;
  r.acl("CONNECT", "method", {"CONNECT"});
  r.acl("SSL_ports", "port", {"443"});
  r.rule(false, {"CONNECT", "!SSL_ports"});
  r.rule(true, {"all"});
  EXPECT_EQ(r.check(connect("e.com", 22)), AccessDecision::Deny);
  EXPECT_EQ(r.check(connect("e.com", 443)), AccessDecision::Allow);
  EXPECT_EQ(r.check(to_host("e.com", 22)), AccessDecision::Allow);  // not CONNECT
}

TEST(AccessRules, NegationInvertsOneAcl) {
  Rules r;
  r.acl("Safe_ports", "port", {"80", "443"});
  r.rule(false, {"!Safe_ports"});
  r.rule(true, {"all"});
  EXPECT_EQ(r.check(to_host("e.com", 80)), AccessDecision::Allow);
  EXPECT_EQ(r.check(to_host("e.com", 25)), AccessDecision::Deny);
}

TEST(AccessRules, RulesNeedDestinationsOnlyWithDst) {
  Rules r;
  r.acl("lan", "src", {"10.0.0.0/8"});
  r.rule(true, {"lan"});
  EXPECT_FALSE(rules_need_destinations(r.rules));
  r.rule(false, {"!to_localhost"});
  EXPECT_TRUE(rules_need_destinations(r.rules));
}

// The recommended Squid policy, as shipped in etc/cuttle.conf.
class DefaultPolicy : public ::testing::Test {
 protected:
  void SetUp() override { loaded_ = load_config_file(std::string(CUTTLE_SOURCE_DIR) + "/etc/cuttle.conf"); }
  AccessDecision check(RequestFacts f, const char* client) const {
    f.client = make_address(client);
    return check_access(loaded_.config->http_access, f);
  }
  LoadedConfig loaded_;
};

TEST_F(DefaultPolicy, LocalClientsMayBrowse) {
  EXPECT_EQ(check(get("http", "example.com", 80, "/"), "127.0.0.1"), AccessDecision::Allow);
  EXPECT_EQ(check(get("http", "example.com", 80, "/"), "::1"), AccessDecision::Allow);
  EXPECT_EQ(check(get("http", "example.com", 80, "/"), "10.1.2.3"), AccessDecision::Allow);
  EXPECT_EQ(check(get("http", "example.com", 80, "/"), "192.168.0.9"), AccessDecision::Allow);
  EXPECT_EQ(check(get("http", "example.com", 80, "/"), "fd00::1"), AccessDecision::Allow);
}

TEST_F(DefaultPolicy, OtherClientsAreRefused) {
  EXPECT_EQ(check(get("http", "example.com", 80, "/"), "8.8.8.8"), AccessDecision::Deny);
  EXPECT_EQ(check(get("http", "example.com", 80, "/"), "2001:db8::1"), AccessDecision::Deny);
}

TEST_F(DefaultPolicy, UnsafePortsAreRefused) {
  EXPECT_EQ(check(get("http", "example.com", 25, "/"), "127.0.0.1"), AccessDecision::Deny);
  EXPECT_EQ(check(get("http", "example.com", 8080, "/"), "127.0.0.1"), AccessDecision::Allow);
}

TEST_F(DefaultPolicy, ConnectOnlyToSslPorts) {
  EXPECT_EQ(check(connect("example.com", 443), "127.0.0.1"), AccessDecision::Allow);
  EXPECT_EQ(check(connect("example.com", 8443), "127.0.0.1"), AccessDecision::Deny);
}

TEST_F(DefaultPolicy, CacheManagerOnlyFromLocalhost) {
  EXPECT_EQ(check(get("cache_object", "localhost", 80, "/info"), "127.0.0.1"), AccessDecision::Allow);
  EXPECT_EQ(check(get("cache_object", "localhost", 80, "/info"), "10.1.2.3"), AccessDecision::Deny);
}

}  // namespace acl_test
}  // namespace cuttle
