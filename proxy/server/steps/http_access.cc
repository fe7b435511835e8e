// http_access: the request's facts (client, target, method, ports; destination
// addresses and checked credentials only when a rule asks for them) against the
// rules, first match wins.
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/access_check.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {

awaitable<StepResult> check_http_access(ClientConnection& conn, Transaction& tx) {
  tx.facts = transaction_facts(conn, tx, tx.target());
  read_credentials(conn, tx);
  const auto verdict = co_await check_slow(conn, tx, tx.config().http_access);
  if (verdict.decision == AccessDecision::Allow) co_return kNextStep;
  co_return co_await reply_denied(conn, tx, verdict);
}

}  // namespace cuttle
