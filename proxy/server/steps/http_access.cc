// http_access: the request's facts (client, target, method, ports; destination
// addresses only when a rule asks for them) against the rules, first match wins.
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {

awaitable<StepResult> check_http_access(ClientConnection& conn, Transaction& tx) {
  const Config& config = tx.config();
  const RequestTarget& target = tx.target();
  tx.facts = request_facts(target, tx.entry.method, conn.client_address);
  if (rules_need_destinations(config.http_access) && !target.is_ip_literal()) {
    auto resolved = co_await conn.services.resolver.resolve(target.host, config.dns_timeout, config.positive_dns_ttl);
    tx.facts.destinations.emplace();
    for (const auto& a : resolved.addresses) tx.facts.destinations->push_back(normalize_address(a));
  }
  if (check_access(config.http_access, tx.facts) == AccessDecision::Allow) co_return kNextStep;
  tx.entry.result = ResultCode::TcpDenied;
  co_return co_await reply_error(conn, ErrorKind::AccessDenied, tx, tx.reusable_after_own_reply());
}

}  // namespace cuttle
