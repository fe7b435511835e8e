// Forward-proxy behaviour through real sockets: build/cuttle between a test
// client and a scriptable origin on loopback.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>
#include <regex>

namespace cuttle::testing {
namespace forwarding_test {

TEST(Forwarding, GetReturnsTheOriginBodyAndHeaders) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.body = "the origin's body";
    r.headers = {{"X-Origin", "yes"}, {"Content-Type", "text/html; charset=utf-8"}};
    return r;
  });
  CuttleProcess cuttle;
  auto res = proxy_get(cuttle.port(), origin.url("/page?x=1"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "the origin's body");
  EXPECT_EQ(res["X-Origin"], "yes");
  EXPECT_EQ(res["X-Cache"], "MISS from cuttle-test");
  auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/page?x=1");  // origin-form towards the origin
  EXPECT_EQ(requests[0].header("Host"), "127.0.0.1:" + std::to_string(origin.port()));
}

TEST(Forwarding, AccessLogLineHasSquidNativeFormat) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.body = std::string(1000, 'x');
    r.headers = {{"Content-Type", "text/html; charset=utf-8"}};
    return r;
  });
  CuttleProcess cuttle;
  auto res = proxy_get(cuttle.port(), origin.url("/logged?secret=1"));
  ASSERT_EQ(res.result_int(), 200);
  auto lines = cuttle.access_log_lines(1);
  ASSERT_EQ(lines.size(), 1u);
  // time.millis, elapsed right-aligned in 6, client, code/status, bytes, method,
  // URL without the query but with its '?' (strip_query_terms on, as squid), user,
  // hierarchy/peer, type.
  std::regex line_format(R"(^\d{10}\.\d{3} {1,6}\d{1,6} 127\.0\.0\.1 TCP_MISS/200 (\d+) GET )" +
                         std::string("http://127\\.0\\.0\\.1:") + std::to_string(origin.port()) +
                         R"(/logged\? - HIER_DIRECT/127\.0\.0\.1 text/html$)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, line_format)) << lines[0];
  EXPECT_GT(std::stoul(m[1]), 1000u);  // headers and body
  // After "seconds.millis", one space, then elapsed right-aligned in six columns.
  EXPECT_TRUE(std::regex_match(lines[0].substr(14, 8), std::regex(R"( [ 0-9]{5}[0-9] )"))) << lines[0];
}

TEST(Forwarding, HeadRequestGetsHeadersWithoutBody) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.body = "0123456789";
    return r;
  });
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  c.send(request_text("HEAD", origin.url("/h")));
  auto res = c.read_response(/*head=*/true);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_length], "10");
  EXPECT_EQ(origin.requests().at(0).method, "HEAD");
  // The connection stays usable: no stray body bytes precede the next response.
  c.send(request_text("GET", origin.url("/g")));
  EXPECT_EQ(c.read_response().body(), "0123456789");
}

TEST(Forwarding, PostBodyWithContentLengthReachesOrigin) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "got " + std::to_string(req.body.size());
    return r;
  });
  CuttleProcess cuttle;
  std::string body(300000, 'p');
  auto res = proxy_request(cuttle.port(), "POST", origin.url("/submit"), body);
  EXPECT_EQ(res.body(), "got 300000");
  EXPECT_EQ(origin.requests().at(0).body, body);
  EXPECT_EQ(origin.requests().at(0).method, "POST");
}

TEST(Forwarding, ChunkedRequestBodyIsRelayed) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = req.body;
    return r;
  });
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  c.send(request_text("POST", origin.url("/chunked"), "Transfer-Encoding: chunked\r\n") +
         "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");
  auto res = c.read_response();
  EXPECT_EQ(res.body(), "hello, world");
  auto req = origin.requests().at(0);
  EXPECT_EQ(req.body, "hello, world");
  EXPECT_EQ(req.header("Transfer-Encoding"), "chunked");
}

