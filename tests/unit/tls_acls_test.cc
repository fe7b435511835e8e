// at_step, ssl::server_name and ssl::server_name_regex as squid 5.7 matches them,
// and ssl_bump's rule choice at each step.
#include "proxy/config/acl/acl_types.h"
#include "proxy/config/acl/tls_acls.h"
#include "proxy/server/ssl_bump_decision.h"
#include "tests/unit/config_text.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace tls_acls_test {

Acl make(std::string_view type, std::vector<std::string> words) {
  auto made = make_acl_data(type);
  Acl acl("test", made.type, std::move(made.data));
  acl.parse(words, nullptr);
  return acl;
}

RequestFacts connect_to(const std::string& host, int step, const std::string& sni = "") {
  RequestFacts f;
  f.method = "CONNECT";
  f.host = host;
  f.port = 443;
  f.tls.bump_step = step;
  f.tls.client_sni = sni;
  return f;
}

TEST(TlsAcls, AtStepMatchesTheStepBeingEvaluated) {
  auto acl = make("at_step", {"SslBump1", "SslBump3"});
  EXPECT_EQ(acl.match(connect_to("a.test", 1)), AclMatch::Yes);
  EXPECT_EQ(acl.match(connect_to("a.test", 2)), AclMatch::No);
  EXPECT_EQ(acl.match(connect_to("a.test", 3)), AclMatch::Yes);
  EXPECT_EQ(acl.match(connect_to("a.test", 0)), AclMatch::No) << "outside ssl_bump";
  EXPECT_THROW(make("at_step", {"SslBump4"}), std::invalid_argument);
}

TEST(TlsAcls, ServerNameIsTheSniOnceKnownElseTheConnectTarget) {
  auto acl = make("ssl::server_name", {".blocked.test"});
  EXPECT_EQ(acl.match(connect_to("www.blocked.test", 1)), AclMatch::Yes);
  EXPECT_EQ(acl.match(connect_to("www.blocked.test", 2, "allowed.test")), AclMatch::No);
  EXPECT_EQ(acl.match(connect_to("allowed.test", 2, "blocked.test")), AclMatch::Yes);
}

TEST(TlsAcls, ServerNameSourcesAsSquidsOptions) {
  auto facts = connect_to("connect.test", 3, "sni.test");
  EXPECT_EQ(tls_server_names(facts, ServerNameSource::Default), std::vector<std::string>{"sni.test"});
  EXPECT_EQ(tls_server_names(facts, ServerNameSource::ServerProvided), std::vector<std::string>{"none"})
      << "no certificate known: none";
  EXPECT_EQ(tls_server_names(facts, ServerNameSource::Consensus), std::vector<std::string>{"sni.test"});
  facts.tls.server_names = std::vector<std::string>{"cert.test", "*.cert.test"};
  EXPECT_EQ(tls_server_names(facts, ServerNameSource::Default), (std::vector<std::string>{"cert.test", "*.cert.test"}));
  EXPECT_EQ(tls_server_names(facts, ServerNameSource::ClientRequested), std::vector<std::string>{"sni.test"});
  EXPECT_EQ(tls_server_names(facts, ServerNameSource::Consensus), std::vector<std::string>{"none"})
      << "the SNI is not among the certificate's names";
  EXPECT_EQ(make("ssl::server_name", {"--client-requested", "sni.test"}).match(facts), AclMatch::Yes);
  EXPECT_EQ(make("ssl::server_name", {"--server-provided", "cert.test"}).match(facts), AclMatch::Yes);
  EXPECT_THROW(make("ssl::server_name", {"--consensus", "--client-requested", "x"}), std::invalid_argument);
}

TEST(TlsAcls, ServerNameRegexTakesCaseFlags) {
  auto acl = make("ssl::server_name_regex", {"-i", "^WWW\\."});
  EXPECT_EQ(acl.match(connect_to("x.test", 2, "www.example.test")), AclMatch::Yes);
  EXPECT_EQ(acl.match(connect_to("x.test", 2, "mail.example.test")), AclMatch::No);
}

SslBumpAction action_at(const Config& config, const RequestFacts& facts) {
  return ssl_bump_action(config.ssl_bump, facts);
}

