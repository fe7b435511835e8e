// The PROXY protocol header on a require-proxy-header port, taken as squid 5.7's
// ConnStateData takes it: the sender must be allowed by proxy_protocol_access
// (checked once, on the TCP peer), then the header must come whole and well-formed
// before any HTTP byte; its source and destination then stand for the client's
// address and the address it connected to, for ACLs and logs alike.
#pragma once

#include "proxy/server/client_connection.h"

#include <chrono>

namespace cuttle {

// Reads and applies the header. False when the connection must close unanswered
// (sender not allowed, malformed or missing header, closed or timed out first);
// the reason has been reported on stderr (squid's cache.log) and logged as squid
// logs a connection that ended before a request.
awaitable<bool> take_proxy_protocol_header(ClientConnection& conn, const Config& config);

}  // namespace cuttle
