// access_log's modules against squid 5.7: the same configuration and requests
// through squid and cuttle, and what each sends where. daemon: the bytes a
// daemon of the test's receives (squid's line protocol, -k rotate and
// reconfigure included) and what squid's own log_file_daemon writes; syslog:
// the datagrams arriving at a /dev/log the test owns, inside a private mount
// namespace each proxy runs in; udp: the datagrams; tcp: the stream, per
// connection, with the receiver absent at first. Only requests for /logmod go
// to these outputs (squid also logs the fixtures' port probe). Then what a dead
// or hung daemon does to cuttle's requests: nothing.
#include "tests/support/differential.h"
#include "tests/support/log_file.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace cuttle::testing {
namespace log_modules_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Only these requests reach the outputs under test.
const std::string kOnlyLogmod = "acl logmod urlpath_regex ^/logmod\n";
// A format whose lines are the same bytes from both proxies.
const std::string kPlainFormat = "logformat plain %rm %ru %>Hs\n";

// A squid native line's times and sizes (each proxy sends its own headers).
std::string masked(std::string text) {
  static const std::vector<std::pair<std::regex, std::string>> masks = {
      {std::regex(R"(\d{9,10}\.\d{3} +\d+ )"), "EPOCH MS "},
      {std::regex(R"((/\d{3}) \d+ )"), "$1 SIZE "},
      {std::regex(R"(<(\d+)>\w\w\w [ \d]\d \d\d:\d\d:\d\d )"), "<$1>TIME "},
  };
  for (const auto& [pattern, replacement] : masks) text = std::regex_replace(text, pattern, replacement);
  return text;
}

// `read()` once `done` holds for it (or `within` passed).
std::string wait_until(const std::function<std::string()>& read, const std::function<bool(const std::string&)>& done,
                       std::chrono::milliseconds within = 10s) {
  const auto deadline = Clock::now() + within;
  auto text = read();
  while (!done(text) && Clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
    text = read();
  }
  return text;
}

size_t count_of(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

// A directory both proxies (squid runs as `proxy`) may write in.
std::unique_ptr<TempDir> shared_dir() {
  auto dir = std::make_unique<TempDir>("cuttle-logmod");
  fs::permissions(dir->path(), fs::perms::all);
  return dir;
}

void make_executable(const TempDir& dir, const std::string& name, const std::string& script) {
  dir.write(name, script);
  fs::permissions(dir.file(name), fs::perms::all);
}

// A logfile_daemon recording its argument count, its place and every byte it
// gets in PLACE.record; it outlives SIGTERM to read all squid sends before.
std::string recording_daemon(const TempDir& dir) {
  make_executable(dir, "recorder.sh",
                  "#!/bin/sh\ntrap '' TERM\necho \"ARGS $# $1\" >> \"$1.record\"\nexec cat >> \"$1.record\"\n");
  return dir.file("recorder.sh");
}

template <class Proxy>
void get(Proxy& proxy, const OriginServer& origin, const std::string& path) {
  EXPECT_EQ(proxy_get(proxy.port(), origin.url(path)).result_int(), 200) << path;
}

template <class Proxy>
std::string who_of(Proxy&) {
  return std::is_same_v<Proxy, SquidProcess> ? "squid" : "cuttle";
}

TEST(LogModules, ADaemonGetsSquidsProtocolAcrossRotateAndReconfigure) {
  OriginServer origin;
  auto dir = shared_dir();
  const auto daemon = recording_daemon(*dir);
  auto config = [&](const std::string& who) {
    return kOnlyLogmod + "logfile_rotate 3\nlogfile_daemon " + daemon + "\naccess_log daemon:" +
           dir->file(who + ".log") + " logmod\n";
  };
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    const auto record = dir->file(who_of(proxy) + ".log.record");
    auto read = [&] { return read_file(record); };
    auto flushes = [&](size_t n) {
      wait_until(read, [n](const std::string& r) { return count_of(r, "\nF\n") == n; });
    };
    std::this_thread::sleep_for(1500ms);  // the first flush event: "r3 b0" and an F
    get(proxy, origin, "/logmod/one");
    flushes(2);
    get(proxy, origin, "/logmod/two");
    flushes(3);
    EXPECT_EQ(proxy.control({"-k", "rotate"}).exit_code, 0);
    std::this_thread::sleep_for(1500ms);  // "R" goes with the next flush event
    get(proxy, origin, "/logmod/three");
    flushes(5);
    EXPECT_EQ(proxy.control({"-k", "reconfigure"}).exit_code, 0);
    // A new daemon, told the header again, flushed a second later.
    flushes(6);
    get(proxy, origin, "/logmod/four");
    flushes(7);
    return masked(read());
  });
  const auto place = dir->file("WHO.log");
  auto as_squid = std::regex_replace(by_cuttle, std::regex(dir->file("cuttle.log")), place);
  EXPECT_EQ(as_squid, std::regex_replace(by_squid, std::regex(dir->file("squid.log")), place));
  const auto line = [&](const std::string& path) {
    return "LEPOCH MS 127.0.0.1 TCP_MISS/200 SIZE GET " + origin.url(path) + " - HIER_DIRECT/127.0.0.1 text/plain\nF\n";
  };
  EXPECT_EQ(as_squid, "ARGS 1 " + place + "\nr3\nb0\nF\n" + line("/logmod/one") + line("/logmod/two") + "R\nF\n" +
                          line("/logmod/three") + "ARGS 1 " + place + "\nr3\nb0\nF\n" + line("/logmod/four"));
}