TEST(SslBumpRules, FirstMatchingPossibleActionWinsAndNoMatchSplices) {
  auto loaded = load_config_text("http_port 3128\nacl step1 at_step SslBump1\nacl blocked ssl::server_name .blocked.test\n"
                                 "ssl_bump peek all\nssl_bump terminate blocked\n",
                                 "test.conf");
  const auto& config = *loaded.config;
  EXPECT_EQ(action_at(config, connect_to("a.test", 1)), SslBumpAction::Peek);
  EXPECT_EQ(action_at(config, connect_to("a.test", 2, "blocked.test")), SslBumpAction::Peek);
  // At step 3 peeking is impossible: the next rule decides, or splice.
  EXPECT_EQ(action_at(config, connect_to("a.test", 3, "blocked.test")), SslBumpAction::Terminate);
  EXPECT_EQ(action_at(config, connect_to("a.test", 3, "fine.test")), SslBumpAction::Splice);
}

TEST(SslBumpRules, BumpIsImpossibleAfterAPeekAtStep2) {
  auto loaded = load_config_text("http_port 3128\nacl step1 at_step SslBump1\nssl_bump peek step1\n"
                                 "ssl_bump bump all\n",
                                 "test.conf");
  const auto& config = *loaded.config;
  EXPECT_EQ(action_at(config, connect_to("a.test", 1)), SslBumpAction::Peek);
  EXPECT_EQ(action_at(config, connect_to("a.test", 2, "a.test")), SslBumpAction::Bump);
  EXPECT_EQ(action_at(config, connect_to("a.test", 3, "a.test")), SslBumpAction::Splice);
}

// squid bans `none` after step 1: the next rule decides there.
TEST(SslBumpRules, NoneSplicesAtStep1AndIsSkippedLater) {
  auto loaded = load_config_text("http_port 3128\nssl_bump none all\nssl_bump terminate all\n", "test.conf");
  const auto& config = *loaded.config;
  EXPECT_EQ(action_at(config, connect_to("a.test", 1)), SslBumpAction::Splice);
  EXPECT_EQ(action_at(config, connect_to("a.test", 2, "a.test")), SslBumpAction::Terminate);
  EXPECT_EQ(action_at(config, connect_to("a.test", 3, "a.test")), SslBumpAction::Terminate);
}

TEST(SslBumpRules, ActionsNotImplementedAreRefused) {
  for (const char* action : {"stare", "client-first", "server-first"})
    EXPECT_NE(testing::config_error_of(std::string("http_port 3128\nssl_bump ") + action + " all\n")
                  .find("test.conf:2: ssl_bump " + std::string(action) + " is not implemented"),
              std::string::npos)
        << action;
  EXPECT_EQ(testing::config_error_of("http_port 3128\nssl_bump none all\nssl_bump splice all\nssl_bump bump all\n"), "");
  EXPECT_NE(testing::config_error_of("http_port 3128\nssl_bump jump all\n").find("unknown action 'jump'"),
            std::string::npos);
  EXPECT_NE(testing::config_error_of("http_port 3128\nauth_param basic program /bin/true\nacl users proxy_auth REQUIRED\n"
                                     "ssl_bump terminate !users\n")
                .find("test.conf:4: ssl_bump: ACL 'users' (proxy_auth) needs credentials or a helper"),
            std::string::npos);
  EXPECT_NE(testing::config_error_of("http_port 3128\nauth_param basic program /bin/true\nacl users proxy_auth REQUIRED\n"
                                     "acl night time 20:00-23:59\nacl late_users all-of night users\n"
                                     "ssl_bump terminate !late_users\n")
                .find("test.conf:6: ssl_bump: ACL 'late_users' (all-of) needs credentials or a helper"),
            std::string::npos);
  EXPECT_NE(testing::config_error_of("http_port 3128 ssl-bump\n").find("ssl-bump requires a tls-cert="),
            std::string::npos);
  EXPECT_NE(testing::config_error_of("https_port 3129 ssl-bump tls-cert=/c.pem\n").find("requires tproxy/intercept"),
            std::string::npos);
  EXPECT_NE(testing::config_error_of("http_port 3129 intercept ssl-bump tls-cert=/c.pem\n").find("not implemented"),
            std::string::npos);
  EXPECT_NE(testing::config_error_of("https_port 3129 tproxy ssl-bump tls-cert=/c.pem\n").find("not implemented"),
            std::string::npos);
}

}  // namespace tls_acls_test
}  // namespace cuttle
