// The TCP part of reaching a server: its addresses tried in order until one
// accepts, each socket given the source address, TOS byte and netfilter mark
// tcp_outgoing_address / _tos / _mark choose for it, all within one deadline.
#pragma once

#include "proxy/config/acl/facts.h"
#include "proxy/config/outgoing_config.h"
#include "proxy/server/asio_types.h"

#include <chrono>
#include <optional>
#include <vector>

namespace cuttle {

struct TcpConnectResult {
  std::optional<TcpStream> stream;  // set when an address accepted
  tcp::endpoint endpoint;           // the one that accepted, or the last one tried
  error_code error;
};

// `facts`: the request the connection is for (its ACLs choose); none for a
// connection made for no request. `spoofed_source`: TPROXY's client address, which
// the connection comes from instead of tcp_outgoing_address's (to addresses of
// its family).
awaitable<TcpConnectResult> connect_tcp(const std::vector<asio::ip::address>& addresses, uint16_t port,
                                        std::chrono::milliseconds timeout, const OutgoingConfig& outgoing,
                                        const RequestFacts* facts,
                                        const std::optional<asio::ip::address>& spoofed_source = std::nullopt);

}  // namespace cuttle
