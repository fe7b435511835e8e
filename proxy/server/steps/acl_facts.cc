#include "proxy/server/steps/acl_facts.h"

#include "proxy/http/request_facts.h"
#include "proxy/server/runtime.h"

#include <ctime>

namespace cuttle {

RequestFacts transaction_facts(const ClientConnection& conn, const Transaction& tx, const RequestTarget& target) {
  RequestFacts facts = request_facts(target, tx.entry.method, conn.client_address);
  const AclNeeds& needs = tx.config().acl_needs;
  const auto& request = tx.request();
  for (const auto& name : needs.request_headers) {
    auto [first, last] = request.equal_range(name);
    for (auto field = first; field != last; ++field) facts.headers.add(name, field->value());
  }
  facts.connection.local_address = conn.local_address;
  facts.connection.local_port = conn.local_port;
  facts.connection.port_name = conn.port.name;
  if (needs.client_connections)
    facts.connection.client_connections = conn.services.runtime.client_counts().count(conn.client_address);
  facts.now = std::time(nullptr);
  return facts;
}

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
