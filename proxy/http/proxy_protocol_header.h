// The PROXY protocol header (haproxy's proxy-protocol.txt, versions 1 and 2) a
// load balancer sends before the HTTP bytes on an `http_port ... require-proxy-header`
// port, read as squid 5.7's ProxyProtocol::Parse reads it: pure, no I/O.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cuttle {

struct ProxyProtocolEndpoint {
  boost::asio::ip::address address;
  uint16_t port = 0;
};

// A v2 type-length-value field, kept as squid keeps them (%proxy_protocol::>h).
struct ProxyProtocolTlv {
  uint8_t type = 0;
  std::string value;
};

struct ProxyProtocolHeader {
  std::string version;  // "1.0" or "2.0"
  bool local = false;   // v2 LOCAL: the sender's own connection (a health check)
  // The connection the sender received, when the header names one: the source is
  // the client, the destination the address it connected to. Absent for v1
  // UNKNOWN and v2 UNSPEC; present but unused for LOCAL (squid's hasAddresses()).
  std::optional<ProxyProtocolEndpoint> source;
  std::optional<ProxyProtocolEndpoint> destination;
  std::vector<ProxyProtocolTlv> tlvs;  // v2 PROXY with addresses only

  // squid's hasForwardedAddresses(): whether the connection takes these addresses.
  bool forwards_addresses() const { return !local && source.has_value(); }
};

struct ProxyProtocolParsed {
  ProxyProtocolHeader header;
  size_t size = 0;  // bytes of the input the header took; the HTTP request follows
};
struct ProxyProtocolNeedMore {};
struct ProxyProtocolError {
  std::string message;  // squid's words ("PROXY/1.0 error: malformed port"), for cache.log
};
using ProxyProtocolResult = std::variant<ProxyProtocolParsed, ProxyProtocolNeedMore, ProxyProtocolError>;

// The header at the start of `bytes`; NeedMore while it may still complete.
ProxyProtocolResult parse_proxy_protocol(std::string_view bytes);

}  // namespace cuttle
