// external_acl_type as Squid 5.7 reads it (src/external_acl.cc), the external,
// ext_user and tag ACLs, what a helper's reply means, and how long answers are
// remembered (ttl, negative_ttl, grace, cache=).
#include "proxy/config/acl/access_rules.h"
#include "proxy/config/acl/external_acls.h"
#include "proxy/config/config_parser.h"
#include "proxy/helpers/external_acl_answer.h"
#include "proxy/log/format_expand.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace external_acl_test {

using helpers::ExternalAnswerCache;
using helpers::parse_helper_reply;
using helpers::read_external_answer;
using std::chrono::seconds;

constexpr const char* kHelper = "/bin/cat";

LoadedConfig load(const std::string& text) {
  return load_config_text("http_port 127.0.0.1:3128\n" + text, "test.conf");
}

const ExternalAclType& only_type(const LoadedConfig& loaded) {
  return *loaded.config->acls.external_types().at(0);
}

// The format's expansion with the codes' values numbered in order (v1, v2...).
std::string expanded(const ExternalAclType& type, const std::string& data = "") {
  int n = 0;
  return logformat::expand(type.format, [&](const logformat::Token& t) {
    if (t.code == "DATA") return logformat::Value{data.empty() ? std::nullopt : std::optional(data)};
    return logformat::Value{"v" + std::to_string(++n)};
  });
}

std::vector<std::string> codes(const ExternalAclType& type) {
  std::vector<std::string> out;
  for (const auto& t : type.format)
    if (!t.is_literal()) out.push_back(t.code + (t.arg ? "{" + *t.arg + "}" : ""));
  return out;
}

TEST(ExternalAclType, DefaultsAreSquids) {
  auto loaded = load(std::string("external_acl_type grp %LOGIN ") + kHelper + " -u\n" +
                     "auth_param basic program " + kHelper + "\n");
  const auto& type = only_type(loaded);
  EXPECT_EQ(type.name, "grp");
  EXPECT_EQ(type.ttl, seconds(3600));
  EXPECT_EQ(type.negative_ttl, seconds(3600));
  EXPECT_EQ(type.grace, 1u);
  EXPECT_EQ(type.cache_size, 256u * 1024);
  EXPECT_EQ(type.program.children.max, 5u);
  EXPECT_EQ(type.program.children.queue_size, 10u);
  EXPECT_TRUE(type.requires_login);
  EXPECT_EQ(type.program.argv, (std::vector<std::string>{kHelper, "-u"}));
}

TEST(ExternalAclType, OptionsBeforeTheFormat) {
  auto loaded = load(std::string("external_acl_type t ttl=60 negative_ttl=5 children-max=3 children-startup=9 "
                                 "concurrency=4 cache=10 grace=50 ipv4 protocol=2.5 %SRC ") + kHelper + "\n");
  const auto& type = only_type(loaded);
  EXPECT_EQ(type.ttl, seconds(60));
  EXPECT_EQ(type.negative_ttl, seconds(5));
  EXPECT_EQ(type.program.children.max, 3u);
  EXPECT_EQ(type.program.children.startup, 3u) << "capped at the maximum";
  EXPECT_EQ(type.program.children.concurrency, 4u);
  EXPECT_EQ(type.cache_size, 10u);
  EXPECT_EQ(type.grace, 50u);
  EXPECT_TRUE(type.shell_quoting);
  EXPECT_FALSE(type.requires_login);
}

TEST(ExternalAclType, NegativeTtlDefaultsToTtlWhereverTtlIsGiven) {
  EXPECT_EQ(only_type(load(std::string("external_acl_type t ttl=7 %SRC ") + kHelper + "\n")).negative_ttl, seconds(7));
}

