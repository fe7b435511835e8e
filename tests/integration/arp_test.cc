// The arp ACL against squid 5.7: a client in a network namespace of its own,
// reaching the proxies over a veth pair (so the kernel learns its Ethernet
// address), is allowed by its MAC; the same client's other MAC is not listed,
// and a loopback client has no ARP entry. Both proxies give the same answers.
#include "tests/support/child_process.h"
#include "tests/support/config_rewrite.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace cuttle::testing {
namespace arp_test {

// A namespace with one end of a veth pair (10.77.N.2), the other end here (10.77.N.1).
class NeighbourNamespace {
 public:
  NeighbourNamespace() {
    const auto id = std::to_string(getpid() % 10000);
    const auto subnet = "10.77." + std::to_string(getpid() % 250 + 1);
    name_ = "cuttle-arp-" + id, here_ = "carp" + id + "a", there_ = "carp" + id + "b";
    proxy_address_ = subnet + ".1", client_address_ = subnet + ".2";
    for (const auto& command : std::vector<std::vector<std::string>>{
             {"ip", "netns", "add", name_},
             {"ip", "link", "add", here_, "type", "veth", "peer", "name", there_},
             {"ip", "link", "set", there_, "netns", name_},
             {"ip", "addr", "add", proxy_address_ + "/24", "dev", here_},
             {"ip", "link", "set", here_, "up"},
             {"ip", "netns", "exec", name_, "ip", "addr", "add", client_address_ + "/24", "dev", there_},
             {"ip", "netns", "exec", name_, "ip", "link", "set", there_, "up"},
         }) {
      auto r = run_command(command);
      if (r.exit_code != 0) {
        error_ = "`" + command[0] + " " + command[1] + " " + command[2] + "` failed: " + r.output;
        return;
      }
    }
    auto mac = run_command({"ip", "netns", "exec", name_, "cat", "/sys/class/net/" + there_ + "/address"});
    client_mac_ = mac.output.substr(0, mac.output.find('\n'));
  }
  ~NeighbourNamespace() {
    run_command({"ip", "link", "del", here_});
    run_command({"ip", "netns", "del", name_});
  }
  const std::string& error() const { return error_; }
  const std::string& client_mac() const { return client_mac_; }
  // A GET through the proxy at `port` from inside the namespace; the status.
  std::string get(unsigned short port, const std::string& url) const {
    auto r = run_command({"ip", "netns", "exec", name_, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                          "--max-time", "10", "-x", "http://" + proxy_address_ + ":" + std::to_string(port), url});
    return r.output;
  }

 private:
  std::string name_, here_, there_, proxy_address_, client_address_, client_mac_, error_;
};

template <class Proxy>
std::vector<std::string> answers(Proxy& proxy, const NeighbourNamespace& neighbour, const OriginServer& origin) {
  return {neighbour.get(proxy.port(), origin.url("/a")), std::to_string(proxy_get(proxy.port(), origin.url("/b")).result_int()),
          neighbour.get(proxy.port(), origin.url("/c"))};
}

TEST(Arp, ClientsAreKnownByTheirEthernetAddressAsInSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  NeighbourNamespace neighbour;
  ASSERT_EQ(neighbour.error(), "") << "network namespaces and veth pairs need root (as CI has)";
  ASSERT_FALSE(neighbour.client_mac().empty());
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  auto config = [&] {
    const auto port = free_port();
    return WholeConfig{"http_port " + std::to_string(port) +
                           "\nacl neighbour arp " + neighbour.client_mac() + " not-a-mac\n"
                           "acl stranger arp 00:11:22:33:44:55\nhttp_access deny stranger\n"
                           "http_access allow neighbour\nhttp_access deny all\n",
                       port};
  };
  std::vector<std::string> by_squid, by_cuttle;
  {
    SquidProcess squid(config());
    by_squid = answers(squid, neighbour, origin);
  }
  {
    CuttleProcess cuttle(config());
    by_cuttle = answers(cuttle, neighbour, origin);
  }
  EXPECT_EQ(by_cuttle, by_squid);
  if (std::getenv("CUTTLE_TEST_VERBOSE"))
    for (const auto& s : by_squid) std::cerr << s << "\n";
  EXPECT_EQ(by_cuttle, (std::vector<std::string>{"200", "403", "200"}));
}

}  // namespace arp_test
}  // namespace cuttle::testing
