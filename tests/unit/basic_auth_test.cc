// Basic credentials as Squid 5.7 decodes them, the credentials cache's rules,
// and access checks with authentication ACLs (when they challenge, when they ask
// for the credentials to be checked, when a denial becomes a 407).
#include "proxy/auth/basic_credentials.h"
#include "proxy/auth/credentials_cache.h"
#include "proxy/config/config_parser.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cuttle {
namespace basic_auth_test {

using auth::decode_basic;
using namespace std::chrono_literals;

TEST(BasicCredentials, DecodesUserAndPasswordAtTheFirstColon) {
  auto c = decode_basic("Basic YWxpY2U6cDpzcw==", true);  // alice:p:ss
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "p:ss");
  EXPECT_FALSE(c->broken());
}

TEST(BasicCredentials, TheSchemeIsACaseInsensitivePrefixAndBlanksInTheTokenAreSkipped) {
  EXPECT_TRUE(decode_basic("basic YWxp Y2U6 cHc=", true));
  EXPECT_TRUE(decode_basic("BASIC   YWxpY2U6cHc=", true));
  EXPECT_FALSE(decode_basic("Digest username=\"a\"", true));
  EXPECT_FALSE(decode_basic("Bas", true));
}

TEST(BasicCredentials, UserNamesAreLowercasedUnlessCaseSensitive) {
  EXPECT_EQ(decode_basic("Basic QWxpY2U6UHc=", false)->user, "alice");  // Alice:Pw
  EXPECT_EQ(decode_basic("Basic QWxpY2U6UHc=", false)->password, "Pw");
  EXPECT_EQ(decode_basic("Basic QWxpY2U6UHc=", true)->user, "Alice");
}

TEST(BasicCredentials, InvalidBase64IsNoCredentials) {
  EXPECT_FALSE(decode_basic("Basic !!!!", true));
  EXPECT_FALSE(decode_basic("Basic YWxpY2U6cHc", true));    // unpadded partial group
  EXPECT_FALSE(decode_basic("Basic YWxpY2U6cHc===", true));  // three '='
  EXPECT_FALSE(decode_basic("Basic YR==", true));            // bits left over that are not zero
  EXPECT_FALSE(decode_basic("Basic YQ==YQ==", true));        // data after padding
  EXPECT_TRUE(decode_basic("Basic YQ==", true));
}

TEST(BasicCredentials, NewlinesInTheDecodedTextAreRefusedAndNulEndsIt) {
  EXPECT_FALSE(decode_basic("Basic YQpiOmM=", true));  // "a\nb:c"
  auto c = decode_basic("Basic YTpiAGM=", true);        // "a:b\0c"
  ASSERT_TRUE(c);
  EXPECT_EQ(c->password, "b");
}

TEST(BasicCredentials, NoColonOrAnEmptyPasswordIsBroken) {
  EXPECT_TRUE(decode_basic("Basic YWxpY2U=", true)->broken());   // alice
  EXPECT_TRUE(decode_basic("Basic YWxpY2U6", true)->broken());   // alice:
  auto empty_user = decode_basic("Basic OnB3", true);           // :pw
  EXPECT_FALSE(empty_user->broken());
  EXPECT_EQ(empty_user->user, "");
}

TEST(CredentialsCache, AnAcceptedPasswordCountsUntilTheTtlAndOnlyThatPassword) {
  auth::CredentialsCache cache;
  const auto t0 = std::chrono::steady_clock::now();
  cache.accept("alice", "pw", t0);
  EXPECT_TRUE(cache.accepted("alice", "pw", 1h, t0 + 59min));
  EXPECT_FALSE(cache.accepted("alice", "pw", 1h, t0 + 1h));
  EXPECT_FALSE(cache.accepted("alice", "other", 1h, t0));
  EXPECT_FALSE(cache.accepted("bob", "pw", 1h, t0));
}

TEST(CredentialsCache, ARefusalForgetsTheNameAndExpiryDropsOldEntries) {
  auth::CredentialsCache cache;
  const auto t0 = std::chrono::steady_clock::now();
  cache.accept("alice", "pw", t0);
  cache.accept("bob", "pw", t0 + 30min);
  cache.refuse("alice");
  EXPECT_FALSE(cache.accepted("alice", "pw", 2h, t0));
  cache.accept("alice", "pw", t0);
  cache.expire(1h, t0 + 1h);  // alice was checked an hour ago, bob half an hour
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.accepted("bob", "pw", 2h, t0 + 1h));
}

class AuthAccess : public ::testing::Test {
 protected:
  void load(const std::string& rules) {
    config_ = load_config_text("http_port 3128\nauth_param basic program /bin/cat\n" + rules, "test.conf").config;
  }
  AccessVerdict check(AuthStatus status, const std::string& user = "") {
    RequestFacts facts;
    facts.client = boost::asio::ip::make_address("10.0.0.1");
    facts.method = "GET";
    facts.auth = {status, user};
    return evaluate_access(config_->http_access, facts);
  }
  std::shared_ptr<const Config> config_;
};

