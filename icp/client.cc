#include "icp/client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace cuttle::icp {

namespace asio = boost::asio;

namespace {

// v4-mapped and plain IPv4 addresses of one peer compare equal.
bool same_endpoint(const udp::endpoint& a, const udp::endpoint& b) {
  auto plain = [](const asio::ip::address& x) -> asio::ip::address {
    if (x.is_v6() && x.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, x.to_v6());
    return x;
  };
  return a.port() == b.port() && plain(a.address()) == plain(b.address());
}

}  // namespace

uint32_t Client::initial_request_number() {
  std::random_device rd;
  return rd() | 1u;  // never 0: Squid reads request number 0 as "no private keys"
}

asio::awaitable<std::vector<PeerReply>> Client::query(std::string url, std::vector<udp::endpoint> peers,
                                                      std::chrono::milliseconds timeout, uint32_t options) {
  std::vector<PeerReply> results(peers.size());
  for (size_t i = 0; i < peers.size(); ++i) results[i].peer = peers[i];
  uint32_t number = next_request_number_++;
  if (next_request_number_ == 0) next_request_number_ = 1;

  Message q;
  q.opcode = Opcode::Query;
  q.request_number = number;
  q.options = options;
  q.url = url;
  auto bytes = encode(q);  // throws std::invalid_argument for a URL no message can carry

  asio::steady_timer wake(co_await asio::this_coro::executor);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto& pending = pending_[number];
  pending = Pending{url, &results, std::chrono::steady_clock::now(), 0, &wake};
  // Also runs when the coroutine is destroyed unfinished (io_context stopped).
  struct Forget {
    std::unordered_map<uint32_t, Pending>& map;
    uint32_t number;
    ~Forget() { map.erase(number); }
  } forget{pending_, number};
  for (auto& r : results) {
    boost::system::error_code ec;
    socket_.send_to(asio::buffer(bytes), r.peer, 0, ec);  // UDP: never blocks long
    if (ec) {
      r.send_failed = true;
      continue;
    }
    ++counters_.queries_sent;
    ++pending.outstanding;
  }
  while (pending_.at(number).outstanding > 0 && std::chrono::steady_clock::now() < deadline) {
    wake.expires_at(deadline);
    co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));  // cancelled when the last reply arrives
  }
  if (pending_.at(number).outstanding > 0) ++counters_.timeouts;
  co_return results;
}

bool Client::deliver(const Message& reply, const udp::endpoint& from) {
  auto it = pending_.find(reply.request_number);
  if (!is_reply(reply.opcode) || it == pending_.end() || reply.url != it->second.url) {
    ++counters_.replies_unmatched;
    return false;
  }
  auto& p = it->second;
  for (auto& r : *p.results) {
    if (!same_endpoint(r.peer, from) || r.send_failed) continue;
    if (r.reply) break;  // a duplicate: the first answer stands
    r.reply = reply.opcode;
    r.rtt = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - p.sent);
    r.options = reply.options;
    r.option_data = reply.option_data;
    ++counters_.replies_matched;
    counters_.reply_rtt.observe(r.rtt);
    if (--p.outstanding == 0) p.wake->cancel();
    return true;
  }
  ++counters_.replies_unmatched;
  return false;
}

bool Client::deliver(std::span<const uint8_t> datagram, const udp::endpoint& from) {
  auto d = decode(datagram);
  if (!d.ok() || !is_reply(d.message.opcode)) {
    ++counters_.garbage;
    return false;
  }
  return deliver(d.message, from);
}

asio::awaitable<void> Client::receive_loop() {
  std::vector<uint8_t> in(kMaxMessageSize + 1);
  udp::endpoint from;
  for (;;) {
    auto [ec, n] = co_await socket_.async_receive_from(asio::buffer(in), from, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !socket_.is_open()) co_return;
    if (ec) continue;  // ICMP port unreachable from an earlier send, and the like
    deliver(std::span(in.data(), n), from);
  }
}

}  // namespace cuttle::icp
