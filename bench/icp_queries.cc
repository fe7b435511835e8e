// ICP server throughput: queries answered per second by one icp::Server on one
// core, over loopback UDP, with 1 KiB URLs (half of them HITs).
//
//   build/icp_queries [seconds=5] [window=128] [server_cpu=0] [load_cpu=1]
//
// The server runs the real Asio coroutine (one receive and one send system call
// per query) pinned to server_cpu; the load generator, pinned to load_cpu, keeps
// `window` queries in flight with sendmmsg/recvmmsg so it is not the bottleneck.
// A second figure measures the Responder core alone (decode, lookup, encode).
#include "icp/responder.h"
#include "icp/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace asio = boost::asio;
using namespace cuttle::icp;
using Clock = std::chrono::steady_clock;

namespace {

void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// 1000 distinct URLs of 1024 bytes each.
std::vector<std::string> make_urls() {
  std::vector<std::string> urls;
  for (int i = 0; i < 1000; ++i) {
    std::string u = "http://origin-" + std::to_string(i % 37) + ".example.com/objects/" + std::to_string(i) + "/";
    u.resize(1024, 'a' + i % 26);
    urls.push_back(std::move(u));
  }
  return urls;
}

ResponderHooks hooks(const std::unordered_set<std::string_view>& cached) {
  return ResponderHooks{[](const asio::ip::address& a, std::string_view) { return a.is_loopback() || a.is_v6(); },
                        [&cached](std::string_view url) {
                          return cached.count(url) ? LookupResult::Hit : LookupResult::Miss;
                        }};
}

double bench_core(const std::vector<std::vector<uint8_t>>& queries, const std::unordered_set<std::string_view>& cached,
                  double seconds) {
  Responder responder(hooks(cached));
  std::vector<uint8_t> out(kMaxMessageSize);
  auto from = asio::ip::make_address("127.0.0.1");
  uint64_t n = 0;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < end)
    for (int i = 0; i < 1000; ++i, ++n) responder.handle(queries[n % queries.size()], from, start, out);
  return n / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 5;
  int window = argc > 2 ? std::atoi(argv[2]) : 128;
  int server_cpu = argc > 3 ? std::atoi(argv[3]) : 0;
  int load_cpu = argc > 4 ? std::atoi(argv[4]) : 1;

  auto urls = make_urls();
  std::unordered_set<std::string_view> cached;
  for (size_t i = 0; i < urls.size(); i += 2) cached.insert(urls[i]);
  std::vector<std::vector<uint8_t>> queries;
  for (size_t i = 0; i < urls.size(); ++i) {
    Message m;
    m.opcode = Opcode::Query;
    m.request_number = uint32_t(i + 1);
    m.url = urls[i];
    queries.push_back(encode(m));
  }

  // The server: one thread, one io_context, the production Server coroutine.
  asio::io_context ioc(1);
  Responder responder(hooks(cached));
  auto socket = open_icp_socket(ioc.get_executor(), "127.0.0.1", 0);
  socket.set_option(asio::socket_base::receive_buffer_size(4 << 20));
  const uint16_t port = socket.local_endpoint().port();
  Server server(socket, responder);
  asio::co_spawn(ioc, server.run(), asio::detached);
  // CPU time the server thread used: queries per CPU-second is the figure that
  // survives other processes sharing the core.
  std::atomic<double> server_cpu_seconds{0};
  std::thread server_thread([&] {
    pin_to(server_cpu);
    ioc.run();
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    server_cpu_seconds = ts.tv_sec + ts.tv_nsec / 1e9;
  });

  // The load: keep `window` queries in flight, batch system calls.
  pin_to(load_cpu);
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
  int rcvbuf = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  timeval tv{0, 200'000};  // a lost datagram costs at most 200 ms, never a hang
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  constexpr int kBatch = 64;
  std::vector<mmsghdr> send_msgs(kBatch), recv_msgs(kBatch);
  std::vector<iovec> send_iov(kBatch), recv_iov(kBatch);
  std::vector<std::vector<uint8_t>> recv_bufs(kBatch, std::vector<uint8_t>(kMaxMessageSize));
  for (int i = 0; i < kBatch; ++i) {
    recv_iov[i] = {recv_bufs[i].data(), recv_bufs[i].size()};
    recv_msgs[i].msg_hdr = {};
    recv_msgs[i].msg_hdr.msg_iov = &recv_iov[i];
    recv_msgs[i].msg_hdr.msg_iovlen = 1;
  }
  uint64_t next = 0, sent = 0, answered = 0, hits = 0, timeouts = 0;
  auto send_n = [&](int n) {
    while (n > 0) {
      int k = std::min(n, kBatch);
      for (int i = 0; i < k; ++i) {
        auto& q = queries[next++ % queries.size()];
        send_iov[i] = {q.data(), q.size()};
        send_msgs[i].msg_hdr = {};
        send_msgs[i].msg_hdr.msg_iov = &send_iov[i];
        send_msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int r = ::sendmmsg(fd, send_msgs.data(), k, 0);
      if (r <= 0) return;
      sent += r;
      n -= r;
    }
  };

  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  int in_flight = window;
  send_n(window);
  while (Clock::now() < end) {
    int r = ::recvmmsg(fd, recv_msgs.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (r <= 0) {  // timed out: whatever was in flight is lost; refill the window
      ++timeouts;
      in_flight = 0;
      send_n(window);
      in_flight = window;
      continue;
    }
    for (int i = 0; i < r; ++i) hits += recv_bufs[i][0] == uint8_t(Opcode::Hit);
    answered += r;
    in_flight -= r;
    send_n(window - in_flight);
    in_flight = window;
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  asio::post(ioc, [&] { socket.close(); });
  server_thread.join();

  const auto& c = responder.counters();
  timespec load_ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &load_ts);
  double load_cpu_seconds = load_ts.tv_sec + load_ts.tv_nsec / 1e9;
  std::printf("icp_queries: %.1f s, window %d, 1 KiB URLs, server on cpu %d, load on cpu %d\n", elapsed, window,
              server_cpu, load_cpu);
  std::printf("  server over loopback UDP: %.0f queries/s answered (%llu sent, %llu answered, %.1f%% HIT, %llu "
              "load timeouts)\n",
              answered / elapsed, (unsigned long long)sent, (unsigned long long)answered,
              answered ? 100.0 * hits / answered : 0.0, (unsigned long long)timeouts);
  std::printf("  server thread: %.2f CPU-s busy of %.1f s = %.0f queries per CPU-second; load thread %.2f CPU-s\n",
              server_cpu_seconds.load(), elapsed, answered / server_cpu_seconds.load(), load_cpu_seconds);
  std::printf("  server counters: %llu queries, %llu hits, %llu misses, %llu errors, %llu dropped\n",
              (unsigned long long)c.queries.load(), (unsigned long long)c.hits.load(),
              (unsigned long long)c.misses.load(), (unsigned long long)c.errors.load(),
              (unsigned long long)c.dropped.load());
  pin_to(server_cpu);
  std::printf("  responder core alone (decode + lookup + encode): %.0f queries/s\n",
              bench_core(queries, cached, std::min(seconds, 2.0)));
  return answered > 0 ? 0 : 1;
}
