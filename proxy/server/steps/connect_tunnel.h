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

}  // namespace cuttle
