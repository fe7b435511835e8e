// ICP MISS_NOFETCH as Squid 5.7 sends it: after forwarding failures push its
// failure ratio to 1.0 (70 failed connects in a row from a clean start; a real
// squid 5.7 did exactly that on this machine), an ICP server answers
// MISS_NOFETCH instead of MISS for five minutes; objects it holds are still HITs.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/icp_probe.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <thread>

namespace cuttle::testing {
namespace icp_hit_only_test {

using namespace std::chrono_literals;

// Requests to a loopback port nobody listens on: each one a failed connect.
void fail_to_connect(unsigned short proxy_port, int times) {
  const unsigned short closed = free_port();
  for (int i = 0; i < times; ++i) {
    auto res = proxy_get(proxy_port, "http://127.0.0.1:" + std::to_string(closed) + "/f" + std::to_string(i));
    ASSERT_GE(res.result_int(), 500) << res;
  }
}


TEST(IcpHitOnly, SeventyFailedForwardsTurnMissIntoMissNofetch) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "object " + req.target;
    r.headers = {{"Cache-Control", "max-age=3600"}};
    return r;
  });
  TempDir dir;
  const unsigned short icp_port = free_port();
  CuttleProcess cuttle("icp_port " + std::to_string(icp_port) +
                       "\nicp_access allow localhost\nicp_access deny all\ncache_dir lmdb " + dir.file("cache") +
                       " 64\n");
  const std::string held = origin.url("/held"), absent = origin.url("/absent");
  ASSERT_EQ(proxy_get(cuttle.port(), held).result_int(), 200);
  ASSERT_EQ(ask_until(icp_port, held, icp::Opcode::Hit), icp::Opcode::Hit);

  // 69 failures are not yet enough, the 70th is (the same arithmetic as squid's;
  // the success above left the ratio at 0).
  fail_to_connect(cuttle.port(), 69);
  EXPECT_EQ(icp_ask(icp_port, absent, 1), icp::Opcode::Miss) << "not yet in HIT-only mode";
  fail_to_connect(cuttle.port(), 1);
  EXPECT_EQ(icp_ask(icp_port, absent, 2), icp::Opcode::MissNoFetch);
  EXPECT_EQ(icp_ask(icp_port, held, 3), icp::Opcode::Hit) << "what cuttle holds is still a HIT";
  EXPECT_NE(cuttle.access_log_line_with(" UDP_MISS_NOFETCH/000 "), "");
  EXPECT_NE(cuttle.output().find("WARNING: ICP going into HIT-only mode for 5 minutes..."), std::string::npos)
      << cuttle.output();
}

TEST(IcpHitOnly, SquidAgreesOnTheNumberOfFailures) {
  // The same sequence against squid 5.7 itself: a success, 69 failures, one more.
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin;
  const unsigned short icp_port = free_port();
  SquidProcess squid("icp_port " + std::to_string(icp_port) + "\nicp_access allow localhost\nicp_access deny all\n");
  // No peers to probe: the first request goes straight through (a failure here would count).
  auto warm = proxy_get(squid.port(), origin.url("/warm"));
  ASSERT_EQ(warm.result_int(), 200) << warm;
  fail_to_connect(squid.port(), 69);
  EXPECT_EQ(icp_ask(icp_port, origin.url("/absent"), 1), icp::Opcode::Miss);
  fail_to_connect(squid.port(), 1);
  EXPECT_EQ(icp_ask(icp_port, origin.url("/absent"), 2), icp::Opcode::MissNoFetch) << squid.cache_log();
}

}  // namespace icp_hit_only_test
}  // namespace cuttle::testing
