#include "proxy/server/steps/bump_client.h"

#include "proxy/server/own_replies.h"
#include "proxy/server/runtime.h"
#include "proxy/server/steps/intercepted_tls.h"

#include <iostream>

namespace cuttle {
namespace {

// The name the client asked for: the SNI, else the CONNECT's host (squid's sslCommonName).
std::string requested_name(Transaction& tx) {
  return tx.facts.tls.client_sni.empty() ? tx.target().host : tx.facts.tls.client_sni;
}

// "name:port", brackets around an IPv6 literal.
std::string authority_of(const std::string& name, uint16_t port) {
  const bool v6 = name.find(':') != std::string::npos;
  return (v6 ? "[" + name + "]" : name) + ":" + std::to_string(port);
}

X509Pointer certificate_of(UpstreamConnection& server) {
  auto* tls = std::get_if<TlsStream>(&server.stream);
  return X509Pointer(tls ? SSL_get1_peer_certificate(tls->native_handle()) : nullptr);
}

}  // namespace

awaitable<bool> accept_bumped(ClientConnection& conn, Transaction& tx, const X509* mimic) {
  HostCertificateRequest request;
  request.host = requested_name(tx);
  request.mimic = mimic;
  std::shared_ptr<asio::ssl::context> context;
  try {
    context = conn.services.bump_certificates.context_for(conn.port, request);
  } catch (const std::exception& e) {
    std::cerr << "cuttle: ERROR: cannot make a certificate for " << request.host << ": " << e.what() << std::endl;
    close_client(conn);
    co_return false;
  }
  const auto ec = co_await conn.stream.accept_tls(*context, conn.buffer.data(), tx.config().request_timeout);
  conn.buffer.consume(conn.buffer.size());
  if (ec) {
    close_client(conn);
    co_return false;
  }
  BumpedTunnel tunnel;
  tunnel.authority = authority_of(request.host, tx.target().port);
  tunnel.context = std::move(context);
  if (tx.facts.auth.status == AuthStatus::Accepted) tunnel.connect_auth = tx.facts.auth;
  conn.bumped = std::move(tunnel);
  co_return true;
}

void log_bump_step(ClientConnection& conn, Transaction& tx, unsigned status) {
  if (tx.entry.result != ResultCode::TcpDenied) tx.entry.result = ResultCode::None;
  tx.entry.status = status;
  tx.log_reply_as_unsent = true;
  log_transaction(conn, tx);
}

void close_client(ClientConnection& conn) {
  error_code ignored;
  conn.stream.socket().close(ignored);
}

awaitable<bool> bump_client_first(ClientConnection& conn, Transaction& tx) {
  log_bump_step(conn, tx, connect_reply_status(conn));
  co_return co_await accept_bumped(conn, tx, nullptr);
}

awaitable<bool> bump_server_first(ClientConnection& conn, Transaction& tx) {
  const RequestTarget& target = tx.target();
  // As squid's PeekingPeerConnector: the CONNECT's address, the client's SNI.
  UpstreamSpec spec{target.host, target.port, true, tx.config().tls_outgoing_cafiles, std::nullopt, std::nullopt,
                    tx.facts.tls.client_sni};
  auto outcome =
      co_await connect_upstream(spec, tx.config(), conn.services.resolver, conn.runtime().tls(), &tx.facts);
  X509Pointer mimic;
  if (outcome.connection) {
    mimic = certificate_of(*outcome.connection);
    tx.entry.hierarchy = {intercepted_tls(conn) ? Hierarchy::OriginalDst : Hierarchy::Direct};
    tx.entry.peer = outcome.connection->address;
    tx.entry.server_port = target.port;
    // The first request takes this connection, as squid's takes its pinned one.
    conn.services.pool.give_back(std::move(outcome.connection));
  }
  log_bump_step(conn, tx, connect_reply_status(conn));
  if (!co_await accept_bumped(conn, tx, mimic.get())) co_return false;
  if (outcome.error) {
    conn.bumped->server_error = outcome.error;
    conn.bumped->server_error_detail = outcome.detail;
  }
  co_return true;
}

}  // namespace cuttle
