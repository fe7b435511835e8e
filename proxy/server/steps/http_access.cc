// http_access: the request's facts (client, target, method, ports; destination
// addresses only when a rule asks for them) against the rules, first match wins.
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {

awaitable<StepResult> check_http_access(ClientConnection& conn, Transaction& tx) {
  const Config& config = tx.config();
  tx.facts = request_facts(tx.target(), tx.entry.method, conn.client_address);
  co_await resolve_destinations_for(conn, tx, config.http_access);
  if (check_access(config.http_access, tx.facts) == AccessDecision::Allow) co_return kNextStep;
  tx.entry.result = ResultCode::TcpDenied;
  co_return co_await reply_error(conn, ErrorKind::AccessDenied, tx, tx.reusable_after_own_reply());
}

}  // namespace cuttle
