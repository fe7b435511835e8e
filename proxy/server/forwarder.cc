#include "proxy/server/forwarder.h"

#include "proxy/cache/quick_abort.h"
#include "proxy/http/byte_ranges.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/header_text.h"
#include "proxy/http/header_mangling.h"
#include "proxy/http/reply_access.h"
#include "proxy/server/bandwidth_throttle.h"
#include "proxy/server/upstream_io.h"
#include "proxy/server/upstream_request.h"

#include <boost/asio/steady_timer.hpp>

#include <span>

namespace cuttle {
namespace {

constexpr size_t kRelayBufferSize = RelayBufferPool::kBufferSize;

// MalformedBody: the client's body framing broke (a bad chunk, or a chunk-size
// line or trailer section longer than the client buffer may grow).
enum class SendStatus { Sent, UpstreamFailed, ClientFailed, MalformedBody, BodyTooLarge };

bool is_malformed_message(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_chunk).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// What the steps of one exchange with the next hop share.
struct Exchange {
  const ActiveConfig& active;
  const RequestFacts& facts;
  WorkerServices& worker;
  const ForwardPlan& plan;
  CacheFill* fill;     // nullptr: the reply is not stored
  ClientSide* client;  // nullptr: nobody waits for the reply (a background refresh)
  std::span<char> buf;  // the relay buffer, for either direction
  bool is_head = false;
  bool client_keep_alive = false;
  unsigned client_version = 11;
  std::optional<uint64_t> body_limit{};  // reply_body_max_size for this reply
  uint64_t body_received = 0;  // reply body bytes read from upstream
  bool client_gone = false;    // a write to the client failed
  size_t reply_header_bytes = 0;  // read from upstream before the body
  // delay pools and the client's write bucket: how fast the body is read for
  // the client (a fill going on without one is not paced, as in squid).
  BandwidthThrottle throttle{};
  ForwardOutcome out{};

