#include "proxy/server/steps/acl_facts.h"

#include "proxy/config/acl/forwarded_for.h"
#include "proxy/http/request_facts.h"
#include "proxy/server/arp_table.h"
#include "proxy/server/runtime.h"

#include <ctime>

namespace cuttle {

namespace {

// All X-Forwarded-For fields, joined as Squid's getList joins a list header.
std::string forwarded_for(const http::request<http::empty_body>& request) {
  std::string joined;
  auto [first, last] = request.equal_range("X-Forwarded-For");
  for (auto field = first; field != last; ++field) {
    if (!joined.empty()) joined += ", ";
    joined.append(field->value());
  }
  return joined;
}

// Once per request, as Squid's done_follow_x_forwarded_for: before the first
// access check, with the facts of the direct client.
void follow_forwarded_for(Transaction& tx, const RequestFacts& direct) {
  const Config& config = tx.config();
  tx.indirect_client = direct.client;
  const auto header = forwarded_for(tx.request());
  if (config.follow_x_forwarded_for.empty() || header.empty()) return;
  tx.indirect_client = indirect_client(config.follow_x_forwarded_for, direct, header);
  if (config.log_uses_indirect_client) tx.entry.client_ip = tx.indirect_client->to_string();
}

}  // namespace

RequestFacts transaction_facts(const ClientConnection& conn, Transaction& tx, const RequestTarget& target) {
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
  if (!tx.indirect_client) follow_forwarded_for(tx, facts);
  if (tx.config().acl_uses_indirect_client) facts.client = *tx.indirect_client;
  // arp ACLs: the kernel's table is read only when some ACL needs it.
  if (needs.client_mac && facts.client.is_v4()) facts.client_mac = arp_lookup(facts.client.to_v4());
  return facts;
}

// From the facts, not tx.target(): the cache manager and PAC steps check access
// before the request's own target is resolved.
namespace {

// srcdomain / srcdom_regex: the client's name, looked up once per request.
awaitable<void> name_client(ClientConnection& conn, Transaction& tx) {
  const Config& config = tx.config();
  if (tx.facts.client_name || !config.acl_needs.client_name) co_return;
  tx.facts.client_name = co_await conn.services.resolver.name_of(tx.facts.client, config.dns);
}

}  // namespace

awaitable<void> resolve_destinations_for(ClientConnection& conn, Transaction& tx,
                                         const std::vector<AccessRule>& rules) {
  co_await resolve_facts(conn, tx, rules_needs(rules).client_name, rules_need_destinations(rules));
}

awaitable<void> resolve_facts(ClientConnection& conn, Transaction& tx, bool client_name, bool destinations) {
  if (client_name) co_await name_client(conn, tx);
  const std::string& host = tx.facts.host;
  if (tx.facts.destinations || host.empty() || !destinations) co_return;
  error_code not_literal;
  asio::ip::make_address(host, not_literal);
  if (!not_literal) co_return;  // `dst` compares an IP literal itself
  const Config& config = tx.config();
  auto resolved = co_await conn.services.resolver.resolve(host, config.dns);
  tx.facts.destinations.emplace();
  for (const auto& a : resolved.addresses) tx.facts.destinations->push_back(normalize_address(a));
}

}  // namespace cuttle
