// max_user_ip against squid 5.7: one user logging in from several loopback
// addresses (127.0.0.1, 127.0.0.2) with basic_ncsa_auth; the same requests give
// the same statuses and logged users through both, for the default (a match
// forgets the user's addresses) and -s (only the offending one).
#include "tests/support/child_process.h"
#include "tests/support/differential.h"
#include "tests/support/helper_files.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

namespace cuttle::testing {
namespace max_user_ip_test {

class MaxUserIp : public ::testing::TestWithParam<const char*> {};

TEST_P(MaxUserIp, CountsTheUsersAddressesAsSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  HelperFiles files("cuttle-max-user-ip");
  const auto hashed = run_command({"openssl", "passwd", "-apr1", "secret"});
  const auto passwd = files.write("passwd", "alice:" + hashed.output.substr(0, hashed.output.find('\n')) + "\n");
  const std::string config = "auth_param basic program /usr/lib/squid/basic_ncsa_auth " + passwd +
                             "\nauth_param basic realm Test\nauthenticate_ip_ttl 60 seconds\n"
                             "acl login proxy_auth REQUIRED\nacl too_many max_user_ip " +
                             std::string(GetParam()) + "\nhttp_access deny too_many\nhttp_access allow login\n";
  const std::vector<std::string> sources = {"127.0.0.1", "127.0.0.2", "127.0.0.2", "127.0.0.1", "127.0.0.1",
                                            "127.0.0.3", "127.0.0.1"};
  OriginServer origin;
  const auto credentials = "Proxy-Authorization: " + basic("alice:secret") + "\r\n";
  const auto [by_squid, by_cuttle] = through_squid_then_cuttle(
      config, [&](auto& proxy) { return status_and_log_from(proxy, origin, sources, credentials); });
  EXPECT_EQ(by_cuttle, by_squid);
  if (std::getenv("CUTTLE_TEST_VERBOSE"))
    for (size_t i = 0; i < sources.size(); ++i) std::cerr << sources[i] << ": " << by_squid[i] << "\n";
  EXPECT_EQ(by_cuttle[0].substr(0, 3), "200");
  EXPECT_EQ(by_cuttle[1].substr(0, 3), "403") << "a second address is one too many (a 403, not a challenge)";
}

INSTANTIATE_TEST_SUITE_P(Modes, MaxUserIp, ::testing::Values("1", "-s 1"));

}  // namespace max_user_ip_test
}  // namespace cuttle::testing