// The pid and command line of the running process whose command line starts with `start`.
std::vector<std::string> command_lines_starting(const std::string& start) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto command = read_file(entry.path().string() + "/cmdline");
    if (!command.starts_with(start)) continue;
    std::replace(command.begin(), command.end(), '\0', ' ');
    found.push_back(command);
  }
  return found;
}

TEST(LogModules, SquidsLogFileDaemonWritesAndRotatesTheSameFiles) {
  const std::string program = "/usr/lib/squid/log_file_daemon";
  if (::access(program.c_str(), X_OK) != 0) GTEST_SKIP() << program << " is not installed";
  OriginServer origin;
  auto dir = shared_dir();
  auto config = [&](const std::string& who) {
    return kOnlyLogmod + "logfile_rotate 2\nlogfile_daemon " + program + "\naccess_log daemon:" +
           dir->file(who + ".log") + " logmod\n";
  };
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    const auto log = dir->file(who_of(proxy) + ".log");
    std::vector<std::string> seen;
    // The daemon as `ps` shows it: argv[0] is squid's "(logfile-daemon)".
    const auto daemon = wait_until(
        [&] {
          for (const auto& command : command_lines_starting("(logfile-daemon)"))
            if (command.find(log) != std::string::npos) return std::regex_replace(command, std::regex(log), "PLACE");
          return std::string();
        },
        [](const std::string& found) { return !found.empty(); }, 5s);
    seen.push_back(daemon);
    get(proxy, origin, "/logmod/one");
    wait_until([&] { return read_file(log); }, [](const std::string& t) { return t.find("/logmod/one") != std::string::npos; });
    EXPECT_EQ(proxy.control({"-k", "rotate"}).exit_code, 0);
    wait_until([&] { return fs::exists(log + ".0") ? std::string("yes") : ""; }, [](const std::string& t) { return !t.empty(); });
    get(proxy, origin, "/logmod/two");
    wait_until([&] { return read_file(log); }, [](const std::string& t) { return t.find("/logmod/two") != std::string::npos; });
    for (const auto& file : {log, log + ".0", log + ".1"})
      seen.push_back(fs::exists(file) ? masked(read_file(file)) : "<no file>");
    return seen;
  });
  EXPECT_EQ(by_cuttle, by_squid);
  ASSERT_EQ(by_squid.size(), 4u);
  EXPECT_EQ(by_squid[0], "(logfile-daemon) PLACE ");
  EXPECT_NE(by_squid[1].find("/logmod/two"), std::string::npos);
  EXPECT_NE(by_squid[2].find("/logmod/one"), std::string::npos);
}

