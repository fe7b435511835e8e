// Requests that are well-formed but hostile in what or how much they ask: clients
// outside the allowed network, floods of header fields, oversize targets,
// expectations cuttle cannot meet. Each gets a definite answer and the origin
// sees only what it should.
#include "tests/support/cuttle_process.h"
#include "tests/support/hostile_exchange.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace hostile_requests_test {

TEST(HostileRequests, ClientsOutsideLocalnetAreDeniedWhateverTheyAsk) {
  OriginServer origin;
  // Any 127/8 address is loopback on Linux: .2 is "inside", .3 outside.
  CuttleProcess cuttle("acl localnet src 127.0.0.2/32\nhttp_access allow localnet\nhttp_access deny all\n");
  const std::string outsider = "127.0.0.3";
  // Pipelined: the GET's 403 keeps the connection; the POST's (its body unread) ends it.
  auto answer = send_hostile(cuttle.port(),
                             request_text("GET", origin.url("/a")) +
                                 request_text("POST", origin.url("/b"), "Content-Length: 5\r\n") + "hello" +
                                 request_text("GET", origin.url("/c")),
                             outsider);
  EXPECT_EQ(answer.first_status, 403);
  EXPECT_EQ(answer.responses, 2) << answer.raw.substr(0, 400);
  EXPECT_TRUE(answer.closed);
  auto tunnel = send_hostile(cuttle.port(), "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\nConnection: close\r\n\r\n", outsider);
  EXPECT_EQ(tunnel.first_status, 403);
  auto manager = send_hostile(cuttle.port(), request_text("GET", "cache_object://127.0.0.1/info", "Connection: close\r\n"), outsider);
  EXPECT_EQ(manager.first_status, 403);
  EXPECT_TRUE(origin.requests().empty());
  EXPECT_EQ(origin.connections_accepted(), 0);
  // The same request from inside is served.
  auto inside = send_hostile(cuttle.port(), request_text("GET", origin.url("/a"), "Connection: close\r\n"), "127.0.0.2");
  EXPECT_EQ(inside.first_status, 200);
}

TEST(HostileRequests, AFloodOfHeaderFieldsIsServedUnderTheLimitAndRefusedOverIt) {
  OriginServer origin;
  CuttleProcess cuttle("request_header_max_size 64 KB\n");
  auto fields = [](int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += "X-F" + std::to_string(i) + ": v\r\n";
    return out;
  };
  // 600 fields stay under the test origin's own 8 KiB header limit.
  auto start = std::chrono::steady_clock::now();
  auto under = send_hostile(cuttle.port(), request_text("GET", origin.url("/many"), fields(600) + "Connection: close\r\n"));
  EXPECT_EQ(under.first_status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_EQ(origin.requests().size(), 1u);
  EXPECT_EQ(origin.requests()[0].header("X-F599"), "v");
  auto over = send_hostile(cuttle.port(), request_text("GET", origin.url("/too-many"), fields(8000)));
  EXPECT_EQ(over.first_status, 431);
  EXPECT_TRUE(over.closed);
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(HostileRequests, ATargetLongerThanTheHeaderLimitGets431) {
  // Squid 5.7 answers 414 here; cuttle counts the request line in
  // request_header_max_size, as its documentation says.
  OriginServer origin;
  CuttleProcess cuttle("request_header_max_size 8 KB\n");
  auto answer = send_hostile(cuttle.port(), request_text("GET", origin.url("/" + std::string(9000, 'u'))));
  EXPECT_EQ(answer.first_status, 431);
  EXPECT_TRUE(answer.closed);
  EXPECT_TRUE(origin.requests().empty());
}

// RFC 9110 §10.1.1 and Squid: an expectation other than 100-continue gets 417 and
// is never passed on; 100-continue itself is served (Forwarding.ExpectContinue...).
TEST(HostileRequests, AnExpectationOtherThanContinueGets417AndIsNotForwarded) {
  OriginServer origin;
  CuttleProcess cuttle;
  for (const std::string expect : {"foo", "100-continue, bar", "", "100-continue;x=1"}) {
    SCOPED_TRACE(expect);
    auto answer = send_hostile(cuttle.port(), request_text("GET", origin.url("/e"), "Expect: " + expect + "\r\n"));
    EXPECT_EQ(answer.first_status, 417);
    EXPECT_NE(answer.raw.find("X-Squid-Error: ERR_INVALID_REQ"), std::string::npos) << answer.raw.substr(0, 300);
    EXPECT_TRUE(answer.closed);
  }
  EXPECT_TRUE(origin.requests().empty());
}

// RFC 9110 §7.6.2: TRACE and OPTIONS with Max-Forwards: 0 are answered by the proxy
// itself; above 0 the value is forwarded one less. TRACE reflects the request but
// not its credentials.
TEST(HostileRequests, MaxForwardsZeroMakesCuttleTheFinalRecipientOfTraceAndOptions) {
  OriginServer origin;
  CuttleProcess cuttle;
  auto trace = send_hostile(cuttle.port(), request_text("TRACE", origin.url("/t"),
                                                        "Max-Forwards: 0\r\nCookie: secret=1\r\n"
                                                        "Authorization: Basic c2VjcmV0\r\nX-Probe: here\r\n"
                                                        "Connection: close\r\n"));
  EXPECT_EQ(trace.first_status, 200) << trace.raw;
  EXPECT_NE(trace.raw.find("Content-Type: message/http"), std::string::npos) << trace.raw;
  EXPECT_NE(trace.raw.find("TRACE " + origin.url("/t") + " HTTP/1.1\r\n"), std::string::npos) << trace.raw;
  EXPECT_NE(trace.raw.find("X-Probe: here"), std::string::npos) << trace.raw;
  EXPECT_EQ(trace.raw.find("secret"), std::string::npos) << "credentials reflected: " << trace.raw;
  EXPECT_EQ(trace.raw.find("c2VjcmV0"), std::string::npos) << "credentials reflected: " << trace.raw;
  auto options = send_hostile(cuttle.port(), request_text("OPTIONS", origin.url("/o"), "Max-Forwards: 0\r\nConnection: close\r\n"));
  EXPECT_EQ(options.first_status, 200) << options.raw;
  EXPECT_NE(options.raw.find("Allow: GET, HEAD"), std::string::npos) << options.raw;
  EXPECT_EQ(options.raw.find("PURGE"), std::string::npos) << "PURGE is not enabled here: " << options.raw;
  EXPECT_TRUE(origin.requests().empty());

  auto forwarded = proxy_request(cuttle.port(), "OPTIONS", origin.url("/o"), "", {{"Max-Forwards", "3"}});
  EXPECT_EQ(forwarded.result_int(), 200);
  ASSERT_EQ(origin.requests().size(), 1u);
  EXPECT_EQ(origin.requests()[0].header("Max-Forwards"), "2");
}

}  // namespace hostile_requests_test
}  // namespace cuttle::testing
