#include "proxy/server/client_session.h"

#include "proxy/http/request_line.h"
#include "proxy/server/original_destination.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/proxy_protocol_intake.h"
#include "proxy/server/request_pipeline.h"
#include "proxy/server/runtime.h"
#include "proxy/server/steps/delay_pool.h"
#include "proxy/server/steps/intercepted_tls.h"

#include <boost/asio/steady_timer.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <iostream>

namespace cuttle {
namespace {

// Beast reads at most a buffer's spare capacity (512 bytes when empty); browsers'
// request headers are mostly under this.
constexpr size_t kRequestReadSize = 4096;
// Room beyond the header limit for one relay-sized read of a request body.
constexpr size_t kRequestBodyBufferSlack = RelayBufferPool::kBufferSize;

tcp::endpoint peer_endpoint_of(const tcp::socket& socket) {
  error_code ec;
  return socket.remote_endpoint(ec);
}

tcp::endpoint local_endpoint(const tcp::socket& socket) {
  error_code ec;
  return socket.local_endpoint(ec);
}

// http_port ... tcpkeepalive[=idle,interval,timeout], set as squid's
// commSetTcpKeepalive sets it: the probe count covers `timeout` at `interval`;
// the values not given stay the kernel's.
void set_tcp_keepalive(tcp::socket& socket, const TcpKeepalive& keepalive) {
  const int fd = socket.native_handle();
  auto set = [fd](int level, int name, int value) { ::setsockopt(fd, level, name, &value, sizeof value); };
  if (keepalive.timeout && keepalive.interval)
    set(IPPROTO_TCP, TCP_KEEPCNT, static_cast<int>((keepalive.timeout + keepalive.interval - 1) / keepalive.interval));
  if (keepalive.idle) set(IPPROTO_TCP, TCP_KEEPIDLE, static_cast<int>(keepalive.idle));
  if (keepalive.interval) set(IPPROTO_TCP, TCP_KEEPINTVL, static_cast<int>(keepalive.interval));
  set(SOL_SOCKET, SO_KEEPALIVE, 1);
}

}  // namespace

ClientSession::ClientSession(tcp::socket socket, const HttpPortConfig& port, WorkerServices& services)
    : conn_{ClientStream(std::move(socket)), {}, {}, port, services, {}, {}, {}, 0, nullptr, 0, {}, {}, {}, false, {}} {
  const auto remote = peer_endpoint_of(conn_.stream.socket());
  conn_.client_address = normalize_address(remote.address());
  conn_.client_port = remote.port();
  conn_.client_ip = conn_.client_address.to_string();
  // Behind a PROXY protocol sender the client is known once its header is read.
  if (!port.require_proxy_header) counted_.emplace(services.runtime.client_counts(), conn_.client_address);
  const auto local = local_endpoint(conn_.stream.socket());
  conn_.local_address = normalize_address(local.address());
  conn_.local_port = local.port();
  conn_.listening_ip = port.address.empty() ? conn_.local_address.to_string() : port.address;
  conn_.write_limit = client_write_limit(conn_, *services.runtime.active());
  error_code ec;
  conn_.stream.socket().set_option(tcp::no_delay(true), ec);
  if (port.tcp_keepalive) set_tcp_keepalive(conn_.stream.socket(), *port.tcp_keepalive);
}

// An intercepted connection goes where the client sent it: TPROXY leaves that as
// the socket's own address, NAT keeps it in its record. One the kernel has no NAT
// record of cannot be served (squid's TcpAcceptor closes it too).
bool ClientSession::take_original_destination() {
  auto& socket = conn_.stream.socket();
  conn_.original_destination = conn_.port.tproxy ? local_endpoint(socket) : original_destination(socket);
  conn_.runtime().metrics().intercepted_connection(conn_.original_destination.has_value());
  if (!conn_.original_destination) {
    std::cerr << "cuttle: ERROR: NAT/TPROXY lookup failed to locate original IPs on local="
              << local_endpoint(socket) << " remote=" << peer_endpoint_of(socket) << std::endl;
    error_code ignored;
    socket.close(ignored);
    return false;
  }
  conn_.intercept_port_reached_directly = reached_directly(local_endpoint(socket), *conn_.original_destination);
  conn_.local_address = normalize_address(conn_.original_destination->address());
  conn_.local_port = conn_.original_destination->port();
  return true;
}

// Nothing redirected the connection when NAT left its destination as it is, or
// when a TPROXY connection was made to the port's own number (a redirected one
// keeps the port the client asked for, 80 or 443).
bool ClientSession::reached_directly(const tcp::endpoint& local, const tcp::endpoint& original) const {
  if (conn_.port.tproxy) return original.port() == conn_.port.port;
  return normalize_address(local.address()) == normalize_address(original.address()) && local.port() == original.port();
}

// An https_port's connection is TLS from its first byte. A handshake that fails
// (a client that does not trust the certificate, a missing client certificate,
// no common version) ends it with squid's access.log line for a connection
// without a request; the handshake counts against request_timeout.
awaitable<bool> ClientSession::accept_tls() {
  const auto context = conn_.runtime().tls().server_context(conn_.port);
  const auto timeout = conn_.runtime().active()->config->request_timeout;
  if (auto ec = co_await conn_.stream.accept_tls(*context, {}, timeout)) {
    log_connection_end(conn_);
    error_code ignored;
    conn_.stream.socket().close(ignored);
    co_return false;
  }
  co_return true;
}

void ClientSession::close_if_idle() {
  if (!idle_) return;
  error_code ec;
  conn_.stream.socket().close(ec);
}

awaitable<void> ClientSession::run() {
  conn_.services.on_start(this);
  // Deregister however the loop ends (an exception included): the worker walks
  // its registered sessions at shutdown.
  struct Deregister {
    ClientSession* session;
    ~Deregister() { session->conn_.services.on_finish(session); }
  } deregister{this};
  // The timer's handler may already be queued when a request (or the session)
  // ends: it checks this before it touches the connection.
  auto serving = std::make_shared<RequestLifetime>();
  struct Ended {
    std::shared_ptr<RequestLifetime> serving;
    ~Ended() { serving->ended = true; }
  } ended{serving};
  asio::steady_timer lifetime(co_await asio::this_coro::executor);
  if (conn_.port.require_proxy_header) {
    const auto active = conn_.runtime().active();
    if (!co_await take_proxy_protocol_header(conn_, *active->config)) {
      error_code ignored;
      conn_.stream.socket().close(ignored);
      co_return;
    }
    counted_.emplace(conn_.services.runtime.client_counts(), conn_.client_address);
  }
  if (conn_.port.intercepted() && !take_original_destination()) co_return;
  if (conn_.port.bumps_intercepted_tls()) queue_fake_connect(conn_);
  if (conn_.port.tls_from_first_byte() && !co_await accept_tls()) co_return;
  for (bool first = true;; first = false) {
    Transaction tx;
    http::request_parser<http::empty_body> parser;
    if (!co_await read_request(parser, tx, first)) break;
    tx.parser = &parser;
    close_at_end_of_lifetime(lifetime, serving);
    const bool next = co_await run_request_pipeline(conn_, tx);
    ++serving->request;  // this request's timer, if it fired meanwhile, does nothing now
    lifetime.cancel();
    if (!next) break;
    // An idle connection keeps no relay-sized buffer.
    if (conn_.buffer.capacity() > kIdleBufferCapacity) conn_.buffer.shrink_to_fit();
  }
  co_await conn_.stream.close_gracefully();
}

// client_lifetime, as squid 5.7's extendLifetime: from the moment a request is
// parsed until it is answered (a tunnel included), the connection lives at most
// this long; when it passes the connection closes and what was being done ends on
// the closed socket. An idle connection is client_idle_pconn_timeout's.
void ClientSession::close_at_end_of_lifetime(asio::steady_timer& timer, std::shared_ptr<RequestLifetime> serving) {
  timer.expires_after(conn_.runtime().active()->config->client_lifetime);
  timer.async_wait([this, serving, request = serving->request](const error_code& ec) {
    if (ec || serving->ended || serving->request != request) return;  // that request ended first
    std::cerr << "cuttle: WARNING: closing client connection from " << conn_.client_ip
              << " due to lifetime timeout (client_lifetime)" << std::endl;
    error_code ignored;
    conn_.stream.socket().close(ignored);
  });
}

awaitable<bool> ClientSession::read_request(http::request_parser<http::empty_body>& parser, Transaction& tx,
                                            bool first) {
  auto& runtime = conn_.runtime();
  tx.active = runtime.active();
  const Config& config = tx.config();
  parser.header_limit(static_cast<std::uint32_t>(std::min<uint64_t>(config.request_header_max_size, UINT32_MAX)));
  parser.body_limit(boost::none);
  // Beast's parser asks for more bytes until a chunk-size line or a trailer
  // section ends: without a cap the buffer would grow as long as a client sends.
  conn_.buffer.max_size(config.request_header_max_size + kRequestBodyBufferSlack);
  // The first request gets request_timeout; a kept-alive connection waiting for
  // its next request gets client_idle_pconn_timeout.
  conn_.stream.expires_after(first ? config.request_timeout : idle_time_left(config));
  idle_ = conn_.buffer.size() == 0;
  conn_.buffer.reserve(kRequestReadSize);  // a typical request header in one read
  if (idle_ && runtime.shutting_down()) co_return false;
  auto [ec, n] = co_await http::async_read_header(conn_.stream, conn_.buffer, parser, use_nothrow);
  idle_ = false;
  // Shutdown closed this connection while it waited: nothing more to do.
  if (!conn_.stream.socket().is_open()) co_return false;
  // The request is judged by the configuration in force when it arrived.
  tx.active = runtime.active();
  tx.start = std::chrono::steady_clock::now();
  note_connection_for_log(tx, n);
  if (!ec) {
    note_request_for_log(parser.get(), tx);
    co_return true;
  }
  if (parser.got_some() || conn_.buffer.size() > 0) co_await refuse_unreadable(ec, tx);
  co_return false;  // closed or idle timeout: nothing to answer
}

// client_idle_pconn_timeout, cut to what pconn_lifetime leaves of the connection's
// life (at least a second), as squid's Comm::Connection::timeLeft.
std::chrono::milliseconds ClientSession::idle_time_left(const Config& config) const {
  const auto lifetime = config.connections.pconn_lifetime;
  if (lifetime <= lifetime.zero()) return config.client_idle_pconn_timeout;
  const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - opened_at_);
  const auto left = age < lifetime ? lifetime - age : std::chrono::milliseconds(std::chrono::seconds(1));
  return std::min(config.client_idle_pconn_timeout, left);
}