// /dev/log inside a private mount namespace: a tmpfs /dev with the device nodes
// processes need and /dev/log linked to a datagram socket the test reads.
class PrivateDevLog {
 public:
  explicit PrivateDevLog(const TempDir& dir) : socket_path_(dir.file("log.sock")) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un at{};
    at.sun_family = AF_UNIX;
    std::snprintf(at.sun_path, sizeof at.sun_path, "%s", socket_path_.c_str());
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) throw std::runtime_error("bind " + socket_path_);
    ::chmod(socket_path_.c_str(), 0666);  // squid sends as `proxy`
    const auto ready = dir.file("namespace.ready");
    const std::string script =
        "set -e\n"
        "nodes=''\n"
        "for n in null zero full random urandom tty; do nodes=\"$nodes $n:$(stat -c '%t:%T' /dev/$n)\"; done\n"
        "mount -t tmpfs -o mode=755 cuttle-test-dev /dev\n"
        "for entry in $nodes; do\n"
        "  IFS=: read -r name major minor <<EOF\n$entry\nEOF\n"
        "  mknod -m 666 /dev/$name c $((0x$major)) $((0x$minor))\n"
        "done\n"
        "mkdir -m 1777 /dev/shm\n"
        "ln -s /proc/self/fd /dev/fd\n"
        "ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr\n"
        "ln -s " + socket_path_ + " /dev/log\n"
        "touch " + ready + "\n"
        "exec sleep 600\n";
    holder_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"unshare", "--mount", "--propagation", "private", "/bin/bash", "-c", script},
        dir.file("namespace.out"));
    for (int i = 0; i < 250 && !fs::exists(ready); ++i) std::this_thread::sleep_for(20ms);
    if (!fs::exists(ready)) throw std::runtime_error("the namespace was not set up: " + holder_->output());
  }
  ~PrivateDevLog() { ::close(fd_); }

  // Can this machine make one? (root, unshare, mount)
  static std::optional<std::string> unavailable() {
    const auto tried = run_command({"unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                                    "mount -t tmpfs cuttle-probe /mnt"},
                                   10s);
    if (tried.exit_code == 0) return std::nullopt;
    return tried.output;
  }

  std::vector<std::string> launcher() const {
    return {"nsenter", "--target", std::to_string(holder_->pid()), "--mount", "--"};
  }

  // Every datagram that arrives until none has for `quiet`.
  std::vector<std::string> datagrams(std::chrono::milliseconds quiet = 1500ms) {
    std::vector<std::string> got;
    pollfd ready{fd_, POLLIN, 0};
    while (::poll(&ready, 1, static_cast<int>(quiet.count())) > 0) {
      std::string datagram(65536, '\0');
      const auto n = ::recv(fd_, datagram.data(), datagram.size(), 0);
      datagram.resize(n > 0 ? static_cast<size_t>(n) : 0);
      got.push_back(datagram);
    }
    return got;
  }

 private:
  std::string socket_path_;
  int fd_ = -1;
  std::unique_ptr<ChildProcess> holder_;
};

// Runs `scenario` through squid then cuttle, each started inside `ns`.
template <class Scenario>
auto in_namespace_through_squid_then_cuttle(PrivateDevLog& ns, const std::string& config, Scenario scenario) {
  std::vector<std::string> by_squid;
  {
    SquidProcess squid(config, ns.launcher());
    by_squid = scenario(squid);
  }
  CuttleProcess cuttle(config, "", ns.launcher());
  return std::pair{by_squid, scenario(cuttle)};
}

