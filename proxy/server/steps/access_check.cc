#include "proxy/server/steps/access_check.h"

#include "proxy/log/url_escape.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/deny_answer.h"
#include "proxy/server/steps/external_lookup.h"

namespace cuttle {

namespace {

const BasicAuthConfig* active_basic_scheme(const Config& config) {
  const auto& basic = config.auth.basic;
  return basic && !basic->program.argv.empty() ? &*basic : nullptr;
}

// The user as access.log shows it once an authentication ACL looked at the
// credentials (Squid logs the name even when they were refused).
void log_user(Transaction& tx) {
  if (tx.credentials && !tx.credentials->user.empty()) tx.entry.user = tx.credentials->user;
}

// Unchecked credentials become Accepted or Refused: from the credentials cache
// when the helper accepted the same password less than credentialsttl ago,
// else from the helper. Only an OK counts; a refusal is never remembered.
awaitable<void> authenticate(ClientConnection& conn, Transaction& tx) {
  const BasicAuthConfig& basic = *active_basic_scheme(tx.config());
  const auth::BasicCredentials& credentials = *tx.credentials;
  WorkerHelpers& helpers = conn.services.helpers;
  helpers.use(conn.runtime().active()->config);
  auto& cache = helpers.credentials();
  log_user(tx);
  if (cache.accepted(credentials.user, credentials.password, basic.credentials_ttl, std::chrono::steady_clock::now())) {
    tx.facts.auth.status = AuthStatus::Accepted;
    co_return;
  }
  // The configuration in force now may have dropped the scheme this request's
  // (older) configuration had: then nobody can accept the credentials.
  HelperPool* authenticator = helpers.basic_authenticator();
  if (!authenticator) {
    tx.facts.auth.status = AuthStatus::Refused;
    co_return;
  }
  auto reply = co_await authenticator->ask(squid_escape(credentials.user) + " " +
                                          squid_escape(credentials.password));
  if (reply.result == helpers::HelperResult::Ok) {
    cache.accept(credentials.user, credentials.password, std::chrono::steady_clock::now());
    tx.facts.auth.status = AuthStatus::Accepted;
  } else {
    cache.refuse(credentials.user);
    tx.facts.auth.status = AuthStatus::Refused;
  }
}

}  // namespace

void read_credentials(ClientConnection& conn, Transaction& tx) {
  const BasicAuthConfig* basic = active_basic_scheme(tx.config());
  if (!basic || tx.credentials) return;
  const auto field = conn.port.accel ? http::field::authorization : http::field::proxy_authorization;
  const auto value = tx.request()[field];
  if (value.empty()) return;
  tx.credentials = auth::decode_basic(value, basic->case_sensitive);
  if (!tx.credentials) return;
  tx.facts.auth.user = tx.credentials->user;
  // No password, or an empty one: never sent to the helper (Squid's broken credentials).
  tx.facts.auth.status = tx.credentials->broken() ? AuthStatus::Refused : AuthStatus::Unchecked;
}

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
      facts.auth = tx.facts.auth;
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
  const bool keep_alive = tx.reusable_after_own_reply();
  const BasicAuthConfig* basic = active_basic_scheme(tx.config());
  if (!verdict.challenge || !basic) co_return co_await answer_denial(conn, tx, verdict.last_acl, true, detail);
  log_user(tx);
  const auto kind = conn.port.accel ? ErrorKind::AuthRequired : ErrorKind::ProxyAuthRequired;
  co_return co_await reply_error(conn, kind, tx, keep_alive, std::move(detail),
                                 "Basic realm=\"" + basic->realm + "\"");
}

}  // namespace cuttle
