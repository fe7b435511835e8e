// Requests that cannot be taken as framed: RFC 9112's framing rules, exactly
// one Host, an Expect this proxy cannot meet, CONNECT on an accelerator port.
#include "proxy/http/header_rules.h"
#include "proxy/http/request_line.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {

awaitable<StepResult> frame_request(ClientConnection& conn, Transaction& tx) {
  auto& req = tx.request();
  tx.entry.method = std::string(req.method_string());
  tx.entry.url = std::string(req.target());
  tx.client_keep_alive = req.keep_alive();
  tx.persistent_allowed = tx.config().connections.client_persistent;
  tx.has_body = tx.parser->chunked() || tx.parser->content_length().value_or(0) > 0;
  const bool is_connect = req.method() == http::verb::connect;

  if (auto problem = request_framing_problem(req))
    co_return co_await reply_error(conn, problem->status == 501 ? ErrorKind::UnsupportedRequest
                                                                : ErrorKind::InvalidRequest,
                                   tx, false, problem->what);
  // RFC 9112 §3.2: exactly one Host in HTTP/1.1. Two Hosts are also how caches
  // get poisoned (front and back ends picking different ones).
  auto host_count = req.count(http::field::host);
  if (host_count > 1 || (host_count == 0 && req.version() >= 11 && !is_connect))
    co_return co_await reply_error(conn, ErrorKind::InvalidRequest, tx, false,
                                   host_count ? "more than one Host header" : "HTTP/1.1 request without Host");
  if (has_unsupported_expectation(req))
    co_return co_await reply_error(conn, ErrorKind::ExpectationFailed, tx, false,
                                   "Expect: " + std::string(req[http::field::expect]));
  // As Squid's clientProcessRequest: a declared length over the limit is refused
  // before anything else looks at the request (chunked bodies: forwarder.cc).
  if (const auto limit = tx.config().request_body_max_size;
      limit && !tx.parser->chunked() && tx.parser->content_length().value_or(0) > limit)
    co_return co_await reply_error(conn, ErrorKind::BodyTooLarge, tx, false,
                                   "request body over request_body_max_size");
  // As Squid: an accelerator port must not become a tunnel to anywhere.
  if (is_connect && conn.port.accel)
    co_return co_await reply_error(conn, ErrorKind::MethodNotAllowed, tx, false, "CONNECT on an accelerator port");
  co_return kNextStep;
}

}  // namespace cuttle
