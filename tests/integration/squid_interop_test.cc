// cuttle in a hierarchy with a real squid 5.7: squid forwards through cuttle as its
// parent, and cuttle forwards through squid as an ordinary HTTP proxy would.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace squid_interop_test {

TEST(SquidInterop, SquidUsesCuttleAsItsParent) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "origin saw " + req.target;
    r.headers = {{"Cache-Control", "no-store"}};
    return r;
  });
  CuttleProcess cuttle;
  SquidProcess squid("cache_peer 127.0.0.1 parent " + std::to_string(cuttle.port()) +
                     " 0 no-query default no-digest\nnever_direct allow all\n");
  // Squid may still be probing its parent: retry briefly.
  Response res;
  for (int i = 0; i < 50; ++i) {
    res = proxy_get(squid.port(), origin.url("/through-both?n=1"));
    if (res.result_int() == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_EQ(res.body(), "origin saw /through-both?n=1");
  auto req = origin.requests().back();
  // Both proxies are in Via, squid's first (it received the request first).
  auto via = req.header("Via");
  EXPECT_NE(via.find("(squid/5.7)"), std::string::npos) << via;
  EXPECT_NE(via.find("cuttle-test (cuttle/"), std::string::npos) << via;
  EXPECT_LT(via.find("squid/"), via.find("cuttle/"));
  auto squid_line = squid.access_log_line_with("/through-both");
  EXPECT_NE(squid_line.find(" TCP_MISS/200 "), std::string::npos) << squid_line;
  // Squid 5.7 logs its single parent as FIRSTUP_PARENT.
  EXPECT_NE(squid_line.find(" FIRSTUP_PARENT/127.0.0.1 "), std::string::npos) << squid_line;
  auto cuttle_lines = cuttle.access_log_lines(1);
  ASSERT_FALSE(cuttle_lines.empty());
  EXPECT_NE(cuttle_lines.back().find("TCP_MISS/200"), std::string::npos);
}

TEST(SquidInterop, CuttleAndSquidWriteTheSameAccessLogFields) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.body = "same for both";
    r.headers = {{"Cache-Control", "no-store"}, {"Content-Type", "text/plain; charset=us-ascii"}};
    return r;
  });
  CuttleProcess cuttle("strip_query_terms off\n");
  SquidProcess squid;
  std::string url = origin.url("/compare?q=1");
  ASSERT_EQ(proxy_get(cuttle.port(), url).result_int(), 200);
  ASSERT_EQ(proxy_get(squid.port(), url).result_int(), 200);
  auto c = cuttle.access_log_line_with("/compare");
  auto s = squid.access_log_line_with("/compare");
  auto fields = [](const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string f; in >> f;) out.push_back(f);
    return out;
  };
  auto cf = fields(c), sf = fields(s);
  ASSERT_EQ(cf.size(), 10u) << c;
  ASSERT_EQ(sf.size(), 10u) << s;
  // Same client, code/status, method, URL, user, hierarchy and type; times and
  // byte counts (header sets differ) may differ.
  for (int i : {2, 3, 5, 6, 7, 8, 9}) EXPECT_EQ(cf[i], sf[i]) << "field " << i << "\ncuttle: " << c << "\nsquid:  " << s;
}

}  // namespace squid_interop_test
}  // namespace cuttle::testing
