// A running cuttle's ICP port under malformed, truncated, wrong-version and
// oversize datagrams: each is answered ERR or dropped, counted, and cuttle
// keeps answering ICP and serving HTTP.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/icp_probe.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>

#include <csignal>
#include <thread>

namespace cuttle::testing {
namespace icp_robustness_test {

using namespace std::chrono_literals;

std::string icp_config(unsigned short port) {
  return "icp_port " + std::to_string(port) + "\nicp_access allow localhost\nicp_access deny all\n";
}

TEST(IcpRobustness, MalformedDatagramsAreAnsweredErrOrDroppedAndCounted) {
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  const unsigned short icp_port = free_port();
  CuttleProcess cuttle(icp_config(icp_port));
  ASSERT_EQ(icp_ask(icp_port, "http://h/ready", 1), icp::Opcode::Miss);

  auto good = icp_query("http://h/x", 2);
  std::vector<std::vector<uint8_t>> dropped;
  dropped.push_back({});                                                // empty datagram
  dropped.push_back({1, 2, 0, 20});                                     // shorter than the header
  dropped.push_back(std::vector<uint8_t>(good.begin(), good.end() - 3));  // truncated
  auto v = good;
  v[1] = 4;
  dropped.push_back(v);  // wrong version
  v = good;
  v[1] = 1;
  dropped.push_back(v);  // ICP v1
  v = good;
  v[3] = uint8_t(v[3] + 5);
  dropped.push_back(v);  // length field too large
  v = good;
  v[0] = 8;
  dropped.push_back(v);  // obsolete opcode
  std::vector<uint8_t> oversize(20000, 'u');  // more than 16 KiB
  oversize[0] = 1;
  oversize[1] = 2;
  oversize[2] = uint8_t(20000 >> 8);
  oversize[3] = uint8_t(20000 & 0xff);
  dropped.push_back(oversize);
  for (size_t i = 0; i < dropped.size(); ++i)
    EXPECT_FALSE(icp_exchange(icp_port, dropped[i], 100ms)) << "datagram " << i << " must be dropped";

  // Queries with a sound header but a bad URL get ERR with their request number.
  auto no_nul = icp_query("http://h/no-nul", 30);
  no_nul.pop_back();
  no_nul[3] = uint8_t(no_nul.size());
  std::string long_url = "http://h/" + std::string(16384 - 20 - 4 - 1 - 9, 'a');  // exactly the 16 KiB limit
  std::vector<std::pair<std::vector<uint8_t>, uint32_t>> errs = {
      {icp_query("not a url", 31), 31}, {icp_query("", 32), 32}, {no_nul, 30}, {icp_query("http://h/a b", 33), 33}};
  for (auto& [bytes, number] : errs) {
    auto reply = icp_exchange(icp_port, bytes);
    ASSERT_TRUE(reply) << number;
    auto d = icp::decode(*reply);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.message.opcode, icp::Opcode::Err) << number;
    EXPECT_EQ(d.message.request_number, number);
  }
  // The largest legal query is answered normally.
  EXPECT_EQ(icp_ask(icp_port, long_url, 40), icp::Opcode::Miss);

  // Still answering ICP, still serving HTTP.
  EXPECT_EQ(icp_ask(icp_port, "http://h/after", 41), icp::Opcode::Miss);
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/still-serving")).result_int(), 200);

  EXPECT_NE(cuttle.access_log_line_with(" UDP_INVALID/000 34 ICP_QUERY not%20a%20url - HIER_NONE/- -"), "");
  ASSERT_EQ(cuttle.stop(SIGTERM), 0);
  // 1 ready + 1 long + 1 after = 3 good queries; 8 dropped + 4 ERR'd = 12 errors.
  EXPECT_NE(cuttle.output().find("cuttle: ICP: 3 queries, 0 hits, 3 misses, 0 denied, 12 errors, 8 dropped"),
            std::string::npos)
      << cuttle.output();
}

TEST(IcpRobustness, SendersOutsideIcpAccessAreDenied) {
  const unsigned short icp_port = free_port();
  CuttleProcess cuttle(icp_config(icp_port));
  ASSERT_EQ(icp_ask(icp_port, "http://h/ok", 1), icp::Opcode::Miss);
  // 127.0.0.2 is loopback but not Squid's `localhost` ACL (127.0.0.1/32, ::1).
  EXPECT_EQ(icp_ask(icp_port, "http://h/ok", 2, "127.0.0.2"), icp::Opcode::Denied);
  EXPECT_NE(cuttle.access_log_line_with(" 127.0.0.2 UDP_DENIED/000 32 ICP_QUERY http://h/ok - HIER_NONE/- -"), "");
}

TEST(IcpRobustness, AFloodOfDeniedQueriesGetsABoundedNumberOfReplies) {
  const unsigned short icp_port = free_port();
  CuttleProcess cuttle(icp_config(icp_port));
  ASSERT_EQ(icp_ask(icp_port, "http://h/ok", 1), icp::Opcode::Miss);
  boost::asio::io_context ioc;
  boost::asio::ip::udp::socket socket(ioc, {boost::asio::ip::make_address("127.0.0.2"), 0});
  socket.non_blocking(true);
  boost::asio::ip::udp::endpoint to(boost::asio::ip::make_address("127.0.0.1"), icp_port);
  auto q = icp_query("http://h/flood", 9);
  auto flood_start = std::chrono::steady_clock::now();
  boost::asio::ip::udp::endpoint from;
  int replies = 0;
  std::vector<uint8_t> buf(icp::kMaxMessageSize);
  for (int i = 0; i < 2000; ++i) {
    boost::system::error_code ec;
    socket.send_to(boost::asio::buffer(q), to, 0, ec);
    if (i % 100 == 99) std::this_thread::sleep_for(5ms);  // let the socket buffers drain
    while (socket.receive_from(boost::asio::buffer(buf), from, 0, ec), !ec) ++replies;
  }
  auto deadline = std::chrono::steady_clock::now() + 500ms;
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    socket.receive_from(boost::asio::buffer(buf), from, 0, ec);
    if (!ec) ++replies;
    else std::this_thread::sleep_for(5ms);
  }
  // At most the burst (200) plus 100 per second of the flood, whatever its length.
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - flood_start).count();
  EXPECT_GT(replies, 0);
  EXPECT_LE(replies, 200 + int(100 * seconds) + 1) << "DENIED replies must be rate-limited; flood lasted " << seconds
                                                     << " s";
  EXPECT_LT(replies, 2000 / 2) << "most of the 2000 queries must go unanswered";
  // Still answering the allowed sender.
  EXPECT_EQ(icp_ask(icp_port, "http://h/ok", 3), icp::Opcode::Miss);
}

TEST(IcpRobustness, IcpPortHeldByAnotherProcessIsAFatalStartupError) {
  const unsigned short icp_port = free_port();
  CuttleProcess first(icp_config(icp_port));
  ASSERT_EQ(icp_ask(icp_port, "http://h/ok", 1), icp::Opcode::Miss);
  try {
    CuttleProcess second(icp_config(icp_port));
    ADD_FAILURE() << "a second cuttle started on the same icp_port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on icp_port " + std::to_string(icp_port)), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(icp_ask(icp_port, "http://h/ok", 2), icp::Opcode::Miss) << "the first one still answers";
}

}  // namespace icp_robustness_test
}  // namespace cuttle::testing