  const Config& config() const { return *active.config; }
};

// Streams the request (header, then body as it arrives from the client) upstream.
awaitable<SendStatus> send_request(UpstreamIo& upstream, Exchange& x, http::request_parser<http::buffer_body>& parser,
                                   http::request_serializer<http::buffer_body>& serializer) {
  auto& req = parser.get();
  auto& upstream_tcp = upstream.tcp_layer();
  if (!parser.is_done() && !x.client) co_return SendStatus::ClientFailed;  // a body comes from a client
  // Beast reads no more than the buffer's spare capacity (at least 512 bytes):
  // give it room for a relay-sized read while a long body streams.
  if (!parser.is_done() && parser.content_length_remaining().value_or(kRelayBufferSize) > x.client->buffer.size())
    x.client->buffer.reserve(kRelayBufferSize);
  do {
    if (!parser.is_done()) {
      req.body().data = x.buf.data();
      req.body().size = x.buf.size();
      x.client->stream.expires_after(x.config().read_timeout);
      auto [ec, n] = co_await http::async_read_some(x.client->stream, x.client->buffer, parser, use_nothrow);
      if (ec == http::error::need_buffer) ec = {};
      if (ec == http::error::body_limit) co_return SendStatus::BodyTooLarge;  // request_body_max_size
      if (ec) co_return is_malformed_message(ec) ? SendStatus::MalformedBody : SendStatus::ClientFailed;
      req.body().size = x.buf.size() - req.body().size;
      x.out.request_body_bytes += req.body().size;
      // A zero-length piece must not reach the serializer: in chunked framing it
      // would be written as the last-chunk and end the body early.
      req.body().data = req.body().size ? x.buf.data() : nullptr;
      req.body().more = !parser.is_done();
    } else {
      req.body().data = nullptr;
      req.body().size = 0;
      req.body().more = false;
    }
    upstream_tcp.expires_after(x.config().read_timeout);
    auto [ec, n] = co_await http::async_write(upstream, serializer, use_nothrow);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return SendStatus::UpstreamFailed;
  } while (!parser.is_done() || !serializer.is_done());
  co_return SendStatus::Sent;
}

struct HeaderRead {
  error_code ec;
  bool got_bytes = false;  // whether the upstream said anything before failing
  size_t bytes = 0;        // the header's (interim 1xx ones included)
};

// Reads the final response header, skipping interim 1xx responses.
awaitable<HeaderRead> read_response_header(UpstreamIo& upstream, UpstreamConnection& conn,
                                           std::optional<http::response_parser<http::buffer_body>>& parser,
                                           bool is_head, const Config& config) {
  HeaderRead result;
  for (;;) {
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(std::min<uint64_t>(config.reply_header_max_size, UINT32_MAX)));
    parser->body_limit(boost::none);
    if (is_head) parser->skip(true);
    upstream.tcp_layer().expires_after(config.read_timeout);
    // Beast reads at most the spare capacity: make room so a small reply (header
    // and body) arrives in one read instead of 512-byte pieces.
    conn.buffer.reserve(kIdleBufferCapacity);
    auto before = conn.buffer.size();
    auto [ec, n] = co_await http::async_read_header(upstream, conn.buffer, *parser, use_nothrow);
    result.got_bytes = result.got_bytes || n > 0 || conn.buffer.size() > before || parser->got_some();
    result.bytes += n;
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

// Reads the next piece of the reply body into the relay buffer (the parser's
// body points at what arrived) and hands it to the cache fill, if one stores it.
// `throttle`: the piece is no larger than the buckets allow (what the parser
// takes from the connection's buffer is what the server's socket is read at).
awaitable<error_code> read_body_piece(UpstreamIo& upstream, UpstreamConnection& conn,
                                      http::response_parser<http::buffer_body>& parser, CacheFill* fill,
                                      Exchange& x, BandwidthThrottle* throttle = nullptr) {
  auto& body = parser.get().body();
  const size_t room = throttle ? co_await throttle->acquire(x.buf.size()) : x.buf.size();
  body.data = x.buf.data();
  body.size = room;
  upstream.tcp_layer().expires_after(x.config().read_timeout);
  auto [ec, n] = co_await http::async_read_some(upstream, conn.buffer, parser, use_nothrow);
  if (throttle) throttle->give_back(body.size);  // granted, not read
  if (ec == http::error::need_buffer) ec = {};
  if (ec) co_return ec;
  body.size = room - body.size;
  body.data = body.size ? x.buf.data() : nullptr;  // see send_request
  body.more = !parser.is_done();
  x.body_received += body.size;
  if (fill && body.size) {
    fill->append({x.buf.data(), body.size});
    // Backpressure: let the disk catch up rather than queue the body in memory.
    for (auto waited = std::chrono::milliseconds(0); fill->backlogged() && waited < x.config().read_timeout;
         waited += std::chrono::milliseconds(5)) {
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(5));
      co_await pause.async_wait(use_nothrow);
    }
  }
  co_return error_code{};
}

// The reply header as the client gets it: this proxy's Via and X-Cache, and
// re-chunked when its length is unknown (HTTP/1.0 clients read until close).
void shape_client_reply(http::response_parser<http::buffer_body>& parser, bool has_body, Exchange& x) {
  auto& res = parser.get();
  if (x.config().via) append_via(res, res.version(), x.active.hostname, x.active.product());
  res.set("X-Cache", "MISS from " + x.active.hostname);
  if (!x.plan.cache_lookup.empty()) res.set("X-Cache-Lookup", x.plan.cache_lookup);
  mangle_reply_headers(res.base(), x.config(), x.facts, x.client ? x.client->entry : nullptr);
  if (x.client && !x.client->connection_auth) remove_connection_auth_challenges(res.base());
  res.version(11);
  if (has_body && !parser.content_length()) {
    if (x.client_version >= 11) res.chunked(true);
    else x.client_keep_alive = false;
  }
  res.keep_alive(x.client_keep_alive);
}

// Of a piece of the body that starts at `start`, only what falls in `slice`
// goes to the client; the piece that reaches its end ends the client's reply.
void keep_within(http::buffer_body::value_type& body, uint64_t start, const ByteRange& slice) {
  const uint64_t end = start + body.size;  // exclusive
  const uint64_t from = std::max(start, slice.first), to = std::min(end, slice.last + 1);
  body.data = from < to ? static_cast<char*>(body.data) + (from - start) : nullptr;
  body.size = from < to ? to - from : 0;
  body.more = end <= slice.last;
}

// range_offset_limit: the whole object was asked for, and the client gets its
// one range of a 200 of known length as a 206; anything else it gets whole, as
// a server may answer a Range request (RFC 9110 §14.2).
std::optional<ByteRange> client_slice(http::response_parser<http::buffer_body>& parser, const Exchange& x) {
  auto& res = parser.get();
  if (x.plan.whole_for_range.empty() || res.result() != http::status::ok || !parser.content_length()) return {};
  const auto length = *parser.content_length();
  const auto resolved = resolve_ranges(x.plan.whole_for_range, length);
  if (resolved.outcome != RangeOutcome::Satisfiable || resolved.ranges.size() != 1) return {};
  const auto slice = resolved.ranges.front();
  res.result(http::status::partial_content);
  res.set(http::field::content_range, content_range(slice, length));
  res.content_length(slice.size());
  return slice;
}

// squid chooses the delay pool once the reply header is there; the client's
// write bucket (client_delay_pools) paces the same reads.
void pace_for_client(const http::response_header<>& reply, Exchange& x) {
  if (x.client->reply_delay && !x.plan.no_delay) x.throttle.add(x.client->reply_delay(&reply));
  if (x.client->write_limit) x.throttle.add(*x.client->write_limit);
  // squid counts every byte read from the server, the header's too.
  x.throttle.charge(x.reply_header_bytes);
}

// Streams the reply body (or `slice` of it) to the client and the whole body to
// the fill; the header goes out with its first piece, so a small reply takes one send.
awaitable<void> relay_to_client(UpstreamIo& upstream, UpstreamConnection& conn,
                                http::response_parser<http::buffer_body>& parser, CacheFill* fill, Exchange& x,
                                std::optional<ByteRange> slice) {
  auto& res = parser.get();
  auto& out = x.out;
  const bool has_body = !x.is_head && !parser.is_done();
  http::response_serializer<http::buffer_body> serializer{res};
  if (!has_body) {
    x.client->stream.expires_after(x.config().read_timeout);
    auto [ec, n] = co_await http::async_write_header(x.client->stream, serializer, use_nothrow);
    out.reply_bytes += n;
    out.aborted = bool(ec);
    co_return;
  }
  if (parser.content_length_remaining().value_or(kRelayBufferSize) > conn.buffer.size())
    conn.buffer.reserve(kRelayBufferSize);  // see send_request
  do {
    if (!parser.is_done()) {
      const uint64_t piece_start = x.body_received;
      if (auto ec = co_await read_body_piece(upstream, conn, parser, fill, x, &x.throttle)) {
        // Nothing reached the client yet: a failure it can be told about (or the
        // next hop tried). Past that, the client must see a truncated reply: its
        // connection is closed without completing the framing.
        if (out.reply_bytes == 0) {
          out.error = classify_response_error(ec);
          out.error_detail = describe_io_error(ec, conn.address);
        } else {
          out.aborted = true;
        }
        co_return;
      }
      if (slice) keep_within(res.body(), piece_start, *slice);
    } else {
      res.body().data = nullptr;
      res.body().size = 0;
      res.body().more = false;
    }
    x.client->stream.expires_after(x.config().read_timeout);
    auto [ec, n] = co_await http::async_write(x.client->stream, serializer, use_nothrow);
    out.reply_bytes += n;
    if (ec == http::error::need_buffer) ec = {};
    // reply_body_max_size on a body of unknown length: cut once past it, with
    // Squid's 4096-byte allowance for the header (clientReplyStatus).
    out.cut_at_limit = !ec && x.body_limit && out.reply_bytes > *x.body_limit + 4096;
    if (ec || out.cut_at_limit) {
      out.aborted = true;
      x.client_gone = bool(ec);
      co_return;
    }
  } while (!serializer.is_done());  // done: the body (or the slice) is all sent
}

// The client is gone, or has its whole range: whether the fill reads the rest
// of the object (quick_abort_*, range_offset_limit none), as Squid decides when
// its last store client leaves. A reply cut by reply_body_max_size is not stored.
bool fill_goes_on_without_client(const http::response_parser<http::buffer_body>& parser, const Exchange& x) {
  if (x.out.cut_at_limit) return false;
  std::optional<uint64_t> expected;
  if (parser.content_length()) expected = *parser.content_length();
  return fill_continues_without_client(x.config().quick_abort, expected, x.body_received, x.plan.finish_whole);
}

// Nobody waits for this reply: its body only goes to the fill.
awaitable<void> fill_only(UpstreamIo& upstream, UpstreamConnection& conn,
                          http::response_parser<http::buffer_body>& parser, CacheFill* fill, Exchange& x) {
  while (!x.is_head && !parser.is_done()) {
    if (auto ec = co_await read_body_piece(upstream, conn, parser, fill, x)) {
      x.out.aborted = true;
      co_return;
    }
  }
}

// The reply after its header: to the client (or only to the fill), stored unless
// the hop is proxy-only. True when the connection may go back to the pool.
awaitable<bool> take_reply(UpstreamIo& upstream, UpstreamConnection& conn,
                           http::response_parser<http::buffer_body>& parser, Exchange& x) {
  auto& res = parser.get();
  auto& out = x.out;
  out.status = res.result_int();
  out.content_type = std::string(media_type(res[http::field::content_type]));
  const bool upstream_reusable = res.keep_alive() && !parser.need_eof();
  const bool has_body = !x.is_head && !parser.is_done();
  remove_hop_by_hop(res);
  std::optional<uint64_t> length;
  if (parser.content_length()) length = *parser.content_length();
  // Squid's HttpStateData releases the entry of a proxy-only peer's reply.
  CacheFill* fill = x.plan.proxy_only ? nullptr : x.fill;
  if (fill && (x.is_head || !fill->start(res.base(), length))) fill = nullptr;
  bool fill_went_on = false;
  if (x.client) {
    const auto slice = client_slice(parser, x);
    shape_client_reply(parser, has_body, x);
    pace_for_client(res.base(), x);
    if (x.config().logs_reply_head()) out.reply_head = header_text(res.base());
    co_await relay_to_client(upstream, conn, parser, fill, x, slice);
    // The client left (a write failed) or has its whole range, and upstream is still fine.
    const bool client_done_early = x.client_gone || (!out.aborted && !parser.is_done());
    if (fill && client_done_early && !parser.is_done() && !out.error && fill_goes_on_without_client(parser, x)) {
      const bool client_aborted = out.aborted;  // the client's transaction keeps its own outcome
      co_await fill_only(upstream, conn, parser, fill, x);
      out.aborted = client_aborted;
      fill_went_on = true;
    }
  } else if (fill || !has_body) {
    co_await fill_only(upstream, conn, parser, fill, x);
  } else {
    co_return false;  // a body nobody wants: the connection is dropped rather than read to its end
  }
  // A body read to its end is stored even if its client left at the last piece.
  if (fill && parser.is_done() && !out.error && (!out.aborted || fill_went_on || x.client_gone)) fill->finish();
  if (out.error || out.aborted) co_return false;
  out.client_reusable = x.client_keep_alive;
  co_return upstream_reusable && parser.is_done();
}

// An idle pooled connection to the hop, or a new one holding the peer's
// max-conn slot from the connect on; nothing (and x.out.error) when it fails.
awaitable<std::unique_ptr<UpstreamConnection>> open_connection(Exchange& x, bool from_pool, bool check_alive) {
  // server_persistent_connections off: every request on a connection of its own.
  from_pool = from_pool && x.config().connections.server_persistent;
  auto conn = from_pool ? x.worker.pool.take(x.plan.upstream.key(), check_alive) : nullptr;
  if (conn) co_return conn;
  auto& runtime = x.worker.runtime;
  auto slot = x.plan.peer_name.empty() ? peers::PeerConnections::Slot()
                                       : runtime.peer_connections().open(x.plan.peer_name);
  auto connected = co_await connect_upstream(x.plan.upstream, x.config(), x.worker.resolver, runtime.tls(), &x.facts);
  if (connected.error) {
    x.out.error = connected.error;
    x.out.error_detail = connected.detail;
    co_return nullptr;
  }
  connected.connection->peer_slot = std::move(slot);
  co_return std::move(connected.connection);
}

// RFC 9110 §10.1.1: the client may send its body now (never to HTTP/1.0 clients).
awaitable<bool> send_continue(ClientSide& client, const Config& config) {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  client.stream.expires_after(config.read_timeout);
  auto [ec, n] = co_await asio::async_write(client.stream, asio::buffer(kContinue), use_nothrow);
  co_return !ec;
}

// A revalidation's 304 (or 5xx, when a stale copy may answer it) goes back to
// the caller instead of the client; its body is not read.
bool intercepts(const ForwardPlan& plan, unsigned status) {
  return (plan.intercept_not_modified && status == 304) || (plan.intercept_server_errors && status >= 500);
}

// True when the connection may go back to the pool.
bool intercept(http::response_parser<http::buffer_body>& response, Exchange& x) {
  auto& res = response.get();
  const bool reusable = res.keep_alive() && !response.need_eof() && response.is_done();
  remove_hop_by_hop(res);
  x.out.status = res.result_int();
  x.out.intercepted = res.base();
  x.out.client_reusable = x.client_keep_alive && !x.worker.runtime.shutting_down();
  return reusable;
}

// http_reply_access, for a reply someone waits for (a background refresh's is
// checked when a client is served it from the cache).
awaitable<bool> denied_to_client(const http::response_header<>& reply, Exchange& x) {
  if (!x.client) co_return false;
  const auto hierarchy = squid_name(x.plan.hierarchy.code);
  const auto verdict = x.client->check_reply ? co_await x.client->check_reply(reply, hierarchy)
                                             : check_reply_access(x.config(), x.facts, reply, hierarchy);
  x.out.denied_by = verdict.last_acl;
  co_return verdict.decision == AccessDecision::Deny;
}

// reply_body_max_size, checked before http_reply_access as Squid's
// processReplyAccess does: an announced length over the limit is refused here; a
// body of unknown length is cut while it streams (x.body_limit).
bool too_large_for_client(const http::response_header<>& reply, Exchange& x) {
  if (!x.client) return false;
  x.body_limit = reply_body_limit(x.config(), x.facts, reply);
  return reply_body_too_large(x.config(), x.facts, reply, x.body_limit);
}

// Nothing of a denied reply reaches the client; its body is not read, so the
// connection is reusable only when the reply had none left.
bool refuse_reply(http::response_parser<http::buffer_body>& response, Exchange& x) {
  const bool reusable = response.get().keep_alive() && !response.need_eof() && response.is_done();
  x.out.status = response.get().result_int();
  x.out.reply_denied = true;
  x.out.client_reusable = x.client_keep_alive && !x.worker.runtime.shutting_down();
  return reusable;
}

enum class Attempt { Done, Retry };

// One attempt on one connection: the request up, the reply header back, then the
// reply handed on (or back, when intercepted). Retry: a pooled connection the
// server had closed failed before any reply byte, and the request has no body to
// have lost.
awaitable<Attempt> attempt_on(std::unique_ptr<UpstreamConnection>& conn,
                              http::request_parser<http::buffer_body>& parser, bool has_body, Exchange& x) {
  const bool retryable = conn->reused && !has_body;
  http::request_serializer<http::buffer_body> serializer{parser.get()};
  UpstreamIo upstream{*conn};
  auto sent = co_await send_request(upstream, x, parser, serializer);
  if (sent == SendStatus::ClientFailed) {
    x.out.aborted = true;
    co_return Attempt::Done;
  }
  if (sent == SendStatus::MalformedBody) {
    // Nothing was answered yet: the client learns why, and the connection ends
    // (its bytes past the bad framing must never be read as a request).
    x.out.error = ErrorKind::InvalidRequest;
    x.out.error_detail = "malformed request body";
    co_return Attempt::Done;
  }
  if (sent == SendStatus::BodyTooLarge) {  // as Squid's abortChunkedRequestBody: 413, then the connection ends
    x.out.error = ErrorKind::BodyTooLarge;
    x.out.error_detail = "request body over request_body_max_size";
    co_return Attempt::Done;
  }
  std::optional<http::response_parser<http::buffer_body>> response;
  HeaderRead header{asio::error::connection_reset};
  if (sent == SendStatus::Sent)
    header = co_await read_response_header(upstream, *conn, response, x.is_head, x.config());
  if (header.ec) {
    if (retryable && !header.got_bytes && header.ec != beast::error::timeout) co_return Attempt::Retry;
    x.out.error = classify_response_error(header.ec);
    x.out.error_detail = describe_io_error(header.ec, conn->address);
    x.out.client_reusable = x.client_keep_alive && parser.is_done();
    co_return Attempt::Done;
  }
  x.reply_header_bytes = header.bytes;
  if (x.plan.on_reply_header) x.plan.on_reply_header(response->get().base());
  bool reusable;
  if (intercepts(x.plan, response->get().result_int())) {
    reusable = intercept(*response, x);
  } else if (too_large_for_client(response->get().base(), x)) {
    reusable = refuse_reply(*response, x);
    x.out.reply_too_large = true;
  } else if (co_await denied_to_client(response->get().base(), x)) {
    reusable = refuse_reply(*response, x);
  } else {
    x.client_keep_alive = x.client_keep_alive && !x.worker.runtime.shutting_down();
    reusable = co_await take_reply(upstream, *conn, *response, x);
    if (!parser.is_done()) x.out.client_reusable = false;
  }
  // The connection's one owner hands it back, or lets it close.
  if (reusable && x.config().connections.server_persistent)
    x.worker.pool.give_back(std::move(conn), x.config().connections.pconn_lifetime);
  co_return Attempt::Done;
}

}  // namespace

awaitable<ForwardOutcome> forward_request(ClientSide* client, const RequestFacts& facts,
                                          http::request_parser<http::empty_body>& header_parser,
                                          const ForwardPlan& plan, CacheFill* fill, const ActiveConfig& active,
                                          WorkerServices& worker) {
  auto& received = header_parser.get();
  auto buffer = worker.buffers.borrow();
  Exchange x{active, facts, worker, plan, fill, client, buffer.span()};
  x.client_version = received.version();
  x.client_keep_alive = client && received.keep_alive() && active.config->connections.client_persistent &&
                       !worker.runtime.shutting_down();
  x.is_head = received.method() == http::verb::head;
  const bool has_body = header_parser.chunked() || header_parser.content_length().value_or(0) > 0;
  const bool expects_continue = client && has_body && x.client_version >= 11 &&
                                beast::iequals(received[http::field::expect], "100-continue");

  http::request_parser<http::buffer_body> parser{std::move(header_parser)};
  const bool chunked = parser.chunked();
  // Counted on the dechunked body, as Squid counts it.
  if (const auto limit = active.config->request_body_max_size; limit && chunked) parser.body_limit(limit);
  shape_upstream_request(parser.get(), plan, active, facts, x.client_version, client ? client->entry : nullptr);
  if (!plan.whole_for_range.empty()) ask_for_whole_object(parser.get());
  if (chunked) parser.get().chunked(true);
  parser.get().keep_alive(true);

  for (int attempt = 0;; ++attempt) {
    // Checking an idle connection costs a syscall; it is worth it only when a
    // failure could not be retried (a request body is consumed as it is sent).
    auto conn = co_await open_connection(x, /*from_pool=*/attempt == 0, /*check_alive=*/has_body);
    if (!conn) {
      x.out.client_reusable = x.client_keep_alive && !has_body;
      co_return x.out;
    }
    x.out.server_address = conn->address;
    x.out.server_port = x.plan.upstream.port;
    if (expects_continue && attempt == 0 && !co_await send_continue(*client, x.config())) {
      x.out.aborted = true;
      co_return x.out;
    }
    if (co_await attempt_on(conn, parser, has_body, x) == Attempt::Done) co_return x.out;
  }
}

}  // namespace cuttle