// The connection's side of the log line, and the header's size (%>st; the body's
// is added as it is forwarded).
void ClientSession::note_connection_for_log(Transaction& tx, size_t header_bytes) {
  tx.entry.client_ip = conn_.client_ip;
  tx.entry.client_port = conn_.client_port;
  tx.entry.local_ip = conn_.listening_ip;
  // %lp: the http_port's port, the connection's when it listens on every address
  // (squid's FindListeningPortAddress: behind a PROXY header, the one it names).
  tx.entry.local_port = conn_.port.address.empty() ? conn_.local_port : conn_.port.port;
  tx.entry.connection_local_ip = conn_.local_address.to_string();
  tx.entry.connection_local_port = conn_.local_port;
  tx.entry.request_bytes = header_bytes;
}

// What log formats other than the native one show of the request as the client
// sent it (steps may change it before it goes upstream): the fields some format
// names, or all of them under log_mime_hdrs.
void ClientSession::note_request_for_log(const http::request<http::empty_body>& req, Transaction& tx) {
  tx.entry.version_major = req.version() / 10;
  tx.entry.version_minor = req.version() % 10;
  if (tx.config().log_mime_hdrs) {
    for (const auto& field : req) tx.entry.request_headers.emplace_back(field.name_string(), field.value());
    return;
  }
  for (const auto& name : tx.config().log_request_headers)
    for (auto [field, last] = req.equal_range(name); field != last; ++field)
      tx.entry.request_headers.emplace_back(field->name_string(), field->value());
}

