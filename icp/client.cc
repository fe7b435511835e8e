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
                                                      std::chrono::milliseconds timeout, QueryOptions options) {
  const auto now = Clock::now();
  forget_expired(now);
  uint32_t number = next_request_number_++;
  if (next_request_number_ == 0) next_request_number_ = 1;

  Message q;
  q.opcode = Opcode::Query;
  q.request_number = number;
  q.options = options.flags;
  q.url = url;
  auto bytes = encode(q);  // throws std::invalid_argument for a URL no message can carry

  asio::steady_timer wake(co_await asio::this_coro::executor);
  // A node of the map: its address stays valid while other queries come and go.
  Pending& pending = pending_[number];
  pending = Pending{url, std::vector<PeerReply>(peers.size()), now, now + timeout, 0, &wake, options.stop_at_hit,
                    false, std::move(options.late_reply)};
  for (size_t i = 0; i < peers.size(); ++i) pending.results[i].peer = peers[i];
  // Also runs when the coroutine is destroyed unfinished (io_context stopped).
  struct Forget {
    std::unordered_map<uint32_t, Pending>& map;
    uint32_t number;
    bool keep = false;
    ~Forget() {
      if (keep) return;
      map.erase(number);
    }
  } forget{pending_, number};
  for (auto& r : pending.results) {
    boost::system::error_code ec;
    socket_.send_to(asio::buffer(bytes), r.peer, 0, ec);  // UDP: never blocks long
    if (ec) {
      r.send_failed = true;
      continue;
    }
    ++counters_.queries_sent;
    ++pending.outstanding;
  }
  while (pending.outstanding > 0 && !pending.decided && Clock::now() < pending.deadline) {
    wake.expires_at(pending.deadline);
    co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));  // cancelled by the deciding reply
  }
  auto results = pending.results;
  if (pending.outstanding > 0 && pending.late_reply && Clock::now() < pending.deadline) {
    pending.wake = nullptr;  // stays registered for late answers until its deadline
    lingering_.emplace(pending.deadline, number);
    forget.keep = true;
  }
  // Squid's icp.query_timeouts: the wait ran out with answers missing and no HIT.
  if (pending.outstanding > 0 && !pending.decided) ++counters_.timeouts;
  co_return results;
}

void Client::forget_expired(Clock::time_point now) {
  while (!lingering_.empty() && lingering_.top().first <= now) {
    auto it = pending_.find(lingering_.top().second);
    if (it != pending_.end() && !it->second.wake) pending_.erase(it);
    lingering_.pop();
  }
}

bool Client::deliver(const Message& reply, const udp::endpoint& from) {
  const auto now = Clock::now();
  forget_expired(now);
  auto it = pending_.find(reply.request_number);
  if (!is_reply(reply.opcode) || it == pending_.end() || reply.url != it->second.url) {
    ++counters_.replies_unmatched;
    return false;
  }
  auto& p = it->second;
  for (size_t i = 0; i < p.results.size(); ++i) {
    auto& r = p.results[i];
    if (!same_endpoint(r.peer, from) || r.send_failed) continue;
    if (r.reply) break;  // a duplicate: the first answer stands
    r.reply = reply.opcode;
    r.rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - p.sent);
    r.options = reply.options;
    r.option_data = reply.option_data;
    ++counters_.replies_matched;
    counters_.reply_rtt.observe(r.rtt);
    --p.outstanding;
    if (!p.wake) {  // the asker has chosen already
      p.late_reply(i, r);
      if (p.outstanding == 0) pending_.erase(it);
      return true;
    }
    const bool hit = reply.opcode == Opcode::Hit || reply.opcode == Opcode::HitObj;
    if (p.stop_at_hit && hit) p.decided = true;
    if (p.outstanding == 0 || p.decided) p.wake->cancel();
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
