// cuttle as an ICP sibling of a real squid 5.7: squid asks cuttle over ICP,
// hears HIT, and fetches the object from cuttle instead of the origin.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/icp_probe.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace icp_sibling_test {

using namespace std::chrono_literals;


size_t requests_for(const OriginServer& origin, const std::string& path) {
  size_t n = 0;
  for (const auto& r : origin.requests()) n += r.target == path;
  return n;
}

TEST(IcpSibling, SquidGetsACachedObjectFromCuttleAfterAnIcpHit) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "object " + req.target;
    r.headers = {{"Cache-Control", "max-age=3600"}, {"Content-Type", "text/plain"}};
    return r;
  });
  TempDir dir;
  const unsigned short cuttle_icp = free_port();
  CuttleProcess cuttle("icp_port " + std::to_string(cuttle_icp) + "\nicp_access allow localhost\nicp_access deny all\n" +
                       "cache_dir lmdb " + dir.file("cache") + " 64\n");
  const std::string url = origin.url("/shared");
  ASSERT_EQ(proxy_get(cuttle.port(), url).result_int(), 200);
  ASSERT_EQ(ask_until(cuttle_icp, url, icp::Opcode::Hit), icp::Opcode::Hit) << "cuttle never stored the object";

  SquidProcess squid("icp_port " + std::to_string(free_port()) + "\ncache_peer 127.0.0.1 sibling " +
                     std::to_string(cuttle.port()) + " " + std::to_string(cuttle_icp) +
                     " no-digest\nminimum_direct_rtt 0\nminimum_direct_hops 0\n");
  // Warm up: squid probes its peer after starting; a request for another URL
  // goes through the whole path once (a MISS everywhere).
  Response warm;
  for (int i = 0; i < 50; ++i) {
    warm = proxy_get(squid.port(), origin.url("/warm-up?" + std::to_string(i)));
    if (warm.result_int() == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(warm.result_int(), 200) << warm;
  ASSERT_NE(cuttle.access_log_line_with("UDP_MISS/000"), "") << "squid sent cuttle no ICP query for the warm-up";

  auto res = proxy_get(squid.port(), url);
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_EQ(res.body(), "object /shared");
  auto squid_line = squid.access_log_line_with("/shared");
  EXPECT_NE(squid_line.find(" SIBLING_HIT/127.0.0.1 "), std::string::npos) << squid_line;
  EXPECT_EQ(requests_for(origin, "/shared"), 1u) << "the origin must see the object fetched only once";

  // cuttle logged squid's query as Squid would, and served squid's fetch from its store.
  // Our own probes came first; squid's query is the last UDP_HIT line.
  ASSERT_NE(cuttle.access_log_line_with(" TCP_HIT/200 "), "");
  auto lines = cuttle.access_log_lines(1);
  std::string last_hit;
  for (const auto& l : lines)
    if (l.find(" UDP_HIT/000 ") != std::string::npos) last_hit = l;
  EXPECT_NE(last_hit.find(" 127.0.0.1 UDP_HIT/000 "), std::string::npos) << last_hit;
  EXPECT_NE(last_hit.find(" ICP_QUERY " + url + " - HIER_NONE/- -"), std::string::npos) << last_hit;
  std::string served;
  for (const auto& l : lines)
    if (l.find(" GET " + url) != std::string::npos) served = l;
  EXPECT_NE(served.find("TCP_HIT/200"), std::string::npos) << served;
}

TEST(IcpSibling, SquidAndCuttleLogAnIcpQueryAlike) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  const unsigned short cuttle_icp = free_port(), squid_icp = free_port();
  CuttleProcess cuttle("icp_port " + std::to_string(cuttle_icp) + "\nicp_access allow localhost\nicp_access deny all\n");
  SquidProcess squid("icp_port " + std::to_string(squid_icp) +
                     "\nicp_access allow localhost\nicp_access deny all\nlog_icp_queries on\n");
  const std::string url = "http://Example.COM/some/path?q=1";
  // Squid answers as soon as its ICP socket is open; poll briefly.
  std::optional<icp::Opcode> from_squid;
  for (int i = 0; i < 50 && !from_squid; ++i) {
    from_squid = icp_ask(squid_icp, url, 7);
    if (!from_squid) std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(from_squid, icp::Opcode::Miss);
  ASSERT_EQ(icp_ask(cuttle_icp, url, 7), icp::Opcode::Miss);
  auto fields = [](const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string f; in >> f;) out.push_back(f);
    return out;
  };
  auto c = fields(cuttle.access_log_line_with("ICP_QUERY"));
  auto s = fields(squid.access_log_line_with("ICP_QUERY"));
  ASSERT_EQ(c.size(), 10u);
  ASSERT_EQ(s.size(), 10u);
  // Client, code/status, reply size, method, URL (as asked), user, hierarchy, type.
  for (int i : {2, 3, 4, 5, 6, 7, 8, 9}) EXPECT_EQ(c[i], s[i]) << "field " << i;
}

}  // namespace icp_sibling_test
}  // namespace cuttle::testing