TEST(ExternalAclType, EachCodeIsFollowedByABlankThenTheArguments) {
  auto loaded = load(std::string("external_acl_type t %SRC %>{User-Agent} %<{Content-Type} %DST ") + kHelper + "\n");
  EXPECT_EQ(codes(only_type(loaded)),
            (std::vector<std::string>{"SRC", ">ha{User-Agent}", "<h{Content-Type}", "DST", "DATA"}))
      << "Squid 3's %>{H} and %<{H} are %>ha{H} and %<h{H}";
  EXPECT_EQ(expanded(only_type(loaded), "a b"), "v1 v2 v3 v4 a b");
  EXPECT_EQ(expanded(only_type(loaded)), "v1 v2 v3 v4 -") << "no arguments: %DATA is \"-\", as Squid sends it";
}

TEST(ExternalAclType, DataWhereTheFormatPutsIt) {
  auto loaded = load(std::string("external_acl_type t %DATA %SRC ") + kHelper + "\n");
  EXPECT_EQ(expanded(only_type(loaded), "g1"), "g1 v1 ");
}

// Squid 5.7's token parser resets the quoting protocol= sets, so codes are
// written as in logformat under both protocols; only the arguments differ.
TEST(ExternalAclType, ProtocolQuotesOnlyTheArguments) {
  for (auto protocol : {"", "protocol=2.5 "}) {
    auto loaded = load(std::string("external_acl_type t ") + protocol + "%SRC %>{X-User} " + kHelper +
                       "\nacl a external t x\n");
    const auto& type = only_type(loaded);
    const auto line = logformat::expand(type.format, [](const logformat::Token& t) {
      if (t.code == "DATA") return logformat::Value{"ARGS"};
      return logformat::Value{"a b\"%", t.code == ">ha"};  // headers are request-derived values
    });
    EXPECT_EQ(line, "a b\"% a%20b%22% ARGS") << protocol;
  }
}

TEST(ExternalAclType, RefusesWhatSquidRefusesAndCodesCuttleCannotFill) {
  for (auto line : {"external_acl_type t\n", "external_acl_type t ttl=5\n", "external_acl_type t %SRC\n",
                    "external_acl_type t /bin/cat\n", "external_acl_type t %NOPE /bin/cat\n",
                    "external_acl_type t %USER_CERT_CN /bin/cat\n", "external_acl_type t %SRC /no/such/helper\n"})
    EXPECT_THROW(load(line), ConfigError) << line;
  EXPECT_THROW(load("external_acl_type t %SRC /bin/cat\nexternal_acl_type t %DST /bin/cat\n"), ConfigError);
}

TEST(ExternalAcl, NamesADefinedTypeOnOneLine) {
  EXPECT_THROW(load("acl a external nope\n"), ConfigError);
  EXPECT_THROW(load("external_acl_type t %SRC /bin/cat\nacl a external t x\nacl a external t y\n"), ConfigError);
  EXPECT_THROW(load("external_acl_type t %LOGIN /bin/cat\nacl a external t\n"), ConfigError)
      << "%LOGIN needs an authentication scheme";
  auto loaded = load("external_acl_type t %SRC /bin/cat\nacl a external t staff x%y\n");
  const auto& data = static_cast<const ExternalAcl&>(loaded.config->acls.find("a")->data());
  EXPECT_EQ(data.data(), "staff x%25y");
}

// --- matching over the facts ---------------------------------------------------

struct Fixture {
  LoadedConfig loaded = load(std::string("auth_param basic program ") + kHelper + "\n" +
                             "external_acl_type t %SRC /bin/cat\nexternal_acl_type l %LOGIN /bin/cat\n"
                             "acl e external t\nacl le external l\nacl u ext_user -i Alice\n"
                             "acl ur ext_user_regex ^b\nacl tg tag gold\n");
  const Acl& acl(const char* name) const { return *loaded.config->acls.find(name); }
  static std::shared_ptr<const ExternalAnswer> answer(const char* reply) {
    return std::make_shared<ExternalAnswer>(read_external_answer(parse_helper_reply(reply)));
  }
};

