// NAT interception (http_port ... intercept): where the client sent a connection
// the kernel redirected to this proxy.
#pragma once

#include "proxy/server/asio_types.h"

#include <optional>

namespace cuttle {

// The destination before netfilter's REDIRECT or DNAT rewrote it (SO_ORIGINAL_DST,
// IP6T_SO_ORIGINAL_DST); nothing when the kernel has no NAT record of the connection.
std::optional<tcp::endpoint> original_destination(tcp::socket& socket);

}  // namespace cuttle
