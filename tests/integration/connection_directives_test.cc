// The connection directives against squid 5.7, through real sockets:
// client_persistent_connections, server_persistent_connections, pconn_lifetime,
// half_closed_clients, forward_timeout and peer_connect_timeout, and the
// http_port options tcpkeepalive and connection-auth.
#include "tests/support/differential.h"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <sys/syscall.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace connection_directives_test {

using Clock = std::chrono::steady_clock;

OriginReply hello(const RecordedRequest&) {
  OriginReply reply;
  reply.headers = {{"Cache-Control", "no-store"}};
  reply.body = "hello";
  return reply;
}

size_t distinct_connections(const OriginServer& origin) {
  std::set<int> ids;
  for (const auto& request : origin.requests()) ids.insert(request.connection_id);
  return ids.size();
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Whether the proxy closes an idle connection within `limit`: "closed", or
// "open" when it is still open then.
std::string closed_within(RawConnection& conn, std::chrono::seconds limit) {
  ::timeval tv{static_cast<time_t>(limit.count()), 0};
  ::setsockopt(conn.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char byte;
  const auto n = ::recv(conn.socket().native_handle(), &byte, 1, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return "open";
  return n == 0 || errno == ECONNRESET ? "closed" : "sent data";
}

TEST(ConnectionDirectives, ClientPersistentConnectionsOff) {
  OriginServer origin(hello);
  auto [by_squid, by_cuttle] = through_squid_then_cuttle("client_persistent_connections off\n", [&](auto& proxy) {
    std::vector<std::string> seen;
    // A reply relayed, and one of the proxy's own (a refused connection's error page).
    for (const std::string path : {"/one", "/refused"}) {
      RawConnection conn(proxy.port());
      const auto url = path == "/refused" ? std::string("http://127.0.0.1:1/refused") : origin.url(path);
      conn.send(request_text("GET", url));
      auto response = conn.read_response();
      seen.push_back(path + " " + std::to_string(response.result_int()) + " Connection: " +
                     std::string(response[http::field::connection]) + (conn.peer_closed() ? " closed" : " open"));
    }
    return seen;
  });
  EXPECT_EQ(by_squid, (std::vector<std::string>{"/one 200 Connection: close closed",
                                                "/refused 503 Connection: close closed"}));
  EXPECT_EQ(by_cuttle, by_squid);
}

TEST(ConnectionDirectives, ServerPersistentConnectionsOff) {
  auto connections_for = [](const std::string& config) {
    OriginServer origin(hello);
    auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
      const size_t before = distinct_connections(origin);
      RawConnection conn(proxy.port());
      for (const std::string path : {"/a", "/b", "/c"}) {
        conn.send(request_text("GET", origin.url(path)));
        conn.read_response();
      }
      return distinct_connections(origin) - before;
    });
    return std::pair{by_squid, by_cuttle};
  };
  const auto off = connections_for("server_persistent_connections off\n");
  EXPECT_EQ(off.first, 3u);
  EXPECT_EQ(off.second, off.first);
  const auto on = connections_for("");
  EXPECT_EQ(on.first, 1u);
  EXPECT_EQ(on.second, on.first);
}

// Idle connections live at most what is left of pconn_lifetime: the client's is
// closed, the server's is not reused.
TEST(ConnectionDirectives, PconnLifetimeClosesIdleConnections) {
  OriginServer origin(hello);
  auto [by_squid, by_cuttle] = through_squid_then_cuttle("pconn_lifetime 2 seconds\n", [&](auto& proxy) {
    std::vector<std::string> seen;
    const size_t before = distinct_connections(origin);
    RawConnection first(proxy.port());
    first.send(request_text("GET", origin.url("/first")));
    first.read_response();
    const auto idle_from = Clock::now();
    seen.push_back("client connection after 1 s: " + closed_within(first, std::chrono::seconds(1)));
    seen.push_back("client connection within 4 s: " + closed_within(first, std::chrono::seconds(3)));
    const double waited = seconds_since(idle_from);
    seen.push_back(std::string("closed after 1.5 s or more: ") + (waited >= 1.5 ? "yes" : "no"));
    std::this_thread::sleep_for(std::chrono::seconds(1));  // squid's server-side timer ticks once a second
    RawConnection second(proxy.port());
    second.send(request_text("GET", origin.url("/second")));
    second.read_response();
    seen.push_back("server connections: " + std::to_string(distinct_connections(origin) - before));
    return seen;
  });
  EXPECT_EQ(by_squid, (std::vector<std::string>{"client connection after 1 s: open",
                                                "client connection within 4 s: closed",
                                                "closed after 1.5 s or more: yes", "server connections: 2"}));
  EXPECT_EQ(by_cuttle, by_squid);
}

// A request, then the client's FIN: what came back, and the result code logged.
template <class Proxy>
std::vector<std::string> half_closed_exchange(Proxy& proxy, const OriginServer& origin, const std::string& path) {
  RawConnection conn(proxy.port());
  // Corked, the request and the FIN leave in one segment: the proxy sees the
  // half-close with the request, as it would on a real network, not a moment later.
  const int cork = 1;
  ::setsockopt(conn.socket().native_handle(), IPPROTO_TCP, TCP_CORK, &cork, sizeof cork);
  conn.send(request_text("GET", origin.url(path)));
  conn.shutdown_send();
  const auto answer = conn.read_until_close();
  std::istringstream words(proxy.access_log_line_with(path));
  std::string field, code;
  for (int i = 0; i < 4 && words >> field; ++i) code = field;  // time, elapsed, client, code/status
  return {answer.substr(0, answer.find("\r\n")), code};
}

// off (squid's default) takes a half-closed client for gone: nothing is fetched
// or sent.
TEST(ConnectionDirectives, HalfClosedClientsOffAbandonsTheRequest) {
  OriginServer origin(hello);
  auto [by_squid, by_cuttle] = through_squid_then_cuttle("half_closed_clients off\n", [&](auto& proxy) {
    return half_closed_exchange(proxy, origin, "/half-closed");
  });
  EXPECT_EQ(by_squid, (std::vector<std::string>{"", "TCP_MISS_ABORTED/000"}));
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_TRUE(origin.requests().empty());
}

// on answers it. Not against squid: squid 5.7 fails an assertion (comm.cc:1656
// "EX") and restarts on such a request.
TEST(ConnectionDirectives, HalfClosedClientsOnAnswers) {
  OriginServer origin(hello);
  CuttleProcess cuttle("half_closed_clients on\n");
  EXPECT_EQ(half_closed_exchange(cuttle, origin, "/half-closed"),
            (std::vector<std::string>{"HTTP/1.1 200 OK", "TCP_MISS/200"}));
}

// A listening socket that takes no connection: its backlog is full, so a connect
// to it hangs (the SYNs go unanswered) until the connecting side gives up.
class SilentListener {
 public:
  explicit SilentListener(unsigned short port) { listen_silently(port); }
  ~SilentListener() {
    for (int fd : fds_) ::close(fd);
  }

 protected:
  SilentListener() = default;
  void listen_silently(unsigned short port) {
    const int listener = bound_socket(port);
    ::listen(listener, 0);
    fds_.push_back(listener);
    for (int i = 0; i < 3; ++i) {  // fill the backlog
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      const auto address = loopback(port);
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
      fds_.push_back(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  static sockaddr_in loopback(unsigned short port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    return address;
  }
  static int bound_socket(unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    const auto address = loopback(port);
    ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    return fd;
  }

  std::vector<int> fds_;
};

// The status and how long a request took, in a coarse class: squid's timers
// tick once a second.
template <class Proxy>
std::string timed_status(Proxy& proxy, const std::string& url, double fast_below, double slow_below) {
  const auto start = Clock::now();
  RawConnection conn(proxy.port(), "127.0.0.1", std::chrono::seconds(30));
  conn.send(request_text("GET", url));
  const auto status = conn.read_response().result_int();
  const double took = seconds_since(start);
  const char* when = took < fast_below ? "fast" : took < slow_below ? "in time" : "late";
  return std::to_string(status) + " " + when;
}

// Direct to a server that never accepts, connect_timeout long: forward_timeout
// ends the attempt.
TEST(ConnectionDirectives, ForwardTimeout) {
  const auto port = free_port();
  SilentListener silent(port);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/silent";
  auto [by_squid, by_cuttle] =
      through_squid_then_cuttle("connect_timeout 30 seconds\nforward_timeout 2 seconds\n", [&](auto& proxy) {
        return timed_status(proxy, url, 1.5, 6);
      });
  EXPECT_EQ(by_squid, "503 in time");
  EXPECT_EQ(by_cuttle, by_squid);
}

// A cache_peer that answers squid's start-up probe, then stops accepting.
class PeerThatFallsSilent : public SilentListener {
 public:
  PeerThatFallsSilent() : port_(free_port()), listener_(bound_socket(port_)) {
    ::listen(listener_, 16);
    thread_ = std::thread([this] {
      while (!silent_) {
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd >= 0) ::close(fd);
      }
    });
  }
  ~PeerThatFallsSilent() { fall_silent(); }
  unsigned short port() const { return port_; }
  void fall_silent() {
    if (silent_.exchange(true)) return;
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
    listen_silently(port_);
  }

 private:
  unsigned short port_;
  int listener_;
  std::atomic<bool> silent_{false};
  std::thread thread_;
};

// Squid checks its timeouts about once a second and ran late under the
// sanitizer pass's load, so 1 s and 6 s are told apart with margins of seconds.
TEST(ConnectionDirectives, PeerConnectTimeout) {
  for (const std::string peer_option : {"", "connect-timeout=1"}) {
    std::vector<std::string> seen;
    auto run = [&](const std::string& who) {
      PeerThatFallsSilent peer;
      const std::string config = "cache_peer 127.0.0.1 parent " + std::to_string(peer.port()) + " 0 no-query " +
                                 peer_option + "\nnever_direct allow all\nconnect_timeout 30 seconds\n"
                                 "peer_connect_timeout 6 seconds\n";
      auto check = [&](auto& proxy) {
        std::this_thread::sleep_for(std::chrono::seconds(1));  // squid's probe of the peer
        peer.fall_silent();
        seen.push_back(who + ": " + timed_status(proxy, "http://example.invalid/peer", 4, 10));
      };
      if (who == "squid") {
        SquidProcess squid(config);
        check(squid);
      } else {
        CuttleProcess cuttle(config);
        check(cuttle);
      }
    };
    run("squid");
    run("cuttle");
    SCOPED_TRACE(peer_option);
    const std::string expected = peer_option.empty() ? "in time" : "fast";
    EXPECT_EQ(seen, (std::vector<std::string>{"squid: 503 " + expected, "cuttle: 503 " + expected}));
  }
}

// ---- tcpkeepalive: the accepted socket's options, read with getsockopt on a
// copy of the proxy's own descriptor (pidfd_getfd; the tests run as root) ----

std::string socket_inode_in(const char* file, unsigned short proxy_port, unsigned short client_port);

// The inode of the proxy's end of the connection from `client_port` to `proxy_port`
// (an IPv4 socket, or an IPv6 one with mapped addresses, as squid's may be).
std::string accepted_socket_inode(unsigned short proxy_port, unsigned short client_port) {
  for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"})
    if (auto inode = socket_inode_in(file, proxy_port, client_port); !inode.empty()) return inode;
  return "";
}

std::string socket_inode_in(const char* file, unsigned short proxy_port, unsigned short client_port) {
  std::ifstream table(file);
  std::string line;
  std::getline(table, line);  // the heading
  while (std::getline(table, line)) {
    std::istringstream in(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    in >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    auto port_of = [](const std::string& address) {
      return static_cast<unsigned short>(std::stoul(address.substr(address.find(':') + 1), nullptr, 16));
    };
    if (port_of(local) == proxy_port && port_of(remote) == client_port) return inode;
  }
  return "";
}

// A copy, in this process, of the descriptor some process holds for socket `inode`; -1 if none.
int copy_of_socket(const std::string& inode) {
  const std::string wanted = "socket:[" + inode + "]";
  for (const auto& process : std::filesystem::directory_iterator("/proc")) {
    const auto pid = process.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code ec;
    for (const auto& fd : std::filesystem::directory_iterator(process.path() / "fd", ec)) {
      std::error_code link_ec;
      if (std::filesystem::read_symlink(fd.path(), link_ec).string() != wanted) continue;
      const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, std::stoi(pid), 0));
      if (pidfd < 0) return -1;
      const int copy = static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, std::stoi(fd.path().filename()), 0));
      ::close(pidfd);
      return copy;
    }
  }
  return -1;
}

// SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT of the proxy's end
// of a connection accepted on its port (kept open after a reply from `url`).
std::string keepalive_options(unsigned short proxy_port, const std::string& url) {
  RawConnection conn(proxy_port);
  conn.send(request_text("GET", url));
  conn.read_response();
  const auto client_port = conn.socket().local_endpoint().port();
  const int fd = copy_of_socket(accepted_socket_inode(proxy_port, client_port));
  if (fd < 0) return "socket not found";
  auto option = [fd](int level, int name) {
    int value = -1;
    socklen_t size = sizeof value;
    ::getsockopt(fd, level, name, &value, &size);
    return std::to_string(value);
  };
  const auto text = "keepalive=" + option(SOL_SOCKET, SO_KEEPALIVE) + " idle=" + option(IPPROTO_TCP, TCP_KEEPIDLE) +
                    " interval=" + option(IPPROTO_TCP, TCP_KEEPINTVL) + " count=" + option(IPPROTO_TCP, TCP_KEEPCNT);
  ::close(fd);
  return text;
}

TEST(ConnectionDirectives, TcpKeepaliveIsSetAsSquidSetsIt) {
  if (::geteuid() != 0) GTEST_SKIP() << "reading another process's socket options needs root";
  OriginServer origin(hello);
  for (const std::string option : {"tcpkeepalive=30,5,12", "tcpkeepalive", ""}) {
    std::vector<std::string> seen;
    {
      const auto port = free_port();
      SquidProcess squid(WholeConfig{"http_port 127.0.0.1:" + std::to_string(port) + " " + option +
                                         "\nhttp_access allow localhost\n",
                                     port});
      seen.push_back(keepalive_options(port, origin.url("/keepalive")));
    }
    {
      const auto port = free_port();
      CuttleProcess cuttle(WholeConfig{"http_port 127.0.0.1:" + std::to_string(port) + " " + option +
                                           "\nhttp_access allow localhost\n",
                                       port});
      seen.push_back(keepalive_options(port, origin.url("/keepalive")));
    }
    SCOPED_TRACE(option);
    if (option == "tcpkeepalive=30,5,12") EXPECT_EQ(seen[0], "keepalive=1 idle=30 interval=5 count=3");
    if (option.empty()) EXPECT_EQ(seen[0].substr(0, 12), "keepalive=0 ");
    EXPECT_EQ(seen[1], seen[0]);
  }
}

