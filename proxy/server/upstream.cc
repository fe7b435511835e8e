#include "proxy/server/upstream.h"

#include "proxy/server/outgoing_connect.h"
#include "proxy/server/tls_contexts.h"

#include <boost/asio/ssl/host_name_verification.hpp>

#include <sys/socket.h>

namespace cuttle {

std::string UpstreamSpec::key() const {
  return (tls ? "tls://" : "tcp://") + host + ":" + std::to_string(port) + ca_files_key(tls_cafiles) +
         (spoofed_source ? " from " + spoofed_source->to_string() : "") + (tls_name.empty() ? "" : " as " + tls_name);
}

TcpStream& UpstreamConnection::tcp() {
  return std::visit([](auto& s) -> TcpStream& { return beast::get_lowest_layer(s); }, stream);
}

namespace {

// An idle connection the server has closed (or sent stray bytes on) is unusable.
bool still_idle_and_open(TcpStream& tcp) {
  auto& socket = tcp.socket();
  if (!socket.is_open()) return false;
  char byte;
  ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return false;                                      // orderly close
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;      // nothing pending: good
  return false;                                                   // unexpected bytes
}

ErrorKind classify_connect_error(const error_code& ec) {
  if (ec == beast::error::timeout || ec == asio::error::timed_out) return ErrorKind::ConnectTimeout;
  return ErrorKind::ConnectFailed;
}

// Idle past what pconn_lifetime left it.
bool outlived(const UpstreamConnection& connection, std::chrono::steady_clock::time_point now) {
  return connection.lifetime_left && now - connection.idle_since >= *connection.lifetime_left;
}

}  // namespace

ErrorDetail describe_io_error(const error_code& ec, std::string server_ip) {
  ErrorDetail detail(ec.message());
  // Squid reports no errno for a read timeout (a timer fired, no call failed).
  if (ec.category() == boost::system::system_category() && ec != asio::error::timed_out) detail.sys_errno = ec.value();
  detail.server_ip = std::move(server_ip);
  return detail;
}

awaitable<ConnectOutcome> connect_upstream(const UpstreamSpec& spec, const Config& config, dns::Resolver& resolver,
                                           TlsContexts& tls, const RequestFacts* facts) {
  ConnectOutcome out;
  auto executor = co_await asio::this_coro::executor;
  const auto timeout = spec.connect_timeout.value_or(config.connect_timeout);

  error_code ec;
  auto resolved = co_await resolver.resolve(spec.host, config.dns);
  if (resolved.error) {
    out.error = ErrorKind::DnsFailure;
    out.detail = resolved.error_text;
    out.detail.dns_error = resolved.error_text;
    co_return out;
  }
  auto connected =
      co_await connect_tcp(resolved.addresses, spec.port, timeout, config.outgoing, facts, spec.spoofed_source);
  if (!connected.stream) {
    const auto cec = connected.error;
    out.error = classify_connect_error(cec);
    // The last address tried: what the connect error is about.
    out.detail = describe_io_error(cec, connected.endpoint.address().to_string());
    if (out.error == ErrorKind::ConnectTimeout) out.detail.sys_errno = ETIMEDOUT;  // as Squid's connect timeout
    co_return out;
  }
  TcpStream tcp_stream = std::move(*connected.stream);
  const auto endpoint = connected.endpoint;
  tcp_stream.socket().set_option(tcp::no_delay(true), ec);
  std::string address = endpoint.address().to_string();

  if (!spec.tls) {
    out.connection = std::make_unique<UpstreamConnection>(std::move(tcp_stream));
  } else {
    std::shared_ptr<asio::ssl::context> ctx;
    try {
      ctx = tls.client_context(spec.tls_cafiles);
    } catch (const std::exception& e) {
      out.error = ErrorKind::TlsFailed;
      out.detail = e.what();
      co_return out;
    }
    TlsStream tls_stream(std::move(tcp_stream), *ctx);
    const std::string& name = spec.tls_name.empty() ? spec.host : spec.tls_name;
    error_code not_literal;
    asio::ip::make_address(name, not_literal);
    // SNI and certificate name checks need a host name, not an address.
    if (not_literal && !SSL_set_tlsext_host_name(tls_stream.native_handle(), name.c_str())) {
      out.error = ErrorKind::TlsFailed;
      out.detail = "cannot set SNI host name";
      co_return out;
    }
    tls_stream.set_verify_callback(asio::ssl::host_name_verification(name));
    beast::get_lowest_layer(tls_stream).expires_after(timeout);
    auto [hec] = co_await tls_stream.async_handshake(asio::ssl::stream_base::client, use_nothrow);
    if (hec) {
      out.error = hec == beast::error::timeout ? ErrorKind::ConnectTimeout : ErrorKind::TlsFailed;
      out.detail = describe_io_error(hec, address);
      co_return out;
    }
    out.connection = std::make_unique<UpstreamConnection>(std::move(tls_stream));
  }
  out.connection->key = spec.key();
  out.connection->address = std::move(address);
  co_return out;
}

std::unique_ptr<UpstreamConnection> UpstreamPool::take(const std::string& key, bool check_alive) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& list = it->second;
  while (!list.empty()) {
    auto connection = std::move(list.back());
    list.pop_back();
    --total_;
    if (outlived(*connection, std::chrono::steady_clock::now())) continue;
    if (!check_alive || still_idle_and_open(connection->tcp())) {
      connection->reused = true;
      return connection;
    }
  }
  return nullptr;
}

bool UpstreamPool::has_idle(const std::string& key) const {
  auto it = idle_.find(key);
  return it != idle_.end() && !it->second.empty();
}

void UpstreamPool::give_back(std::unique_ptr<UpstreamConnection> connection,
                             std::chrono::steady_clock::duration lifetime) {
  if (total_ >= limit_ || connection->buffer.size() != 0) return;  // dropped: closes
  // Idle connections keep no relay-sized buffer.
  if (connection->buffer.capacity() > kIdleBufferCapacity) connection->buffer.shrink_to_fit();
  connection->idle_since = std::chrono::steady_clock::now();
  connection->lifetime_left.reset();
  if (lifetime > lifetime.zero()) {
    const auto age = connection->idle_since - connection->opened_at;
    connection->lifetime_left =
        age < lifetime ? lifetime - age : std::chrono::steady_clock::duration(std::chrono::seconds(1));
  }
  connection->tcp().expires_never();
  idle_[connection->key].push_back(std::move(connection));
  ++total_;
}

void UpstreamPool::sweep(std::chrono::steady_clock::duration idle_timeout) {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& list = it->second;
    auto old_size = list.size();
    std::erase_if(list, [&](const auto& c) { return now - c->idle_since > idle_timeout || outlived(*c, now); });
    total_ -= old_size - list.size();
    it = list.empty() ? idle_.erase(it) : std::next(it);
  }
}

void UpstreamPool::clear() {
  idle_.clear();
  total_ = 0;
}

}  // namespace cuttle
