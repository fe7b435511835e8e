// Cache poisoning: what one client sends must never decide what another client
// gets from the cache. Objects are stored under the absolute URI (never Host),
// per Vary variant, and replies meant for one user (Authorization, Set-Cookie)
// are not replayed to others.
#include "tests/support/cuttle_process.h"
#include "tests/support/hostile_exchange.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <atomic>

namespace cuttle::testing {
namespace hostile_cache_test {

std::string cache_dir_line(const TempDir& dir) { return "cache_dir lmdb " + dir.file("cache") + " 64\n"; }

// An origin that echoes what a careless application reflects into its pages.
OriginReply reflecting(const RecordedRequest& req) {
  OriginReply r;
  r.headers = {{"Cache-Control", "max-age=60"}};
  r.body = "host=" + req.header("Host") + " xfh=" + req.header("X-Forwarded-Host");
  return r;
}

Response get_raw(unsigned short port, const std::string& request) {
  RawConnection c(port);
  c.send(request);
  return c.read_response();
}

TEST(HostileCache, TheAbsoluteUriWinsOverAConflictingHost) {
  OriginServer origin(reflecting);
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  const std::string authority = "127.0.0.1:" + std::to_string(origin.port());
  // RFC 9112 §3.2.2: with an absolute-form target the Host field is ignored and
  // replaced by the target's authority.
  auto poisoned = get_raw(cuttle.port(), "GET " + origin.url("/page") + " HTTP/1.1\r\nHost: evil.example\r\n\r\n");
  EXPECT_EQ(poisoned.result_int(), 200);
  EXPECT_EQ(poisoned.body(), "host=" + authority + " xfh=");
  ASSERT_EQ(origin.requests().size(), 1u);
  EXPECT_EQ(origin.requests()[0].header("Host"), authority);
  // The stored object is the page's, and only the page's.
  auto victim = proxy_get(cuttle.port(), origin.url("/page"));
  EXPECT_EQ(victim["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(victim.body(), "host=" + authority + " xfh=");
  auto elsewhere = get_raw(cuttle.port(), "GET http://evil.invalid/page HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
  EXPECT_NE(elsewhere.result_int(), 200) << elsewhere.body();
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(HostileCache, AReflectedUnkeyedHeaderStaysWithItsOwnUrl) {
  OriginServer origin(reflecting);
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  // The origin's mistake (reflecting X-Forwarded-Host without Vary) poisons its own
  // URL; a shared cache can do no better, but it must not spread to other keys.
  auto attack = proxy_request(cuttle.port(), "GET", origin.url("/x"), "", {{"X-Forwarded-Host", "evil.example"}});
  EXPECT_NE(attack.body().find("xfh=evil.example"), std::string::npos);
  for (const auto& path : {"/x?", "/x?a=1", "/X", "/x/"}) {
    SCOPED_TRACE(path);
    auto other = proxy_get(cuttle.port(), origin.url(path));
    EXPECT_EQ(other.body().find("evil"), std::string::npos);
  }
}

TEST(HostileCache, VaryKeepsAnAttackersVariantFromOtherClients) {
  OriginServer origin([](const RecordedRequest& req) {
    auto r = reflecting(req);
    r.headers.emplace_back("Vary", "X-Forwarded-Host");
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  auto as = [&](const std::string& xfh) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!xfh.empty()) headers.emplace_back("X-Forwarded-Host", xfh);
    return proxy_request(cuttle.port(), "GET", origin.url("/v"), "", headers);
  };
  const std::string evil_body = as("evil.example").body();
  EXPECT_NE(evil_body.find("xfh=evil.example"), std::string::npos);
  // Values that only resemble the stored one are other variants.
  for (const auto& near : {"evil.example x", "evil.example,", "EVIL.example"}) EXPECT_NE(as(near).body(), evil_body) << near;
  const std::string long_value(3000, 'e');
  EXPECT_NE(as(long_value).body().find(long_value), std::string::npos);
  auto victim = as("");
  EXPECT_EQ(victim.result_int(), 200);
  EXPECT_EQ(victim.body().find("evil"), std::string::npos) << victim.body();
  EXPECT_EQ(victim.body().find("eee"), std::string::npos);
  auto victim_again = as("");
  EXPECT_EQ(victim_again["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(victim_again.body(), victim.body());
  auto attacker_again = as("evil.example");
  EXPECT_EQ(attacker_again["X-Cache"], "HIT from cuttle-test");
  EXPECT_NE(attacker_again.body().find("xfh=evil.example"), std::string::npos);
}

TEST(HostileCache, AReplyToAnAuthorizedRequestIsNotServedToOthers) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}};
    r.body = req.has_header("Authorization") ? "alice's account" : "please log in";
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  auto alice = proxy_request(cuttle.port(), "GET", origin.url("/account"), "", {{"Authorization", "Basic YWxpY2U6cHc="}});
  EXPECT_EQ(alice.body(), "alice's account");
  auto bob = proxy_get(cuttle.port(), origin.url("/account"));
  EXPECT_EQ(bob.body(), "please log in");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(HostileCache, ASetCookieIsNeverReplayedToAnotherClient) {
  std::atomic<int> sessions{0};
  OriginServer origin([&](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}, {"Set-Cookie", "session=" + std::to_string(++sessions)}};
    r.body = "welcome";
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  auto first = proxy_get(cuttle.port(), origin.url("/welcome"));
  EXPECT_EQ(first[http::field::set_cookie], "session=1");
  for (int i = 0; i < 2; ++i) {
    auto next = proxy_get(cuttle.port(), origin.url("/welcome"));
    EXPECT_EQ(next.body(), "welcome");
    EXPECT_NE(next[http::field::set_cookie], "session=1") << "another client's session cookie";
  }
}

TEST(HostileCache, LongUrlsAreServedAndLeaveTheStoreWorking) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}};
    r.body = "length " + std::to_string(req.target.size());
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  // Past LMDB's 511-byte key limit, and near the test origin's 8 KiB header limit.
  for (size_t length : {600u, 7000u}) {
    SCOPED_TRACE(length);
    const std::string path = "/" + std::string(length, 'u');
    for (int i = 0; i < 2; ++i) {
      auto res = proxy_get(cuttle.port(), origin.url(path));
      EXPECT_EQ(res.result_int(), 200);
      EXPECT_EQ(res.body(), "length " + std::to_string(path.size()));
    }
  }
  // Ordinary objects are still stored and served.
  proxy_get(cuttle.port(), origin.url("/short"));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/short"))["X-Cache"], "HIT from cuttle-test");
}

}  // namespace hostile_cache_test
}  // namespace cuttle::testing