// connection-auth=off: a server's offers of NTLM and Negotiate do not reach the
// client; with on they do, as the Basic one always does.
TEST(ConnectionDirectives, ConnectionAuthOffStripsConnectionOrientedOffers) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply reply;
    reply.status = 401;
    reply.headers = {{"WWW-Authenticate", "NTLM"}, {"WWW-Authenticate", "Negotiate"},
                     {"WWW-Authenticate", "Basic realm=\"origin\""}, {"WWW-Authenticate", "NTLMish x"}};
    reply.body = "who?";
    return reply;
  });
  for (const std::string option : {"connection-auth=off", "connection-auth=on"}) {
    std::vector<std::string> seen;
    auto offers = [&](unsigned short port) {
      RawConnection conn(port);
      conn.send(request_text("GET", origin.url("/private")));
      const auto response = conn.read_response();
      std::string all;
      for (auto [it, end] = response.equal_range(http::field::www_authenticate); it != end; ++it)
        all += "[" + std::string(it->value()) + "]";
      return std::to_string(response.result_int()) + " " + all;
    };
    const auto config = [&](unsigned short port) {
      return WholeConfig{"http_port 127.0.0.1:" + std::to_string(port) + " " + option +
                             "\nhttp_access allow localhost\ncache deny all\n",
                         port};
    };
    {
      const auto port = free_port();
      SquidProcess squid(config(port));
      seen.push_back(offers(port));
    }
    {
      const auto port = free_port();
      CuttleProcess cuttle(config(port));
      seen.push_back(offers(port));
    }
    SCOPED_TRACE(option);
    if (option == "connection-auth=off") EXPECT_EQ(seen[0], "401 [Basic realm=\"origin\"][NTLMish x]");
    EXPECT_EQ(seen[1], seen[0]);
  }
}

}  // namespace connection_directives_test
}  // namespace cuttle::testing
