// Debian's squidGuard as the url_rewrite_program, with a small blacklist, behind
// squid 5.7 and cuttle: the same sites are blocked the same way (a rewrite to the
// warning page, a 302 for another list), the rest goes through untouched. Runs in
// a private network namespace whose hosts file sends every name to loopback.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/private_network.h"
#include "tests/support/squid_process.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

namespace cuttle::testing {
namespace squidguard_test {

namespace fs = std::filesystem;
constexpr const char* kSquidGuard = "/usr/bin/squidGuard";

struct Seen {
  unsigned status = 0;
  std::string location, body;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  return out << s.status << " [" << s.location << "] " << s.body;
}

// squidGuard's database and configuration, readable and writable by `proxy`.
std::string write_squidguard_files(const TempDir& dir, unsigned short origin_port) {
  fs::permissions(dir.path(), fs::perms::all);
  for (auto sub : {"db", "db/bad", "db/ads", "log"}) {
    fs::create_directories(dir.file(sub));
    fs::permissions(dir.file(sub), fs::perms::all);
  }
  dir.write("db/bad/domains", "blocked.example\n");
  dir.write("db/ads/domains", "ads.example\n");
  const std::string warning = "http://warning.example:" + std::to_string(origin_port);
  dir.write("squidGuard.conf", "dbhome " + dir.file("db") + "\nlogdir " + dir.file("log") +
                                   "\ndest bad {\n  domainlist bad/domains\n  redirect " + warning +
                                   "/blocked?url=%u\n}\ndest ads {\n  domainlist ads/domains\n  redirect 302:" +
                                   warning + "/ad\n}\nacl {\n  default {\n    pass !bad !ads all\n  }\n}\n");
  for (auto file : {"db/bad/domains", "db/ads/domains", "squidGuard.conf"})
    fs::permissions(dir.file(file), fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  return std::string(kSquidGuard) + " -c " + dir.file("squidGuard.conf");
}

class SquidGuard : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SquidProcess::available() || !fs::exists(kSquidGuard))
      GTEST_FAIL() << "squid 5.7 and squidguard are needed (scripts/install-deps.sh)";
    char name[256] = "localhost";
    ::gethostname(name, sizeof name - 1);
    PrivateNetwork network{{}, "127.0.0.1 localhost " + std::string(name) +
                                   " blocked.example ads.example fine.example warning.example\n"};
    ASSERT_EQ(enter_private_network(network), "") << "cannot make a private network namespace";
  }
};

TEST_F(SquidGuard, BlocksWhatSquidBlocksWithTheSameAnswers) {
  OriginServer origin([](const RecordedRequest& r) {
    OriginReply reply;
    reply.body = r.header("Host").substr(0, r.header("Host").find(':')) + " " + r.target;
    return reply;
  });
  TempDir files("cuttle-squidguard");
  const auto program = write_squidguard_files(files, origin.port());
  const std::string config = "url_rewrite_program " + program + "\nurl_rewrite_children 2\n";
  const auto port = std::to_string(origin.port());
  const std::vector<std::string> urls = {"http://fine.example:" + port + "/page",
                                         "http://blocked.example:" + port + "/secret?x=1",
                                         "http://ads.example:" + port + "/banner.js"};
  auto fetch = [&](unsigned short proxy_port) {
    std::vector<Seen> seen;
    for (const auto& url : urls) {
      auto res = proxy_get(proxy_port, url);
      seen.push_back({res.result_int(), std::string(res[http::field::location]), res.body()});
    }
    return seen;
  };
  std::vector<Seen> by_squid, by_cuttle;
  {
    SquidProcess squid(config);
    by_squid = fetch(squid.port());
  }
  {
    CuttleProcess cuttle(config);
    by_cuttle = fetch(cuttle.port());
  }
  for (size_t i = 0; i < urls.size(); ++i) EXPECT_EQ(by_cuttle[i], by_squid[i]) << urls[i];
  EXPECT_EQ(by_cuttle[0].body, "fine.example /page");
  EXPECT_EQ(by_cuttle[1].body, "warning.example /blocked?url=http://blocked.example:" + port + "/secret?x=1");
  EXPECT_EQ(by_cuttle[2].status, 302u);
}

}  // namespace squidguard_test
}  // namespace cuttle::testing