// A header that could not be read whole: Squid's answer when there is one, else
// (timeouts, resets mid-header) the connection just closes.
awaitable<void> ClientSession::refuse_unreadable(error_code ec, Transaction& tx) {
  if (ec == http::error::header_limit) {
    tx.entry.url = "error:request-too-large";
    co_await reply_error(conn_, ErrorKind::HeadersTooLarge, tx, false);
  } else if (ec == http::error::bad_version) {
    // Beast takes HTTP/1.0 and 1.1 only; another major version (HTTP/2.0 sent
    // in clear) gets 505 as from Squid, a garbled version 400.
    const auto data = conn_.buffer.data();
    auto major = request_line_major_version({static_cast<const char*>(data.data()), data.size()});
    tx.entry.url = "error:invalid-request";
    co_await reply_error(conn_, major && *major != 1 ? ErrorKind::UnsupportedHttpVersion : ErrorKind::InvalidRequest,
                         tx, false, ec.message());
  } else if (ec != beast::error::timeout && ec != http::error::end_of_stream &&
             ec.category() == http::make_error_code(http::error::bad_method).category()) {
    tx.entry.url = "error:invalid-request";
    co_await reply_error(conn_, ErrorKind::InvalidRequest, tx, false, ec.message());
  }
}

}  // namespace cuttle
