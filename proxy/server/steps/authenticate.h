// Authentication for the slow access checks: the request's credentials read
// (Basic, Digest, NTLM or Negotiate: whichever configured scheme the header
// names; NTLM and Negotiate in steps/connection_authenticate.h), checked when
// an ACL needs them (the credentials cache / digest user cache, else the
// scheme's helper), and the challenges a 407 (401 on accelerator ports) carries,
// one per configured scheme in the order configured, as Squid sends them.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

#include <string>
#include <vector>

namespace cuttle {

// Reads the request's credentials into tx.credentials / tx.digest_credentials
// and tx.facts.auth, when a configured scheme can read them (Proxy-Authorization;
// Authorization on accelerator ports).
void read_credentials(ClientConnection& conn, Transaction& tx);
// Unchecked credentials become Accepted or Refused.
awaitable<void> authenticate(ClientConnection& conn, Transaction& tx);
// The user as access.log shows it once an authentication ACL looked at the
// credentials (Squid logs the name even when they were refused).
void log_user(Transaction& tx);
// The challenge header values for a 407/401 (a new Digest nonce each time), and
// whether the connection closes after it (NTLM and Negotiate: a failed handshake,
// keep_alive off).
struct Challenges {
  std::vector<std::string> headers;
  bool close_connection = false;
  bool connection_oriented = false;  // an NTLM or Negotiate challenge is among them
};
Challenges challenges(ClientConnection& conn, Transaction& tx);

}  // namespace cuttle
