#include "proxy/server/forwarder.h"

#include "proxy/http/header_rules.h"
#include "proxy/http/request_line.h"

#include <boost/asio/steady_timer.hpp>

#include <span>

namespace cuttle {
namespace {

constexpr size_t kRelayBufferSize = RelayBufferPool::kBufferSize;
// Idle connections shrink their read buffers back to this (see give_back).

// MalformedBody: the client's body framing broke (a bad chunk, or a chunk-size
// line or trailer section longer than the client buffer may grow).
enum class SendStatus { Sent, UpstreamFailed, ClientFailed, MalformedBody };

bool is_malformed_message(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_chunk).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// Streams the request (header, then body as it arrives from the client) upstream.
template <class Upstream>
awaitable<SendStatus> send_request(Upstream& upstream, ClientSide& client,
                                   http::request_parser<http::buffer_body>& parser,
                                   http::request_serializer<http::buffer_body>& serializer, std::span<char> buf,
                                   const Config& config) {
  auto& req = parser.get();
  auto& upstream_tcp = beast::get_lowest_layer(upstream);
  // Beast reads no more than the buffer's spare capacity (at least 512 bytes):
  // give it room for a relay-sized read while a long body streams.
  if (!parser.is_done() && parser.content_length_remaining().value_or(kRelayBufferSize) > client.buffer.size())
    client.buffer.reserve(kRelayBufferSize);
  do {
    if (!parser.is_done()) {
      req.body().data = buf.data();
      req.body().size = buf.size();
      client.stream.expires_after(config.read_timeout);
      auto [ec, n] = co_await http::async_read_some(client.stream, client.buffer, parser, use_nothrow);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) co_return is_malformed_message(ec) ? SendStatus::MalformedBody : SendStatus::ClientFailed;
      req.body().size = buf.size() - req.body().size;
      // A zero-length piece must not reach the serializer: in chunked framing it
      // would be written as the last-chunk and end the body early.
      req.body().data = req.body().size ? buf.data() : nullptr;
      req.body().more = !parser.is_done();
    } else {
      req.body().data = nullptr;
      req.body().size = 0;
      req.body().more = false;
    }
    upstream_tcp.expires_after(config.read_timeout);
    auto [ec, n] = co_await http::async_write(upstream, serializer, use_nothrow);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return SendStatus::UpstreamFailed;
  } while (!parser.is_done() || !serializer.is_done());
  co_return SendStatus::Sent;
}

struct HeaderRead {
  error_code ec;
  bool got_bytes = false;  // whether the upstream said anything before failing
};

// Reads the final response header, skipping interim 1xx responses.
template <class Upstream>
awaitable<HeaderRead> read_response_header(Upstream& upstream, UpstreamConnection& conn,
                                           std::optional<http::response_parser<http::buffer_body>>& parser,
                                           bool is_head, const Config& config) {
  HeaderRead result;
  for (;;) {
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(std::min<uint64_t>(config.reply_header_max_size, UINT32_MAX)));
    parser->body_limit(boost::none);
    if (is_head) parser->skip(true);
    beast::get_lowest_layer(upstream).expires_after(config.read_timeout);
    // Beast reads at most the spare capacity: make room so a small reply (header
    // and body) arrives in one read instead of 512-byte pieces.
    conn.buffer.reserve(kIdleBufferCapacity);
    auto before = conn.buffer.size();
    auto [ec, n] = co_await http::async_read_header(upstream, conn.buffer, *parser, use_nothrow);
    result.got_bytes = result.got_bytes || n > 0 || conn.buffer.size() > before || parser->got_some();
    if (ec) {
      result.ec = ec;
      co_return result;
    }
    auto status = parser->get().result_int();
    if (status / 100 != 1 || status == 101) co_return result;
  }
}

ErrorKind classify_response_error(const error_code& ec) {
  if (ec == beast::error::timeout) return ErrorKind::ReadTimeout;
  if (ec.category() == http::make_error_code(http::error::bad_method).category() && ec != http::error::end_of_stream &&
      ec != http::error::partial_message)
    return ErrorKind::InvalidResponse;
  return ErrorKind::ReadError;
}

