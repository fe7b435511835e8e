#include "tests/support/haproxy_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cuttle::testing {
namespace {

constexpr const char* kHaproxy = "/usr/sbin/haproxy";

// Whether something listens on address:port, without connecting: a connection
// through a frontend would reach the proxy behind it as one more client.
bool port_taken(const std::string& address, unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  const bool taken = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0;
  ::close(fd);
  return taken;
}

bool wait_until_listening(const std::string& address, unsigned short port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (port_taken(address, port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

bool HaproxyProcess::available() { return ::access(kHaproxy, X_OK) == 0; }

HaproxyProcess::HaproxyProcess(std::vector<HaproxyRoute> routes, const std::string& listen_address)
    : dir_("cuttle-haproxy"), address_(listen_address) {
  for (size_t i = 0; i < routes.size(); ++i) ports_.push_back(free_port());
  dir_.write("haproxy.cfg", config_text(routes));
  // -db: foreground, no daemon; the child is ours to stop.
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{kHaproxy, "-db", "-f", dir_.file("haproxy.cfg")},
                                            dir_.file("haproxy.out"));
  for (auto port : ports_)
    if (!wait_until_listening(address_, port, std::chrono::seconds(10)))
      throw std::runtime_error("haproxy did not start listening on " + address_ + ":" + std::to_string(port) +
                               "; output:\n" + process_->output());
}

HaproxyProcess::~HaproxyProcess() = default;

std::string HaproxyProcess::output() const { return process_->output(); }

std::string HaproxyProcess::config_text(const std::vector<HaproxyRoute>& routes) const {
  std::ostringstream cfg;
  cfg << "global\n  maxconn 256\n  nbthread 1\n"
      << "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n";
  for (size_t i = 0; i < routes.size(); ++i) {
    cfg << "frontend in" << i << "\n  bind " << address_ << ":" << ports_[i] << "\n  default_backend out" << i << "\n"
        << "backend out" << i << "\n  server proxy 127.0.0.1:" << routes[i].target_port << " "
        << routes[i].server_options << "\n";
  }
  return cfg.str();
}

}  // namespace cuttle::testing