TEST(Forwarding, ChunkedResponseIsRelayedChunkedToHttp11Clients) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.body = "part one, part two, part three";
    r.chunked = true;
    return r;
  });
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  c.send(request_text("GET", origin.url("/c")));
  auto res = c.read_response();
  EXPECT_EQ(res.body(), "part one, part two, part three");
  EXPECT_TRUE(res.chunked());
  // Same connection, second request: keep-alive survived the chunked reply.
  c.send(request_text("GET", origin.url("/c2")));
  EXPECT_EQ(c.read_response().body(), "part one, part two, part three");
}

TEST(Forwarding, ChunkedResponseIsCloseDelimitedForHttp10Clients) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.body = "for an old client";
    r.chunked = true;
    return r;
  });
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  c.send("GET " + origin.url("/old") + " HTTP/1.0\r\n\r\n");
  std::string raw = c.read_until_close();
  EXPECT_EQ(raw.find("Transfer-Encoding"), std::string::npos) << raw;
  EXPECT_TRUE(raw.ends_with("\r\n\r\nfor an old client")) << raw;
}

TEST(Forwarding, KeepAliveReusesClientAndOriginConnections) {
  OriginServer origin;
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  for (int i = 0; i < 3; ++i) {
    c.send(request_text("GET", origin.url("/k" + std::to_string(i))));
    auto res = c.read_response();
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_TRUE(res.keep_alive());
  }
  EXPECT_EQ(origin.requests().size(), 3u);
  EXPECT_EQ(origin.connections_accepted(), 1);  // the upstream connection was pooled
}

TEST(Forwarding, PipelinedRequestsAreAnsweredInOrder) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "answer to " + req.target;
    // Later requests answer faster: order must still follow the requests.
    r.delay = std::chrono::milliseconds(req.target == "/p0" ? 100 : 0);
    return r;
  });
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  c.send(request_text("GET", origin.url("/p0")) + request_text("GET", origin.url("/p1")) +
         request_text("GET", origin.url("/p2")));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.read_response().body(), "answer to /p" + std::to_string(i));
}

TEST(Forwarding, HopByHopHeadersAreRemovedAndViaAdded) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.body = "ok";
    r.headers = {{"Connection", "X-Secret-Hop"}, {"X-Secret-Hop", "1"}, {"Keep-Alive", "timeout=5"},
                 {"Via", "1.1 origin-side"}};
    return r;
  });
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  c.send(request_text("GET", origin.url("/hop"),
                      "Connection: keep-alive, X-Client-Hop\r\nX-Client-Hop: 1\r\nProxy-Connection: keep-alive\r\n"
                      "TE: trailers\r\nUpgrade: websocket\r\nX-End-To-End: kept\r\nX-Forwarded-For: 10.1.1.1\r\n"
                      "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"));
  auto res = c.read_response();
  auto req = origin.requests().at(0);
  EXPECT_FALSE(req.has_header("X-Client-Hop"));
  EXPECT_FALSE(req.has_header("Proxy-Connection"));
  EXPECT_FALSE(req.has_header("TE"));
  EXPECT_FALSE(req.has_header("Upgrade"));
  EXPECT_FALSE(req.has_header("Proxy-Authorization"));
  EXPECT_EQ(req.header("X-End-To-End"), "kept");
  EXPECT_EQ(req.header("Via"), "1.1 cuttle-test (cuttle/" CUTTLE_VERSION_STRING ")");
  EXPECT_EQ(req.header("X-Forwarded-For"), "10.1.1.1, 127.0.0.1");
  EXPECT_EQ(res.count("X-Secret-Hop"), 0u);
  EXPECT_EQ(res.count(http::field::keep_alive), 0u);
  EXPECT_EQ(res[http::field::via], "1.1 origin-side, 1.1 cuttle-test (cuttle/" CUTTLE_VERSION_STRING ")");
}

TEST(Forwarding, ForwardedForAndViaFollowTheConfiguration) {
  OriginServer origin;
  CuttleProcess cuttle("forwarded_for delete\nvia off\n");
  proxy_request(cuttle.port(), "GET", origin.url("/"), "", {{"X-Forwarded-For", "10.9.9.9"}});
  auto req = origin.requests().at(0);
  EXPECT_FALSE(req.has_header("X-Forwarded-For"));
  EXPECT_FALSE(req.has_header("Via"));
}

