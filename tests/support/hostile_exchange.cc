#include "tests/support/hostile_exchange.h"

#include "tests/support/http_client.h"

#include <regex>

namespace cuttle::testing {

HostileExchange send_hostile(unsigned short port, const std::string& bytes, const std::string& source,
                             std::chrono::milliseconds wait) {
  HostileExchange out;
  RawConnection c(port, source, wait);
  try {
    c.send(bytes);
  } catch (const std::exception&) {
    // The proxy may close (and reset) before taking all of a large hostile request.
  }
  out.raw = c.read_until_close();
  out.closed = c.peer_closed();
  static const std::regex status_line(R"(HTTP/1\.[01] (\d{3}) )");
  for (auto it = std::sregex_iterator(out.raw.begin(), out.raw.end(), status_line); it != std::sregex_iterator();
       ++it) {
    if (out.responses++ == 0) out.first_status = std::stoi((*it)[1]);
  }
  return out;
}

}  // namespace cuttle::testing