TEST(LogModules, SyslogMessagesAreSquidsPriorityIdentAndLine) {
  if (auto why = PrivateDevLog::unavailable()) GTEST_SKIP() << "no private mount namespace for /dev/log: " << *why;
  OriginServer origin;
  auto dir = shared_dir();
  PrivateDevLog dev_log(*dir);
  std::string config = kOnlyLogmod;
  for (const char* place : {"local4.err", "", "daemon", "LOG_LOCAL1.warning", "local2|notice", "authpriv.info",
                            "bogus.info"})
    config += "access_log syslog:" + std::string(place) + " logmod\n";
  config = kPlainFormat + config + "access_log syslog:local5.info plain logmod\n";
  auto [by_squid, by_cuttle] = in_namespace_through_squid_then_cuttle(dev_log, config, [&](auto& proxy) {
    get(proxy, origin, "/logmod/syslog");
    auto seen = dev_log.datagrams();
    for (auto& datagram : seen) datagram = masked(datagram);
    return seen;
  });
  EXPECT_EQ(by_cuttle, by_squid);
  ASSERT_EQ(by_squid.size(), 8u);
  const auto line = "EPOCH MS 127.0.0.1 TCP_MISS/200 SIZE GET " + origin.url("/logmod/syslog") +
                    " - HIER_DIRECT/127.0.0.1 text/plain\n";
  EXPECT_EQ(by_squid[0], "<167>TIME squid: " + line);  // local4 | (info | err = debug)
  EXPECT_EQ(by_squid[1], "<14>TIME squid: " + line);   // user.info
  EXPECT_EQ(by_squid[7], "<174>TIME squid: GET " + origin.url("/logmod/syslog") + " 200\n");
}

TEST(LogModules, SyslogSendsLogMimeHdrsHeadersAsASecondMessageAsSquid) {
  if (auto why = PrivateDevLog::unavailable()) GTEST_SKIP() << "no private mount namespace for /dev/log: " << *why;
  OriginServer origin;
  auto dir = shared_dir();
  PrivateDevLog dev_log(*dir);
  const auto config = kOnlyLogmod + "log_mime_hdrs on\naccess_log syslog:local3.info logmod\n";
  auto [by_squid, by_cuttle] = in_namespace_through_squid_then_cuttle(dev_log, config, [&](auto& proxy) {
    RawConnection conn(proxy.port());
    conn.send(request_text("GET", origin.url("/logmod/mime"), "X-Marker: m\r\n"));
    conn.read_response();
    auto seen = dev_log.datagrams();
    // The headers differ (each proxy's own Via, X-Cache, Date): only their shape is compared.
    for (auto& datagram : seen)
      datagram = std::regex_replace(masked(datagram), std::regex(R"(squid:  \[.*X-Marker: m.*\] \[HTTP/1\.1 200 .*\]\n$)"),
                                    "squid:  [REQUEST] [REPLY]\n");
    return seen;
  });
  EXPECT_EQ(by_cuttle, by_squid);
  ASSERT_EQ(by_squid.size(), 2u);
  EXPECT_EQ(by_squid[1], "<158>TIME squid:  [REQUEST] [REPLY]\n");
}

// Datagrams arriving on a UDP socket of the test's, until none has for `quiet`.
std::vector<std::string> udp_datagrams(int fd, std::chrono::milliseconds quiet) {
  std::vector<std::string> got;
  pollfd ready{fd, POLLIN, 0};
  while (::poll(&ready, 1, static_cast<int>(quiet.count())) > 0) {
    std::string datagram(65536, '\0');
    const auto n = ::recv(fd, datagram.data(), datagram.size(), 0);
    datagram.resize(n > 0 ? static_cast<size_t>(n) : 0);
    got.push_back(datagram);
  }
  return got;
}

int loopback_socket(int type, unsigned short port) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(port);
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) throw std::runtime_error("bind");
  if (type == SOCK_STREAM) ::listen(fd, 8);
  return fd;
}

