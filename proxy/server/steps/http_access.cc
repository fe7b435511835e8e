// http_access: the request's facts (client, target, method, ports; destination
// addresses and checked credentials only when a rule asks for them) against the
// rules, first match wins.
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/access_check.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/connect_tunnel.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {
namespace {

// squid's ClientRequestContext::sslBumpAccessCheck: a denied CONNECT on an
// ssl-bump port is bumped to show the denial, unless the answer asks for
// credentials (a client answers a 407, never a page inside the tunnel).
bool bumps_to_deny(const ClientConnection& conn, const Transaction& tx, const AccessVerdict& verdict) {
  const bool asks_credentials = verdict.challenge && tx.config().auth.any_scheme();
  return tx.request().method() == http::verb::connect && conn.port.ssl_bump && !conn.bumped &&
         !tx.config().ssl_bump.empty() && !asks_credentials;
}

}  // namespace

awaitable<StepResult> check_http_access(ClientConnection& conn, Transaction& tx) {
  tx.facts = transaction_facts(conn, tx, tx.target());
  read_credentials(conn, tx);
  const auto verdict = co_await check_slow(conn, tx, tx.config().http_access);
  if (verdict.decision == AccessDecision::Allow) co_return kNextStep;
  if (bumps_to_deny(conn, tx, verdict)) co_return co_await bump_denied_connect(conn, tx, verdict.last_acl);
  co_return co_await reply_denied(conn, tx, verdict);
}

}  // namespace cuttle
