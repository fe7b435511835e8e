// cache_effective_user / cache_effective_group: started as root (as the tests are),
// cuttle binds its port, then becomes the user for good, and the files it makes
// are that user's, as squid's are.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cuttle::testing {
namespace privileges_test {

// The four ids of /proc/PID/status's "Uid:" or "Gid:" line (real, effective, saved, fs).
std::vector<unsigned> ids_of(pid_t pid, const std::string& which) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (!line.starts_with(which + ":")) continue;
    std::istringstream words(line.substr(which.size() + 1));
    std::vector<unsigned> ids;
    for (unsigned id; words >> id;) ids.push_back(id);
    return ids;
  }
  return {};
}

std::string groups_of(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("Groups:")) return line.substr(7);
  return "";
}

unsigned uid_of(const std::string& user) { return ::getpwnam(user.c_str())->pw_uid; }
unsigned gid_of(const std::string& group) { return ::getgrnam(group.c_str())->gr_gid; }

unsigned owner_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_uid;
}

TEST(Privileges, StartedAsRootCuttleBecomesProxyForGood) {
  ASSERT_EQ(::geteuid(), 0u) << "the tests run as root, as cuttle is started on a server";
  OriginServer origin;
  CuttleProcess cuttle;
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/as-proxy")).result_int(), 200);
  const auto proxy = uid_of("proxy");
  EXPECT_EQ(ids_of(cuttle.pid(), "Uid"), (std::vector<unsigned>{proxy, proxy, proxy, proxy}))
      << "real, effective and saved: no way back to root";
  cuttle.access_log_lines(1);
  EXPECT_EQ(owner_of(cuttle.access_log_path()), proxy) << "its files are proxy's";
}

TEST(Privileges, CacheEffectiveUserAndGroupAreWhoItBecomes) {
  OriginServer origin;
  CuttleProcess cuttle("cache_effective_user nobody\ncache_effective_group nogroup\n");
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/as-nobody")).result_int(), 200);
  const auto nobody = uid_of("nobody"), nogroup = gid_of("nogroup");
  EXPECT_EQ(ids_of(cuttle.pid(), "Uid"), (std::vector<unsigned>{nobody, nobody, nobody, nobody}));
  EXPECT_EQ(ids_of(cuttle.pid(), "Gid"), (std::vector<unsigned>{nogroup, nogroup, nogroup, nogroup}));
  EXPECT_EQ(groups_of(cuttle.pid()), "\t" + std::to_string(nogroup) + " ") << "that group alone, as squid";
}

// squid 5.7 refuses both; the same words.
TEST(Privileges, AnUnknownUserOrRootIsRefusedAsBySquid) {
  TempDir dir;
  dir.write("unknown.conf", "http_port 127.0.0.1:" + std::to_string(free_port()) +
                                "\ncache_effective_user no-such-user-here\npid_filename " + dir.file("a.pid") + "\n");
  auto unknown = run_command({cuttle_binary(), "-N", "-f", dir.file("unknown.conf")}, std::chrono::seconds(10));
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("getpwnam failed to find userid for effective user 'no-such-user-here'"),
            std::string::npos)
      << unknown.output;
  dir.write("root.conf", "http_port 127.0.0.1:" + std::to_string(free_port()) + "\ncache_effective_user root\npid_filename " +
                             dir.file("b.pid") + "\n");
  auto root = run_command({cuttle_binary(), "-N", "-f", dir.file("root.conf")}, std::chrono::seconds(10));
  EXPECT_NE(root.exit_code, 0);
  EXPECT_NE(root.output.find("Don't run Squid as root, set 'cache_effective_user'!"), std::string::npos)
      << root.output;
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  // Its own service name: squid dies leaving its shared memory segments behind
  // (/dev/shm/SERVICE-cf__*), which would stop every other squid named "squid".
  const std::string service = "cuttleroot" + std::to_string(::getpid());
  auto squid = run_command({"/usr/sbin/squid", "-N", "-n", service, "-f", dir.file("root.conf")}, std::chrono::seconds(10));
  for (const auto& segment : {"-cf__metadata.shm", "-cf__queues.shm", "-cf__readers.shm"})
    std::filesystem::remove("/dev/shm/" + service + segment);
  EXPECT_NE(squid.output.find("Don't run Squid as root, set 'cache_effective_user'!"), std::string::npos)
      << squid.output;
}

TEST(Privileges, ItsEffectiveUserAndFilesAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  OriginServer origin;
  const std::string config;  // squid's Debian default, cuttle's: proxy
  unsigned squid_euid = 0, squid_log_owner = 0;
  {
    SquidProcess squid(config);
    proxy_get(squid.port(), origin.url("/squid"));
    squid.access_log_line_with("/squid");
    squid_euid = ids_of(squid.pid(), "Uid").at(1);
    squid_log_owner = owner_of(squid.access_log_path());
  }
  CuttleProcess cuttle(config);
  proxy_get(cuttle.port(), origin.url("/cuttle"));
  cuttle.access_log_line_with("/cuttle");
  EXPECT_EQ(ids_of(cuttle.pid(), "Uid").at(1), squid_euid);
  EXPECT_EQ(owner_of(cuttle.access_log_path()), squid_log_owner);
  EXPECT_EQ(squid_euid, uid_of("proxy"));
}

}  // namespace privileges_test
}  // namespace cuttle::testing