TEST(LogModules, UdpDatagramsArePackedAsSquidsAndRotateChangesNothing) {
  OriginServer origin;
  const auto port = free_port();
  const int receiver = loopback_socket(SOCK_DGRAM, port);
  const auto config = kOnlyLogmod + kPlainFormat + "access_log udp://127.0.0.1:" + std::to_string(port) +
                      " logformat=plain logmod\n";
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    // Lines of about 250 bytes: a datagram holds 5 and fills faster than
    // cuttle's one-second limit on holding one.
    for (int i = 10; i < 32; ++i) get(proxy, origin, "/logmod/udp/" + std::string(200, 'u') + std::to_string(i));
    EXPECT_EQ(proxy.control({"-k", "rotate"}).exit_code, 0);
    auto seen = udp_datagrams(receiver, 1500ms);  // squid holds the last lines until it closes the log
    EXPECT_EQ(proxy.control({"-k", "reconfigure"}).exit_code, 0);
    for (auto& datagram : udp_datagrams(receiver, 3s)) seen.push_back(datagram);
    return seen;
  });
  ::close(receiver);
  EXPECT_EQ(by_cuttle, by_squid);
  std::string all;
  for (const auto& datagram : by_squid) {
    EXPECT_LE(datagram.size(), 1400u);
    all += datagram;
  }
  EXPECT_EQ(count_of(all, "\n"), 22u);
  EXPECT_EQ(by_squid.size(), 5u);  // 4 full ones, the last held until the log closes
}

// What a TCP receiver of the test's gets: the bytes of each connection, in order.
class TcpReceiver {
 public:
  explicit TcpReceiver(unsigned short port) : port_(port) {}
  ~TcpReceiver() { stop(); }
  void listen() {
    listener_ = loopback_socket(SOCK_STREAM, port_);
    thread_ = std::thread([this] { serve(); });
  }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
    listener_ = -1;
    stopping_ = false;
  }
  std::vector<std::string> connections() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    std::vector<int> open;
    while (!stopping_) {
      std::vector<pollfd> ready{{listener_, POLLIN, 0}};
      for (int fd : open) ready.push_back({fd, POLLIN, 0});
      if (::poll(ready.data(), ready.size(), 50) <= 0) continue;
      if (ready[0].revents & POLLIN) {
        open.push_back(::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC));
        std::lock_guard lock(mutex_);
        received_.emplace_back();
      }
      for (size_t i = 1; i < ready.size(); ++i) {
        if (ready[i].fd < 0 || !(ready[i].revents & (POLLIN | POLLHUP))) continue;
        char buffer[65536];
        const auto n = ::recv(ready[i].fd, buffer, sizeof buffer, 0);
        if (n <= 0) {  // closed by the proxy: no longer polled
          ::close(open[i - 1]);
          open[i - 1] = -1;
          continue;
        }
        std::lock_guard lock(mutex_);
        received_[i - 1].append(buffer, static_cast<size_t>(n));  // in the order accepted
      }
    }
    for (int fd : open)
      if (fd >= 0) ::close(fd);
  }

  unsigned short port_;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<std::string> received_;
  std::thread thread_;
};

TEST(LogModules, TcpStreamWaitsForAnAbsentReceiverAndReconfigureOpensANewConnection) {
  OriginServer origin;
  const auto port = free_port();
  const auto config = kOnlyLogmod + kPlainFormat + "access_log tcp://127.0.0.1:" + std::to_string(port) +
                      " logformat=plain logmod\n";
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    TcpReceiver receiver(port);
    get(proxy, origin, "/logmod/tcp/1");
    get(proxy, origin, "/logmod/tcp/2");
    std::this_thread::sleep_for(1s);  // failed attempts, reported
    receiver.listen();
    auto arrived = [&](const std::string& path) {
      return [&receiver, path] {
        for (const auto& c : receiver.connections())
          if (c.find(path) != std::string::npos) return true;
        return false;
      };
    };
    auto wait_for = [&](const std::string& path) {
      wait_until([&] { return arrived(path)() ? std::string("y") : ""; }, [](const std::string& t) { return !t.empty(); });
    };
    wait_for("/logmod/tcp/2");
    EXPECT_EQ(proxy.control({"-k", "rotate"}).exit_code, 0);
    get(proxy, origin, "/logmod/tcp/3");
    wait_for("/logmod/tcp/3");
    EXPECT_EQ(proxy.control({"-k", "reconfigure"}).exit_code, 0);
    std::this_thread::sleep_for(2s);
    get(proxy, origin, "/logmod/tcp/4");
    wait_for("/logmod/tcp/4");
    receiver.stop();
    return receiver.connections();
  });
  EXPECT_EQ(by_cuttle, by_squid);
  const auto url = [&](int i) { return "GET " + origin.url("/logmod/tcp/" + std::to_string(i)) + " 200\n"; };
  EXPECT_EQ(by_squid, (std::vector<std::string>{url(1) + url(2) + url(3), url(4)}));
}

