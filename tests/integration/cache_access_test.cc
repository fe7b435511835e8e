// `cache allow|deny` (and its old name `no_cache`), differentially against squid
// 5.7: a request the rules deny is neither answered from the cache nor stored,
// and is logged TCP_MISS; others are cached as usual. Squid keeps objects in
// memory here (no cache_dir), cuttle in its LMDB store; both must hit or miss alike.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace cuttle::testing {
namespace cache_access_test {

struct Outcome {
  bool second_was_hit = false;
  std::string second_logged;  // the code of the second request's access.log line
};

// Two GETs of each path through the proxy on `port`, with what the second got.
template <class Proxy>
std::map<std::string, Outcome> fetch_twice(Proxy& proxy, const OriginServer& origin,
                                           const std::vector<std::string>& paths) {
  std::map<std::string, Outcome> out;
  for (const auto& path : paths) {
    EXPECT_EQ(proxy_get(proxy.port(), origin.url(path)).result_int(), 200) << path;
    auto second = proxy_get(proxy.port(), origin.url(path));
    EXPECT_EQ(second.body(), "body of " + path);
    out[path].second_was_hit = std::string(second["X-Cache"]).starts_with("HIT");
  }
  return out;
}

class CacheAccess : public ::testing::TestWithParam<const char*> {};

TEST_P(CacheAccess, DeniedRequestsAreNeitherServedFromNorStoredInTheCacheAsBySquid) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    // With a Date: without one, squid 5.7 revalidates even a max-age=600 reply.
    r.headers = {{"Cache-Control", "max-age=600"},
                 {"Content-Type", "text/plain"},
                 {"Date", http_date(std::chrono::system_clock::now())}};
    r.body = "body of " + req.target;
    return r;
  });
  const std::string rules = GetParam();
  TempDir dir;
  CuttleProcess cuttle(rules + "cache_dir lmdb " + dir.file("cache") + " 16\n");
  SquidProcess squid(rules);
  const std::vector<std::string> paths = {"/public/a", "/private/a", "/public/b"};
  auto by_cuttle = fetch_twice(cuttle, origin, paths);
  auto by_squid = fetch_twice(squid, origin, paths);
  for (const auto& path : paths)
    EXPECT_EQ(by_cuttle[path].second_was_hit, by_squid[path].second_was_hit)
        << path << ": cuttle " << (by_cuttle[path].second_was_hit ? "hit" : "missed") << ", squid did not";
  EXPECT_FALSE(by_cuttle["/private/a"].second_was_hit);
  EXPECT_TRUE(by_cuttle["/public/a"].second_was_hit);
  // Both proxies logged both fetches of the denied URL as plain misses.
  auto logged = [](const std::vector<std::string>& lines) {
    std::vector<std::string> codes;
    for (const auto& line : lines)
      if (line.find("/private/a") != std::string::npos) codes.push_back(line.substr(line.find("TCP_"), 12));
    return codes;
  };
  const std::vector<std::string> two_misses = {"TCP_MISS/200", "TCP_MISS/200"};
  EXPECT_EQ(logged(cuttle.access_log_lines(6)), two_misses);
  EXPECT_EQ(logged(squid.access_log_lines(6)), two_misses);
  int private_fetches = 0;
  for (const auto& req : origin.requests()) private_fetches += req.target == "/private/a";
  EXPECT_EQ(private_fetches, 4) << "twice through each proxy";
}

INSTANTIATE_TEST_SUITE_P(Rules, CacheAccess,
                         ::testing::Values(
                             // Deny what matches.
                             "acl private urlpath_regex ^/private/\ncache deny private\n",
                             // The old name, as Squid 5.7 still reads it.
                             "acl private urlpath_regex ^/private/\nno_cache deny private\n",
                             // Allow what matches: the rest is denied (the opposite of the last rule).
                             "acl public urlpath_regex ^/public/\ncache allow public\n"));

}  // namespace cache_access_test
}  // namespace cuttle::testing
