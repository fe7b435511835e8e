// The ICP server and client over real UDP sockets on 127.0.0.1.
#include "icp/client.h"
#include "icp/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace cuttle::icp {
namespace icp_udp_test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const auto kLoopback = asio::ip::make_address("127.0.0.1");

// A responder on its own thread and io_context, answering HIT for URLs ending in
// "/cached", allowing only loopback senders.
class RunningServer {
 public:
  explicit RunningServer(bool allow = true)
      : responder_(ResponderHooks{[allow](const asio::ip::address&, std::string_view) { return allow; },
                                  [](std::string_view url) {
                                    return url.ends_with("/cached") ? LookupResult::Hit : LookupResult::Miss;
                                  }}),
        socket_(open_icp_socket(ioc_.get_executor(), "127.0.0.1", 0)),
        server_(socket_, responder_) {
    server_.on_log([this](const QueryLogEvent& e) { logged_.fetch_add(1); });
    asio::co_spawn(ioc_, server_.run(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~RunningServer() {
    asio::post(ioc_, [this] { socket_.close(); });
    thread_.join();
  }
  udp::endpoint endpoint() const { return socket_.local_endpoint(); }
  const Counters& counters() const { return responder_.counters(); }
  int logged() const { return logged_.load(); }

 private:
  asio::io_context ioc_;
  Responder responder_;
  udp::socket socket_;
  Server server_;
  std::atomic<int> logged_{0};
  std::thread thread_;
};

// A peer that answers nothing (or what the test tells it to), for timeouts and garbage.
struct SilentPeer {
  asio::io_context ioc;
  udp::socket socket{ioc, udp::endpoint(kLoopback, 0)};
  udp::endpoint endpoint() const { return socket.local_endpoint(); }
  // Waits (bounded) for one datagram; returns its bytes and sender.
  std::pair<std::vector<uint8_t>, udp::endpoint> receive(std::chrono::milliseconds timeout = 2s) {
    socket.non_blocking(true);
    std::vector<uint8_t> buf(kMaxMessageSize + 1);
    udp::endpoint from;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      boost::system::error_code ec;
      size_t n = socket.receive_from(asio::buffer(buf), from, 0, ec);
      if (!ec) {
        buf.resize(n);
        return {buf, from};
      }
      std::this_thread::sleep_for(1ms);
    }
    return {};
  }
};

// Sends `bytes` from a fresh socket and waits (bounded) for one reply.
std::optional<Decoded> exchange(const udp::endpoint& to, const std::vector<uint8_t>& bytes,
                                std::vector<uint8_t>& storage, std::chrono::milliseconds timeout = 500ms) {
  SilentPeer me;
  me.socket.send_to(asio::buffer(bytes), to);
  auto [reply, from] = me.receive(timeout);
  if (reply.empty()) return std::nullopt;
  EXPECT_EQ(from, to) << "the reply must come from the ICP port itself";
  storage = reply;
  return decode(storage);
}

std::vector<uint8_t> query_bytes(std::string_view url, uint32_t reqnum) {
  Message m;
  m.opcode = Opcode::Query;
  m.request_number = reqnum;
  m.url = url;
  return encode(m);
}

// Runs one Client::query on a private io_context with the client's own socket.
std::vector<PeerReply> run_query(const std::string& url, const std::vector<udp::endpoint>& peers,
                                 std::chrono::milliseconds timeout, ClientCounters* counters = nullptr,
                                 const std::function<void(udp::socket&)>& after_send = {}) {
  asio::io_context ioc;
  udp::socket socket(ioc, udp::endpoint(kLoopback, 0));
  Client client(socket);
  asio::co_spawn(ioc, client.receive_loop(), asio::detached);
  auto result = asio::co_spawn(ioc, client.query(url, peers, timeout), asio::use_future);
  if (after_send) asio::post(ioc, [&] { after_send(socket); });
  // run until the query finishes; the receive loop is then stopped by closing the socket
  while (result.wait_for(0s) != std::future_status::ready) ioc.run_one_for(50ms);
  if (counters) *counters = client.counters();
  EXPECT_EQ(client.pending(), 0u);
  socket.close();
  ioc.run_for(50ms);
  return result.get();
}

TEST(IcpServer, AnswersHitAndMissFromTheLookupEchoingTheRequestNumber) {
  RunningServer server;
  std::vector<uint8_t> storage;
  auto hit = exchange(server.endpoint(), query_bytes("http://h/cached", 4242), storage);
  ASSERT_TRUE(hit && hit->ok());
  EXPECT_EQ(hit->message.opcode, Opcode::Hit);
  EXPECT_EQ(hit->message.request_number, 4242u);
  EXPECT_EQ(hit->message.url, "http://h/cached");
  auto miss = exchange(server.endpoint(), query_bytes("http://h/new", 1), storage);
  ASSERT_TRUE(miss && miss->ok());
  EXPECT_EQ(miss->message.opcode, Opcode::Miss);
  EXPECT_EQ(server.counters().hits, 1u);
  EXPECT_EQ(server.counters().misses, 1u);
  EXPECT_EQ(server.logged(), 2);
}

TEST(IcpServer, RefusedSenderGetsDenied) {
  RunningServer server(/*allow=*/false);
  std::vector<uint8_t> storage;
  auto r = exchange(server.endpoint(), query_bytes("http://h/cached", 9), storage);
  ASSERT_TRUE(r && r->ok());
  EXPECT_EQ(r->message.opcode, Opcode::Denied);
  EXPECT_EQ(server.counters().denied, 1u);
}

TEST(IcpServer, MalformedDatagramsAreCountedAndTheServerKeepsAnswering) {
  RunningServer server;
  std::vector<uint8_t> storage;
  auto good = query_bytes("http://h/cached", 1);
  auto truncated = std::vector<uint8_t>(good.begin(), good.begin() + 10);
  auto bad_length = good;
  bad_length[2] = 0x40;
  auto bad_version = good;
  bad_version[1] = 9;
  for (auto* b : {&truncated, &bad_length, &bad_version})
    EXPECT_FALSE(exchange(server.endpoint(), *b, storage, 100ms)) << "dropped without reply";
  // Oversize: 20 KiB of query, more than any ICP message may be.
  std::vector<uint8_t> oversize(20 * 1024, 'a');
  oversize[0] = 1;
  oversize[1] = 2;
  EXPECT_FALSE(exchange(server.endpoint(), oversize, storage, 100ms));
  auto err = exchange(server.endpoint(), query_bytes("not a url", 5), storage);
  ASSERT_TRUE(err && err->ok());
  EXPECT_EQ(err->message.opcode, Opcode::Err);
  EXPECT_EQ(err->message.request_number, 5u);
  auto still = exchange(server.endpoint(), good, storage);
  ASSERT_TRUE(still && still->ok());
  EXPECT_EQ(still->message.opcode, Opcode::Hit);
  EXPECT_EQ(server.counters().errors, 5u);
  EXPECT_EQ(server.counters().dropped, 4u);
}

TEST(IcpClient, FansOutToEveryPeerAndReportsEachAnswer) {
  RunningServer a, b, c(/*allow=*/false);
  auto results = run_query("http://h/cached", {a.endpoint(), b.endpoint(), c.endpoint()}, 2s);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].peer, a.endpoint());
  EXPECT_EQ(results[0].reply, Opcode::Hit);
  EXPECT_EQ(results[1].reply, Opcode::Hit);
  EXPECT_EQ(results[2].reply, Opcode::Denied);
  for (auto& r : results) {
    EXPECT_GT(r.rtt.count(), 0);
    EXPECT_LT(r.rtt, 2s);
  }
}

