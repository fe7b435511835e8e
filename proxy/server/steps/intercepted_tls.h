// https_port … intercept ssl-bump: TLS connections netfilter redirected here,
// taken through SslBump as squid 5.7 takes them. The client sent no CONNECT: as
// squid's fakeAConnectRequest, the connection enters the pipeline as a CONNECT
// to where the client sent it (http_access and every other rule see it), which
// is never answered with a 200. A peek that decides to splice makes a second
// CONNECT, named by the ClientHello's SNI, which the rules see before the tunnel
// opens to the original destination.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// An intercepted TLS connection (no CONNECT was sent to this proxy).
inline bool intercepted_tls(const ClientConnection& conn) { return conn.port.bumps_intercepted_tls(); }

// Puts a CONNECT to `host` (a name, or empty: the original address) at the
// original destination's port ahead of the bytes the client sent.
void queue_fake_connect(ClientConnection& conn, const std::string& host = {});

// The status the CONNECT was answered with: 200, none for a fake one.
inline unsigned connect_reply_status(const ClientConnection& conn) { return intercepted_tls(conn) ? 0 : 200; }

// The tunnel of an intercepted connection, to its original destination,
// logged as squid 5.7 logs it (TCP_TUNNEL/200 … ORIGINAL_DST/address).
awaitable<bool> splice_intercepted(ClientConnection& conn, Transaction& tx);

}  // namespace cuttle
