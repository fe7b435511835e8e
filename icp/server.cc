#include "icp/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>

namespace cuttle::icp {

namespace asio = boost::asio;

asio::awaitable<void> Server::run() {
  // One byte more than the largest message: a datagram that fills it is too long
  // (the kernel truncates silently).
  std::vector<uint8_t> in(kMaxMessageSize + 1), out(kMaxMessageSize);
  udp::endpoint from;
  for (;;) {
    auto [ec] = co_await socket_.async_wait(udp::socket::wait_read, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !socket_.is_open()) co_return;
    // Drain what has queued up with non-blocking reads: one wake-up per burst,
    // not per query, yet bounded so the worker's other coroutines get their turn.
    for (int i = 0; i < kDatagramsPerWakeup; ++i) {
      boost::system::error_code rec;
      size_t n = socket_.receive_from(asio::buffer(in), from, 0, rec);
      if (rec == asio::error::would_block || rec == asio::error::try_again || !socket_.is_open()) break;
      // ICMP errors from earlier sends surface here on Linux (ECONNREFUSED): not ours to act on.
      if (rec) continue;
      handle(std::span(in.data(), n), from, out);
    }
  }
}

void Server::handle(std::span<const uint8_t> datagram, const udp::endpoint& from, std::span<uint8_t> out) {
  auto outcome = responder_.handle(datagram, from.address(), RefusalLimit::Clock::now(), out);
  if (outcome.is_reply) {
    if (reply_hook_) reply_hook_(outcome.message, from);
    return;
  }
  if (outcome.reply_size > 0) {
    boost::system::error_code ec;
    // Non-blocking send: a full socket buffer drops the reply rather than stalling every query behind it.
    socket_.send_to(asio::buffer(out.data(), outcome.reply_size), from, 0, ec);
    if (ec) {
      Counters::add(responder_.counters().dropped);
      return;
    }
  }
  if (log_ && outcome.logged) log_({from, *outcome.logged, outcome.log_url, outcome.reply_size});
}

udp::socket open_icp_socket(asio::any_io_executor executor, const std::string& address, uint16_t port) {
  udp::socket socket(executor);
  udp::endpoint endpoint(address.empty() ? asio::ip::address(asio::ip::address_v6::any())
                                         : asio::ip::make_address(address),
                         port);
  boost::system::error_code ec;
  socket.open(endpoint.protocol(), ec);
  if (ec && address.empty()) {  // no IPv6 on this host
    endpoint = udp::endpoint(asio::ip::address_v4::any(), port);
    socket.open(endpoint.protocol());
  } else if (ec) {
    throw boost::system::system_error(ec);
  }
  if (endpoint.address().is_v6()) socket.set_option(asio::ip::v6_only(false));
  socket.non_blocking(true);
  socket.bind(endpoint);
  return socket;
}

}  // namespace cuttle::icp
