// NTLM and Negotiate, as Squid 5.7 runs them (src/auth/ntlm, src/auth/negotiate,
// Auth::UserRequest::authenticate): the client's token goes to a helper process
// reserved for the handshake ("YR token" first, "KK token" after), the helper's
// TT token comes back in a 407 on the same connection, and its OK makes the
// connection the user's: later requests need no credentials.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

// Reads `header_value` when it names a configured connection scheme, or (empty)
// lets the request use the connection's accepted user. Returns whether the
// request's credentials are the connection's now.
bool read_connection_credentials(ClientConnection& conn, Transaction& tx, std::string_view header_value);
// The helper's turn: tx.facts.auth becomes Accepted or Refused.
awaitable<void> authenticate_connection(ClientConnection& conn, Transaction& tx);

// Forgets the connection's handshake or user. As Squid's ConnStateData::setAuth
// (NULL): the connection then closes after this reply, so that no request on it
// can pass as the user it had.
void end_connection_auth(ClientConnection& conn, Transaction& tx);
// The challenges this scheme adds to a 407/401 (Squid's fixHeader), and whether
// the connection must close after it.
void add_connection_challenge(ClientConnection& conn, const Transaction& tx, ConnectionAuth::Scheme scheme,
                              std::vector<std::string>& challenges, bool& close_connection);
// A handshake waiting for the client's next token: its challenge alone.
std::optional<std::string> handshake_challenge(ClientConnection& conn, const Transaction& tx);

}  // namespace cuttle
