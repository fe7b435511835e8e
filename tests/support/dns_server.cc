#include "tests/support/dns_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cuttle::testing {
namespace {

// Port 53 is fixed (squid's dns_nameservers takes addresses only), so each server
// gets an address of its own in 127.53.0.0/16: tests run in parallel.
std::string random_loopback_address() {
  static std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  std::uniform_int_distribution<int> octet(1, 254);
  return "127.53." + std::to_string(octet(random)) + "." + std::to_string(octet(random));
}

bool started(const std::string& log) { return log.find("started, version") != std::string::npos; }

}  // namespace

bool DnsServer::available() { return std::filesystem::exists("/usr/sbin/dnsmasq"); }

std::string DnsServer::silent_server() {
  static const unsigned short port = [] {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);  // kept open for the process's life, never read
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
  }();
  return "127.0.0.1#" + std::to_string(port);
}

DnsServer::DnsServer(const std::vector<std::string>& lines) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    address_ = random_loopback_address();
    std::vector<std::string> argv{"/usr/sbin/dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
                                  "--bind-interfaces", "--listen-address=" + address_, "--port=53",
                                  "--user=root", "--group=root", "--pid-file=", "--log-queries",
                                  "--log-facility=" + dir_.file("queries.log"),
                                  // Names under .test are answered here: NXDOMAIN or NODATA, never REFUSED.
                                  "--local=/test/"};
    for (const auto& line : lines) argv.push_back("--" + line);
    std::filesystem::remove(dir_.file("queries.log"));
    process_ = std::make_unique<ChildProcess>(argv, dir_.file("dnsmasq.out"));
    for (int i = 0; i < 100 && process_->running(); ++i) {
      if (started(read_file(dir_.file("queries.log")))) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  throw std::runtime_error("dnsmasq did not start: " + process_->output());
}

DnsServer::~DnsServer() = default;

size_t DnsServer::queries(const std::string& name, const std::string& type) const {
  const std::string wanted = "query[" + type + "] " + name + " from ";
  std::istringstream log(read_file(dir_.file("queries.log")));
  size_t count = 0;
  for (std::string line; std::getline(log, line);)
    if (line.find(wanted) != std::string::npos) ++count;
  return count;
}

}  // namespace cuttle::testing