TEST(ExternalAcl, AsksForALookupThenUsesTheAnswer) {
  Fixture f;
  RequestFacts facts;
  EXPECT_EQ(f.acl("e").match(facts), AclMatch::NeedsLookup);
  facts.external.take(&f.acl("e").data(), Fixture::answer("OK"));
  EXPECT_EQ(f.acl("e").match(facts), AclMatch::Yes);
  facts.external.take(&f.acl("e").data(), Fixture::answer("ERR"));
  EXPECT_EQ(f.acl("e").match(facts), AclMatch::No);
  facts.external.take(&f.acl("e").data(), Fixture::answer("BH oops"));
  EXPECT_EQ(f.acl("e").match(facts), AclMatch::Unknown);
}

TEST(ExternalAcl, AnUnknownAnswerEndsTheCheckWithADenialWithoutChallenge) {
  Fixture f;
  RequestFacts facts;
  facts.external.take(&f.acl("e").data(), Fixture::answer("BH"));
  std::vector<AccessRule> rules{{false, {{&f.acl("e"), true}}, ""}, {true, {}, ""}};
  auto verdict = evaluate_access(rules, facts);
  EXPECT_EQ(verdict.decision, AccessDecision::Deny);
  EXPECT_FALSE(verdict.challenge);
  EXPECT_EQ(verdict.last_acl, &f.acl("e"));
}

TEST(ExternalAcl, WithLoginTheUserAuthenticatesFirst) {
  Fixture f;
  RequestFacts facts;
  EXPECT_EQ(f.acl("le").match(facts), AclMatch::AuthRequired);
  EXPECT_TRUE(f.acl("le").is_auth());
  facts.auth = {AuthStatus::Unchecked, "bob"};
  EXPECT_EQ(f.acl("le").match(facts), AclMatch::NeedsAuthentication);
  facts.auth.status = AuthStatus::Accepted;
  EXPECT_EQ(f.acl("le").match(facts), AclMatch::NeedsLookup);
}

TEST(ExternalAcl, WhatAnswersTellTheTransaction) {
  Fixture f;
  RequestFacts facts;
  EXPECT_FALSE(f.acl("u").matches(facts)) << "no user= yet";
  for (auto [acl, reply] : {std::pair{"e", "OK user=alice tag=gold k=1"}, {"le", "ERR tag=silver k=2 log=x"}}) {
    auto answer = Fixture::answer(reply);
    facts.external.take(&f.acl(acl).data(), answer);
    annotate(facts.annotations, answer->notes);
  }
  EXPECT_TRUE(f.acl("u").matches(facts));
  EXPECT_FALSE(f.acl("ur").matches(facts));
  EXPECT_TRUE(f.acl("tg").matches(facts)) << "the first tag stays";
  EXPECT_EQ(facts.external.log, "x");
  EXPECT_EQ(facts.annotations,
            (std::vector<std::pair<std::string, std::string>>{{"user", "alice"}, {"tag", "silver"}, {"k", "2"}, {"log", "x"}}))
      << "a key a later helper sends replaces the earlier values";
}

// --- remembered answers ----------------------------------------------------------

ExternalAclType cached_type(unsigned ttl, unsigned negative_ttl, unsigned grace, size_t size) {
  ExternalAclType type;
  type.ttl = seconds(ttl), type.negative_ttl = seconds(negative_ttl), type.grace = grace, type.cache_size = size;
  return type;
}

TEST(ExternalAnswerCache, OkForTtlErrForNegativeTtl) {
  auto type = cached_type(60, 10, 0, 100);
  ExternalAnswerCache cache(type);
  const auto t0 = ExternalAnswerCache::Clock::now();
  cache.remember("ok", Fixture::answer("OK"), t0);
  cache.remember("err", Fixture::answer("ERR"), t0);
  EXPECT_TRUE(cache.find("ok", t0 + seconds(60))->fresh);
  EXPECT_FALSE(cache.find("ok", t0 + seconds(61))->fresh) << "stale, still there for an overloaded helper";
  EXPECT_TRUE(cache.find("err", t0 + seconds(10))->fresh);
  EXPECT_FALSE(cache.find("err", t0 + seconds(11))->fresh);
  EXPECT_FALSE(cache.find("other", t0));
}

