#include "tests/support/temp_dir.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace cuttle::testing {

TempDir::TempDir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
  // Tests run as root; cuttle and squid started by them give up root for user
  // proxy (cache_effective_user), and must still reach the test's files.
  std::filesystem::permissions(path_, std::filesystem::perms::all);
}

TempDir::~TempDir() {
  if (std::getenv("CUTTLE_KEEP_TEST_DIRS")) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::write(const std::string& name, const std::string& content) const {
  std::ofstream out(file(name), std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + file(name));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

// The kernel numbers its own sockets (outgoing connections, DNS queries) from
// ip_local_port_range; test ports come from below it so none of those can take a
// port between a test choosing it and a server binding it.
std::pair<int, int> test_port_range() {
  int ephemeral_low = 32768, ephemeral_high = 60999;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low >> ephemeral_high;
  const int high = std::min(ephemeral_low - 1, 32767);
  return {std::min(10000, high - 1000), high};
}

bool bindable(int type, unsigned short port) {
  const int fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int off = 0;  // dual stack: the port must be free for IPv4 and IPv6, as squid binds [::]
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  address.sin6_addr = in6addr_any;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

// Parallel test processes agree through one lock file per port, held until the
// process exits (the kernel drops the lock then, even after a crash).
bool reserve(unsigned short port) {
  static const std::string directory = [] {
    const std::string path = "/tmp/cuttle-test-ports";
    std::filesystem::create_directories(path);
    std::filesystem::permissions(path, std::filesystem::perms::all);
    return path;
  }();
  const int fd = open((directory + "/" + std::to_string(port)).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  if (flock(fd, LOCK_EX | LOCK_NB) == 0 && bindable(SOCK_STREAM, port) && bindable(SOCK_DGRAM, port)) return true;
  close(fd);
  return false;
}

}  // namespace

unsigned short free_port() {
  static std::mt19937 random(std::random_device{}());
  const auto [low, high] = test_port_range();
  const int start = std::uniform_int_distribution<int>(low, high)(random);
  for (int offset = 0; offset <= high - low; ++offset) {
    const auto port = static_cast<unsigned short>(low + (start - low + offset) % (high - low + 1));
    if (reserve(port)) return port;
  }
  throw std::runtime_error("no free test port between " + std::to_string(low) + " and " + std::to_string(high));
}

}  // namespace cuttle::testing
