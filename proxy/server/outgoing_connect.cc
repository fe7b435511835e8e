#include "proxy/server/outgoing_connect.h"

#include "proxy/http/outgoing_choice.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <iostream>

namespace cuttle {
namespace {

// A failing setsockopt is squid's warning, not the request's failure; said once.
void warn_once(std::atomic<bool>& said, const std::string& what, const error_code& ec) {
  if (!said.exchange(true)) std::cerr << "cuttle: WARNING: " << what << ": " << ec.message() << std::endl;
}

error_code set_int_option(tcp::socket& socket, int level, int name, int value) {
  if (::setsockopt(socket.native_handle(), level, name, &value, sizeof value) != 0)
    return error_code(errno, boost::system::system_category());
  return {};
}

// The socket, opened for `destination`, with what tcp_outgoing_* choose for it.
error_code prepare(tcp::socket& socket, const tcp::endpoint& destination, const OutgoingChoice& choice) {
  error_code ec;
  socket.open(destination.protocol(), ec);
  if (ec) return ec;
  static std::atomic<bool> tos_said{false}, mark_said{false};
  if (choice.tos) {
    const bool v4 = destination.address().is_v4();
    if (auto failed = set_int_option(socket, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_TOS : IPV6_TCLASS, *choice.tos))
      warn_once(tos_said, "tcp_outgoing_tos", failed);
  }
  if (choice.mark)
    if (auto failed = set_int_option(socket, SOL_SOCKET, SO_MARK, static_cast<int>(*choice.mark)))
      warn_once(mark_said, "tcp_outgoing_mark (SO_MARK needs CAP_NET_ADMIN)", failed);
  if (choice.local_address) socket.bind(tcp::endpoint(*choice.local_address, 0), ec);
  return ec;
}

// TPROXY: a socket that may bind an address this host does not have (the
// client's); IP_TRANSPARENT needs CAP_NET_ADMIN, kept for tproxy ports.
error_code bind_spoofed(tcp::socket& socket, const asio::ip::address& source) {
  const bool v4 = source.is_v4();
  if (auto failed = set_int_option(socket, v4 ? SOL_IP : SOL_IPV6, v4 ? IP_TRANSPARENT : IPV6_TRANSPARENT, 1))
    return failed;
  error_code ec;
  socket.bind(tcp::endpoint(source, 0), ec);
  return ec;
}

// The source the connection to `destination` comes from: the spoofed client's
// address when it is of the destination's family.
OutgoingChoice with_spoofed_source(OutgoingChoice choice, const std::optional<asio::ip::address>& spoofed,
                                   const asio::ip::address& destination) {
  if (spoofed && spoofed->is_v4() == destination.is_v4()) choice.local_address.reset();
  return choice;
}

}  // namespace

awaitable<TcpConnectResult> connect_tcp(const std::vector<asio::ip::address>& addresses, uint16_t port,
                                        std::chrono::milliseconds timeout, const OutgoingConfig& outgoing,
                                        const RequestFacts* facts,
                                        const std::optional<asio::ip::address>& spoofed_source) {
  auto executor = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  TcpConnectResult result;
  result.error = asio::error::host_not_found;
  for (const auto& address : addresses) {
    result.endpoint = tcp::endpoint(address, port);
    TcpStream stream(executor);
    const auto choice =
        with_spoofed_source(facts ? choose_outgoing(outgoing, *facts, address) : OutgoingChoice{}, spoofed_source, address);
    if ((result.error = prepare(stream.socket(), result.endpoint, choice))) continue;
    if (spoofed_source && spoofed_source->is_v4() == address.is_v4() &&
        (result.error = bind_spoofed(stream.socket(), *spoofed_source)))
      continue;
    stream.expires_at(deadline);
    auto [ec] = co_await stream.async_connect(result.endpoint, use_nothrow);
    result.error = ec;
    if (!ec) {
      result.stream.emplace(std::move(stream));
      co_return result;
    }
    if (ec == beast::error::timeout) co_return result;  // the deadline is for all of them
  }
  co_return result;
}

}  // namespace cuttle
