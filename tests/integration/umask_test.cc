// umask, differentially against squid 5.7: the files the proxy creates (its
// access.log here) leave out the bits of umask (027 by default: not
// world-readable), on top of the umask it was started with.
#include "tests/support/differential.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <string>

namespace cuttle::testing {
namespace umask_test {

template <class Proxy>
std::string access_log_mode(Proxy& proxy) {
  proxy_get(proxy.port(), "http://127.0.0.1:1/");
  proxy.access_log_line_with("127.0.0.1:1");
  struct stat st {};
  if (::stat(proxy.access_log_path().c_str(), &st) != 0) return "missing";
  char mode[8];
  std::snprintf(mode, sizeof mode, "%03o", st.st_mode & 0777);
  return mode;
}

TEST(Umask, TheFilesModesAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  const auto old_mask = ::umask(022);  // as a service manager starts them
  for (const auto& [config, expected] : std::vector<std::pair<std::string, std::string>>{
           {"", "640"}, {"umask 077\n", "600"}, {"umask 0\n", "644"}}) {
    auto [by_squid, by_cuttle] =
        through_squid_then_cuttle(config, [&](auto& proxy) { return access_log_mode(proxy); });
    EXPECT_EQ(by_squid, expected) << config;
    EXPECT_EQ(by_cuttle, by_squid) << config;
  }
  ::umask(old_mask);
}

}  // namespace umask_test
}  // namespace cuttle::testing