TEST(IcpClient, ReturnsAsSoonAsEveryPeerHasAnswered) {
  RunningServer a, b;
  auto start = std::chrono::steady_clock::now();
  auto results = run_query("http://h/x", {a.endpoint(), b.endpoint()}, 10s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(results[0].reply, Opcode::Miss);
  EXPECT_EQ(results[1].reply, Opcode::Miss);
}

TEST(IcpClient, SilentPeerIsReportedUnansweredAtTheDeadline) {
  RunningServer a;
  SilentPeer silent;
  auto start = std::chrono::steady_clock::now();
  auto results = run_query("http://h/cached", {a.endpoint(), silent.endpoint()}, 300ms);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(results[0].reply, Opcode::Hit);
  EXPECT_FALSE(results[1].reply);
  EXPECT_FALSE(results[1].send_failed);
}

TEST(IcpClient, StopsAtTheFirstHitAndStillHearsLateAnswers) {
  RunningServer hit_peer;  // answers HIT for ".../cached" at once
  SilentPeer slow_peer;    // answers only when the test says so
  asio::io_context ioc;
  udp::socket socket(ioc, udp::endpoint(kLoopback, 0));
  Client client(socket);
  asio::co_spawn(ioc, client.receive_loop(), asio::detached);
  std::vector<std::pair<size_t, std::optional<Opcode>>> late;
  QueryOptions options;
  options.stop_at_hit = true;
  options.late_reply = [&](size_t k, const PeerReply& r) { late.emplace_back(k, r.reply); };
  const auto start = std::chrono::steady_clock::now();
  auto result = asio::co_spawn(
      ioc, client.query("http://h/cached", {hit_peer.endpoint(), slow_peer.endpoint()}, 5s, options),
      asio::use_future);
  auto run_until = [&](auto done) {
    auto deadline = std::chrono::steady_clock::now() + 3s;
    while (!done() && std::chrono::steady_clock::now() < deadline) ioc.run_one_for(20ms);
  };
  run_until([&] { return result.wait_for(0s) == std::future_status::ready; });
  ASSERT_EQ(result.wait_for(0s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "the HIT should have ended a 5 s wait";
  auto results = result.get();
  EXPECT_EQ(results[0].reply, Opcode::Hit);
  EXPECT_FALSE(results[1].reply);
  EXPECT_EQ(client.pending(), 1u) << "the query stays open for the slow peer's answer";

  // The slow peer answers after the choice was made: the hook hears it.
  auto [q, from] = slow_peer.receive();
  auto d = decode(q);
  ASSERT_TRUE(d.ok());
  Message m;
  m.opcode = Opcode::Miss;
  m.request_number = d.message.request_number;
  m.url = d.message.url;
  slow_peer.socket.send_to(asio::buffer(encode(m)), from);
  run_until([&] { return !late.empty(); });
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].first, 1u);
  EXPECT_EQ(late[0].second, Opcode::Miss);
  EXPECT_EQ(client.pending(), 0u) << "every peer answered: nothing left to wait for";
  socket.close();
  ioc.run_for(50ms);
}

TEST(IcpClient, IgnoresGarbageWrongNumbersWrongUrlsAndDuplicates) {
  SilentPeer peer;
  ClientCounters counters;
  std::thread responder([&] {
    auto [q, from] = peer.receive();
    auto d = decode(q);
    if (!d.ok()) return;
    auto send = [&](Opcode op, uint32_t number, std::string_view url) {
      Message m;
      m.opcode = op;
      m.request_number = number;
      m.url = url;
      peer.socket.send_to(asio::buffer(encode(m)), from);
    };
    std::vector<uint8_t> garbage{1, 2, 3, 4, 5};
    peer.socket.send_to(asio::buffer(garbage), from);
    send(Opcode::Hit, d.message.request_number + 1, d.message.url);  // another query's number
    send(Opcode::Hit, d.message.request_number, "http://h/other");    // another URL
    send(Opcode::Query, d.message.request_number, d.message.url);     // not a reply
    send(Opcode::Miss, d.message.request_number, d.message.url);      // the answer
    send(Opcode::Hit, d.message.request_number, d.message.url);       // a duplicate: ignored
  });
  auto results = run_query("http://h/wanted", {peer.endpoint()}, 2s, &counters);
  responder.join();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].reply, Opcode::Miss);
  EXPECT_EQ(counters.replies_matched, 1u);
  EXPECT_GE(counters.garbage, 2u);             // the 5 bytes and the QUERY
  EXPECT_GE(counters.replies_unmatched, 2u);   // wrong number, wrong URL (duplicate may arrive after)
}

