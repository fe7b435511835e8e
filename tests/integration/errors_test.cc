// Bad input and failing upstreams get Squid-style error pages with the right status.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace errors_test {

Response send_raw(unsigned short port, const std::string& bytes, const std::string& source = "127.0.0.1") {
  RawConnection c(port, source);
  c.send(bytes);
  return c.read_response();
}

TEST(Errors, MalformedRequestLineGets400) {
  CuttleProcess cuttle;
  auto res = send_raw(cuttle.port(), "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res["X-Squid-Error"], "ERR_INVALID_REQ 0");
  EXPECT_NE(res.body().find("ERROR: The requested URL could not be retrieved"), std::string::npos);
  auto lines = cuttle.access_log_lines(1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" NONE_NONE/400 "), std::string::npos) << lines[0];
}

TEST(Errors, InvalidUrlGets400) {
  CuttleProcess cuttle;
  auto res = send_raw(cuttle.port(), "GET http://exa mple/ HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(res.result_int(), 400);
  res = send_raw(cuttle.port(), "GET /not-absolute HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res["X-Squid-Error"], "ERR_INVALID_URL 0");
}

TEST(Errors, UnsupportedSchemeGets501) {
  CuttleProcess cuttle;
  auto res = send_raw(cuttle.port(), "GET gopher://127.0.0.1/ HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(res.result_int(), 501);
}

TEST(Errors, OversizeHeadersGet431) {
  OriginServer origin;
  CuttleProcess cuttle("request_header_max_size 8 KB\n");
  auto res = send_raw(cuttle.port(), request_text("GET", origin.url("/"), "X-Big: " + std::string(9000, 'a') + "\r\n"));
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_TRUE(origin.requests().empty());
  // Just under the limit still works.
  res = send_raw(cuttle.port(), request_text("GET", origin.url("/"), "X-Big: " + std::string(6000, 'a') + "\r\n"));
  EXPECT_EQ(res.result_int(), 200);
}

TEST(Errors, ContentLengthWithTransferEncodingIsRejected) {
  OriginServer origin;
  CuttleProcess cuttle;
  auto res = send_raw(cuttle.port(), "POST " + origin.url("/") +
                                         " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                         "0\r\n\r\n");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_TRUE(origin.requests().empty());
}

TEST(Errors, ConflictingContentLengthsAreRejected) {
  OriginServer origin;
  CuttleProcess cuttle;
  auto res = send_raw(cuttle.port(), "POST " + origin.url("/") +
                                         " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_TRUE(origin.requests().empty());
}

TEST(Errors, UnknownTransferCodingGets501) {
  OriginServer origin;
  CuttleProcess cuttle;
  auto res = send_raw(cuttle.port(), "POST " + origin.url("/") +
                                         " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
  EXPECT_TRUE(res.result_int() == 400 || res.result_int() == 501) << res.result_int();
  EXPECT_TRUE(origin.requests().empty());
}

TEST(Errors, DeniedClientGets403) {
  OriginServer origin;
  CuttleProcess cuttle("acl only_dot_one src 127.0.0.1/32\nhttp_access allow only_dot_one\nhttp_access deny all\n");
  auto res = send_raw(cuttle.port(), request_text("GET", origin.url("/")), "127.0.0.2");
  EXPECT_EQ(res.result_int(), 403);
  EXPECT_EQ(res["X-Squid-Error"], "ERR_ACCESS_DENIED 0");
  EXPECT_TRUE(origin.requests().empty());
  res = send_raw(cuttle.port(), request_text("GET", origin.url("/")), "127.0.0.1");
  EXPECT_EQ(res.result_int(), 200);
  auto lines = cuttle.access_log_lines(2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(" 127.0.0.2 TCP_DENIED/403 "), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(" HIER_NONE/- text/html"), std::string::npos) << lines[0];
}

// Squid's ErrorState::NewForwarding: a next hop that cannot be reached is 503,
// and X-Squid-Error carries the errno (ECONNREFUSED).
TEST(Errors, UnreachableOriginGets503WithTheErrno) {
  unsigned short dead_port = free_port();  // nothing listens there
  CuttleProcess cuttle;
  auto res = proxy_get(cuttle.port(), "http://127.0.0.1:" + std::to_string(dead_port) + "/");
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(res["X-Squid-Error"], "ERR_CONNECT_FAIL 111");
}

TEST(Errors, UnresolvableHostGets503) {
  CuttleProcess cuttle;
  auto res = proxy_get(cuttle.port(), "http://no-such-host.invalid/");
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(res["X-Squid-Error"], "ERR_DNS_FAIL 0");
}

TEST(Errors, SilentOriginGets504AfterReadTimeout) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.stall = true;
    return r;
  });
  CuttleProcess cuttle("read_timeout 1 second\n");
  auto start = std::chrono::steady_clock::now();
  auto res = proxy_get(cuttle.port(), origin.url("/slow"));
  EXPECT_EQ(res.result_int(), 504);
  EXPECT_EQ(res["X-Squid-Error"], "ERR_READ_TIMEOUT 0");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
}

TEST(Errors, GarbageFromOriginGets502) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.raw = "SPDY/9 what is this\r\n\r\n";
    return r;
  });
  CuttleProcess cuttle;
  auto res = proxy_get(cuttle.port(), origin.url("/garbage"));
  EXPECT_EQ(res.result_int(), 502);
}

