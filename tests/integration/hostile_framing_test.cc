// Request smuggling: a request whose body length a front end and a back end could
// read two ways is refused (400, or 501 for a transfer coding other than a lone
// "chunked", as Squid 5.7 answers) before anything is forwarded, and the connection
// is closed, so the bytes after it are never taken for a second request.
#include "tests/support/cuttle_process.h"
#include "tests/support/hostile_exchange.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace hostile_framing_test {

struct FramingCase {
  std::string what;
  std::string framing;  // header lines, each ending in CRLF
  std::string body;
  int status;
};

// What a smuggler hides after the ambiguous request: a proxy that misreads the
// framing answers it as a second request, or passes it to the origin.
std::string smuggled_tail(const OriginServer& origin) {
  return "GET " + origin.url("/smuggled") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

void expect_refused_and_closed(const CuttleProcess& cuttle, const OriginServer& origin, const FramingCase& c) {
  SCOPED_TRACE(c.what);
  auto request = "POST " + origin.url("/upload") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + c.framing + "\r\n" + c.body;
  auto answer = send_hostile(cuttle.port(), request + smuggled_tail(origin));
  EXPECT_EQ(answer.first_status, c.status) << answer.raw.substr(0, 300);
  EXPECT_EQ(answer.responses, 1) << "the smuggled request was answered";
  EXPECT_TRUE(answer.closed) << "the connection must end after a framing error";
  EXPECT_TRUE(origin.requests().empty()) << "forwarded: " << origin.requests().front().target;
}

TEST(HostileFraming, AmbiguousBodyLengthsAreRefusedAndTheConnectionClosed) {
  OriginServer origin;
  CuttleProcess cuttle;
  const std::vector<FramingCase> cases = {
      {"Content-Length then Transfer-Encoding", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n", 400},
      {"Transfer-Encoding then Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n", 400},
      {"two differing Content-Lengths", "Content-Length: 5\r\nContent-Length: 6\r\n", "hello!", 400},
      {"a Content-Length list", "Content-Length: 5, 6\r\n", "hello!", 400},
      {"a negative Content-Length", "Content-Length: -5\r\n", "hello", 400},
      {"a signed Content-Length", "Content-Length: +5\r\n", "hello", 400},
      {"a hexadecimal Content-Length", "Content-Length: 0x5\r\n", "hello", 400},
      {"a Content-Length past 64 bits", "Content-Length: 18446744073709551621\r\n", "hello", 400},
      {"whitespace before the colon of Content-Length", "Content-Length : 5\r\n", "hello", 400},
      {"whitespace before the colon of Transfer-Encoding", "Transfer-Encoding : chunked\r\n", "0\r\n\r\n", 400},
      {"chunked twice in one field", "Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n", 501},
      // Squid 5.7 answers 501; cuttle's parser refuses a repeated field outright.
      {"chunked in two fields", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n", 400},
      {"chunked not the last coding", "Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n", 501},
      {"an unknown coding before chunked", "Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n", 501},
      {"a coding that only resembles chunked", "Transfer-Encoding: xchunked\r\n", "0\r\n\r\n", 501},
      {"an identity coding", "Transfer-Encoding: identity\r\n", "hello", 501},
  };
  for (const auto& c : cases) expect_refused_and_closed(cuttle, origin, c);
}

// A chunked body that turns bad after its header was accepted: the request is
// answered 400 and the connection closed; the origin never gets a whole request.
TEST(HostileFraming, MalformedChunksAreRefusedAndTheConnectionClosed) {
  OriginServer origin;
  CuttleProcess cuttle;
  const std::string chunked = "Transfer-Encoding: chunked\r\n";
  const std::vector<FramingCase> cases = {
      {"a chunk size that is not hex", chunked, "zz\r\nhello\r\n0\r\n\r\n", 400},
      {"a negative chunk size", chunked, "-5\r\nhello\r\n0\r\n\r\n", 400},
      {"a chunk size past 64 bits", chunked, "10000000000000005\r\nhello\r\n0\r\n\r\n", 400},
      {"a chunk without its CRLF", chunked, "5\r\nhelloXX0\r\n\r\n", 400},
      {"a bad chunk after a good one", chunked, "5\r\nhello\r\nzz\r\n0\r\n\r\n", 400},
      // Past request_header_max_size plus one relay buffer (128 KiB by default).
      {"a chunk extension of 1 MB", chunked, "5;a=" + std::string(1000000, 'b') + "\r\nhello\r\n0\r\n\r\n", 400},
      {"a trailer section of 1 MB", chunked, "0\r\nX-T: " + std::string(1000000, 't') + "\r\n\r\n", 400},
  };
  for (const auto& c : cases) expect_refused_and_closed(cuttle, origin, c);
}

}  // namespace hostile_framing_test
}  // namespace cuttle::testing
