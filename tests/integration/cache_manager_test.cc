// Squid's cache manager through the real squidclient (Debian package): mgr:info,
// mgr:counters and mgr:menu answered in Squid's layout; `manager` ACL denials;
// cachemgr_passwd answered with the same status codes as a real squid 5.7.
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace cache_manager_test {

CommandResult squidclient(unsigned short port, const std::string& what, std::vector<std::string> options = {}) {
  std::vector<std::string> argv{"squidclient", "-T", "5", "-h", "127.0.0.1", "-p", std::to_string(port)};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back(what);
  return run_command(argv);
}

// The status code of the reply squidclient printed ("HTTP/1.1 401 Unauthorized"), or 0.
int status_of(const CommandResult& result) {
  auto at = result.output.find("HTTP/1.");
  return at == std::string::npos ? 0 : std::atoi(result.output.c_str() + at + 9);
}

constexpr const char* kPasswords =
    "cachemgr_passwd secret info\ncachemgr_passwd disable counters\ncachemgr_passwd none menu\n";

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

TEST(CacheManager, CachemgrPasswdAsksForThePasswordOrRefusesTheAction) {
  CuttleProcess cuttle(kPasswords);
  auto right = squidclient(cuttle.port(), "mgr:info@secret");
  EXPECT_EQ(status_of(right), 200) << right.output;
  EXPECT_NE(right.output.find("Number of HTTP requests received:"), std::string::npos) << right.output;
  // squidclient -w puts the password into the URL too (and -u adds Proxy-Authorization).
  EXPECT_EQ(status_of(squidclient(cuttle.port(), "mgr:info", {"-u", "admin", "-w", "secret"})), 200);

  auto wrong = squidclient(cuttle.port(), "mgr:info@guess");
  EXPECT_EQ(status_of(wrong), 401) << wrong.output;
  EXPECT_NE(wrong.output.find("WWW-Authenticate: Basic realm=\"info\""), std::string::npos) << wrong.output;
  EXPECT_NE(wrong.output.find("ERR_CACHE_MGR_ACCESS_DENIED"), std::string::npos) << wrong.output;
  EXPECT_EQ(status_of(squidclient(cuttle.port(), "mgr:info")), 401);
  EXPECT_NE(cuttle.output().find("incorrect password for 'info'"), std::string::npos) << cuttle.output();

  auto disabled = squidclient(cuttle.port(), "mgr:counters@secret");
  EXPECT_EQ(status_of(disabled), 404) << disabled.output;
  EXPECT_NE(disabled.output.find("ERR_INVALID_URL"), std::string::npos) << disabled.output;
  auto menu = squidclient(cuttle.port(), "mgr:menu");
  EXPECT_EQ(status_of(menu), 200) << menu.output;
  EXPECT_NE(menu.output.find(" info                  \tGeneral Runtime Information     \tprotected"),
            std::string::npos) << menu.output;
  EXPECT_NE(menu.output.find("\tdisabled"), std::string::npos) << menu.output;
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_MISS/401").empty());

  // /squid-internal-mgr/ takes the password from a Basic Authorization header only.
  auto internal = [&](const std::string& path, const std::string& authorization) {
    RawConnection conn(cuttle.port());
    conn.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
              (authorization.empty() ? "" : "Authorization: " + authorization + "\r\n") + "\r\n");
    return conn.read_response();
  };
  EXPECT_EQ(internal("/squid-internal-mgr/info", "Basic YWRtaW46c2VjcmV0").result_int(), 200);  // admin:secret
  EXPECT_EQ(internal("/squid-internal-mgr/info", "Basic YWRtaW46Z3Vlc3M=").result_int(), 401);  // admin:guess
  EXPECT_EQ(internal("/squid-internal-mgr/info@secret", "").result_int(), 404);
}

TEST(CacheManager, CachemgrPasswdAnswersAsSquid57Does) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  CuttleProcess cuttle(kPasswords);
  SquidProcess squid(kPasswords);
  for (const char* what : {"mgr:info@secret", "mgr:info@guess", "mgr:info", "mgr:counters", "mgr:counters@secret",
                           "mgr:menu", "mgr:nosuch"}) {
    auto ours = squidclient(cuttle.port(), what), theirs = squidclient(squid.port(), what);
    EXPECT_NE(status_of(theirs), 0) << what << ": " << theirs.output;
    EXPECT_EQ(status_of(ours), status_of(theirs)) << what << "\ncuttle:\n" << ours.output << "\nsquid:\n"
                                                  << theirs.output;
  }
}

}  // namespace cache_manager_test
}  // namespace cuttle::testing