template <class Upstream>
awaitable<void> relay_response(Upstream& upstream, UpstreamConnection& conn, ClientSide& client,
                               http::response_parser<http::buffer_body>& parser, bool is_head, bool client_keep_alive,
                               const ActiveConfig& active, unsigned client_version, UpstreamPool& pool,
                               CacheFill* fill, const std::string& cache_lookup,
                               std::unique_ptr<UpstreamConnection>& owned, std::span<char> buf, ForwardOutcome& out) {
  const Config& config = *active.config;
  auto& res = parser.get();
  out.status = res.result_int();
  out.content_type = std::string(media_type(res[http::field::content_type]));
  out.location = std::string(res[http::field::location]);
  out.content_location = std::string(res[http::field::content_location]);
  bool upstream_reusable = res.keep_alive() && !parser.need_eof();
  const bool has_body = !is_head && !parser.is_done();

  remove_hop_by_hop(res);
  std::optional<uint64_t> length;
  if (parser.content_length()) length = *parser.content_length();
  bool storing = fill && !is_head && fill->start(res.base(), length);
  if (config.via) append_via(res, res.version(), active.hostname);
  res.set("X-Cache", "MISS from " + active.hostname);
  if (!cache_lookup.empty()) res.set("X-Cache-Lookup", cache_lookup);
  res.version(11);
  if (has_body && !parser.content_length()) {
    // Unknown length: re-chunk for HTTP/1.1 clients; HTTP/1.0 ones read until close.
    if (client_version >= 11) res.chunked(true);
    else client_keep_alive = false;
  }
  res.keep_alive(client_keep_alive);

  http::response_serializer<http::buffer_body> serializer{res};
  if (!has_body) {
    client.stream.expires_after(config.read_timeout);
    auto [hec, header_bytes] = co_await http::async_write_header(client.stream, serializer, use_nothrow);
    out.reply_bytes += header_bytes;
    if (hec) {
      out.aborted = true;
      co_return;
    }
  } else {
    // The header goes out with the first piece of body: one send for a small reply.
    auto& upstream_tcp = beast::get_lowest_layer(upstream);
    if (parser.content_length_remaining().value_or(kRelayBufferSize) > conn.buffer.size())
      conn.buffer.reserve(kRelayBufferSize);  // see send_request
    do {
      if (!parser.is_done()) {
        res.body().data = buf.data();
        res.body().size = buf.size();
        upstream_tcp.expires_after(config.read_timeout);
        auto [ec, n] = co_await http::async_read_some(upstream, conn.buffer, parser, use_nothrow);
        if (ec == http::error::need_buffer) ec = {};
        if (ec) {
          if (out.reply_bytes == 0) {
            // Nothing reached the client yet (the header goes out with the first
            // body bytes): a failure it can be told about, or the next hop retried.
            out.error = classify_response_error(ec);
            out.error_detail = ec.message();
            co_return;
          }
          // The origin failed mid-body: the client must see a truncated reply, so
          // its connection is closed without completing the framing.
          out.aborted = true;
          co_return;
        }
        res.body().size = buf.size() - res.body().size;
        res.body().data = res.body().size ? buf.data() : nullptr;  // see send_request
        if (storing && res.body().size) {
          fill->append({buf.data(), res.body().size});
          // Backpressure: let the disk catch up rather than queue the body in memory.
          for (auto waited = std::chrono::milliseconds(0); fill->backlogged() && waited < config.read_timeout;
               waited += std::chrono::milliseconds(5)) {
            asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(5));
            co_await pause.async_wait(use_nothrow);
          }
        }
        res.body().more = !parser.is_done();
      } else {
        res.body().data = nullptr;
        res.body().size = 0;
        res.body().more = false;
      }
      client.stream.expires_after(config.read_timeout);
      auto [ec, n] = co_await http::async_write(client.stream, serializer, use_nothrow);
      out.reply_bytes += n;
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        out.aborted = true;
        co_return;
      }
    } while (!parser.is_done() || !serializer.is_done());
  }

  out.client_reusable = client_keep_alive;
  if (storing && parser.is_done()) fill->finish();
  if (upstream_reusable && parser.is_done()) pool.give_back(std::move(owned));
}

}  // namespace