TEST(LogModules, TcpConnectionFailuresAreReportedInSquidsWords) {
  const auto port = free_port();
  const auto config = kOnlyLogmod + "access_log tcp://127.0.0.1:" + std::to_string(port) + " logmod\n";
  const auto expected = "tcp:127.0.0.1:" + std::to_string(port) +
                        " logger connection attempt #1 failed. Will keep trying every 0.50 seconds.";
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    std::string said;
    if constexpr (std::is_same_v<std::decay_t<decltype(proxy)>, SquidProcess>)
      said = wait_until([&] { return proxy.cache_log(); }, [&](const std::string& t) { return t.find(expected) != std::string::npos; });
    else
      said = wait_until([&] { return proxy.output(); }, [&](const std::string& t) { return t.find(expected) != std::string::npos; });
    return said.find(expected) != std::string::npos;
  });
  EXPECT_TRUE(by_squid);
  EXPECT_TRUE(by_cuttle);
}

// squid 5.7 dies when its daemon does (its next write fails: fatal()); cuttle
// starts the daemon again and keeps serving.
TEST(LogModules, ADeadDaemonIsStartedAgainAndRequestsNeverWait) {
  OriginServer origin;
  auto dir = shared_dir();
  CuttleProcess cuttle(kOnlyLogmod + "logfile_daemon " + recording_daemon(*dir) + "\naccess_log daemon:" +
                       dir->file("d.log") + " logmod\n");
  const auto record = dir->file("d.log.record");
  get(cuttle, origin, "/logmod/before");
  wait_until([&] { return read_file(record); }, [](const std::string& r) { return r.ends_with("F\n"); });
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto status = read_file(entry.path().string() + "/status");
    if (status.find("\nPPid:\t" + std::to_string(cuttle.pid()) + "\n") != std::string::npos)
      ::kill(std::stoi(name), SIGKILL);  // the daemon: cuttle's only child
  }
  const auto start = Clock::now();
  for (int i = 0; i < 20; ++i) get(cuttle, origin, "/logmod/after/" + std::to_string(i));
  EXPECT_LT(Clock::now() - start, 3s);
  const auto text = wait_until([&] { return read_file(record); },
                               [](const std::string& r) { return r.find("/logmod/after/19") != std::string::npos; });
  EXPECT_EQ(count_of(text, "ARGS 1 "), 2u);
  EXPECT_EQ(count_of(text, "/logmod/after/"), 20u);  // queued while no daemon ran
  EXPECT_NE(cuttle.output().find("starting it again"), std::string::npos) << cuttle.output();
}

TEST(LogModules, AHungDaemonNeverHoldsUpRequestsOrReconfigure) {
  OriginServer origin;
  auto dir = shared_dir();
  make_executable(*dir, "hung.sh", "#!/bin/sh\nexec sleep 600\n");  // never reads
  CuttleProcess cuttle(kOnlyLogmod + "logfile_daemon " + dir->file("hung.sh") + "\naccess_log daemon:" +
                       dir->file("h.log") + " logmod\n");
  const std::string long_path = "/logmod/" + std::string(4000, 'p');
  const auto start = Clock::now();
  for (int i = 0; i < 200; ++i) get(cuttle, origin, long_path + std::to_string(i));  // 800 KB of lines
  EXPECT_LT(Clock::now() - start, 15s);
  const auto reconfigured = Clock::now();
  EXPECT_EQ(cuttle.control({"-k", "reconfigure"}).exit_code, 0);
  wait_until([&] { return cuttle.output(); }, [](const std::string& t) { return t.find("reconfigured") != std::string::npos; });
  EXPECT_LT(Clock::now() - reconfigured, 5s);
  get(cuttle, origin, "/logmod/still-serving");
}

}  // namespace log_modules_test
}  // namespace cuttle::testing
