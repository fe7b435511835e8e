// cuttle's IcpService over loopback: a query started on one worker's thread runs
// on the ICP-owning worker and its answer comes back to the caller's thread.
#include "proxy/config/config_parser.h"
#include "proxy/server/icp_service.h"

#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace cuttle {
namespace icp_service_test {

using namespace std::chrono_literals;

// Asks from whatever thread runs it; notes which thread it resumed on.
awaitable<std::vector<icp::PeerReply>> ask(IcpService& service, icp::udp::endpoint peer, std::thread::id& ran_on) {
  std::vector<icp::udp::endpoint> peers{peer};
  auto replies = co_await service.query(std::string("http://h/x"), std::move(peers), Milliseconds(2000));
  ran_on = std::this_thread::get_id();
  co_return replies;
}

TEST(IcpService, QueryFromAnotherWorkerRunsOnTheOwnerAndReturnsToTheCaller) {
  // The peer: a bare icp::Server answering HIT for everything.
  asio::io_context peer_ioc;
  icp::Responder peer_responder(icp::ResponderHooks{[](const asio::ip::address&, std::string_view) { return true; },
                                                    [](std::string_view) { return icp::LookupResult::Hit; }});
  auto peer_socket = icp::open_icp_socket(peer_ioc.get_executor(), "127.0.0.1", 0);
  icp::Server peer(peer_socket, peer_responder);
  asio::co_spawn(peer_ioc, peer.run(), asio::detached);
  std::thread peer_thread([&] { peer_ioc.run(); });

  // The owning worker's io_context with the service (ephemeral ICP port).
  ProxyRuntime runtime(load_config_text("http_port 3128\n", "test.conf").config);
  asio::io_context owner_ioc;
  auto service = std::make_unique<IcpService>(owner_ioc, runtime, 0);
  service->start(owner_ioc);
  auto owner_guard = asio::make_work_guard(owner_ioc);
  std::thread owner_thread([&] { owner_ioc.run(); });

  // Another worker asks.
  asio::io_context caller_ioc;
  std::thread::id ran_on, owner_id = owner_thread.get_id();
  auto answer = asio::co_spawn(caller_ioc, ask(*service, peer_socket.local_endpoint(), ran_on), asio::use_future);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (answer.wait_for(0s) != std::future_status::ready && std::chrono::steady_clock::now() < deadline)
    caller_ioc.run_one_for(50ms);
  ASSERT_EQ(answer.wait_for(0s), std::future_status::ready);
  auto replies = answer.get();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].reply, icp::Opcode::Hit);
  EXPECT_EQ(ran_on, std::this_thread::get_id()) << "the caller resumes on its own thread";
  EXPECT_NE(ran_on, owner_id);
  EXPECT_EQ(service->counters().replies, 1u) << "the reply came in through the service's server socket";

  asio::post(owner_ioc, [&] { service->close(); });
  owner_guard.reset();
  owner_thread.join();
  service.reset();
  asio::post(peer_ioc, [&] { peer_socket.close(); });
  peer_thread.join();
}

}  // namespace icp_service_test
}  // namespace cuttle
