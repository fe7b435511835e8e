// Clients that hold connections without using them: ten thousand idle keep-alive
// connections cost little memory each and are reclaimed by
// client_idle_pconn_timeout; a slowloris dripping its request header is cut off by
// request_timeout however steadily it drips; and cuttle raises its own descriptor
// limit so that such numbers fit at all.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/process_stats.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace idle_connections_test {

using namespace std::chrono_literals;

// Plain blocking client sockets (an io_context each would cost more than the
// proxy's side), closed together at the end.
class ClientSockets {
 public:
  ~ClientSockets() {
    for (int fd : fds_) ::close(fd);
  }
  // Connects to 127.0.0.1:port; -1 on failure. Reads give up after 5 s.
  int connect_to(unsigned short port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      ::close(fd);
      return -1;
    }
    fds_.push_back(fd);
    return fd;
  }
  const std::vector<int>& fds() const { return fds_; }

 private:
  std::vector<int> fds_;
};

bool send_all(int fd, const std::string& bytes) {
  for (size_t sent = 0; sent < bytes.size();) {
    auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads one reply with a Content-Length body; the whole reply text, or "" on failure.
std::string read_reply(int fd) {
  std::string in;
  char buf[4096];
  for (;;) {
    auto end = in.find("\r\n\r\n");
    if (end != std::string::npos) {
      auto at = in.find("Content-Length: ");
      if (at != std::string::npos && at < end &&
          in.size() >= end + 4 + std::stoull(in.substr(at + 16)))
        return in;
    }
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return "";
    in.append(buf, static_cast<size_t>(n));
  }
}

// True once the peer has closed `fd` (EOF or reset), without waiting; whatever
// it sent before closing is read and dropped.
bool closed_by_peer(int fd) {
  char buf[4096];
  for (;;) {
    auto n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) continue;
    return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }
}

rlimit descriptor_limit() {
  rlimit rl{};
  ::getrlimit(RLIMIT_NOFILE, &rl);
  return rl;
}

// "Max open files" soft limit of a running process, from /proc/PID/limits.
uint64_t soft_descriptor_limit_of(pid_t pid) {
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(limits, line))
    if (line.starts_with("Max open files")) {
      std::istringstream fields(line.substr(std::strlen("Max open files")));
      std::string soft;
      fields >> soft;
      return soft == "unlimited" ? UINT64_MAX : std::stoull(soft);
    }
  return 0;
}

TEST(IdleConnections, CuttleRaisesItsSoftDescriptorLimitToTheHardLimit) {
  // A service manager often starts daemons with a soft limit of 1024 (systemd's
  // default) and a much higher hard one; Squid raises the soft limit itself.
  const rlimit original = descriptor_limit();
  if (original.rlim_max != RLIM_INFINITY && original.rlim_max <= 512) GTEST_SKIP() << "hard limit too low to test";
  rlimit low = original;
  low.rlim_cur = 512;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::unique_ptr<CuttleProcess> cuttle;
  try {
    cuttle = std::make_unique<CuttleProcess>();  // inherits the low soft limit
  } catch (...) {
    ::setrlimit(RLIMIT_NOFILE, &original);
    throw;
  }
  ::setrlimit(RLIMIT_NOFILE, &original);
  const uint64_t hard = original.rlim_max == RLIM_INFINITY ? UINT64_MAX : original.rlim_max;
  // Linux caps an infinite hard limit at fs.nr_open: "at least far above 512" is what matters there.
  if (hard == UINT64_MAX) EXPECT_GT(soft_descriptor_limit_of(cuttle->pid()), 512u);
  else EXPECT_EQ(soft_descriptor_limit_of(cuttle->pid()), hard);
}

