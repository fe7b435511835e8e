#include "tests/support/icp_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <span>
#include <stdexcept>

namespace cuttle::testing {

ScriptedIcpPeer::ScriptedIcpPeer(Script script, const std::string& address) : script_(std::move(script)) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = 0;
  if (fd_ < 0 || ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1 ||
      ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
    throw std::runtime_error("ScriptedIcpPeer: cannot bind a UDP socket on " + address);
  socklen_t len = sizeof sa;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
  port_ = ntohs(sa.sin_port);
  thread_ = std::thread([this] { run(); });
}

ScriptedIcpPeer::ScriptedIcpPeer(icp::Opcode opcode, const std::string& address)
    : ScriptedIcpPeer([opcode](const icp::Message&) { return IcpAnswer{opcode}; }, address) {}

ScriptedIcpPeer ScriptedIcpPeer::silent(const std::string& address) {
  return ScriptedIcpPeer([](const icp::Message&) { return IcpAnswer{}; }, address);
}

ScriptedIcpPeer::~ScriptedIcpPeer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

size_t ScriptedIcpPeer::queries() const {
  std::lock_guard lock(mutex_);
  return flags_.size();
}

std::vector<uint32_t> ScriptedIcpPeer::query_flags() const {
  std::lock_guard lock(mutex_);
  return flags_;
}

void ScriptedIcpPeer::run() {
  std::vector<uint8_t> in(icp::kMaxMessageSize + 1);
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;  // wakes at least every 50 ms to see stop_
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd_, in.data(), in.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0) continue;
    auto d = icp::decode(std::span<const uint8_t>(in.data(), static_cast<size_t>(n)));
    if (!d.ok() || d.message.opcode != icp::Opcode::Query) continue;
    {
      std::lock_guard lock(mutex_);
      flags_.push_back(d.message.options);
    }
    IcpAnswer answer = script_(d.message);
    if (!answer.opcode) continue;
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    icp::Message reply;
    reply.opcode = *answer.opcode;
    reply.request_number = d.message.request_number;
    reply.options = answer.options;
    reply.option_data = answer.option_data;
    reply.url = d.message.url;
    auto bytes = icp::encode(reply);
    ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
  }
}

}  // namespace cuttle::testing
