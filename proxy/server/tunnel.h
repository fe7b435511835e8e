// CONNECT: open a TCP connection to host:port and shovel bytes both ways until
// either side is done (Squid's TCP_TUNNEL).
#pragma once

#include "proxy/server/forwarder.h"

namespace cuttle {

inline constexpr std::string_view kConnectionEstablished = "HTTP/1.1 200 Connection established\r\n\r\n";

struct TunnelOutcome {
  std::optional<ErrorKind> error;  // set when the connection could not be opened
  ErrorDetail error_detail;
  std::string server_address;
  uint64_t bytes_to_client = 0;  // including the "200 Connection established" line
};

// `announce`: send the client "200 Connection established" once the server is
// reached (false: it was sent already, before an ssl_bump peek).
awaitable<TunnelOutcome> run_tunnel(ClientSide& client, const UpstreamSpec& target, const Config& config,
                                    WorkerServices& worker, const RequestFacts& facts, bool announce = true);

}  // namespace cuttle
