#include "proxy/server/tunnel.h"

#include "proxy/server/bandwidth_throttle.h"

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace cuttle {
namespace {

using namespace asio::experimental::awaitable_operators;

// Copies until `from` reaches EOF (then half-closes `to`) or anything fails (then
// closes both, which ends the opposite direction too).
// `throttle`: how much each read may take (the server's side of a delayed tunnel).
template <class From, class To>
awaitable<void> pump(From& from, To& to, std::chrono::milliseconds idle_timeout, uint64_t& counter,
                     BandwidthThrottle* throttle = nullptr) {
  std::array<char, 32 * 1024> buf;
  for (;;) {
    const size_t room = throttle ? co_await throttle->acquire(buf.size()) : buf.size();
    from.expires_after(idle_timeout);
    auto [rec, n] = co_await from.async_read_some(asio::buffer(buf.data(), room), use_nothrow);
    if (throttle) throttle->give_back(room - n);
    if (n > 0) {
      to.expires_after(idle_timeout);
      auto [wec, written] = co_await asio::async_write(to, asio::buffer(buf.data(), n), use_nothrow);
      counter += written;
      if (wec) break;
    }
    if (rec == asio::error::eof) {
      error_code ignored;
      to.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
    if (rec) break;
  }
  error_code ignored;
  from.socket().close(ignored);
  to.socket().close(ignored);
}

}  // namespace

awaitable<TunnelOutcome> run_tunnel(ClientSide& client, const UpstreamSpec& target, const Config& config,
                                    WorkerServices& worker, const RequestFacts& facts, bool announce) {
  TunnelOutcome out;
  auto connected = co_await connect_upstream(target, config, worker.resolver, worker.runtime.tls(), &facts);
  if (connected.error) {
    out.error = connected.error;
    out.error_detail = connected.detail;
    co_return out;
  }
  auto& server = std::get<TcpStream>(connected.connection->stream);
  out.server_address = connected.connection->address;

  if (announce) {
    client.stream.expires_after(config.read_timeout);
    auto [ec, n] = co_await asio::async_write(client.stream, asio::buffer(kConnectionEstablished), use_nothrow);
    out.bytes_to_client += n;
    if (ec) co_return out;
  }

  // Bytes the client sent right behind the CONNECT header (e.g. a TLS ClientHello).
  uint64_t to_server = 0;
  if (client.buffer.size() > 0) {
    auto [wec, written] = co_await asio::async_write(server, client.buffer.data(), use_nothrow);
    client.buffer.consume(client.buffer.size());
    to_server += written;
    if (wec) co_return out;
  }
  // As squid's tunnel: the delay pool paces what is read from the server, never
  // what the client sends; the client's write bucket paces what it is sent.
  BandwidthThrottle throttle;
  if (client.reply_delay) throttle.add(client.reply_delay(nullptr));
  if (client.write_limit) throttle.add(*client.write_limit);
  co_await (pump(client.stream, server, config.read_timeout, to_server) &&
            pump(server, client.stream, config.read_timeout, out.bytes_to_client, &throttle));
  co_return out;
}

}  // namespace cuttle
