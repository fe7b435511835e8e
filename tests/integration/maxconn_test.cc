// The maxconn ACL over real connections, differentially against squid 5.7: with
// two connections already open from the client's address a third request is
// denied (the count includes its own connection), and allowed once they close.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

namespace cuttle::testing {
namespace maxconn_test {

template <class Proxy>
std::vector<unsigned> statuses_around_open_connections(Proxy& proxy, const OriginServer& origin) {
  std::vector<unsigned> statuses;
  statuses.push_back(proxy_get(proxy.port(), origin.url("/alone")).result_int());
  {
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 2; ++i) idle.push_back(std::make_unique<RawConnection>(proxy.port()));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both proxies have accepted them
    statuses.push_back(proxy_get(proxy.port(), origin.url("/crowded")).result_int());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // and seen them close
  statuses.push_back(proxy_get(proxy.port(), origin.url("/alone-again")).result_int());
  return statuses;
}

TEST(MaxConn, MoreConnectionsThanTheLimitFromOneAddressAreDeniedAsBySquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  const std::string config = "acl crowd maxconn 2\nhttp_access deny crowd\n";
  std::vector<unsigned> by_squid, by_cuttle;
  {
    SquidProcess squid(config);
    by_squid = statuses_around_open_connections(squid, origin);
  }
  {
    CuttleProcess cuttle(config);
    by_cuttle = statuses_around_open_connections(cuttle, origin);
  }
  EXPECT_EQ(by_squid, (std::vector<unsigned>{200, 403, 200}));
  EXPECT_EQ(by_cuttle, by_squid);
}

}  // namespace maxconn_test
}  // namespace cuttle::testing
