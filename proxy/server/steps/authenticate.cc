#include "proxy/server/steps/authenticate.h"

#include "proxy/auth/utf8_credentials.h"
#include "proxy/config/ascii_case.h"
#include "proxy/http/header_rules.h"
#include "proxy/log/url_escape.h"
#include "proxy/server/steps/connection_authenticate.h"
#include "proxy/server/steps/helper_line.h"

#include <algorithm>
#include <cctype>
#include <strings.h>

namespace cuttle {

namespace {

using Steady = std::chrono::steady_clock;

void decide(Transaction& tx, bool accepted) {
  tx.facts.auth.status = accepted ? AuthStatus::Accepted : AuthStatus::Refused;
}

// Squid's key_extras: the scheme's format expanded for this request, appended to
// the helper's line and to the key answers are remembered under ("" when none).
std::string with_extras(std::string text, ClientConnection& conn, const Transaction& tx, const KeyExtras& format) {
  if (format.empty()) return text;
  return text + " " + expand_request_format(conn, tx, format);
}

// Basic: from the credentials cache when the helper accepted the same password
// less than credentialsttl ago, else from the helper. Only an OK counts; a
// refusal is never remembered.
awaitable<void> authenticate_basic(ClientConnection& conn, Transaction& tx, const BasicAuthConfig& basic) {
  const auth::BasicCredentials& credentials = *tx.credentials;
  WorkerHelpers& helpers = conn.services.helpers;
  auto& cache = helpers.credentials();
  const std::string key = with_extras(credentials.user, conn, tx, basic.key_extras);  // Squid's user key
  if (cache.accepted(key, credentials.password, basic.credentials_ttl, Steady::now())) {
    decide(tx, true);
    co_return;
  }
  // The configuration in force now may have dropped the scheme this request's
  // (older) configuration had: then nobody can accept the credentials.
  HelperPool* authenticator = helpers.basic_authenticator();
  if (!authenticator) {
    decide(tx, false);
    co_return;
  }
  auto reply = co_await authenticator->ask(with_extras(
      squid_escape(credentials.user) + " " + squid_escape(credentials.password), conn, tx, basic.key_extras));
  helpers.user_notes().remember(credentials.user, reply.notes, {"group", "tag"}, Steady::now());
  if (reply.result == helpers::HelperResult::Ok) cache.accept(key, credentials.password, Steady::now());
  else cache.refuse(key);
  decide(tx, reply.result == helpers::HelperResult::Ok);
}

bool is_ha1(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c); });
}

// The user's H(A1) from the digest helper, asked `"user":"realm"` (Squid's
// line); a Squid 3.3 helper answers the bare hash. nullopt: refused or failed.
// With key_extras they follow the line, and H(A1)s are remembered per realm and extras.
awaitable<std::optional<std::string>> ask_digest_helper(ClientConnection& conn, const Transaction& tx,
                                                        const DigestAuthConfig& digest,
                                                        const auth::DigestCredentials& c, const std::string& realm_key) {
  HelperPool* authenticator = conn.services.helpers.digest_authenticator();
  if (!authenticator) co_return std::nullopt;
  auto reply = co_await authenticator->ask(
      with_extras("\"" + c.user + "\":\"" + c.realm + "\"", conn, tx, digest.key_extras));
  conn.services.helpers.user_notes().remember(c.user, reply.notes, {"group", "nonce", "tag"}, Steady::now());
  std::optional<std::string> ha1;
  if (reply.result == helpers::HelperResult::Ok) ha1 = reply.note("ha1");
  else if (reply.result == helpers::HelperResult::Unknown && is_ha1(reply.other)) ha1 = reply.other;
  if (!ha1 || !is_ha1(*ha1)) co_return std::nullopt;
  *ha1 = ascii_lowercase(*ha1);
  conn.services.helpers.digest_users().learn(c.user, realm_key, *ha1, Steady::now());
  co_return ha1;
}

