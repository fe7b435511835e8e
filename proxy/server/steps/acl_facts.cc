#include "proxy/server/steps/acl_facts.h"

namespace cuttle {

// From the facts, not tx.target(): the cache manager and PAC steps check access
// before the request's own target is resolved.
awaitable<void> resolve_destinations_for(ClientConnection& conn, Transaction& tx,
                                         const std::vector<AccessRule>& rules) {
  const std::string& host = tx.facts.host;
  if (tx.facts.destinations || host.empty() || !rules_need_destinations(rules)) co_return;
  error_code not_literal;
  asio::ip::make_address(host, not_literal);
  if (!not_literal) co_return;  // `dst` compares an IP literal itself
  const Config& config = tx.config();
  auto resolved = co_await conn.services.resolver.resolve(host, config.dns_timeout, config.positive_dns_ttl);
  tx.facts.destinations.emplace();
  for (const auto& a : resolved.addresses) tx.facts.destinations->push_back(normalize_address(a));
}

}  // namespace cuttle
