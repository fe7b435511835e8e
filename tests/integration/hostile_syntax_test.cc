// Request lines and header fields that break HTTP/1.1's grammar: each gets a
// clear error (400, 414/431 for sizes, 505 for a version cuttle does not speak)
// and nothing reaches the origin; what RFC 9112 lets a proxy repair is forwarded
// repaired, never verbatim.
#include "tests/support/cuttle_process.h"
#include "tests/support/hostile_exchange.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace hostile_syntax_test {

struct SyntaxCase {
  std::string what;
  std::string request;
  int status;
};

void expect_refused(const CuttleProcess& cuttle, const OriginServer& origin, const SyntaxCase& c) {
  SCOPED_TRACE(c.what);
  auto answer = send_hostile(cuttle.port(), c.request);
  EXPECT_EQ(answer.first_status, c.status) << answer.raw.substr(0, 300);
  EXPECT_EQ(answer.responses, 1);
  EXPECT_TRUE(answer.closed);
  EXPECT_TRUE(origin.requests().empty()) << "forwarded: " << origin.requests().front().target;
}

TEST(HostileSyntax, BrokenRequestLinesAndFieldsGetAnErrorAndNothingIsForwarded) {
  OriginServer origin;
  CuttleProcess cuttle;
  const std::string url = origin.url("/page");
  using namespace std::string_literals;
  const std::vector<SyntaxCase> cases = {
      {"bare LF line endings", "GET " + url + " HTTP/1.1\nHost: 127.0.0.1\n\n", 400},
      {"bare LF after the request line", "GET " + url + " HTTP/1.1\nHost: 127.0.0.1\r\n\r\n", 400},
      {"a bare CR inside a field value", "GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rb\r\n\r\n", 400},
      {"whitespace before a colon", "GET " + url + " HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n", 400},
      {"a field line without a colon", "GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\nnocolon\r\n\r\n", 400},
      {"NUL in the target", "GET " + url + "\0x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"s, 400},
      {"NUL in a field value", "GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\0b\r\n\r\n"s, 400},
      {"DEL in the target", "GET " + url + "\x7f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400},
      {"a control character in the target", "GET " + url + "\x01 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400},
      {"a control character in a field value", "GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x01b\r\n\r\n", 400},
      {"a tab in the target", "GET " + url + "\tx HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400},
      {"a method with a separator in it", "G(T " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400},
      {"a method with a slash in it", "GE/T " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400},
      {"no version: HTTP/0.9", "GET " + url + "\r\n\r\n", 400},
      {"a lowercase protocol name", "GET " + url + " http/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400},
      // Another major version: 505 ERR_UNSUP_HTTPVERSION, as from Squid 5.7.
      {"HTTP/2.0 in a request line", "GET " + url + " HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505},
      {"HTTP/3.0 in a request line", "GET " + url + " HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n", 505},
      {"the HTTP/2 connection preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},
      {"a two-digit major version", "GET " + url + " HTTP/11.1\r\nHost: 127.0.0.1\r\n\r\n", 400},
      {"two spaces between method and target", "GET  " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400},
  };
  for (const auto& c : cases) expect_refused(cuttle, origin, c);
}

// RFC 9112 §5.2: a proxy either refuses obs-fold or replaces it with spaces
// before forwarding; cuttle forwards the unfolded value, never the fold.
TEST(HostileSyntax, ObsoleteLineFoldingIsForwardedUnfolded) {
  OriginServer origin;
  CuttleProcess cuttle;
  auto answer = send_hostile(cuttle.port(), request_text("GET", origin.url("/folded"),
                                                         "X-A: first\r\n second\r\nConnection: close\r\n"));
  EXPECT_EQ(answer.first_status, 200);
  ASSERT_EQ(origin.requests().size(), 1u);
  EXPECT_EQ(origin.requests()[0].header("X-A"), "first second");
  // A folded Transfer-Encoding is the same "chunked" to cuttle and to the origin.
  auto chunked = send_hostile(cuttle.port(), "POST " + origin.url("/folded-te") +
                                                 " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding:\r\n chunked\r\n"
                                                 "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.first_status, 200);
  ASSERT_EQ(origin.requests().size(), 2u);
  EXPECT_EQ(origin.requests()[1].body, "hello");
}

}  // namespace hostile_syntax_test
}  // namespace cuttle::testing
