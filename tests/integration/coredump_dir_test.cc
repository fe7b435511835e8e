// coredump_dir against squid 5.7: the proxy changes to that directory at start-up,
// so the helpers it starts run there (and core files would land there); `none`,
// the default, stays where the proxy was started.
#include "tests/support/differential.h"
#include "tests/support/helper_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>
#include <thread>

namespace cuttle::testing {
namespace coredump_dir_test {

namespace fs = std::filesystem;

// The directory a URL rewriter started by each proxy reports, its own
// coredump directory masked as CORE: {squid's, cuttle's}.
std::pair<std::string, std::string> helper_directories(const std::string& coredump_line) {
  HelperFiles files;
  const auto script = files.write("pwd.sh", "pwd > \"$1\"\nwhile read line; do echo ERR; done\n");
  auto config = [&](const std::string& who) {
    const auto core = files.file(who + "-core");
    fs::create_directories(core);
    fs::permissions(core, fs::perms::all);
    std::string line = coredump_line;
    if (auto at = line.find("CORE"); at != std::string::npos) line.replace(at, 4, core);
    return line + "url_rewrite_program /bin/sh " + script + " " + files.file(who + "-cwd") + "\n";
  };
  return through_squid_then_cuttle(config, [&](auto& proxy) {
    const std::string who = std::is_same_v<std::decay_t<decltype(proxy)>, SquidProcess> ? "squid" : "cuttle";
    proxy_get(proxy.port(), "http://127.0.0.1:1/");
    std::string cwd;
    for (int i = 0; i < 150 && cwd.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::ifstream(files.file(who + "-cwd")) >> cwd;
    }
    const auto core = fs::canonical(files.file(who + "-core")).string();
    return cwd == core ? std::string("CORE") : cwd;
  });
}

TEST(CoredumpDir, HelpersRunInItAsInSquid) {
  auto [by_squid, by_cuttle] = helper_directories("coredump_dir CORE\n");
  EXPECT_EQ(by_squid, "CORE");
  EXPECT_EQ(by_cuttle, by_squid);
}

TEST(CoredumpDir, NoneStaysWhereTheProxyStarted) {
  auto [by_squid, by_cuttle] = helper_directories("coredump_dir none\n");
  EXPECT_NE(by_squid, "CORE");
  EXPECT_FALSE(by_squid.empty());
  EXPECT_EQ(by_cuttle, fs::current_path().string());
}

}  // namespace coredump_dir_test
}  // namespace cuttle::testing