TEST(Errors, OriginResetMidBodyTruncatesTheReply) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly part of it";
    return r;
  });
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  c.send(request_text("GET", origin.url("/cut")));
  std::string raw = c.read_until_close();
  EXPECT_NE(raw.find("200 OK"), std::string::npos);
  EXPECT_TRUE(raw.ends_with("only part of it")) << raw;  // closed short of Content-Length
  auto lines = cuttle.access_log_lines(1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("TCP_MISS_ABORTED/200"), std::string::npos) << lines[0];
}

TEST(Errors, SlowHeadersAreCutOffByRequestTimeout) {
  CuttleProcess cuttle("request_timeout 1 second\n");
  RawConnection c(cuttle.port());
  c.send("GET http://127.0.0.1/ HTTP/1.1\r\n");  // never finishes the header
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.peer_closed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace errors_test
}  // namespace cuttle::testing

namespace cuttle::testing {
namespace errors_test {

TEST(Errors, Http11RequestNeedsExactlyOneHost) {
  OriginServer origin;
  CuttleProcess cuttle;
  auto res = send_raw(cuttle.port(), "GET " + origin.url("/") + " HTTP/1.1\r\n\r\n");
  EXPECT_EQ(res.result_int(), 400);
  res = send_raw(cuttle.port(), "GET " + origin.url("/") + " HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_TRUE(origin.requests().empty());
  // HTTP/1.0 predates Host: the absolute URI is enough.
  res = send_raw(cuttle.port(), "GET " + origin.url("/") + " HTTP/1.0\r\n\r\n");
  EXPECT_EQ(res.result_int(), 200);
}

}  // namespace errors_test
}  // namespace cuttle::testing

namespace cuttle::testing {
namespace errors_test {

TEST(Errors, ErrorPageToAnHttp10ClientEndsTheConnection) {
  // HTTP/1.0 clients without keep-alive (squidclient, scripts) read until the
  // proxy closes: an error page must not leave them waiting for an idle timeout.
  CuttleProcess cuttle("http_access deny all\n");
  RawConnection conn(cuttle.port());
  conn.send("GET http://127.0.0.1:1/ HTTP/1.0\r\n\r\n");
  auto started = std::chrono::steady_clock::now();
  auto rest = conn.read_until_close();
  EXPECT_NE(rest.find(" 403 "), std::string::npos) << rest;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace errors_test
}  // namespace cuttle::testing
