// Sending hostile bytes to a proxy and seeing everything it answers: how many
// responses, the first one's status, and whether it then closed the connection.
// A smuggled request shows up as a second response (or a second origin request).
#pragma once

#include <chrono>
#include <string>

namespace cuttle::testing {

struct HostileExchange {
  std::string raw;        // every byte the proxy sent back
  int first_status = 0;   // status code of the first response; 0 without one
  int responses = 0;      // how many "HTTP/1.x NNN" status lines came back
  bool closed = false;    // the proxy closed the connection (not a timeout)
};

// Sends `bytes` from `source`, then reads until the proxy closes or `wait` passes.
HostileExchange send_hostile(unsigned short port, const std::string& bytes, const std::string& source = "127.0.0.1",
                             std::chrono::milliseconds wait = std::chrono::seconds(3));

}  // namespace cuttle::testing
