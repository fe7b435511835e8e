#include "proxy/log/log_address.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <cstring>
#include <stdexcept>

namespace cuttle {

LogAddress resolve_log_address(const LogDestinationSpec& spec) {
  LogAddress out;
  if (spec.place.empty()) {  // "udp://514": squid's setAnyAddr (connecting to it reaches this host)
    auto* any = reinterpret_cast<sockaddr_in*>(&out.address);
    any->sin_family = AF_INET;
    any->sin_port = htons(spec.port);
    out.length = sizeof(sockaddr_in);
    return out;
  }
  addrinfo want{};
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(spec.place.c_str(), nullptr, &want, &found); error != 0)
    throw std::runtime_error("invalid " + std::string(log_module_name(spec.module)) + " logging address '" +
                             spec.text + "': " + ::gai_strerror(error));
  std::memcpy(&out.address, found->ai_addr, found->ai_addrlen);
  out.length = found->ai_addrlen;
  ::freeaddrinfo(found);
  if (out.family() == AF_INET) reinterpret_cast<sockaddr_in*>(&out.address)->sin_port = htons(spec.port);
  else if (out.family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&out.address)->sin6_port = htons(spec.port);
  return out;
}

}  // namespace cuttle
