// Digest credentials as Squid 5.7 reads them (src/auth/digest/Config.cc), the
// request-digest of RFC 2617 (with the MD5-sess errata Squid follows), and the
// nonce rules (count, strictness, duration, uses).
#include "proxy/auth/digest_credentials.h"
#include "proxy/auth/digest_nonces.h"
#include "proxy/auth/digest_users.h"

#include <gtest/gtest.h>

namespace cuttle::auth {
namespace digest_auth_test {

// RFC 2617 section 3.5's example.
constexpr const char* kRfcExample =
    "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
    "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
    "response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

TEST(DigestCredentials, ReadsTheFieldsOfRfc2617sExample) {
  auto c = decode_digest(kRfcExample);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->broken);
  EXPECT_EQ(c->user, "Mufasa");
  EXPECT_EQ(c->realm, "testrealm@host.com");
  EXPECT_EQ(c->uri, "/dir/index.html");
  EXPECT_EQ(c->qop, "auth");
  EXPECT_EQ(c->nc, "00000001");
  EXPECT_EQ(c->algorithm, "MD5");
  const auto ha1 = digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_EQ(expected_response(*c, ha1, "GET"), "6629fae49393a05397450978507c4ef1");
  EXPECT_NE(expected_response(*c, ha1, "POST"), "6629fae49393a05397450978507c4ef1");
}

TEST(DigestCredentials, OnlyTheDigestScheme) {
  EXPECT_FALSE(decode_digest("Basic YWxpY2U6eA=="));
  EXPECT_TRUE(decode_digest("digest username=\"a\""));
  EXPECT_TRUE(decode_digest("DIGEST username=\"a\""));
}

TEST(DigestCredentials, WhatSquidCallsBroken) {
  const std::string good =
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"0123456789abcdef0123456789abcdef\"";
  EXPECT_FALSE(decode_digest(good)->broken) << "RFC 2069: no qop, no cnonce, no nc";
  for (const std::string& bad : {
           std::string("Digest realm=\"r\", nonce=\"n\", uri=\"/\", response=\"0123456789abcdef0123456789abcdef\""),
           good + ", username=\"a\\\"b\"",  // a quote in the user name
           good + ", uri=/unquoted",         // uri must be in quotes (it is not unescaped)
           good + ", response=\"short\"",
           good + ", algorithm=SHA-256",
           good + ", algorithm=md5",  // Squid compares the algorithm with case
           good + ", qop=auth-int, cnonce=\"c\", nc=00000001",
           good + ", qop=auth, nc=00000001",                // qop without cnonce
           good + ", qop=auth, cnonce=\"c\", nc=0000001",   // nc of 7 digits
           good + ", qop=auth, cnonce=\"c\", nc=0000000g",
           good + ", cnonce=\"c\"",                          // cnonce without qop
       })
    EXPECT_TRUE(decode_digest(bad)->broken) << bad;
  EXPECT_FALSE(decode_digest(good + ", qop=\"auth\", cnonce=\"c\", nc=0000000A")->broken);
  EXPECT_FALSE(decode_digest(good + ", algorithm=MD5-sess")->broken);
}

TEST(DigestCredentials, QuotedValuesMayHoldCommasAndEscapes) {
  auto c = decode_digest("Digest username=\"a\\\\b,c\", realm=\"x, y\"");
  EXPECT_EQ(c->user, "a\\b,c");
  EXPECT_EQ(c->realm, "x, y");
}

TEST(DigestCredentials, Md5SessHashesTheHexHa1WithBothNonces) {
  auto c = decode_digest(std::string(kRfcExample) + ", algorithm=MD5-sess");
  const auto ha1 = digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
  auto sess = *c;
  sess.algorithm = "MD5";
  const auto session_key = digest_ha1(ha1, c->nonce, c->cnonce);  // MD5(hex HA1 ":" nonce ":" cnonce)
  EXPECT_EQ(expected_response(*c, ha1, "GET"), expected_response(sess, session_key, "GET"));
}

// --- nonces ---------------------------------------------------------------------

using Clock = DigestNonces::Clock;

TEST(DigestNonces, IssuedNoncesAreUnique32HexDigits) {
  DigestNonces nonces;
  const auto now = Clock::now();
  const auto a = nonces.issue(now), b = nonces.issue(now);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(nonces.known(a));
  EXPECT_FALSE(nonces.known("0123456789abcdef0123456789abcdef"));
}

TEST(DigestNonces, TheCountMustGrowAndAReplayInvalidatesTheNonce) {
  DigestNonces nonces;
  NonceRules rules;
  const auto now = Clock::now();
  const auto n = nonces.issue(now);
  EXPECT_TRUE(nonces.use(n, "00000001", rules, now));
  EXPECT_TRUE(nonces.use(n, "00000005", rules, now)) << "gaps are allowed without nonce_strictness";
  EXPECT_FALSE(nonces.use(n, "00000005", rules, now));
  EXPECT_FALSE(nonces.use(n, "00000006", rules, now)) << "invalid from then on";
}

TEST(DigestNonces, StrictnessWantsExactlyTheNextCount) {
  DigestNonces nonces;
  NonceRules rules;
  rules.strictness = true;
  const auto now = Clock::now();
  const auto n = nonces.issue(now);
  EXPECT_FALSE(nonces.use(n, "00000002", rules, now));
}

TEST(DigestNonces, WithoutCountCheckingTheClientsCountIsIgnored) {
  DigestNonces nonces;
  NonceRules rules;
  rules.check_count = false;
  const auto now = Clock::now();
  const auto n = nonces.issue(now);
  EXPECT_TRUE(nonces.use(n, "00000001", rules, now));
  EXPECT_TRUE(nonces.use(n, "00000001", rules, now));
  EXPECT_TRUE(nonces.use(n, "", rules, now)) << "RFC 2069 clients send no count";
}

TEST(DigestNonces, DurationAndUsesEndANonce) {
  DigestNonces nonces;
  NonceRules rules;
  rules.max_duration = std::chrono::seconds(60);
  rules.max_count = 2;
  const auto now = Clock::now();
  const auto old = nonces.issue(now);
  EXPECT_FALSE(nonces.use(old, "00000001", rules, now + std::chrono::seconds(61)));
  const auto n = nonces.issue(now);
  EXPECT_TRUE(nonces.use(n, "00000001", rules, now));
  EXPECT_TRUE(nonces.use(n, "00000002", rules, now));
  EXPECT_FALSE(nonces.use(n, "00000003", rules, now));
  nonces.collect(rules, now);
  EXPECT_FALSE(nonces.known(n));
  EXPECT_FALSE(nonces.known(old));
}

TEST(DigestUsers, ForgottenAuthenticateTtlAfterFirstLearnt) {
  DigestUsers users;
  const auto t0 = DigestUsers::Clock::now();
  users.learn("alice", "r", "h1", t0);
  users.learn("alice", "r", "h2", t0 + std::chrono::minutes(50));
  EXPECT_EQ(*users.ha1("alice", "r"), "h2");
  EXPECT_EQ(users.ha1("alice", "other realm"), nullptr);
  users.expire(std::chrono::hours(1), t0 + std::chrono::minutes(61));
  EXPECT_EQ(users.ha1("alice", "r"), nullptr);
}

}  // namespace digest_auth_test
}  // namespace cuttle::auth

#include "proxy/auth/user_notes.h"

namespace cuttle::auth {
namespace digest_auth_test {

TEST(UserNotes, GroupsAccumulateOtherKeysAreReplacedHa1IsNeverKept) {
  UserNotes notes;
  const auto now = UserNotes::Clock::now();
  notes.remember("alice", {{"group", "a"}, {"colour", "red"}, {"ha1", "secret"}}, {"group", "tag"}, now);
  notes.remember("alice", {{"group", "b"}, {"colour", "blue"}}, {"group", "tag"}, now);
  EXPECT_EQ(*notes.of("alice"), (Annotations{{"group", "a"}, {"group", "b"}, {"colour", "blue"}}));
  EXPECT_EQ(notes.of("bob"), nullptr);
  notes.expire(std::chrono::hours(1), now + std::chrono::hours(2));
  EXPECT_EQ(notes.of("alice"), nullptr);
}

}  // namespace digest_auth_test
}  // namespace cuttle::auth
