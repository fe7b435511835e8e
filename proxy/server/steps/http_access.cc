// http_access: the request's facts (client, target, method, ports; destination
// addresses and checked credentials only when a rule asks for them) against the
// rules, first match wins.
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/access_check.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/connect_tunnel.h"
#include "proxy/server/steps/intercepted_tls.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {
namespace {

// squid's ClientRequestContext::sslBumpAccessCheck: a denied CONNECT on an
// ssl-bump port is bumped to show the denial, unless the answer asks for
// credentials (a client answers a 407, never a page inside the tunnel).
// An intercepted TLS connection is bumped to show it only when SslBump1 chose to
// peek or bump (squid's sslBumpNeeded); after a splice the error goes out as is.
bool bumps_to_deny(const ClientConnection& conn, const Transaction& tx, const AccessVerdict& verdict) {
  if (intercepted_tls(conn))
    return !conn.splice_decided && conn.step1_decision &&
           (*conn.step1_decision == SslBumpAction::Peek || *conn.step1_decision == SslBumpAction::Bump);
  const bool asks_credentials = verdict.challenge && tx.config().auth.any_scheme();
  return tx.request().method() == http::verb::connect && conn.port.ssl_bump && !conn.bumped &&
         !tx.config().ssl_bump.empty() && !asks_credentials;
}

// A fake CONNECT denied and not bumped: the error goes out as is, then the
// connection ends, logged as squid logs one whose unread bytes (the ClientHello)
// were never a request.
awaitable<bool> deny_intercepted_tls(ClientConnection& conn, Transaction& tx, const AccessVerdict& verdict) {
  co_await reply_denied(conn, tx, verdict);
  if (conn.buffer.size() != 0) log_connection_end(conn);
  error_code ignored;
  conn.stream.socket().close(ignored);
  co_return false;
}

}  // namespace

awaitable<StepResult> check_http_access(ClientConnection& conn, Transaction& tx) {
  tx.facts = transaction_facts(conn, tx, tx.target());
  read_credentials(conn, tx);
  const auto verdict = co_await check_slow(conn, tx, tx.config().http_access);
  if (verdict.decision == AccessDecision::Allow) co_return kNextStep;
  if (bumps_to_deny(conn, tx, verdict)) co_return co_await bump_denied_connect(conn, tx, verdict.last_acl);
  if (intercepted_tls(conn)) co_return co_await deny_intercepted_tls(conn, tx, verdict);
  co_return co_await reply_denied(conn, tx, verdict);
}

}  // namespace cuttle