TEST(Forwarding, LargeDownloadStreamsWithBoundedMemory) {
  constexpr uint64_t kSize = 256ull << 20;  // 256 MiB through the proxy
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.generated_bytes = kSize;
    return r;
  });
  CuttleProcess cuttle;
  RawConnection c(cuttle.port(), "127.0.0.1", std::chrono::seconds(60));
  c.send(request_text("GET", origin.url("/big")));
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  boost::beast::error_code ec;
  http::read_header(c.socket(), c.buffer(), parser, ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(parser.get()[http::field::content_length], std::to_string(kSize));
  uint64_t received = 0;
  bool content_ok = true;
  std::vector<char> buf(1 << 20);
  while (!parser.is_done()) {
    parser.get().body().data = buf.data();
    parser.get().body().size = buf.size();
    http::read(c.socket(), c.buffer(), parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    ASSERT_FALSE(ec) << ec.message();
    size_t n = buf.size() - parser.get().body().size;
    for (size_t i = 0; i < n; i += 4099) content_ok = content_ok && buf[i] == generated_byte(received + i);
    received += n;
  }
  EXPECT_EQ(received, kSize);
  EXPECT_TRUE(content_ok);
  // Peak resident memory of the proxy stays far below the object size.
  std::ifstream status("/proc/" + std::to_string(cuttle.pid()) + "/status");
  std::string line;
  uint64_t hwm_kib = 0;
  while (std::getline(status, line))
    if (line.starts_with("VmHWM:")) hwm_kib = std::stoull(line.substr(6));
  EXPECT_GT(hwm_kib, 0u);
  EXPECT_LT(hwm_kib, 64u * 1024) << "peak RSS " << hwm_kib << " KiB for a " << (kSize >> 20) << " MiB download";
}

}  // namespace forwarding_test
}  // namespace cuttle::testing

namespace cuttle::testing {
namespace forwarding_test {

TEST(Forwarding, ExpectContinueGets100BeforeTheBodyIsSent) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = "received " + req.body;
    return r;
  });
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  c.send("PUT " + origin.url("/upload") + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.read_response(/*head=*/true);
  EXPECT_EQ(interim.result_int(), 100);
  c.send("data");
  auto res = c.read_response();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "received data");
  EXPECT_FALSE(origin.requests().at(0).has_header("Expect"));
}

TEST(Forwarding, ShutdownLetsTheRequestInFlightFinish) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.body = "finished";
    r.delay = std::chrono::milliseconds(700);
    return r;
  });
  CuttleProcess cuttle;
  RawConnection busy(cuttle.port());
  RawConnection idle(cuttle.port());
  busy.send(request_text("GET", origin.url("/slow")));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(::kill(cuttle.pid(), SIGTERM), 0);
  auto res = busy.read_response();
  EXPECT_EQ(res.body(), "finished");
  EXPECT_FALSE(res.keep_alive());     // told the client this connection ends
  EXPECT_TRUE(idle.peer_closed());    // the idle keep-alive connection was closed
  EXPECT_EQ(cuttle.stop(0, std::chrono::seconds(10)), 0);
}

}  // namespace forwarding_test
}  // namespace cuttle::testing

namespace cuttle::testing {
namespace forwarding_test {

TEST(Forwarding, HostNamesAreResolved) {
  OriginServer origin;
  CuttleProcess cuttle("dns_timeout 5 seconds\n");
  for (int i = 0; i < 2; ++i) {  // the second lookup comes from the worker's cache
    auto res = proxy_get(cuttle.port(), "http://localhost:" + std::to_string(origin.port()) + "/named");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "hello from origin");
  }
  EXPECT_EQ(origin.requests().at(0).header("Host"), "localhost:" + std::to_string(origin.port()));
}

}  // namespace forwarding_test
}  // namespace cuttle::testing
