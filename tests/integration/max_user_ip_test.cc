// max_user_ip against squid 5.7: one user logging in from several loopback
// addresses (127.0.0.1, 127.0.0.2) with basic_ncsa_auth; the same requests give
// the same statuses and logged users through both, for the default (a match
// forgets the user's addresses) and -s (only the offending one).
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/helper_files.h"
#include "tests/support/http_client.h"
#include "tests/support/log_and_credentials.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace cuttle::testing {
namespace {



// Each request from its source address, on a connection of its own.
template <class Proxy>
std::vector<std::string> send_from(Proxy& proxy, const OriginServer& origin, const std::vector<std::string>& sources) {
  std::vector<std::string> seen;
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto path = "/r" + std::to_string(i);
    RawConnection conn(proxy.port(), sources[i]);
    conn.send(request_text("GET", origin.url(path), "Proxy-Authorization: " + basic("alice:secret") + "\r\n"));
    const auto res = conn.read_response();
    seen.push_back(std::to_string(res.result_int()) + " " + code_and_user(proxy.access_log_line_with(path)));
  }
  return seen;
}

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
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  std::vector<std::string> by_squid, by_cuttle;
  {
    SquidProcess squid(config);
    by_squid = send_from(squid, origin, sources);
  }
  {
    CuttleProcess cuttle(config);
    by_cuttle = send_from(cuttle, origin, sources);
  }
  EXPECT_EQ(by_cuttle, by_squid);
  if (std::getenv("CUTTLE_TEST_VERBOSE"))
    for (size_t i = 0; i < sources.size(); ++i) std::cerr << sources[i] << ": " << by_squid[i] << "\n";
  EXPECT_EQ(by_cuttle[0].substr(0, 3), "200");
  EXPECT_EQ(by_cuttle[1].substr(0, 3), "403") << "a second address is one too many (a 403, not a challenge)";
}

INSTANTIATE_TEST_SUITE_P(Modes, MaxUserIp, ::testing::Values("1", "-s 1"));

}  // namespace
}  // namespace cuttle::testing
