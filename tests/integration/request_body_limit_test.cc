// request_body_max_size, differentially against squid 5.7: bodies up to the
// limit pass, and a declared Content-Length over it is a 413 before anything is
// forwarded. A chunked body is counted dechunked and cut once it passes the
// limit: cuttle answers 413 as squid's code means to (its 413 there is compiled
// out, "WE_KNOW_HOW_TO_SEND_ERRORS"; squid resets the connection).
#include "tests/support/differential.h"
#include "tests/support/http_client.h"
#include "tests/support/log_and_credentials.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace cuttle::testing {
namespace request_body_limit_test {

std::string chunked(size_t size) {
  std::ostringstream out;
  out << std::hex << size << "\r\n" << std::string(size, 'c') << "\r\n0\r\n\r\n";
  return out.str();
}

// Status and logged code for each body; each on a connection of its own.
template <class Proxy>
std::vector<std::string> statuses(Proxy& proxy, const OriginServer& origin) {
  struct Body {
    std::string name, headers, bytes;
  };
  const std::vector<Body> bodies = {
      {"/length-ok", "Content-Length: 100\r\n", std::string(100, 'a')},
      {"/length-over", "Content-Length: 101\r\n", std::string(101, 'a')},
      {"/chunked-ok", "Transfer-Encoding: chunked\r\n", chunked(100)},
      {"/chunked-over", "Transfer-Encoding: chunked\r\n", chunked(5000)},
  };
  std::vector<std::string> seen;
  for (const auto& body : bodies) {
    RawConnection conn(proxy.port());
    conn.send(request_text("POST", origin.url(body.name), body.headers) + body.bytes);
    std::string status;
    try {
      status = std::to_string(conn.read_response().result_int());
    } catch (const std::exception&) {
      status = "closed";
    }
    seen.push_back(body.name + " " + status + " " + code_and_user(proxy.access_log_line_with(body.name)));
  }
  return seen;
}

TEST(RequestBodyLimit, BodiesOverRequestBodyMaxSizeGet413AsInSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  const std::string config = "request_body_max_size 100 bytes\n";
  std::vector<std::string> forwarded;  // by cuttle: what its origin received
  const auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    OriginServer origin;
    auto seen = statuses(proxy, origin);
    forwarded.clear();
    for (const auto& r : origin.requests()) forwarded.push_back(r.target + " " + std::to_string(r.body.size()));
    return seen;
  });
  ASSERT_EQ(by_cuttle.size(), 4u);
  EXPECT_EQ((std::vector<std::string>{by_cuttle.begin(), by_cuttle.begin() + 3}),
            (std::vector<std::string>{by_squid.begin(), by_squid.begin() + 3}));
  EXPECT_EQ(by_cuttle[1], "/length-over 413 NONE_NONE/413 -");
  EXPECT_EQ(by_squid[3], "/chunked-over closed NONE_NONE/000 -");
  EXPECT_EQ(by_cuttle[3], "/chunked-over 413 TCP_MISS/413 -");
  for (const auto& request : forwarded) EXPECT_EQ(request.find("over"), std::string::npos) << "forwarded: " << request;
  if (std::getenv("CUTTLE_TEST_VERBOSE"))
    for (const auto& s : by_squid) std::cerr << s << "\n";
}

}  // namespace request_body_limit_test
}  // namespace cuttle::testing
