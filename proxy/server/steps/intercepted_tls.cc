#include "proxy/server/steps/intercepted_tls.h"

#include "proxy/server/original_destination.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/delay_pool.h"
#include "proxy/server/tunnel.h"

namespace cuttle {
void queue_fake_connect(ClientConnection& conn, const std::string& host) {
  const auto& destination = *conn.original_destination;
  const auto name = host.empty() ? destination_host(destination) : host;
  // Host without a port, as squid's buildFakeRequest puts it.
  const std::string request =
      "CONNECT " + name + ":" + std::to_string(destination.port()) + " HTTP/1.1\r\nHost: " + name + "\r\n\r\n";
  const std::string sent = beast::buffers_to_string(conn.buffer.data());
  conn.buffer.consume(conn.buffer.size());
  const auto text = request + sent;
  conn.buffer.commit(asio::buffer_copy(conn.buffer.prepare(text.size()), asio::buffer(text)));
}

awaitable<bool> splice_intercepted(ClientConnection& conn, Transaction& tx) {
  const auto& destination = *conn.original_destination;
  const auto address = normalize_address(destination.address()).to_string();
  UpstreamSpec spec{address, destination.port(), false, {}, std::nullopt};
  auto client = conn.side();
  hook_delay_pool(client, conn, tx);
  auto outcome = co_await run_tunnel(client, spec, tx.config(), conn.services, tx.facts, false);
  tx.entry.hierarchy = {Hierarchy::OriginalDst};
  tx.entry.peer = address;
  tx.entry.server_port = destination.port();
  if (outcome.error) {
    tx.entry.result = ResultCode::None;
    tx.entry.status = static_cast<unsigned>(error_status(*outcome.error));
    tx.log_reply_as_unsent = true;
  } else {
    tx.entry.result = ResultCode::TcpTunnel;
    tx.entry.status = 200;  // as squid logs it, though no 200 was sent
    tx.entry.reply_bytes = outcome.bytes_to_client;
  }
  log_transaction(conn, tx);
  co_return false;  // the tunnel used the connection up
}

}  // namespace cuttle
