// follow_x_forwarded_for with acl_uses_indirect_client and log_uses_indirect_client,
// differentially against squid 5.7: the same X-Forwarded-For lists from a trusted
// proxy get the same access decisions and the same client address in access.log.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace cuttle::testing {
namespace forwarded_for_test {

const std::vector<std::vector<std::string>> kForwardedFor = {
    {},                                  // no header: the direct client
    {"192.168.1.5"},                     // named by a trusted proxy
    {"192.168.1.5, 10.1.1.1"},           // through two trusted hops
    {"192.168.1.5, 8.8.8.8"},            // an untrusted hop is the client
    {"192.168.1.5, unknown"},            // garbage: the hop that sent it is the client
    {"10.1.1.1 192.168.2.2"},            // blanks separate entries too
    {"192.168.1.5:8080"},                // not an address
    {"192.168.1.5", "10.1.1.1"},         // two fields, joined
    {"10.2.2.2, 10.1.1.1"},              // trusted all the way: the leftmost entry
};

struct Seen {
  std::vector<unsigned> statuses;
  std::vector<std::string> logged_clients;
};

template <class Proxy>
Seen run(Proxy& proxy, const OriginServer& origin) {
  Seen seen;
  for (size_t i = 0; i < kForwardedFor.size(); ++i) {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& value : kForwardedFor[i]) headers.push_back({"X-Forwarded-For", value});
    seen.statuses.push_back(
        proxy_request(proxy.port(), "GET", origin.url("/r" + std::to_string(i)), "", headers).result_int());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    seen.logged_clients.clear();
    for (const auto& line : proxy.access_log_lines(kForwardedFor.size())) {
      if (line.find(origin.url("/r")) == std::string::npos) continue;
      std::istringstream fields(line);
      std::string time, elapsed, client;
      fields >> time >> elapsed >> client;
      seen.logged_clients.push_back(client);
    }
  } while (seen.logged_clients.size() < kForwardedFor.size() && std::chrono::steady_clock::now() < deadline);
  return seen;
}

class ForwardedFor : public ::testing::TestWithParam<const char*> {};

TEST_P(ForwardedFor, DecisionsAndLoggedClientsAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  const std::string config = std::string(GetParam()) +
                             "acl trusted src 127.0.0.1 10.0.0.0/8\n"
                             "follow_x_forwarded_for allow trusted\n"
                             "acl lan src 192.168.0.0/16\n"
                             "acl other src 8.8.8.8 10.2.2.2\n"
                             "http_access allow lan\n"
                             "http_access allow other\n"
                             "http_access deny all\n";
  Seen by_squid, by_cuttle;
  {
    SquidProcess squid(config);
    by_squid = run(squid, origin);
  }
  {
    CuttleProcess cuttle(config);
    by_cuttle = run(cuttle, origin);
  }
  EXPECT_EQ(by_cuttle.statuses, by_squid.statuses);
  EXPECT_EQ(by_cuttle.logged_clients, by_squid.logged_clients);
  EXPECT_EQ(by_squid.logged_clients.size(), kForwardedFor.size());
  // Squid allows some and denies some, unless src never sees the indirect client.
  auto count = [&](unsigned status) { return std::count(by_squid.statuses.begin(), by_squid.statuses.end(), status); };
  EXPECT_GT(count(403), 0);
  EXPECT_EQ(count(200) > 0, std::string(GetParam()) != "acl_uses_indirect_client off\n");
}

INSTANTIATE_TEST_SUITE_P(Settings, ForwardedFor,
                         ::testing::Values("", "log_uses_indirect_client off\n", "acl_uses_indirect_client off\n"));

}  // namespace forwarded_for_test
}  // namespace cuttle::testing