TEST(IcpClient, ReplyFromAnAddressNotAskedDoesNotCount) {
  SilentPeer asked, stranger;
  ClientCounters counters;
  std::thread impostor([&] {
    auto [q, from] = asked.receive();
    auto d = decode(q);
    if (!d.ok()) return;
    Message m;
    m.opcode = Opcode::Hit;
    m.request_number = d.message.request_number;
    m.url = d.message.url;
    stranger.socket.send_to(asio::buffer(encode(m)), from);  // right answer, wrong sender
  });
  auto results = run_query("http://h/spoof", {asked.endpoint()}, 300ms, &counters);
  impostor.join();
  EXPECT_FALSE(results[0].reply);
  EXPECT_EQ(counters.replies_unmatched, 1u);
}

TEST(IcpClient, ConcurrentQueriesOnOneSocketGetTheirOwnAnswers) {
  RunningServer server;
  asio::io_context ioc;
  udp::socket socket(ioc, udp::endpoint(kLoopback, 0));
  Client client(socket);
  asio::co_spawn(ioc, client.receive_loop(), asio::detached);
  std::vector<std::future<std::vector<PeerReply>>> futures;
  for (int i = 0; i < 50; ++i)
    futures.push_back(asio::co_spawn(
        ioc, client.query("http://h/" + std::to_string(i) + (i % 2 ? "/cached" : ""), {server.endpoint()}, 2s),
        asio::use_future));
  auto all_ready = [&] {
    for (auto& f : futures)
      if (f.wait_for(0s) != std::future_status::ready) return false;
    return true;
  };
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!all_ready() && std::chrono::steady_clock::now() < deadline) ioc.run_one_for(50ms);
  EXPECT_EQ(client.pending(), 0u);
  socket.close();
  ioc.run_for(50ms);
  for (int i = 0; i < 50; ++i) {
    auto r = futures[i].get();
    EXPECT_EQ(r[0].reply, i % 2 ? Opcode::Hit : Opcode::Miss) << i;
  }
}

TEST(IcpClient, ServerSocketCanCarryTheClientsQueriesToo) {
  // Squid asks and answers on one socket; so can cuttle: the server hands
  // replies arriving on its socket to the client.
  RunningServer peer;
  asio::io_context ioc;
  Responder responder(ResponderHooks{});
  auto socket = open_icp_socket(ioc.get_executor(), "127.0.0.1", 0);
  Server server(socket, responder);
  Client client(socket);
  server.on_reply([&](const Message& m, const udp::endpoint& from) { client.deliver(m, from); });
  asio::co_spawn(ioc, server.run(), asio::detached);
  auto result = asio::co_spawn(ioc, client.query("http://h/cached", {peer.endpoint()}, 2s), asio::use_future);
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (result.wait_for(0s) != std::future_status::ready && std::chrono::steady_clock::now() < deadline)
    ioc.run_one_for(50ms);
  socket.close();
  ioc.run_for(50ms);
  ASSERT_EQ(result.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(result.get()[0].reply, Opcode::Hit);
  EXPECT_EQ(responder.counters().replies, 1u);
}

}  // namespace icp_udp_test
}  // namespace cuttle::icp
