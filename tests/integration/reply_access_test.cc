// http_reply_access, differentially against squid 5.7: replies denied on their
// Content-Type, a header or their status, and a hit denied for one client, get
// the same status and the same access.log code and hierarchy from both proxies.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <string>
#include <vector>

namespace cuttle::testing {
namespace reply_access_test {

const char* kRules =
    "acl video rep_mime_type -i ^video/\n"
    "acl attachment rep_header Content-Disposition ^attachment\n"
    "acl server_error http_status 500-\n"
    "acl no_content http_status 204\n"
    "acl blocked_client req_header X-Block ^yes$\n"
    "http_reply_access deny video\n"
    "http_reply_access deny attachment\n"
    "http_reply_access deny server_error\n"
    // 204 (like 1xx and 304) is always allowed, whatever the rules say.
    "http_reply_access deny no_content\n"
    "http_reply_access deny blocked_client\n"
    "http_reply_access allow all\n";

OriginReply reply_for(const RecordedRequest& request) {
  OriginReply r;
  r.headers = {{"Cache-Control", "max-age=600"},
               {"Content-Type", "text/plain"},
               {"Date", http_date(std::chrono::system_clock::now())}};
  r.body = "body of " + request.target;
  if (request.target == "/video") r.headers[1].second = "Video/MP4";
  if (request.target == "/attachment") r.headers.push_back({"Content-Disposition", "attachment; filename=a.zip"});
  if (request.target == "/error") r.status = 500;
  if (request.target == "/empty") {
    r.status = 204;
    r.body.clear();
  }
  return r;
}

// "TCP_DENIED_REPLY/403 HIER_DIRECT": an access.log line's code and hierarchy.
std::string code_and_hierarchy(const std::string& line) {
  std::istringstream fields(line);
  std::vector<std::string> f;
  for (std::string w; fields >> w;) f.push_back(w);
  if (f.size() < 9) return "malformed: " + line;
  return f[3] + " " + f[8].substr(0, f[8].find('/'));
}

struct Seen {
  std::vector<unsigned> statuses;
  std::vector<std::string> logged;
};

template <class Proxy>
Seen fetch_all(Proxy& proxy, const OriginServer& origin) {
  Seen seen;
  for (const char* path : {"/video", "/attachment", "/error", "/empty", "/page"})
    seen.statuses.push_back(proxy_get(proxy.port(), origin.url(path)).result_int());
  // The stored page again, for a client the rules refuse: a denied hit. (cuttle
  // commits a stored object a few milliseconds after its reply ends.)
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  seen.statuses.push_back(proxy_request(proxy.port(), "GET", origin.url("/page"), "", {{"X-Block", "yes"}}).result_int());
  seen.statuses.push_back(proxy_get(proxy.port(), origin.url("/page")).result_int());
  // Squid's start-up probe is not ours; squid's memory hits are cuttle's disk hits.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    seen.logged.clear();
    for (const auto& line : proxy.access_log_lines(7))
      if (line.find(origin.url("/")) != std::string::npos) seen.logged.push_back(code_and_hierarchy(line));
  } while (seen.logged.size() < 7 && std::chrono::steady_clock::now() < deadline);
  for (auto& code : seen.logged)
    if (code.starts_with("TCP_MEM_HIT")) code.replace(0, 11, "TCP_HIT");
  return seen;
}

TEST(ReplyAccess, DeniedRepliesAndHitsGetSquidsStatusesAndLogLines) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  OriginServer origin(reply_for);
  TempDir dir;
  Seen by_squid, by_cuttle;
  {
    SquidProcess squid(kRules);
    by_squid = fetch_all(squid, origin);
  }
  {
    CuttleProcess cuttle(std::string(kRules) + "cache_dir lmdb " + dir.file("cache") + " 16\n");
    by_cuttle = fetch_all(cuttle, origin);
  }
  const std::vector<unsigned> expected = {403, 403, 403, 204, 200, 403, 200};
  EXPECT_EQ(by_squid.statuses, expected);
  EXPECT_EQ(by_cuttle.statuses, by_squid.statuses);
  EXPECT_EQ(by_cuttle.logged, by_squid.logged);
  ASSERT_EQ(by_squid.logged.size(), 7u);
  EXPECT_EQ(by_squid.logged[0], "TCP_DENIED_REPLY/403 HIER_DIRECT");
  EXPECT_EQ(by_squid.logged[5], "TCP_DENIED_REPLY/403 HIER_NONE");
}

}  // namespace reply_access_test
}  // namespace cuttle::testing
