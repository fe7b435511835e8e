#include "proxy/server/steps/reply_check.h"

#include "proxy/http/reply_access.h"
#include "proxy/server/steps/access_check.h"

namespace cuttle {

awaitable<AccessVerdict> check_reply_slow(ClientConnection& conn, Transaction& tx,
                                          const http::response_header<>& reply, std::string_view hierarchy) {
  auto facts = reply_check_facts(tx.config(), tx.facts, reply, hierarchy);
  if (!facts) co_return AccessVerdict{AccessDecision::Allow};
  auto verdict = co_await check_slow(conn, tx, *facts, tx.config().http_reply_access);
  // What helpers said about the transaction stays with it (its log line, later checks).
  tx.facts.external = std::move(facts->external);
  tx.facts.annotations = std::move(facts->annotations);
  verdict.challenge = false;  // a reply is refused with a 403, never a challenge
  co_return verdict;
}

void hook_reply_check(ClientSide& client, ClientConnection& conn, Transaction& tx) {
  if (tx.config().http_reply_access.empty()) return;
  client.check_reply = [&conn, &tx](const http::response_header<>& reply, std::string_view hierarchy) {
    return check_reply_slow(conn, tx, reply, hierarchy);
  };
}

}  // namespace cuttle
