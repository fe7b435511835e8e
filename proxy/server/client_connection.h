// The client side of a transaction: the connection and what the worker lends it.
// ClientSession owns it; the pipeline's steps read from and answer on it.
#pragma once

#include "proxy/config/config.h"
#include "proxy/http/error_page.h"
#include "proxy/server/asio_types.h"
#include "proxy/server/client_stream.h"
#include "proxy/server/connection_auth.h"
#include "proxy/server/forwarder.h"
#include "proxy/server/worker_services.h"

#include <memory>
#include <optional>
#include <string>

namespace cuttle {

// http_access denied a CONNECT that SslBump then decrypted, as squid does so
// a browser can show the page: the last ACL the rules looked at (deny_info),
// under the configuration that denied it.
struct DeniedConnect {
  std::shared_ptr<const ActiveConfig> active;
  const Acl* last_acl = nullptr;
};

// A CONNECT tunnel SslBump decrypted: its requests are https:// ones.
struct BumpedTunnel {
  // Where requests without a Host go: the client's SNI, else the CONNECT's
  // host, at the CONNECT's port (squid's prepareTlsSwitchingURL).
  std::string authority;
  // Connecting to the server first failed (server-first bumping): the first
  // request is answered with this, as squid does, and the connection ends.
  std::optional<ErrorKind> server_error;
  ErrorDetail server_error_detail;
  // The CONNECT was denied: the first request gets the denial, then the connection ends.
  std::optional<DeniedConnect> denial;
  // The CONNECT's user, accepted by a proxy_auth rule: the tunnel's requests are
  // that user's (a browser sends no credentials inside it; squid keeps them too).
  std::optional<AuthFacts> connect_auth;
  // The context of the certificate shown: the worker's cache may drop it first.
  std::shared_ptr<asio::ssl::context> context;
};

struct ClientConnection {
  ClientStream stream;
  beast::flat_buffer buffer;  // bytes read and not yet used (a pipelined request, a body)
  std::string send_buffer;    // the part of a hit the socket did not take at once (cache_hit.h)
  const HttpPortConfig& port;
  WorkerServices& services;
  std::string client_ip;
  asio::ip::address client_address;
  asio::ip::address local_address;  // the address and port the client connected to
  uint16_t local_port = 0;
  // An NTLM or Negotiate handshake under way, or its outcome (steps/connection_authenticate.h).
  std::unique_ptr<ConnectionAuth> auth;
  uint16_t client_port = 0;
  std::string listening_ip;  // %la: the http_port's address, the connection's when it listens on all
  BucketTicket write_limit;  // client_delay_pools, chosen when the connection opens
  // On an intercept port: where the client sent the connection, before NAT. The
  // local address and port above are this one's, as squid's clientConnection->local.
  std::optional<tcp::endpoint> original_destination;
  // Nothing redirected it: the client connected to the intercept port itself, so
  // its original destination is this proxy and forwarding there would loop.
  bool intercept_port_reached_directly = false;
  std::optional<BumpedTunnel> bumped;
  // An intercepted TLS connection whose peek decided to splice: its next
  // (fake, SNI-named) CONNECT is tunnelled without further SslBump steps.
  bool splice_decided = false;
  // What SslBump1 decided for an intercepted TLS connection, before its fake
  // CONNECT met http_access (squid's postHttpsAccept).
  std::optional<SslBumpAction> step1_decision;

  ClientSide side() {
    return {stream, buffer, client_ip, {}, nullptr, port.connection_auth, {}, write_limit.limits() ? &write_limit : nullptr};
  }
  ProxyRuntime& runtime() { return services.runtime; }
};

}  // namespace cuttle
