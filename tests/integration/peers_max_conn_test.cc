// cache_peer max-conn=N: while N connections to a parent are open and none is
// idle, Squid's peerHTTPOkay() passes the parent over; the request goes to the
// next candidate (here the origin) instead of queueing behind the slow parent.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace cuttle::testing {
namespace peers_max_conn_test {

using namespace std::chrono_literals;

TEST(PeersMaxConn, ASecondRequestWhileTheOnlyConnectionIsBusyGoesDirect) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "from the origin " + req.target;
    return r;
  });
  OriginServer slow_parent(
      [](const RecordedRequest& req) {
        OriginReply r;
        r.body = "from the parent " + req.target;
        r.delay = 1500ms;
        return r;
      },
      "127.0.0.11");
  CuttleProcess cuttle("cache_peer 127.0.0.11 parent " + std::to_string(slow_parent.port()) +
                       " 0 no-query max-conn=1\n");
  const std::string first = origin.url("/first"), second = origin.url("/second"), third = origin.url("/third");
  auto pending = std::async(std::launch::async, [&] { return proxy_get(cuttle.port(), first); });
  // Bounded wait until the parent holds the first request on cuttle's one connection.
  for (int i = 0; i < 100 && slow_parent.requests().empty(); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(slow_parent.requests().size(), 1u) << "the first request never reached the parent";

  const auto start = std::chrono::steady_clock::now();
  auto res = proxy_get(cuttle.port(), second);
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_EQ(res.body(), "from the origin /second");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1000ms) << "it must not have waited for the parent";
  EXPECT_NE(cuttle.access_log_line_with("/second - HIER_DIRECT/127.0.0.1 "), "") << cuttle.output();

  auto first_res = pending.get();
  ASSERT_EQ(first_res.result_int(), 200) << first_res;
  EXPECT_EQ(first_res.body(), "from the parent " + first);
  EXPECT_NE(cuttle.access_log_line_with("/first - FIRSTUP_PARENT/127.0.0.11 "), "");

  // The connection is idle again (kept alive, or closed): the parent takes the next one.
  res = proxy_get(cuttle.port(), third);
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_EQ(res.body(), "from the parent " + third);
  EXPECT_EQ(slow_parent.requests().size(), 2u);
  EXPECT_EQ(slow_parent.connections_accepted(), 1) << "max-conn=1: one connection, reused";
}

}  // namespace peers_max_conn_test
}  // namespace cuttle::testing