bool response_matches(const auth::DigestCredentials& c, const std::string& ha1, std::string_view method) {
  return strcasecmp(auth::expected_response(c, ha1, method).c_str(), c.response.c_str()) == 0;
}

// Digest, as Squid's Auth::Digest::UserRequest::authenticate: a nonce this proxy
// issued, the response computed from the H(A1) it knows (asking the helper again
// once when it does not match: the password may have changed; with
// post_workaround a non-GET digest computed with GET passes), then the nonce's
// count and age. A stale nonce with the right password is forgotten, the helper
// asked once more, and the request accepted, as Squid does.
awaitable<void> authenticate_digest(ClientConnection& conn, Transaction& tx, const DigestAuthConfig& digest) {
  const auth::DigestCredentials& c = *tx.digest_credentials;
  auto& nonces = conn.runtime().digest_nonces();
  if (!nonces.known(c.nonce)) {
    tx.digest_nonce_stale = true;
    co_return decide(tx, false);
  }
  const auto& method = tx.entry.method;
  std::optional<std::string> ha1;
  const std::string realm_key = with_extras(c.realm, conn, tx, digest.key_extras);
  if (const auto* known = conn.services.helpers.digest_users().ha1(c.user, realm_key)) ha1 = *known;
  // Not known yet, or it does not give the response: the helper's (once).
  if (!ha1 || !response_matches(c, *ha1, method)) ha1 = co_await ask_digest_helper(conn, tx, digest, c, realm_key);
  if (!ha1) co_return decide(tx, false);
  const bool post_as_get = digest.post_workaround && method != "GET" && response_matches(c, *ha1, "GET");
  if (!response_matches(c, *ha1, method) && !post_as_get) co_return decide(tx, false);
  if (!nonces.use(c.nonce, c.nc, digest.nonces, std::chrono::system_clock::now())) {
    nonces.forget(c.nonce);
    ha1 = co_await ask_digest_helper(conn, tx, digest, c, realm_key);
    co_return decide(tx, ha1 && response_matches(c, *ha1, method));
  }
  decide(tx, true);
}

// With utf8 on, Squid tells the browser which character set to send (RFC 7617's charset).
std::string basic_challenge(const BasicAuthConfig& basic) {
  return "Basic realm=\"" + basic.realm + "\"" + (basic.utf8 ? ", charset=\"UTF-8\"" : "");
}

// What `utf8 on` reads the legacy character set from (Squid's isCP1251EncodingAllowed).
std::string accept_language(const Transaction& tx) { return joined_values(tx.request(), "Accept-Language"); }

std::string digest_challenge(ClientConnection& conn, const DigestAuthConfig& digest, bool stale) {
  const auto nonce = conn.runtime().digest_nonces().issue(std::chrono::system_clock::now());
  return "Digest realm=\"" + digest.realm + "\", nonce=\"" + nonce + "\", qop=\"auth\", stale=" +
         (stale ? "true" : "false");
}

}  // namespace

void log_user(Transaction& tx) {
  if (tx.uses_connection_auth && !tx.facts.auth.user.empty()) tx.entry.user = tx.facts.auth.user;
  if (tx.credentials && !tx.credentials->user.empty()) tx.entry.user = tx.credentials->user;
  if (tx.digest_credentials && !tx.digest_credentials->user.empty()) tx.entry.user = tx.digest_credentials->user;
}

