// The asking half of ICP: send one QUERY to several peers at once and gather
// their replies until every peer has answered, the first HIT arrived (when asked
// to stop there) or the deadline passes.
//
// The client sends on a socket it does not own. Whoever reads that socket hands
// each reply datagram to deliver(): the ICP Server (socket shared with the
// responder, as Squid does) or receive_loop() (a socket of the client's own).
#pragma once

#include "icp/counters.h"
#include "icp/message.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace cuttle::icp {

using udp = boost::asio::ip::udp;

struct PeerReply {
  udp::endpoint peer;
  std::optional<Opcode> reply;  // nothing: no answer before the deadline (or the send failed)
  bool send_failed = false;
  std::chrono::microseconds rtt{0};  // from sending the query to receiving this reply
  uint32_t options = 0;              // the reply's flags (SRC_RTT when it carries an RTT)
  uint32_t option_data = 0;
};

// Updated on the socket's thread, readable from any (metrics at scrape time).
struct ClientCounters {
  RelaxedCounter queries_sent;
  RelaxedCounter replies_matched;
  RelaxedCounter replies_unmatched;  // late, duplicate, from a peer not asked, wrong URL
  RelaxedCounter garbage;            // datagrams that are not well-formed ICP replies
  RelaxedCounter timeouts;           // queries whose deadline passed with answers missing (Squid's icp.query_timeouts)
  RttHistogram reply_rtt;            // matched replies by round-trip time
};

struct QueryOptions {
  uint32_t flags = 0;  // ICP_FLAG_* bits of the QUERY (kFlagSrcRtt with query_icmp)
  // End the wait at the first HIT (or HIT_OBJ): Squid's PeerSelector::handleIcpReply
  // selects as soon as one arrives; the other answers cannot change the choice.
  bool stop_at_hit = false;
  // After an early stop, answers that still arrive before the deadline are handed
  // here (index into the peers asked, the reply) instead of being dropped: they
  // show a peer is alive even though nobody waited for them.
  std::function<void(size_t, const PeerReply&)> late_reply;
};

class Client {
 public:
  explicit Client(udp::socket& socket) : socket_(socket) {}
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends QUERY(url) to every peer and returns one PeerReply per peer, in the
  // order given, once all have answered, a HIT arrived (options.stop_at_hit) or
  // `timeout` has passed. Never throws for network trouble: a peer that cannot be
  // reached is reported as send_failed; throws std::invalid_argument for a URL
  // no ICP message can carry (a NUL, over 16 KiB). Not thread-safe: run it on the
  // socket's executor (IcpService::query does that for other workers).
  boost::asio::awaitable<std::vector<PeerReply>> query(std::string url, std::vector<udp::endpoint> peers,
                                                       std::chrono::milliseconds timeout, QueryOptions options = {});

  // Offers one received datagram; true when it answered a pending query.
  bool deliver(std::span<const uint8_t> datagram, const udp::endpoint& from);
  // The same for a reply another reader already decoded.
  bool deliver(const Message& reply, const udp::endpoint& from);

  // Reads the socket and delivers until it is closed: for a client with a socket of its own.
  boost::asio::awaitable<void> receive_loop();

  const ClientCounters& counters() const { return counters_; }
  // Queries still taking answers: awaited ones, and ones that stopped early and
  // wait for late answers until their deadline.
  size_t pending() const { return pending_.size(); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    std::string url;
    std::vector<PeerReply> results;  // read by the asker when its wait ends
    Clock::time_point sent, deadline;
    size_t outstanding = 0;
    boost::asio::steady_timer* wake = nullptr;  // nullptr: nobody waits any more (late answers only)
    bool stop_at_hit = false;
    bool decided = false;  // a HIT ended the wait
    std::function<void(size_t, const PeerReply&)> late_reply;
  };
  // Drops queries that only waited for late answers and whose deadline passed.
  void forget_expired(Clock::time_point now);

  // Request numbers start at a random point so a restarted client does not take
  // late replies meant for its previous life as answers.
  static uint32_t initial_request_number();

  udp::socket& socket_;
  uint32_t next_request_number_ = initial_request_number();
  std::unordered_map<uint32_t, Pending> pending_;
  // Queries kept for late answers, soonest deadline on top.
  using Linger = std::pair<Clock::time_point, uint32_t>;
  std::priority_queue<Linger, std::vector<Linger>, std::greater<>> lingering_;
  ClientCounters counters_;
};

}  // namespace cuttle::icp
