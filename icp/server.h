// The UDP shell around Responder: one coroutine reading the ICP socket and
// sending each reply from the same socket (peers match replies by that address).
#pragma once

#include "icp/responder.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace cuttle::icp {

using udp = boost::asio::ip::udp;

// One answered or refused query, for the access log.
struct QueryLogEvent {
  udp::endpoint from;
  Opcode reply;  // what it was answered: HIT, MISS, MISS_NOFETCH, DENIED, ERR (invalid query)
  std::string_view url;
  size_t reply_size;
};

class Server {
 public:
  using LogHook = std::function<void(const QueryLogEvent&)>;
  // Handed every well-formed reply that arrives on this socket (a client
  // sharing the socket); unset: replies are counted and ignored.
  using ReplyHook = std::function<void(const Message&, const udp::endpoint& from)>;

  // Puts `socket` in non-blocking mode: the server drains it without ever blocking its worker.
  Server(udp::socket& socket, Responder& responder) : socket_(socket), responder_(responder) { socket_.non_blocking(true); }

  void on_log(LogHook hook) { log_ = std::move(hook); }
  void on_reply(ReplyHook hook) { reply_hook_ = std::move(hook); }

  // Reads and answers until the socket is closed or its io_context stops.
  boost::asio::awaitable<void> run();

 private:
  static constexpr int kDatagramsPerWakeup = 64;
  void handle(std::span<const uint8_t> datagram, const udp::endpoint& from, std::span<uint8_t> out);

  udp::socket& socket_;
  Responder& responder_;
  LogHook log_;
  ReplyHook reply_hook_;
};

// A UDP socket bound to `address:port` (address empty: every interface, both
// IPv4 and IPv6 where the host has IPv6). Throws boost::system::system_error.
udp::socket open_icp_socket(boost::asio::any_io_executor executor, const std::string& address, uint16_t port);

}  // namespace cuttle::icp
