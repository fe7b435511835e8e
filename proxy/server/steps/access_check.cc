#include "proxy/server/steps/access_check.h"

#include "proxy/server/own_replies.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/authenticate.h"
#include "proxy/server/steps/deny_answer.h"
#include "proxy/server/steps/external_lookup.h"

namespace cuttle {

awaitable<AccessVerdict> check_slow(ClientConnection& conn, Transaction& tx, const std::vector<AccessRule>& rules) {
  co_await resolve_destinations_for(conn, tx, rules);
  co_return co_await check_slow(conn, tx, tx.facts, rules);
}

awaitable<AccessVerdict> check_slow(ClientConnection& conn, Transaction& tx, RequestFacts& facts,
                                    const std::vector<AccessRule>& rules) {
  // As a new Squid checklist: external ACLs consult their helper's memory anew.
  facts.external.answers.clear();
  for (;;) {
    auto verdict = evaluate_access(rules, facts);
    if (verdict.needs_authentication) {
      co_await authenticate(conn, tx);  // Unchecked no more: the next evaluation decides
      if (&facts != &tx.facts) {
        facts.auth = tx.facts.auth;
        annotate(facts.annotations, tx.facts.annotations);
      }
    } else if (verdict.needs_lookup) {
      co_await look_up_external(conn, tx, facts, *verdict.last_acl);  // answered: the next evaluation goes on
    } else {
      co_return verdict;
    }
  }
}

awaitable<bool> reply_denied(ClientConnection& conn, Transaction& tx, const AccessVerdict& verdict,
                             std::string detail) {
  tx.entry.result = ResultCode::TcpDenied;
  if (!verdict.challenge || !tx.config().auth.any_scheme())
    co_return co_await answer_denial(conn, tx, verdict.last_acl, true, detail);
  log_user(tx);
  const auto kind = conn.port.accel ? ErrorKind::AuthRequired : ErrorKind::ProxyAuthRequired;
  auto challenge = challenges(conn, tx);
  tx.must_keep_alive = challenge.connection_oriented;
  const bool keep_alive = tx.reusable_after_own_reply() && !challenge.close_connection;
  co_return co_await reply_error(conn, kind, tx, keep_alive, std::move(detail), std::move(challenge.headers));
}

}  // namespace cuttle
