// tcp_outgoing_address / tcp_outgoing_tos / tcp_outgoing_mark / clientside_tos: what
// the origin sees (the connection's source address) and what the kernel says of the
// proxy's sockets (ss --tos -e), against squid 5.7 with the same configuration.
#include "tests/support/differential.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <regex>
#include <thread>

namespace cuttle::testing {
namespace outgoing_test {

using namespace std::chrono_literals;

// One request from each source address: the source address the origin saw.
template <class Proxy>
std::vector<std::string> origin_peers(Proxy& proxy, OriginServer& origin, const std::vector<std::string>& sources) {
  std::vector<std::string> seen;
  for (size_t i = 0; i < sources.size(); ++i) {
    RawConnection conn(proxy.port(), sources[i]);
    conn.send(request_text("GET", origin.url("/from-" + sources[i] + "-" + std::to_string(i))));
    conn.read_response();
    seen.push_back(origin.requests().back().peer_address);
  }
  return seen;
}

TEST(Outgoing, TheSourceAddressIsChosenPerRequestAsInSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  // A new connection per request: a pooled one would keep its first source address.
  OriginServer origin([](const RecordedRequest&) { return OriginReply{.close = true}; });
  const std::string config =
      "acl from2 src 127.0.0.2\n"
      "tcp_outgoing_address ::1 from2\n"           // IPv6: never towards an IPv4 origin
      "tcp_outgoing_address 127.0.0.4 from2\n"
      "tcp_outgoing_address 127.0.0.3\n"
      "http_access allow from2\n";
  const std::vector<std::string> sources{"127.0.0.1", "127.0.0.2", "127.0.0.1"};
  auto [squid, cuttle] =
      through_squid_then_cuttle(config, [&](auto& proxy) { return origin_peers(proxy, origin, sources); });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle, (std::vector<std::string>{"127.0.0.3", "127.0.0.4", "127.0.0.3"}));
}

// While the origin holds its reply: what ss says of the proxy's established
// sockets matching `filter` ("dst ADDR:PORT" ...), each pattern's first match
// joined by spaces ("tos:0x20 fwmark:0x2a"); empty until all patterns match.
template <class Proxy>
std::string while_held(Proxy& proxy, OriginServer& origin, std::vector<std::string> filter,
                       const std::vector<std::string>& patterns) {
  auto reply = std::async(std::launch::async, [&] { return proxy_get(proxy.port(), origin.url("/held")); });
  std::vector<std::string> command{"ss", "-tn", "--tos", "-e", "state", "established"};
  command.insert(command.end(), filter.begin(), filter.end());
  std::string seen;
  for (int i = 0; i < 30 && seen.empty(); ++i) {
    std::this_thread::sleep_for(100ms);
    const auto ss = run_command(command);
    std::string found;
    for (const auto& pattern : patterns) {
      std::smatch match;
      if (!std::regex_search(ss.output, match, std::regex(pattern))) {
        found.clear();
        break;
      }
      found += (found.empty() ? "" : " ") + match.str();
    }
    seen = found;
  }
  reply.get();
  return seen;
}

// The TOS byte and mark of the proxy's connection to the origin.
template <class Proxy>
std::string socket_marks(Proxy& proxy, OriginServer& origin) {
  return while_held(proxy, origin, {"dst", "127.0.0.1:" + std::to_string(origin.port())},
                    {"tos:0x[0-9a-f]+", "fwmark:0x[0-9a-f]+"});
}

TEST(Outgoing, TosAndMarkAreSetAsInSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  OriginServer origin([](const RecordedRequest&) { return OriginReply{.delay = 1500ms}; });
  const std::string config =
      "acl other src 10.9.9.9\n"
      "tcp_outgoing_tos 0x48 other\n"
      "tcp_outgoing_tos 0x23\n"  // squid clears the ECN bits: 0x20
      "tcp_outgoing_mark 0x2a\n";
  auto [squid, cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) { return socket_marks(proxy, origin); });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle, "tos:0x20 fwmark:0x2a") << "cuttle keeps CAP_NET_ADMIN for SO_MARK after it gave root up";
}

// The TOS byte of the proxy's connection to its client.
template <class Proxy>
std::string client_side_tos(Proxy& proxy, OriginServer& origin) {
  return while_held(proxy, origin, {"src", "127.0.0.1:" + std::to_string(proxy.port())}, {"tos:0x[0-9a-f]+"});
}

TEST(Outgoing, ClientSideTosIsSetAsInSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  OriginServer origin([](const RecordedRequest&) { return OriginReply{.delay = 1500ms}; });
  const std::string config =
      "acl other src 10.9.9.9\n"
      "clientside_tos 0x48 other\n"
      "clientside_tos 0x61\n";  // squid clears the ECN bits: 0x60
  auto [squid, cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) { return client_side_tos(proxy, origin); });
  EXPECT_EQ(cuttle, squid);
  EXPECT_EQ(cuttle, "tos:0x60");
}

}  // namespace outgoing_test
}  // namespace cuttle::testing
