// A real squid 5.7 as cuttle's parent: misses go through squid (cuttle logs
// FIRSTUP_PARENT, as Squid does for a lone parent asked without ICP), and with
// never_direct a parent that is down yields an error page, never a direct fetch.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <thread>

namespace cuttle::testing {
namespace peers_parent_test {

using namespace std::chrono_literals;

OriginServer::Handler cacheable_object() {
  return [](const RecordedRequest& req) {
    OriginReply r;
    r.body = "object " + req.target;
    r.headers = {{"Cache-Control", "max-age=3600"}, {"Content-Type", "text/plain"}};
    return r;
  };
}

TEST(PeersParent, MissesGoThroughASquidParent) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin(cacheable_object());
  SquidProcess squid;
  CuttleProcess cuttle("cache_peer 127.0.0.1 parent " + std::to_string(squid.port()) +
                       " 0 no-query no-digest\nnever_direct allow all\n");
  // The first request through a fresh squid can fail while it settles.
  Response res;
  for (int i = 0; i < 50; ++i) {
    res = proxy_get(cuttle.port(), origin.url("/a"));
    if (res.result_int() == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_EQ(res.body(), "object /a");

  auto line = cuttle.access_log_line_with(" FIRSTUP_PARENT/127.0.0.1 ");
  EXPECT_NE(line, "") << cuttle.output();
  auto squid_line = squid.access_log_line_with("/a ");
  EXPECT_NE(squid_line.find("HIER_DIRECT"), std::string::npos) << squid_line;
  // Squid saw cuttle's request (its Via names cuttle) and the origin saw squid's.
  ASSERT_FALSE(origin.requests().empty());
  EXPECT_NE(origin.requests().back().header("Via").find("cuttle"), std::string::npos)
      << origin.requests().back().header("Via");
}

TEST(PeersParent, NeverDirectWithTheParentDownAnswersWithAnErrorNotDirect) {
  OriginServer origin(cacheable_object());
  const unsigned short nothing_there = free_port();
  CuttleProcess cuttle("cache_peer 127.0.0.1 parent " + std::to_string(nothing_there) +
                       " 0 no-query\nnever_direct allow all\n");
  auto first = proxy_get(cuttle.port(), origin.url("/b"));
  EXPECT_EQ(first.result_int(), 503) << first;  // the one parent refused the connection (ERR_CONNECT_FAIL)
  // Now the parent is known dead: nothing may take the request.
  auto second = proxy_get(cuttle.port(), origin.url("/b"));
  EXPECT_EQ(second.result_int(), 503) << second;
  EXPECT_NE(second.body().find("ERR_CANNOT_FORWARD"), std::string::npos);
  EXPECT_TRUE(origin.requests().empty()) << "never_direct: the origin must not be contacted";
  EXPECT_NE(cuttle.output().find("Detected DEAD Parent: 127.0.0.1"), std::string::npos) << cuttle.output();

  // Without never_direct, the same dead parent is passed over for the origin.
  CuttleProcess direct_allowed("cache_peer 127.0.0.1 parent " + std::to_string(nothing_there) + " 0 no-query\n");
  auto res = proxy_get(direct_allowed.port(), origin.url("/c"));
  EXPECT_EQ(res.result_int(), 200) << res;
  EXPECT_NE(direct_allowed.access_log_line_with(" HIER_DIRECT/127.0.0.1 "), "");
}

}  // namespace peers_parent_test
}  // namespace cuttle::testing