TEST_F(AuthAccess, WithoutValidCredentialsAnAuthAclEndsTheCheckWithAChallenge) {
  load("acl login proxy_auth REQUIRED\nhttp_access allow login\nhttp_access deny all\n");
  for (auto status : {AuthStatus::None, AuthStatus::Refused}) {
    auto v = check(status, "alice");
    EXPECT_EQ(v.decision, AccessDecision::Deny);
    EXPECT_TRUE(v.challenge);
    EXPECT_FALSE(v.needs_authentication);
  }
  EXPECT_TRUE(check(AuthStatus::Unchecked, "alice").needs_authentication);
  EXPECT_EQ(check(AuthStatus::Accepted, "alice").decision, AccessDecision::Allow);
}

TEST_F(AuthAccess, AnEarlierRuleDecidesWithoutLookingAtCredentials) {
  load("acl net src 10.0.0.0/8\nacl login proxy_auth REQUIRED\nhttp_access allow net\nhttp_access deny !login\n");
  auto v = check(AuthStatus::None);
  EXPECT_EQ(v.decision, AccessDecision::Allow);
  EXPECT_FALSE(v.challenge);
}

TEST_F(AuthAccess, ADenialIsAChallengeWhenTheLastAclLookedAtIsAnAuthAcl) {
  load("acl alice proxy_auth alice\nhttp_access deny !alice\nhttp_access allow all\n");
  EXPECT_TRUE(check(AuthStatus::Accepted, "bob").challenge);
  EXPECT_EQ(check(AuthStatus::Accepted, "alice").decision, AccessDecision::Allow);
  load("acl alice proxy_auth alice\nacl login proxy_auth REQUIRED\nhttp_access allow alice\nhttp_access deny login all\n");
  auto v = check(AuthStatus::Accepted, "bob");
  EXPECT_EQ(v.decision, AccessDecision::Deny);
  EXPECT_FALSE(v.challenge) << "`all` was looked at last";
  // The implicit answer after an `allow alice` last line: the challenge again.
  load("acl alice proxy_auth alice\nhttp_access allow alice\n");
  EXPECT_TRUE(check(AuthStatus::Accepted, "bob").challenge);
}

TEST_F(AuthAccess, NamesAreCaseSensitiveUnlessMinusIAndRegexesMatchTheName) {
  load("acl a proxy_auth Alice\nhttp_access allow a\nhttp_access deny all\n");
  EXPECT_EQ(check(AuthStatus::Accepted, "alice").decision, AccessDecision::Deny);
  load("acl a proxy_auth -i Alice\nhttp_access allow a\nhttp_access deny all\n");
  EXPECT_EQ(check(AuthStatus::Accepted, "alice").decision, AccessDecision::Allow);
  load("acl r proxy_auth_regex ^adm\nhttp_access allow r\nhttp_access deny all\n");
  EXPECT_EQ(check(AuthStatus::Accepted, "admin").decision, AccessDecision::Allow);
  EXPECT_EQ(check(AuthStatus::Accepted, "user").decision, AccessDecision::Deny);
}

TEST_F(AuthAccess, AFastCheckThatWouldNeedTheHelperIsADenial) {
  load("acl login proxy_auth REQUIRED\nhttp_access allow login\nhttp_access allow all\n");
  RequestFacts facts;
  facts.auth = {AuthStatus::Unchecked, "alice"};
  EXPECT_EQ(check_access(config_->http_access, facts), AccessDecision::Deny);
}

TEST(AuthConfig, AnAuthAclNeedsASchemeConfiguredBeforeIt) {
  EXPECT_THROW(load_config_text("http_port 3128\nacl login proxy_auth REQUIRED\n", "t.conf"), ConfigError);
  EXPECT_THROW(load_config_text("http_port 3128\nacl login proxy_auth REQUIRED\n"
                                "auth_param basic program /bin/cat\n",
                                "t.conf"),
               ConfigError);
}

TEST(AuthConfig, BasicParametersAndSquidsDefaults) {
  auto config = load_config_text("http_port 3128\nauth_param basic program /bin/cat -u\n", "t.conf").config;
  const auto& basic = *config->auth.basic;
  EXPECT_EQ(basic.program.argv, (std::vector<std::string>{"/bin/cat", "-u"}));
  EXPECT_EQ(basic.realm, "Squid proxy-caching web server");
  EXPECT_EQ(basic.credentials_ttl, std::chrono::hours(2));
  EXPECT_EQ(basic.program.children.max, 20u);
  EXPECT_EQ(basic.program.children.queue_size, 40u);
  config = load_config_text(
               "http_port 3128\nauth_param basic program /bin/cat\nauth_param basic realm \"Please log in\"\n"
               "auth_param basic children 5 startup=2 idle=9 concurrency=3\nauth_param basic credentialsttl 30 minutes\n"
               "auth_param basic casesensitive on\n",
               "t.conf")
               .config;
  const auto& b = *config->auth.basic;
  EXPECT_EQ(b.realm, "Please log in");
  EXPECT_EQ(b.program.children.startup, 2u);
  EXPECT_EQ(b.program.children.idle, 5u);  // capped at the maximum
  EXPECT_EQ(b.program.children.concurrency, 3u);
  EXPECT_EQ(b.program.children.queue_size, 10u);
  EXPECT_EQ(b.credentials_ttl, std::chrono::minutes(30));
  EXPECT_TRUE(b.case_sensitive);
}

