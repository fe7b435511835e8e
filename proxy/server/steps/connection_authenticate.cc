#include "proxy/server/steps/connection_authenticate.h"

#include "proxy/auth/connection_token.h"
#include "proxy/server/steps/helper_line.h"

#include <utility>

namespace cuttle {

namespace {

using Scheme = ConnectionAuth::Scheme;
using State = ConnectionAuth::State;

const ConnectionAuthConfig* config_of(const AuthConfig& auth, Scheme scheme) {
  return scheme == Scheme::Ntlm ? auth.active_ntlm() : auth.active_negotiate();
}

struct SchemeToken {
  Scheme scheme;
  std::string token;
};

std::optional<SchemeToken> read_token(const AuthConfig& auth, std::string_view value) {
  if (auth.active_ntlm())
    if (auto token = auth::connection_token(value, "ntlm")) return SchemeToken{Scheme::Ntlm, std::move(*token)};
  if (auth.active_negotiate())
    if (auto token = auth::connection_token(value, "negotiate")) return SchemeToken{Scheme::Negotiate, std::move(*token)};
  return std::nullopt;
}

void use_connection(const ConnectionAuth& auth, Transaction& tx) {
  tx.uses_connection_auth = true;
  tx.facts.auth.user = auth.user;  // empty until the helper accepted
  tx.facts.auth.status = auth.state == State::Failed ? AuthStatus::Refused : AuthStatus::Unchecked;
}

// What the helper said of the user stays with the user, but for its token.
void remember_notes(ClientConnection& conn, const std::string& user, const helpers::HelperReply& reply) {
  Annotations notes;
  for (const auto& [key, value] : reply.notes)
    if (key != "token") notes.emplace_back(key, value);
  conn.services.helpers.user_notes().remember(user, notes, {"group", "tag"}, std::chrono::steady_clock::now());
}

// Squid's HandleReply for both schemes. Negotiate's OK and ERR may carry a last
// token for the client (mutual authentication); a helper's token is never kept
// among the user's notes.
void take_reply(ClientConnection& conn, const Transaction& tx, ConnectionAuth& auth,
                const helpers::HelperReply& reply) {
  const bool negotiate = auth.scheme == Scheme::Negotiate;
  switch (reply.result) {
    case helpers::HelperResult::TT:
      auth.needed_keep_alive = !tx.client_keep_alive;
      auth.state = auth.needed_keep_alive ? State::Failed : State::Handshake;
      auth.server_token = reply.note("token").value_or("");
      break;
    case helpers::HelperResult::Ok: {
      auto user = reply.note("user");
      auth.state = user && !user->empty() ? State::Accepted : State::Failed;
      auth.user = user.value_or("");
      if (negotiate) auth.server_token = reply.note("token").value_or("");
      if (auth.state == State::Accepted) remember_notes(conn, auth.user, reply);
      break;
    }
    case helpers::HelperResult::Error:
      auth.state = State::Failed;
      if (negotiate) auth.server_token = reply.note("token").value_or("");
      break;
    default:  // BH, a helper that died or hung, an expired reservation
      auth.state = State::Failed;
      break;
  }
  if (auth.state != State::Handshake) auth.reservation.release();
}

// Squid's startHelperLookup: "YR token" or "KK token", then the key_extras.
awaitable<void> ask_helper(ClientConnection& conn, const Transaction& tx, ConnectionAuth& auth) {
  auto& helpers = conn.services.helpers;
  if (!auth.pool) auth.pool = auth.scheme == Scheme::Ntlm ? helpers.ntlm_authenticator() : helpers.negotiate_authenticator();
  auto pool = auth.pool;  // the reservation's pool lives while it is asked
  if (!pool) {  // the configuration in force now dropped the scheme
    auth.state = State::Failed;
    co_return;
  }
  std::string line = auth.state == State::Unchecked ? "YR " : "KK ";
  line += std::exchange(auth.client_token, {});
  if (const auto* config = config_of(tx.config().auth, auth.scheme); config && !config->key_extras.empty())
    line += " " + expand_request_format(conn, tx, config->key_extras);
  const auto reply = co_await pool->ask_reserved(std::move(line), auth.reservation);
  take_reply(conn, tx, auth, reply);
}

}  // namespace

bool read_connection_credentials(ClientConnection& conn, Transaction& tx, std::string_view value) {
  if (value.empty()) {
    // Squid's authTryGetUser: a connection the helper accepted needs no credentials.
    if (!conn.auth || conn.auth->state != State::Accepted) return false;
    use_connection(*conn.auth, tx);
    return true;
  }
  auto token = read_token(tx.config().auth, value);
  // Credentials of another scheme end the connection's ("Unexpected change of
  // authentication scheme").
  if (!token || (conn.auth && conn.auth->scheme != token->scheme)) end_connection_auth(conn, tx);
  if (!token) return false;
  if (!conn.auth) conn.auth = std::make_unique<ConnectionAuth>(token->scheme);
  // An accepted connection stays its user's whatever token comes (as Squid, whose
  // connLastHeader is null for both schemes).
  if (conn.auth->state == State::Unchecked || conn.auth->state == State::Handshake)
    conn.auth->client_token = std::move(token->token);
  use_connection(*conn.auth, tx);
  return true;
}

awaitable<void> authenticate_connection(ClientConnection& conn, Transaction& tx) {
  if (!conn.auth) {
    tx.facts.auth.status = AuthStatus::Refused;
    co_return;
  }
  ConnectionAuth& auth = *conn.auth;
  if (auth.state == State::Unchecked || auth.state == State::Handshake) co_await ask_helper(conn, tx, auth);
  tx.facts.auth.user = auth.user;
  tx.facts.auth.status = auth.state == State::Accepted ? AuthStatus::Accepted : AuthStatus::Refused;
}

void end_connection_auth(ClientConnection& conn, Transaction& tx) {
  if (!conn.auth) return;
  conn.auth.reset();
  tx.client_keep_alive = false;
}

void add_connection_challenge(ClientConnection& conn, const Transaction& tx, Scheme scheme,
                              std::vector<std::string>& challenges, bool& close_connection) {
  const auto* config = config_of(tx.config().auth, scheme);
  if (!config) return;
  const std::string name = ConnectionAuth::name_of(scheme);
  ConnectionAuth* auth = tx.uses_connection_auth && conn.auth && conn.auth->scheme == scheme ? conn.auth.get() : nullptr;
  if (!auth) {
    challenges.push_back(name);
    if (!config->keep_alive) close_connection = true;
    return;
  }
  if (auth->needed_keep_alive) return;  // Squid's "Need keep-alive": no challenge of this scheme
  // Authentication is tied to the connection: a failed one starts over on a new one.
  if (auth->state == State::Failed) close_connection = true;
  if (!auth->server_token.empty()) challenges.push_back(name + " " + std::exchange(auth->server_token, {}));
  else challenges.push_back(name);
}

std::optional<std::string> handshake_challenge(ClientConnection& conn, const Transaction& tx) {
  if (!tx.uses_connection_auth || !conn.auth || conn.auth->state != State::Handshake) return std::nullopt;
  return std::string(ConnectionAuth::name_of(conn.auth->scheme)) + " " + std::exchange(conn.auth->server_token, {});
}

}  // namespace cuttle
