// Connections to the next hop (an origin server or a peer): opening them with
// deadlines and TLS verification, and a per-worker pool of idle keep-alive ones.
#pragma once

#include "proxy/http/error_page.h"
#include "proxy/config/config.h"
#include "proxy/peers/peer_connections.h"
#include "proxy/server/asio_types.h"
#include "proxy/dns/resolver.h"
#include "proxy/server/tls_contexts.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace cuttle {

// Where to connect and how.
struct UpstreamSpec {
  std::string host;  // name or IP literal
  uint16_t port = 0;
  bool tls = false;
  std::vector<std::string> tls_cafiles;  // extra trust anchors, all trusted; may be none
  std::optional<std::chrono::milliseconds> connect_timeout;  // a peer's connect-timeout=; else connect_timeout
  // TPROXY: the connection comes from this address (the client's), as squid's
  // spoofClientIp; such connections serve that client only.
  std::optional<asio::ip::address> spoofed_source;
  // TLS: the name sent as SNI and checked in the certificate when it is not
  // `host` (server-first bumping connects to the CONNECT's host with the client's SNI).
  std::string tls_name;
  // Pool key: connections are only reused for the same spec.
  std::string key() const;
};

// Read buffers larger than this are released when a connection goes idle.
inline constexpr size_t kIdleBufferCapacity = 16 * 1024;

class UpstreamConnection {
 public:
  explicit UpstreamConnection(TcpStream tcp) : stream(std::move(tcp)) {}
  UpstreamConnection(TlsStream tls) : stream(std::move(tls)) {}

  std::variant<TcpStream, TlsStream> stream;
  beast::flat_buffer buffer;  // bytes read from the upstream but not yet parsed
  std::string key;
  std::string address;        // the server's IP, for access.log
  bool reused = false;
  std::chrono::steady_clock::time_point opened_at = std::chrono::steady_clock::now();  // for pconn_lifetime
  std::chrono::steady_clock::time_point idle_since;
  // What pconn_lifetime left of its life when it fell idle: it may idle no longer.
  std::optional<std::chrono::steady_clock::duration> lifetime_left;
  peers::PeerConnections::Slot peer_slot;  // counts this connection against its peer's max-conn

  TcpStream& tcp();
};

struct ConnectOutcome {
  std::unique_ptr<UpstreamConnection> connection;
  std::optional<ErrorKind> error;
  ErrorDetail detail;  // for the error page
};

// An I/O failure as error pages show it: the system's words, and its errno
// (none for a timeout).
ErrorDetail describe_io_error(const error_code& ec, std::string server_ip = {});

// Resolves (the shared ipcache, else DNS within dns_timeout), connects
// (connect_timeout; tcp_outgoing_* chosen by `facts`' ACLs) and, for TLS,
// handshakes and verifies the certificate against `spec.host`.
awaitable<ConnectOutcome> connect_upstream(const UpstreamSpec& spec, const Config& config, dns::Resolver& resolver,
                                           TlsContexts& tls, const RequestFacts* facts);

// Idle keep-alive connections of one worker (single-threaded: no locking).
class UpstreamPool {
 public:
  explicit UpstreamPool(size_t limit = 256) : limit_(limit) {}

  // An idle connection for `key`, most recently used first, or nullptr. With
  // `check_alive`, connections the server has closed meanwhile are skipped.
  std::unique_ptr<UpstreamConnection> take(const std::string& key, bool check_alive);
  // With a `lifetime` (pconn_lifetime; 0: none), the connection idles at most what
  // is left of it (at least a second), as squid's Comm::Connection::timeLeft.
  void give_back(std::unique_ptr<UpstreamConnection> connection,
                 std::chrono::steady_clock::duration lifetime = std::chrono::steady_clock::duration::zero());
  bool has_idle(const std::string& key) const;
  // Closes connections idle for longer than `idle_timeout`, or than their lifetime_left.
  void sweep(std::chrono::steady_clock::duration idle_timeout);
  void clear();
  size_t size() const { return total_; }

 private:
  size_t limit_;
  size_t total_ = 0;
  std::unordered_map<std::string, std::vector<std::unique_ptr<UpstreamConnection>>> idle_;
};

}  // namespace cuttle
