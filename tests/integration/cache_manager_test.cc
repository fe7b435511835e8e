// Squid's cache manager through the real squidclient (Debian package): mgr:info,
// mgr:counters and mgr:menu answered in Squid's layout; `manager` ACL denials.
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace {

CommandResult squidclient(unsigned short port, const std::string& what) {
  return run_command({"squidclient", "-h", "127.0.0.1", "-p", std::to_string(port), what});
}

TEST(CacheManager, SquidclientReadsInfoAndCounters) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}};
    r.body = "x";
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle("cache_dir lmdb " + dir.file("cache") + " 16\n");
  for (auto path : {"/1", "/2", "/1"}) proxy_get(cuttle.port(), origin.url(path));
  cuttle.access_log_lines(3);
  auto info = squidclient(cuttle.port(), "mgr:info");
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("200 OK"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("Number of HTTP requests received:\t3"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("Hits as % of all requests:\t33.3%"), std::string::npos) << info.output;
  auto counters = squidclient(cuttle.port(), "mgr:counters");
  EXPECT_NE(counters.output.find("client_http.requests = 4"), std::string::npos) << counters.output;  // info too
  EXPECT_NE(counters.output.find("client_http.hits = 1"), std::string::npos) << counters.output;
  EXPECT_NE(squidclient(cuttle.port(), "mgr:menu").output.find("counters"), std::string::npos);
  EXPECT_NE(squidclient(cuttle.port(), "mgr:nosuch").output.find("404"), std::string::npos);
  EXPECT_FALSE(cuttle.access_log_line_with("GET cache_object://127.0.0.1/info").empty());
}

TEST(CacheManager, ManagerAclDeniesWith403) {
  CuttleProcess cuttle("http_access deny manager\n");
  auto info = squidclient(cuttle.port(), "mgr:info");
  EXPECT_NE(info.output.find("403"), std::string::npos) << info.output;
  RawConnection conn(cuttle.port());
  conn.send("GET /squid-internal-mgr/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(conn.read_response().result_int(), 403);
}

}  // namespace
}  // namespace cuttle::testing
