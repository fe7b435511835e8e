#include "proxy/server/original_destination.h"

#include "proxy/config/acl/facts.h"

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace cuttle {
namespace {

// The kernel answers only when the length is exactly its address type's.
std::optional<tcp::endpoint> ask(int fd, int level, int option, socklen_t length) {
  sockaddr_storage original{};
  if (::getsockopt(fd, level, option, &original, &length) != 0) return std::nullopt;
  tcp::endpoint endpoint;
  if (length > endpoint.capacity()) return std::nullopt;
  std::memcpy(endpoint.data(), &original, length);
  endpoint.resize(length);
  return endpoint;
}

}  // namespace

std::optional<tcp::endpoint> original_destination(tcp::socket& socket) {
  error_code ec;
  const auto local = socket.local_endpoint(ec);
  if (ec) return std::nullopt;
  const int fd = socket.native_handle();
  // An IPv4 client of a dual-stack listener has an IPv4 NAT record: asked at the IP
  // level first, as on an IPv4 socket.
  const auto& address = local.address();
  if (address.is_v4() || (address.is_v6() && address.to_v6().is_v4_mapped()))
    if (auto found = ask(fd, SOL_IP, SO_ORIGINAL_DST, sizeof(sockaddr_in))) return found;
  if (address.is_v6()) return ask(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, sizeof(sockaddr_in6));
  return std::nullopt;
}

std::string destination_host(const tcp::endpoint& destination) {
  const auto address = normalize_address(destination.address());
  return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

std::string destination_authority(const tcp::endpoint& destination) {
  return destination_host(destination) + ":" + std::to_string(destination.port());
}

}  // namespace cuttle
