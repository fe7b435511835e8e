// How cuttle keeps, reuses and gives up on connections, client and server side
// (squid 5.7's client_persistent_connections, server_persistent_connections,
// half_closed_clients, forward_timeout, peer_connect_timeout, pconn_lifetime).
#pragma once

#include <chrono>

namespace cuttle {

struct ConnectionSettings {
  bool client_persistent = true;  // off: every reply ends its client connection (Connection: close)
  bool server_persistent = true;  // off: no upstream connection carries a second request
  // on: a client that shut its sending side down is still answered; off (squid's
  // default): it is taken for gone and what it asked for is abandoned.
  bool half_closed_clients = false;
  // How long forwarding may look for a destination that works, over every retry.
  std::chrono::milliseconds forward_timeout{std::chrono::minutes(4)};
  // Connecting to a cache_peer without connect-timeout= of its own.
  std::chrono::milliseconds peer_connect_timeout{std::chrono::seconds(30)};
  // A persistent connection (client or server) this old is closed when it next
  // falls idle; 0: no limit.
  std::chrono::milliseconds pconn_lifetime{0};
};

// http_port ... tcpkeepalive[=idle,interval,timeout] (seconds; 0: the kernel's).
struct TcpKeepalive {
  unsigned idle = 0;
  unsigned interval = 0;
  unsigned timeout = 0;
};

}  // namespace cuttle
