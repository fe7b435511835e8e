// SslBump's bump: the client's TLS handshake completed by this proxy with a
// certificate made for the site, after which the tunnel's requests are read
// decrypted and go through the whole pipeline as https:// requests.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// squid's lines for a CONNECT SslBump took over: NONE_NONE/000 when it was
// terminated at once, NONE_NONE/200 for the CONNECT a peek or bump answered
// (TCP_DENIED/200 for one http_access denied).
void log_bump_step(ClientConnection& conn, Transaction& tx, unsigned status);

// The client's handshake with a certificate for the name it asked for (its SNI,
// else the CONNECT's host), mimicking `mimic` when there is one; its
// ClientHello is in conn.buffer. Sets conn.bumped; false when the connection ended.
awaitable<bool> accept_bumped(ClientConnection& conn, Transaction& tx, const X509* mimic);

void close_client(ClientConnection& conn);

// bump at SslBump1 (squid's client-first): the certificate names the SNI, or
// the CONNECT's host, and no server is contacted before the first request.
// The client's ClientHello is in conn.buffer. False when the connection ended.
awaitable<bool> bump_client_first(ClientConnection& conn, Transaction& tx);

// bump at SslBump2 (server-first): the server is connected to and its
// certificate checked first; the client's certificate mimics it. When the
// server fails the checks the client still gets a certificate (naming the
// site) and its first request the error.
awaitable<bool> bump_server_first(ClientConnection& conn, Transaction& tx);

}  // namespace cuttle
