#include "proxy/server/steps/delay_pool.h"

#include "proxy/http/delay_pool_choice.h"
#include "proxy/http/reply_access.h"

namespace cuttle {
namespace {

BucketTicket reply_delay_ticket(const ClientConnection& conn, const Transaction& tx,
                                const http::response_header<>* reply) {
  const auto& config = tx.config();
  RequestFacts facts = tx.facts;
  // delay_pool_uses_indirect_client: ACLs and buckets see the client
  // follow_x_forwarded_for found; otherwise the connection's.
  facts.client = config.delay_pool_uses_indirect_client && tx.indirect_client ? *tx.indirect_client
                                                                              : conn.client_address;
  if (reply) facts.reply = reply_facts(config, *reply);
  const auto pool = choose_delay_pool(config.delay, facts);
  if (pool == 0) return {};
  // Class 4 buckets by the user proxy authentication accepted (squid's auth_user_request).
  const std::string_view user = facts.auth.status == AuthStatus::Accepted ? facts.auth.user : std::string_view();
  return tx.active->delay_pools->ticket(pool, {normalize_address(facts.client), user, facts.external.tag},
                                        TokenBucket::Clock::now());
}

}  // namespace

void hook_delay_pool(ClientSide& client, const ClientConnection& conn, const Transaction& tx) {
  if (tx.config().delay.pools.empty()) return;
  client.reply_delay = [&conn, &tx](const http::response_header<>* reply) {
    return reply_delay_ticket(conn, tx, reply);
  };
}

BucketTicket client_write_limit(const ClientConnection& conn, const ActiveConfig& active) {
  const auto& delay = active.config->delay;
  if (delay.client_pools.empty()) return {};
  // As squid at accept: only the connection is known (src, myip, myport ACLs).
  RequestFacts facts;
  facts.client = conn.client_address;
  facts.connection.local_address = conn.local_address;
  facts.connection.local_port = conn.local_port;
  facts.connection.port_name = conn.port.name;
  const auto pool = choose_client_delay_pool(delay, facts);
  if (pool == 0) return {};
  return active.client_delays->ticket(pool, conn.client_address, TokenBucket::Clock::now());
}

}  // namespace cuttle
