#include "proxy/server/steps/acl_facts.h"

namespace cuttle {

awaitable<void> resolve_destinations_for(ClientConnection& conn, Transaction& tx,
                                         const std::vector<AccessRule>& rules) {
  const RequestTarget& target = tx.target();
  if (tx.facts.destinations || target.is_ip_literal() || !rules_need_destinations(rules)) co_return;
  const Config& config = tx.config();
  auto resolved = co_await conn.services.resolver.resolve(target.host, config.dns_timeout, config.positive_dns_ttl);
  tx.facts.destinations.emplace();
  for (const auto& a : resolved.addresses) tx.facts.destinations->push_back(normalize_address(a));
}

}  // namespace cuttle
