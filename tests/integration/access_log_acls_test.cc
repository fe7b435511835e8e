// access_log lines with ACLs and `access_log none ACL`, differentially against
// squid 5.7: each file gets the transactions squid writes to it.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/log_file.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace cuttle::testing {
namespace access_log_acls_test {

namespace fs = std::filesystem;

// The paths of the origin's URLs a log file names, in order.
std::vector<std::string> logged_paths(const std::string& file, const OriginServer& origin) {
  std::vector<std::string> paths;
  for (const auto& line : wait_for_lines(file, 0, std::chrono::milliseconds(0))) {
    const auto at = line.find(origin.url("/"));
    if (at == std::string::npos) continue;
    const auto start = at + origin.url("/").size() - 1;
    paths.push_back(line.substr(start, line.find(' ', start) - start));
  }
  return paths;
}

template <class Proxy>
std::pair<std::vector<std::string>, std::vector<std::string>> run(Proxy& proxy, const OriginServer& origin,
                                                                  const TempDir& dir) {
  for (const char* path : {"/public/1", "/private/2", "/quiet/3", "/public/4"})
    EXPECT_EQ(proxy_get(proxy.port(), origin.url(path)).result_int(), 200) << path;
  // Each proxy's own log has all four once they are written.
  proxy.access_log_line_with("/public/4");
  return {logged_paths(dir.file("a.log"), origin), logged_paths(dir.file("b.log"), origin)};
}

TEST(AccessLogAcls, EachFileGetsWhatSquidWritesToIt) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  std::pair<std::vector<std::string>, std::vector<std::string>> by_squid, by_cuttle;
  auto config = [](const TempDir& dir) {
    fs::permissions(dir.path(), fs::perms::all);  // squid writes as its own user
    return "acl private urlpath_regex ^/private\nacl quiet urlpath_regex ^/quiet\n"
           "access_log stdio:" + dir.file("a.log") + " !private\naccess_log none quiet\n"
           "access_log stdio:" + dir.file("b.log") + " squid\n";
  };
  {
    TempDir dir;
    SquidProcess squid(config(dir));
    by_squid = run(squid, origin, dir);
  }
  {
    TempDir dir;
    CuttleProcess cuttle(config(dir));
    by_cuttle = run(cuttle, origin, dir);
  }
  EXPECT_EQ(by_cuttle.first, by_squid.first) << "a.log";
  EXPECT_EQ(by_cuttle.second, by_squid.second) << "b.log";
  EXPECT_EQ(by_squid.first, (std::vector<std::string>{"/public/1", "/quiet/3", "/public/4"}));
}

}  // namespace access_log_acls_test
}  // namespace cuttle::testing
