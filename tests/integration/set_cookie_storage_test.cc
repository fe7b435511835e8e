// Set-Cookie and the shared cache. By default (`cache_set_cookie off`) a reply
// with Set-Cookie is not stored, a privacy choice of cuttle's; `cache_set_cookie
// on` stores it as RFC 9111 allows, unless Cache-Control forbids it (private, or
// no-cache / private naming Set-Cookie: then the field is not kept). Either way a
// 304 that freshens a stored reply hands its Set-Cookie to the client that
// revalidated, and never stores it for others. In both modes; squid 5.7 is run
// to record where it differs (docs/caching.md).
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/proxy_modes.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <regex>

namespace cuttle::testing {
namespace set_cookie_storage_test {

// /cc/NAME: a fresh reply with Set-Cookie and NAME's Cache-Control; /revalidated:
// stale at once, without a cookie, and its 304 sets one. Every cookie is new.
OriginServer::Handler site() {
  auto cookies = std::make_shared<std::atomic<int>>(0);
  return [cookies](const RecordedRequest& req) {
    OriginReply r;
    const auto date = http_date(std::chrono::system_clock::now());  // without one squid 5.7 revalidates
    const auto cookie = "s=" + std::to_string(++*cookies);
    if (req.target.ends_with("/revalidated")) {
      r.headers = {{"ETag", "\"r\""}, {"Cache-Control", "max-age=0"}, {"Date", date}};
      if (req.header("If-None-Match") == "\"r\"") {
        r.status = 304;
        r.headers = {{"ETag", "\"r\""}, {"Cache-Control", "max-age=600"}, {"Date", date}, {"Set-Cookie", cookie}};
      } else {
        r.body = "revalidated page";
      }
      return r;
    }
    std::string cc = "max-age=600";
    if (req.target.ends_with("/private")) cc += ", private";
    if (req.target.ends_with("/private-field")) cc += ", private=\"Set-Cookie\"";
    if (req.target.ends_with("/no-cache-field")) cc += ", no-cache=\"Set-Cookie\"";
    r.headers = {{"Cache-Control", cc}, {"Date", date}, {"Set-Cookie", cookie}};
    r.body = "page";
    return r;
  };
}

size_t requests_for(const OriginServer& origin, const std::string& path) {
  size_t n = 0;
  for (const auto& r : origin.requests()) n += r.target.ends_with(path);
  return n;
}

// Each path twice (the second from the store or not, and its Set-Cookie), then
// /revalidated three times: stored, revalidated by a 304 with a cookie, a hit.
template <class Proxy>
std::vector<std::string> cookies_seen(Proxy& proxy, ProxyMode mode, const OriginServer& origin) {
  std::vector<std::string> seen;
  for (const char* path : {"/cc/plain", "/cc/private", "/cc/private-field", "/cc/no-cache-field"}) {
    mode_request(proxy.port(), mode, origin, "GET", path);
    auto again = mode_request(proxy.port(), mode, origin, "GET", path);
    const bool stored = requests_for(origin, path) == 1;
    seen.push_back(std::string(path) + (stored ? ": from the store" : ": from the origin") +
                   ", Set-Cookie=" + std::string(again[http::field::set_cookie]));
  }
  for (const char* when : {"stored", "after the 304", "then"}) {
    auto res = mode_request(proxy.port(), mode, origin, "GET", "/revalidated");
    seen.push_back(std::string("/revalidated ") + when + ": " + std::to_string(requests_for(origin, "/revalidated")) +
                   " origin requests, Set-Cookie=" + std::string(res[http::field::set_cookie]));
  }
  return seen;
}

class SetCookieStorage : public ::testing::TestWithParam<ProxyMode> {};

TEST_P(SetCookieStorage, ByDefaultRepliesWithSetCookieAreNotStoredAndA304sCookieGoesToItsClientOnly) {
  OriginServer origin(site());
  ProxyInMode<CuttleProcess> cuttle(GetParam(), origin);
  EXPECT_EQ(cookies_seen(cuttle.proxy, GetParam(), origin), (std::vector<std::string>{
                                                     "/cc/plain: from the origin, Set-Cookie=s=2",
                                                     "/cc/private: from the origin, Set-Cookie=s=4",
                                                     "/cc/private-field: from the origin, Set-Cookie=s=6",
                                                     "/cc/no-cache-field: from the origin, Set-Cookie=s=8",
                                                     "/revalidated stored: 1 origin requests, Set-Cookie=",
                                                     "/revalidated after the 304: 2 origin requests, Set-Cookie=s=10",
                                                     "/revalidated then: 2 origin requests, Set-Cookie=",
                                                 }));
}

TEST_P(SetCookieStorage, CacheSetCookieOnStoresThemUnlessCacheControlForbids) {
  OriginServer origin(site());
  ProxyInMode<CuttleProcess> cuttle(GetParam(), origin, "cache_set_cookie on");
  // no-cache="Set-Cookie" and private="Set-Cookie" name a field that must not be
  // reused (without revalidation) or stored: cuttle stores no such cookie, and
  // reads the qualified forms as the plain ones (revalidate, do not store).
  EXPECT_EQ(cookies_seen(cuttle.proxy, GetParam(), origin), (std::vector<std::string>{
                                                     "/cc/plain: from the store, Set-Cookie=s=1",
                                                     "/cc/private: from the origin, Set-Cookie=s=3",
                                                     "/cc/private-field: from the origin, Set-Cookie=s=5",
                                                     "/cc/no-cache-field: from the origin, Set-Cookie=s=7",
                                                     "/revalidated stored: 1 origin requests, Set-Cookie=",
                                                     "/revalidated after the 304: 2 origin requests, Set-Cookie=s=9",
                                                     "/revalidated then: 2 origin requests, Set-Cookie=",
                                                 }));
}

// Squid 5.7 stores replies with Set-Cookie but strips Set-Cookie from every hit,
// also from a reply a 304 freshened: the 304's cookie never reaches the client.
TEST_P(SetCookieStorage, Squid57StoresThemButStripsSetCookieFromHits) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin(site());
  ProxyInMode<SquidProcess> squid(GetParam(), origin);
  auto seen = cookies_seen(squid.proxy, GetParam(), origin);
  // The numbers count the origin's replies (squid's start-up probe reaches an accelerated origin too).
  for (auto& line : seen) line = std::regex_replace(line, std::regex("s=[0-9]+"), "s=N");
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "/cc/plain: from the store, Set-Cookie=",
                      "/cc/private: from the origin, Set-Cookie=s=N",
                      "/cc/private-field: from the origin, Set-Cookie=s=N",
                      "/cc/no-cache-field: from the origin, Set-Cookie=s=N",
                      "/revalidated stored: 1 origin requests, Set-Cookie=",
                      "/revalidated after the 304: 2 origin requests, Set-Cookie=",
                      "/revalidated then: 2 origin requests, Set-Cookie=",
                  }));
}

INSTANTIATE_TEST_SUITE_P(Modes, SetCookieStorage, ::testing::Values(ProxyMode::Forward, ProxyMode::Accelerator),
                         [](const auto& info) { return mode_name(info.param); });

}  // namespace set_cookie_storage_test
}  // namespace cuttle::testing