TEST(IdleConnections, TenThousandIdleClientsCostLittleMemoryAndTheIdleTimeoutReclaimsThem) {
  constexpr size_t kClients = 10000;
  // This process and cuttle each hold one descriptor per connection.
  rlimit rl = descriptor_limit();
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < kClients + 1000)
    GTEST_SKIP() << "the hard descriptor limit (" << rl.rlim_max << ") is below " << kClients + 1000;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? kClients + 1000 : rl.rlim_max;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &rl), 0) << std::strerror(errno);

  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=600"}};
    r.body = std::string(1024, 'i');
    return r;
  });
  TempDir dir;
  constexpr auto kIdleTimeout = 8s;
  CuttleProcess cuttle("cache_dir lmdb " + dir.file("cache") + " 16\nclient_idle_pconn_timeout 8 seconds\n");
  const std::string url = origin.url("/1k");
  const std::string request = request_text("GET", url);
  // Each connection asks for a cached 1 KiB object (a hit), as bench/conn_memory.sh does.
  ASSERT_EQ(proxy_get(cuttle.port(), url).body().size(), 1024u);
  ASSERT_EQ(proxy_get(cuttle.port(), url)["X-Cache"], "HIT from cuttle-test");
  std::this_thread::sleep_for(300ms);
  const size_t fds_before = open_fd_count(cuttle.pid());
  const uint64_t anon_before = anon_rss_kib(cuttle.pid());

  ClientSockets clients;
  const auto started = std::chrono::steady_clock::now();
  // In batches: connect, send every request, then read every reply.
  constexpr size_t kBatch = 500;
  for (size_t first = 0; first < kClients; first += kBatch) {
    std::vector<int> batch;
    for (size_t i = first; i < first + kBatch; ++i) {
      int fd = clients.connect_to(cuttle.port());
      ASSERT_GE(fd, 0) << "connection " << i << ": " << std::strerror(errno);
      ASSERT_TRUE(send_all(fd, request)) << "connection " << i;
      batch.push_back(fd);
    }
    for (size_t k = 0; k < batch.size(); ++k) {
      auto reply = read_reply(batch[k]);
      ASSERT_NE(reply.find("X-Cache: HIT"), std::string::npos) << "connection " << first + k << ": " << reply;
      ASSERT_EQ(reply.find("Connection: close"), std::string::npos) << reply;
    }
  }
  const auto opened_in = std::chrono::steady_clock::now() - started;
  ASSERT_LT(opened_in, kIdleTimeout - 2s) << "too slow to have them all idle at once";
  std::this_thread::sleep_for(300ms);
  const size_t fds_idle = open_fd_count(cuttle.pid());
  const uint64_t anon_idle = anon_rss_kib(cuttle.pid());
  EXPECT_GE(fds_idle, fds_before + kClients) << "cuttle does not hold every connection";
  const double kib_per_connection = double(anon_idle - std::min(anon_idle, anon_before)) / kClients;
  std::cout << "[ figures  ] " << kClients << " idle connections opened in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(opened_in).count() << " ms; anonymous RSS "
            << anon_before << " -> " << anon_idle << " KiB = " << kib_per_connection << " KiB per connection; fds "
            << fds_before << " -> " << fds_idle << std::endl;
  // docs/performance.md's target for an idle keep-alive connection.
  EXPECT_LE(kib_per_connection, 16.0);

  // The idle timeout closes every one of them, and the descriptors go back.
  EXPECT_TRUE(eventually([&] { return open_fd_count(cuttle.pid()) <= fds_before; }, kIdleTimeout + 10s))
      << open_fd_count(cuttle.pid()) << " descriptors still open, " << fds_before << " before";
  size_t still_open = 0;
  for (int fd : clients.fds()) still_open += !closed_by_peer(fd);
  EXPECT_EQ(still_open, 0u) << "connections cuttle did not close";
  std::cout << "[ figures  ] all closed by cuttle "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
            << " ms after the first connected (idle timeout " << kIdleTimeout.count() << " s); fds back to "
            << open_fd_count(cuttle.pid()) << ", anonymous RSS " << anon_rss_kib(cuttle.pid()) << " KiB" << std::endl;
  // And it still serves.
  EXPECT_EQ(proxy_get(cuttle.port(), url).body().size(), 1024u);
}

TEST(IdleConnections, ASlowlorisDrippingItsHeaderIsCutOffByRequestTimeout) {
  CuttleProcess cuttle("request_timeout 1 second\n");
  ClientSockets clients;
  int fd = clients.connect_to(cuttle.port());
  ASSERT_GE(fd, 0);
  const std::string header = "GET http://127.0.0.1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: " + std::string(200, 'd');
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  // One byte every 100 ms: each read makes progress, but the header never ends.
  for (size_t i = 0; i < header.size() && std::chrono::steady_clock::now() - start < 8s; ++i) {
    ::send(fd, &header[i], 1, MSG_NOSIGNAL);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0 && closed_by_peer(fd)) {
      closed = true;
      break;
    }
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed) << "still open after " << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()
                      << " ms of dripping";
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 3s);
}

}  // namespace idle_connections_test
}  // namespace cuttle::testing