awaitable<ForwardOutcome> forward_request(ClientSide& client, http::request_parser<http::empty_body>& header_parser,
                                          const ForwardPlan& plan, const ActiveConfig& active,
                                          WorkerServices& worker) {
  ProxyRuntime& runtime = worker.runtime;
  UpstreamPool& pool = worker.pool;
  const Config& config = *active.config;
  ForwardOutcome out;
  auto& received = header_parser.get();
  const unsigned client_version = received.version();
  const bool client_keep_alive = received.keep_alive() && !runtime.shutting_down();
  const bool is_head = received.method() == http::verb::head;
  const bool has_body = header_parser.chunked() || header_parser.content_length().value_or(0) > 0;
  // RFC 9110 §10.1.1: never send 100 (Continue) to an HTTP/1.0 client.
  const bool expects_continue =
      has_body && client_version >= 11 && beast::iequals(received[http::field::expect], "100-continue");

  http::request_parser<http::buffer_body> parser{std::move(header_parser)};
  auto& req = parser.get();
  remove_hop_by_hop(req);
  req.erase(http::field::expect);
  // RFC 9110 §7.6.2 (Max-Forwards 0 never gets here: client_session answers it).
  if (auto hops = max_forwards(req.method(), req); hops && *hops > 0)
    req.set(http::field::max_forwards, std::to_string(*hops - 1));
  // Credentials for a proxy are not the origin's business (Squid passes them only to
  // peers with login=PASS, which arrives with peer selection).
  req.erase(http::field::proxy_authorization);
  if (!plan.proxy_authorization.empty()) req.set(http::field::proxy_authorization, plan.proxy_authorization);
  if (plan.only_if_cached) {
    auto directives = joined_values(req, "Cache-Control");
    req.set(http::field::cache_control, directives.empty() ? "only-if-cached" : directives + ", only-if-cached");
  }
  req.target(plan.request_target);
  req.set(http::field::host, plan.host_header);
  if (config.via) append_via(req, client_version, active.hostname);
  apply_forwarded_for(req, config.forwarded_for, client.ip);
  if (parser.chunked()) req.chunked(true);
  req.version(11);
  req.keep_alive(true);

  auto buffer = worker.buffers.borrow();
  auto buf = buffer.span();
  // A pooled connection may have been closed by the server just now; a request
  // without a body is safely replayed once on a fresh connection.
  for (int attempt = 0;; ++attempt) {
    // Checking an idle connection costs a syscall; it is worth it only when a
    // failure could not be retried (a request body is consumed as it is sent).
    std::unique_ptr<UpstreamConnection> conn =
        attempt == 0 ? pool.take(plan.upstream.key(), /*check_alive=*/has_body) : nullptr;
    if (!conn) {
      // A peer's connection counts against its max-conn from the connect on.
      auto slot = plan.peer_name.empty() ? peers::PeerConnections::Slot()
                                         : runtime.peer_connections().open(plan.peer_name);
      auto connected = co_await connect_upstream(plan.upstream, config, worker.resolver, runtime.tls());
      if (connected.error) {
        out.error = connected.error;
        out.error_detail = connected.detail;
        out.client_reusable = client_keep_alive && !has_body;
        co_return out;
      }
      conn = std::move(connected.connection);
      conn->peer_slot = std::move(slot);
    }
    out.server_address = conn->address;
    if (expects_continue && attempt == 0) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      client.stream.expires_after(config.read_timeout);
      auto [ec, n] = co_await asio::async_write(client.stream, asio::buffer(kContinue), use_nothrow);
      if (ec) {
        out.aborted = true;
        co_return out;
      }
    }

    bool retryable = conn->reused && !has_body;
    http::request_serializer<http::buffer_body> serializer{req};
    auto sent = co_await std::visit(
        [&](auto& s) { return send_request(s, client, parser, serializer, buf, config); }, conn->stream);
    if (sent == SendStatus::ClientFailed) {
      out.aborted = true;
      co_return out;
    }
    if (sent == SendStatus::MalformedBody) {
      // Nothing was answered yet: the client learns why, and the connection ends
      // (its bytes past the bad framing must never be read as a request).
      out.error = ErrorKind::InvalidRequest;
      out.error_detail = "malformed request body";
      co_return out;
    }
    std::optional<http::response_parser<http::buffer_body>> response;
    HeaderRead header{};
    if (sent == SendStatus::Sent) {
      header = co_await std::visit(
          [&](auto& s) { return read_response_header(s, *conn, response, is_head, config); }, conn->stream);
    } else {
      header.ec = asio::error::connection_reset;
    }
    if (header.ec) {
      if (retryable && !header.got_bytes && header.ec != beast::error::timeout) continue;
      out.error = classify_response_error(header.ec);
      out.error_detail = header.ec.message();
      out.client_reusable = client_keep_alive && parser.is_done();
      co_return out;
    }
    const unsigned status = response->get().result_int();
    if ((plan.intercept_not_modified && status == 304) || (plan.intercept_server_errors && status >= 500)) {
      auto& res = response->get();
      const bool reusable = res.keep_alive() && !response->need_eof() && response->is_done();
      remove_hop_by_hop(res);
      out.status = status;
      out.intercepted = res.base();
      out.client_reusable = client_keep_alive && !runtime.shutting_down();
      // An error's body is not read: its connection is simply not reused.
      if (reusable) pool.give_back(std::move(conn));
      co_return out;
    }
    co_await std::visit(
        [&](auto& s) {
          return relay_response(s, *conn, client, *response, is_head,
                                client_keep_alive && !runtime.shutting_down(), active, client_version, pool,
                                // Squid's HttpStateData releases the entry of a proxy-only peer's reply.
                                plan.proxy_only ? nullptr : plan.fill, plan.cache_lookup, conn,
                                buf, out);
        },
        conn->stream);
    if (!parser.is_done()) out.client_reusable = false;
    co_return out;
  }
}

}  // namespace cuttle