TEST(AuthConfig, WhatIsNotImplementedIsRefusedNotIgnored) {
  for (auto line : {"auth_param ntlm key_extras \"%>a %Ss\"", "auth_param negotiate program /nonexistent/helper",
                    "auth_param basic key_extras \"%>a\" extra", "auth_param basic key_extras",
                    "auth_param digest key_extras \"%<st\"", "auth_param digest nonce_max_count x",
                    "auth_param basic program /nonexistent/helper", "auth_param basic children 0"})
    EXPECT_THROW(load_config_text("http_port 3128\nauth_param basic program /bin/cat\n" + std::string(line) + "\n",
                                  "t.conf"),
                 ConfigError)
        << line;
}

TEST(AuthConfig, KeyExtrasAreAFormatOfRequestCodes) {
  auto loaded = load_config_text("http_port 3128\nauth_param basic program /bin/cat\n"
                                 "auth_param basic key_extras \"%>a %{User-Agent}>h\"\n"
                                 "auth_param ntlm program /bin/cat\nauth_param ntlm key_extras \"port=%lp\"\n",
                                 "t.conf");
  const auto& auth = loaded.config->auth;
  EXPECT_EQ(auth.basic->key_extras.size(), 3u) << "%>a, a blank, %{User-Agent}>h";
  EXPECT_EQ(auth.ntlm->key_extras.size(), 2u);
}

TEST(AuthConfig, NtlmAndNegotiateAsSquidReadsThem) {
  auto loaded = load_config_text(
      "http_port 3128\nauth_param negotiate program /bin/cat -n\nauth_param negotiate children 5 startup=1 "
      "concurrency=4 reservation-timeout=10\nauth_param negotiate keep_alive off\nauth_param ntlm program /bin/cat\n"
      "auth_param ntlm realm ignored for NTLM\nauth_param basic program /bin/cat\nacl login proxy_auth REQUIRED\n",
      "t.conf");
  const auto& auth = loaded.config->auth;
  ASSERT_TRUE(auth.active_negotiate() && auth.active_ntlm());
  EXPECT_EQ(auth.schemes, (std::vector<std::string>{"negotiate", "ntlm", "basic"}));
  EXPECT_EQ(auth.negotiate->program.argv, (std::vector<std::string>{"/bin/cat", "-n"}));
  EXPECT_EQ(auth.negotiate->program.children.max, 5u);
  EXPECT_EQ(auth.negotiate->program.children.concurrency, 0u) << "stateful helpers have none, as in Squid";
  EXPECT_EQ(auth.negotiate->program.children.reservation_timeout, std::chrono::seconds(10));
  EXPECT_FALSE(auth.negotiate->keep_alive);
  EXPECT_TRUE(auth.ntlm->keep_alive);
  EXPECT_EQ(auth.ntlm->program.children.max, 20u);
  EXPECT_EQ(auth.ntlm->program.children.reservation_timeout, std::chrono::seconds(64));
}

TEST(AuthConfig, DigestParametersAndSchemeOrder) {
  auto loaded = load_config_text(
      "http_port 3128\nauth_param digest program /bin/cat\nauth_param basic program /bin/cat\n"
      "auth_param digest realm Office Proxy\nauth_param digest nonce_max_count 7\n"
      "auth_param digest nonce_max_duration 2 minutes\nauth_param digest nonce_strictness on\n"
      "auth_param digest check_nonce_count off\nauth_param digest post_workaround on\n"
      "auth_param digest nonce_garbage_interval 1 minute\n"
      "acl login proxy_auth REQUIRED\n",
      "t.conf");
  const auto& auth = loaded.config->auth;
  ASSERT_TRUE(auth.active_digest());
  const auto& d = *auth.active_digest();
  EXPECT_EQ(d.realm, "Office Proxy");
  EXPECT_EQ(d.nonces.max_count, 7u);
  EXPECT_EQ(d.nonces.max_duration, std::chrono::minutes(2));
  EXPECT_TRUE(d.nonces.strictness);
  EXPECT_FALSE(d.nonces.check_count);
  EXPECT_TRUE(d.post_workaround);
  EXPECT_EQ(d.nonce_garbage_interval, std::chrono::minutes(1));
  EXPECT_EQ(d.program.children.max, 20u);
  EXPECT_EQ(auth.schemes, (std::vector<std::string>{"digest", "basic"})) << "the order of the challenges";
}

TEST(AuthConfig, DigestAloneIsEnoughForProxyAuthAcls) {
  EXPECT_NO_THROW(load_config_text(
      "http_port 3128\nauth_param digest program /bin/cat\nacl login proxy_auth REQUIRED\n", "t.conf"));
}

}  // namespace basic_auth_test
}  // namespace cuttle
