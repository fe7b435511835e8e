// NAT interception (http_port ... intercept): where the client sent a connection
// the kernel redirected to this proxy.
#pragma once

#include "proxy/server/asio_types.h"

#include <optional>
#include <string>

namespace cuttle {

// The destination before netfilter's REDIRECT or DNAT rewrote it (SO_ORIGINAL_DST,
// IP6T_SO_ORIGINAL_DST); nothing when the kernel has no NAT record of the connection.
std::optional<tcp::endpoint> original_destination(tcp::socket& socket);

// How a URL, a CONNECT or a Host names an intercepted client's destination:
// "10.0.0.1", "[2001:db8::1]" (IPv4-mapped addresses as IPv4), and with the port
// "10.0.0.1:80".
std::string destination_host(const tcp::endpoint& destination);
std::string destination_authority(const tcp::endpoint& destination);

}  // namespace cuttle
