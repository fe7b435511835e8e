// cachemgr_passwd as Squid 5.7 applies it (CacheManager::CheckPassword, PasswdGet,
// ParseUrl), and where a request carries the password.
#include "proxy/config/config_parser.h"
#include "proxy/server/cache_manager.h"
#include "proxy/server/cache_manager_password.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace cache_manager_password_test {

std::vector<CachemgrPasswd> lines(std::initializer_list<CachemgrPasswd> l) { return l; }

TEST(CachemgrPasswd, AnActionNoLineNamesIsPublic) {
  auto config = lines({{"secret", {"info"}, ""}});
  EXPECT_EQ(check_cachemgr_password(config, "counters", std::nullopt), ManagerAccess::Allowed);
  EXPECT_EQ(cachemgr_protection(config, "counters"), "public");
}

TEST(CachemgrPasswd, APasswordMustBeGivenExactly) {
  auto config = lines({{"secret", {"info", "counters"}, ""}});
  EXPECT_EQ(check_cachemgr_password(config, "info", std::string("secret")), ManagerAccess::Allowed);
  EXPECT_EQ(check_cachemgr_password(config, "counters", std::string("secret")), ManagerAccess::Allowed);
  EXPECT_EQ(check_cachemgr_password(config, "info", std::string("Secret")), ManagerAccess::Unauthorized);
  EXPECT_EQ(check_cachemgr_password(config, "info", std::string("")), ManagerAccess::Unauthorized);
  EXPECT_EQ(check_cachemgr_password(config, "info", std::nullopt), ManagerAccess::Unauthorized);
  EXPECT_EQ(cachemgr_protection(config, "info"), "protected");
}

TEST(CachemgrPasswd, NoneOpensAndDisableClosesWhateverIsSupplied) {
  auto config = lines({{"none", {"menu"}, ""}, {"disable", {"counters"}, ""}});
  EXPECT_EQ(check_cachemgr_password(config, "menu", std::nullopt), ManagerAccess::Allowed);
  EXPECT_EQ(check_cachemgr_password(config, "counters", std::string("disable")), ManagerAccess::Disabled);
  EXPECT_EQ(cachemgr_protection(config, "menu"), "public");
  EXPECT_EQ(cachemgr_protection(config, "counters"), "disabled");
}

TEST(CachemgrPasswd, TheFirstLineNamingTheActionOrAllWins) {
  auto config = lines({{"first", {"info"}, ""}, {"everything", {"all"}, ""}, {"late", {"info", "menu"}, ""}});
  EXPECT_EQ(*cachemgr_password(config, "info"), "first");
  EXPECT_EQ(*cachemgr_password(config, "menu"), "everything");  // `all` on an earlier line
  EXPECT_EQ(*cachemgr_password(config, "counters"), "everything");
  EXPECT_EQ(cachemgr_password({}, "info"), nullptr);
}

TEST(CachemgrPasswd, ParsedFromTheConfigWithAWarningForARepeatedAction) {
  auto loaded = load_config_text("cachemgr_passwd secret info counters\ncachemgr_passwd none menu info\n"
                                  "http_port 3128\n",
                                  "test.conf");
  ASSERT_EQ(loaded.config->cachemgr_passwd.size(), 2u);
  EXPECT_EQ(loaded.config->cachemgr_passwd[0].password, "secret");
  EXPECT_EQ(loaded.config->cachemgr_passwd[0].actions, (std::vector<std::string>{"info", "counters"}));
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_NE(loaded.warnings[0].find("'info' already has a password"), std::string::npos) << loaded.warnings[0];
}

