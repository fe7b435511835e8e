// ICP datagrams whose length field lies, from allowed and from denied senders: no
// reply at all (a lying header is not trusted even for a DENIED), so a spoofed
// source cannot turn cuttle into a reflector, and real queries are still answered.
#include "tests/support/cuttle_process.h"
#include "tests/support/icp_probe.h"

#include <gtest/gtest.h>

#include <csignal>

namespace cuttle::testing {
namespace hostile_icp_test {

using namespace std::chrono_literals;

TEST(HostileIcp, DatagramsWithLyingLengthsGetNoReplyFromAnySender) {
  const unsigned short icp_port = free_port();
  CuttleProcess cuttle("icp_port " + std::to_string(icp_port) + "\nicp_access allow localhost\nicp_access deny all\n");
  ASSERT_EQ(icp_ask(icp_port, "http://h/ready", 1), icp::Opcode::Miss);
  auto good = icp_query("http://h/x", 2);
  auto with_length = [&](size_t length) {
    auto v = good;
    v[2] = uint8_t(length >> 8);
    v[3] = uint8_t(length & 0xff);
    return v;
  };
  const std::vector<std::vector<uint8_t>> lies = {
      with_length(good.size() - 1),  // one byte shorter than the datagram
      with_length(20),               // only the header
      with_length(4),                // shorter than the header itself
      with_length(0),
      with_length(good.size() + 1),  // one byte longer
      with_length(0xffff),
  };
  for (const char* sender : {"127.0.0.1", "127.0.0.2"}) {
    for (size_t i = 0; i < lies.size(); ++i)
      EXPECT_FALSE(icp_exchange(icp_port, lies[i], 100ms, sender)) << "lie " << i << " from " << sender;
  }
  // The same query with an honest length: answered (MISS, or DENIED outside icp_access).
  EXPECT_EQ(icp_ask(icp_port, "http://h/x", 3), icp::Opcode::Miss);
  EXPECT_EQ(icp_ask(icp_port, "http://h/x", 4, "127.0.0.2"), icp::Opcode::Denied);
  ASSERT_EQ(cuttle.stop(SIGTERM), 0);
  // 12 lies dropped as errors; the ready query, the honest one and the denied one counted as queries.
  EXPECT_NE(cuttle.output().find("cuttle: ICP: 3 queries, 0 hits, 2 misses, 1 denied, 12 errors, 12 dropped"),
            std::string::npos)
      << cuttle.output();
}

}  // namespace hostile_icp_test
}  // namespace cuttle::testing
