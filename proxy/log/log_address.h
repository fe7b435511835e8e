// The address a udp:// or tcp:// log sends to, looked up when the log is opened
// as squid 5.7's GetHostWithPort does: getaddrinfo's first answer, once (a name
// is not looked up again until the next reconfigure); no host: the any address.
#pragma once

#include "proxy/log/log_destination_spec.h"

#include <netinet/in.h>
#include <string>
#include <sys/socket.h>

namespace cuttle {

struct LogAddress {
  sockaddr_storage address{};
  socklen_t length = 0;
  int family() const { return address.ss_family; }
};

// Throws std::runtime_error naming the destination when the host has no address.
LogAddress resolve_log_address(const LogDestinationSpec& spec);

}  // namespace cuttle