TEST(CacheManagerTarget, OnlyCacheObjectUrlsCarryAPassword) {
  auto object = parse_cache_manager_target("cache_object://127.0.0.1/info@secret", "me", 3128);
  ASSERT_TRUE(object);
  EXPECT_EQ(object->action, "info");
  EXPECT_EQ(object->password, "secret");
  auto no_password = parse_cache_manager_target("cache_object://127.0.0.1/counters", "me", 3128);
  EXPECT_EQ(no_password->action, "counters");
  EXPECT_FALSE(no_password->password);
  EXPECT_EQ(parse_cache_manager_target("cache_object://127.0.0.1/", "me", 3128)->action, "menu");
  // Squid 5.7 reads the whole path up to '?' as the action here.
  auto internal = parse_cache_manager_target("http://h:3128/squid-internal-mgr/info@secret?x=1", "h", 3128);
  EXPECT_EQ(internal->action, "info@secret");
  EXPECT_FALSE(internal->password);
  EXPECT_FALSE(cache_manager_action_exists(internal->action, ManagerFigures{}));
  EXPECT_FALSE(parse_cache_manager_target("http://h/other", "me", 3128));
  EXPECT_FALSE(parse_cache_manager_target("http://h/other/squid-internal-mgr/info", "me", 3128));
}

// Port ACLs see the port a manager URL names, else the scheme's default (3128 for
// cache_object, as Squid's AnyP::UriScheme::defaultPort); a relative
// /squid-internal-mgr/ URL names this proxy, as Squid's internalLocalUri does.
TEST(CacheManagerTarget, TheUrlNamesAHostAndAPortAsSquidsDoes) {
  auto object = parse_cache_manager_target("cache_object://127.0.0.1/info", "me", 8080);
  ASSERT_TRUE(object && object->url);
  EXPECT_EQ(object->url->scheme, "cache_object");
  EXPECT_EQ(object->url->host, "127.0.0.1");
  EXPECT_EQ(object->url->port, 3128);
  EXPECT_EQ(object->url->path, "/info");
  EXPECT_EQ(object->url->url(), "cache_object://127.0.0.1/info");
  auto named_port = parse_cache_manager_target("CACHE_OBJECT://Proxy.Example:8080/counters", "me", 3128);
  ASSERT_TRUE(named_port && named_port->url);
  EXPECT_EQ(named_port->url->host, "proxy.example");
  EXPECT_EQ(named_port->url->port, 8080);
  EXPECT_EQ(named_port->action, "counters");
  auto relative = parse_cache_manager_target("/squid-internal-mgr/info", "me", 3129);
  ASSERT_TRUE(relative && relative->url);
  EXPECT_EQ(relative->url->url(), "http://me:3129/squid-internal-mgr/info");
  auto absolute = parse_cache_manager_target("http://Me:3129/squid-internal-mgr/", "me", 3129);
  ASSERT_TRUE(absolute && absolute->url);
  EXPECT_EQ(absolute->url->port, 3129);
  EXPECT_EQ(absolute->action, "menu");
  // Another host's (or port's) /squid-internal-mgr/ is forwarded, as by Squid.
  EXPECT_FALSE(parse_cache_manager_target("http://other:3129/squid-internal-mgr/info", "me", 3129));
  EXPECT_FALSE(parse_cache_manager_target("http://me/squid-internal-mgr/info", "me", 3129));
  auto bad_port = parse_cache_manager_target("cache_object://127.0.0.1:99999/info", "me", 3128);
  ASSERT_TRUE(bad_port);
  EXPECT_FALSE(bad_port->url);
}

TEST(CacheManagerTarget, BasicAuthorizationGivesThePasswordAfterTheColon) {
  EXPECT_EQ(basic_auth_password("Basic dTpzZWNyZXQ="), "secret");       // u:secret
  EXPECT_EQ(basic_auth_password("basic  dTpzZWM6cmV0"), "sec:ret");     // u:sec:ret
  EXPECT_EQ(basic_auth_password("Basic c2VjcmV0"), std::nullopt);       // "secret": no colon
  EXPECT_EQ(basic_auth_password("Bearer dTpzZWNyZXQ="), std::nullopt);
  EXPECT_EQ(basic_auth_password(""), std::nullopt);
}

}  // namespace cache_manager_password_test
}  // namespace cuttle
