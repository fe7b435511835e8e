// CONNECT's two ways: a plain tunnel, or (on an ssl-bump port) SslBump's steps
// before it: the ssl_bump rules may peek at the ClientHello, splice or terminate.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// The tunnel to the CONNECT target, logged TCP_TUNNEL. `announce`: the "200
// Connection established" is still to be sent (false after a peek sent it).
awaitable<bool> open_tunnel(ClientConnection& conn, Transaction& tx, bool announce);

// SslBump over a CONNECT on an ssl-bump http_port.
awaitable<bool> bump_connect(ClientConnection& conn, Transaction& tx);

// A CONNECT http_access denied on an ssl-bump port, when there are ssl_bump
// rules: squid bumps it whatever they say (a browser shows no page a proxy
// sends instead of "200 Connection established"), logs it TCP_DENIED/200, and
// answers the first decrypted request with the denial. `last_acl`: the ACL the
// rules looked at last, for deny_info.
awaitable<bool> bump_denied_connect(ClientConnection& conn, Transaction& tx, const Acl* last_acl);

}  // namespace cuttle