TEST(ExternalAnswerCache, UnknownAnswersAreNeverRememberedAndForgetTheKey) {
  auto type = cached_type(60, 60, 0, 100);
  ExternalAnswerCache cache(type);
  const auto t0 = ExternalAnswerCache::Clock::now();
  cache.remember("k", Fixture::answer("OK"), t0);
  cache.remember("k", Fixture::answer("BH"), t0);
  EXPECT_FALSE(cache.find("k", t0));
}

TEST(ExternalAnswerCache, ZeroTtlOrCacheSizeRemembersNothing) {
  auto no_ok = cached_type(0, 60, 0, 100);
  ExternalAnswerCache a(no_ok);
  const auto t0 = ExternalAnswerCache::Clock::now();
  a.remember("ok", Fixture::answer("OK"), t0);
  a.remember("err", Fixture::answer("ERR"), t0);
  EXPECT_FALSE(a.find("ok", t0));
  EXPECT_TRUE(a.find("err", t0));
  auto none = cached_type(60, 60, 0, 0);
  ExternalAnswerCache b(none);
  b.remember("ok", Fixture::answer("OK"), t0);
  EXPECT_EQ(b.size(), 0u);
}

TEST(ExternalAnswerCache, GraceAsksForARefreshInTheLastPartOfTheLife) {
  auto type = cached_type(100, 100, 20, 100);
  ExternalAnswerCache cache(type);
  const auto t0 = ExternalAnswerCache::Clock::now();
  cache.remember("k", Fixture::answer("OK"), t0);
  EXPECT_FALSE(cache.find("k", t0 + seconds(79))->refresh);
  EXPECT_TRUE(cache.find("k", t0 + seconds(80))->refresh);
  EXPECT_FALSE(cache.find("k", t0 + seconds(101))->refresh) << "expired: asked in the foreground";
}

TEST(ExternalAnswerCache, TheLeastRecentlyUsedGoesWhenFull) {
  auto type = cached_type(60, 60, 0, 2);
  ExternalAnswerCache cache(type);
  const auto t0 = ExternalAnswerCache::Clock::now();
  cache.remember("a", Fixture::answer("OK"), t0);
  cache.remember("b", Fixture::answer("OK"), t0);
  cache.find("a", t0);
  cache.remember("c", Fixture::answer("OK"), t0);
  EXPECT_TRUE(cache.find("a", t0));
  EXPECT_FALSE(cache.find("b", t0));
  EXPECT_TRUE(cache.find("c", t0));
}

}  // namespace external_acl_test
}  // namespace cuttle

namespace cuttle {
namespace external_acl_test {

TEST(NoteAcl, MatchesAnnotationsSplitAtCommasAsSquid) {
  auto loaded = load("acl any_group note group\nacl admins note group admins ops\nacl whole note group staff,admins\n"
                     "acl colon note -m=: team red\nacl dash note -m team blue\n");
  auto acl = [&](const char* name) -> const Acl& { return *loaded.config->acls.find(name); };
  RequestFacts facts;
  EXPECT_FALSE(acl("any_group").matches(facts));
  annotate(facts.annotations, {{"group", "staff,admins"}, {"team", "red:green"}});
  EXPECT_TRUE(acl("any_group").matches(facts));
  EXPECT_TRUE(acl("admins").matches(facts));
  EXPECT_FALSE(acl("whole").matches(facts)) << "squid 5.7 splits values at commas even without -m";
  EXPECT_TRUE(acl("colon").matches(facts));
  annotate(facts.annotations, {{"team", "blue"}});
  EXPECT_TRUE(acl("dash").matches(facts)) << "the helper's new value replaced the old one";
  EXPECT_FALSE(acl("colon").matches(facts));
  EXPECT_THROW(load("acl x note -z group\n"), ConfigError);
}

}  // namespace external_acl_test
}  // namespace cuttle