void read_credentials(ClientConnection& conn, Transaction& tx) {
  const AuthConfig& auth = tx.config().auth;
  if (conn.original_destination) {
    tx.facts.auth.status = AuthStatus::NotApplicable;
    return;
  }
  // As squid's "SSL-bumped CONNECT": a bumped request is its CONNECT's user's,
  // whatever it carries itself.
  if (conn.bumped && conn.bumped->connect_auth) {
    tx.facts.auth = *conn.bumped->connect_auth;
    tx.entry.user = tx.facts.auth.user;
    return;
  }
  if (!auth.any_scheme() || tx.credentials || tx.digest_credentials || tx.uses_connection_auth) return;
  const auto field = conn.port.accel ? http::field::authorization : http::field::proxy_authorization;
  const auto value = tx.request()[field];
  if (read_connection_credentials(conn, tx, value) || value.empty()) return;
  if (const auto* basic = auth.active_basic(); basic && auth::is_basic_scheme(value)) {
    tx.credentials = auth::decode_basic(value, basic->case_sensitive, basic->utf8,
                                        basic->utf8 ? accept_language(tx) : std::string());
    if (!tx.credentials) return;
    tx.facts.auth.user = tx.credentials->user;
    // No password, or an empty one: never sent to the helper (Squid's broken credentials).
    tx.facts.auth.status = tx.credentials->broken() ? AuthStatus::Refused : AuthStatus::Unchecked;
  } else if (auth.active_digest() && auth::is_digest_scheme(value)) {
    tx.digest_credentials = auth::decode_digest(value);
    if (auth.active_digest()->utf8 && !tx.digest_credentials->user.empty())
      tx.digest_credentials->user = auth::credentials_as_utf8(tx.digest_credentials->user, accept_language(tx));
    tx.facts.auth.user = tx.digest_credentials->user;
    tx.facts.auth.status = tx.digest_credentials->broken ? AuthStatus::Refused : AuthStatus::Unchecked;
  }
}

awaitable<void> authenticate(ClientConnection& conn, Transaction& tx) {
  WorkerHelpers& helpers = conn.services.helpers;
  helpers.use(conn.runtime().active()->config);
  const AuthConfig& auth = tx.config().auth;
  if (tx.uses_connection_auth) co_await authenticate_connection(conn, tx);
  else if (tx.digest_credentials && auth.active_digest()) co_await authenticate_digest(conn, tx, *auth.active_digest());
  else if (tx.credentials && auth.active_basic()) co_await authenticate_basic(conn, tx, *auth.active_basic());
  else decide(tx, false);
  log_user(tx);  // even a refused one, as Squid
  // As Squid's authTryGetUser: what helpers said about the user annotates the request.
  if (const auto* notes = helpers.user_notes().of(tx.facts.auth.user)) annotate(tx.facts.annotations, *notes);
  // As Squid's authenticateAuthUserRequestSetIp: where an accepted user comes from.
  if (tx.facts.auth.status == AuthStatus::Accepted) {
    helpers.user_addresses().seen(tx.facts.auth.user, tx.facts.client, Steady::now(), auth.authenticate_ip_ttl);
    tx.facts.auth.addresses = &helpers.user_addresses();
  }
}

Challenges challenges(ClientConnection& conn, Transaction& tx) {
  // A handshake under way continues with its own scheme alone.
  if (auto next_step = handshake_challenge(conn, tx)) return {{std::move(*next_step)}, false, true};
  // Squid's "HTTP request missing credentials": a new handshake starts over.
  if (!tx.uses_connection_auth) end_connection_auth(conn, tx);
  const AuthConfig& auth = tx.config().auth;
  Challenges out;
  for (const auto& scheme : auth.schemes) {
    if (scheme == "basic" && auth.active_basic()) out.headers.push_back(basic_challenge(*auth.active_basic()));
    if (scheme == "digest" && auth.active_digest())
      out.headers.push_back(digest_challenge(conn, *auth.active_digest(), tx.digest_nonce_stale));
    if (scheme == "ntlm")
      add_connection_challenge(conn, tx, ConnectionAuth::Scheme::Ntlm, out.headers, out.close_connection);
    if (scheme == "negotiate")
      add_connection_challenge(conn, tx, ConnectionAuth::Scheme::Negotiate, out.headers, out.close_connection);
  }
  for (const auto& header : out.headers)
    out.connection_oriented = out.connection_oriented || header.starts_with("NTLM") || header.starts_with("Negotiate");
  return out;
}

}  // namespace cuttle
