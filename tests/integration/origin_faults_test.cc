// An origin that fails while cuttle talks to it: resets or closes mid-body, stalls
// before or during its reply, or answers with garbage or a header too large. The
// client must see the failure as HTTP says (an error page when nothing was sent
// yet, a visibly truncated reply otherwise), nothing broken is stored, and cuttle
// lets go of the origin's connection (no descriptor is leaked).
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/process_stats.h"

#include <gtest/gtest.h>

#include <atomic>

namespace cuttle::testing {
namespace origin_faults_test {

using namespace std::chrono_literals;

std::string cache_dir_line(const TempDir& dir) { return "cache_dir lmdb " + dir.file("cache") + " 64\n"; }

// The first reply for each URL is `broken`; later ones are whole and cacheable,
// so a repeat shows whether the broken one was stored.
OriginServer::Handler first_broken_then(std::string broken, OriginReply::AfterRaw after, std::string whole) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  return [=](const RecordedRequest&) {
    OriginReply r;
    if ((*calls)++ == 0) {
      r.raw = broken;
      r.after_raw = after;
    } else {
      r.headers = {{"Cache-Control", "max-age=60"}};
      r.body = whole;
    }
    return r;
  };
}

struct RawReply {
  std::string header;  // status line and fields, up to the blank line
  std::string body;    // every byte after it, as received (chunk framing included)
};

RawReply split(const std::string& raw) {
  auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return {raw, ""};
  return {raw.substr(0, end + 4), raw.substr(end + 4)};
}

// Whether Beast, reading as a client, finds the message complete.
bool parses_complete(const std::string& raw) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  boost::system::error_code ec;
  for (size_t used = 0; used < raw.size() && !parser.is_done();) {
    size_t n = parser.put(boost::asio::buffer(raw.data() + used, raw.size() - used), ec);
    if (ec == http::error::need_more) ec = {};
    if (ec || n == 0) break;
    used += n;
  }
  if (!ec && !parser.is_done()) parser.put_eof(ec);  // the connection closed here
  return !ec && parser.is_done();
}

TEST(OriginFaults, ResetMidContentLengthBodyIsAVisibleTruncationAndNotStored) {
  const std::string prefix(5000, 'p');
  OriginServer origin(first_broken_then("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 100000\r\n\r\n" +
                                            prefix,
                                        OriginReply::AfterRaw::Reset, std::string(100000, 'w')));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  const size_t fds_at_start = open_fd_count(cuttle.pid());
  {
    RawConnection c(cuttle.port());
    c.send(request_text("GET", origin.url("/reset")));
    auto reply = split(c.read_until_close());
    EXPECT_NE(reply.header.find(" 200 "), std::string::npos) << reply.header;
    EXPECT_NE(reply.header.find("Content-Length: 100000"), std::string::npos) << reply.header;
    // Fewer bytes than announced, and only bytes the origin sent.
    EXPECT_LT(reply.body.size(), 100000u);
    EXPECT_TRUE(prefix.starts_with(reply.body)) << reply.body.size() << " bytes";
  }
  EXPECT_NE(cuttle.access_log_line_with("TCP_MISS_ABORTED/200"), "");
  auto again = proxy_get(cuttle.port(), origin.url("/reset"));
  EXPECT_EQ(again["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(again.body(), std::string(100000, 'w'));
  EXPECT_EQ(origin.requests().size(), 2u);
  // Both upstream connections and both client connections are gone (the second
  // upstream one may be pooled: at most one descriptor more than at start).
  EXPECT_TRUE(eventually([&] { return open_fd_count(cuttle.pid()) <= fds_at_start + 1; }, 3s))
      << open_fd_count(cuttle.pid()) << " descriptors open, " << fds_at_start << " at start";
}

TEST(OriginFaults, ChunkedReplyCutMidBodyNeverGetsItsLastChunk) {
  OriginServer origin(first_broken_then(
      "HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nTransfer-Encoding: chunked\r\n\r\n"
      "a\r\n0123456789\r\n10\r\nonly half",
      OriginReply::AfterRaw::Close, "the whole thing"));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  {
    RawConnection c(cuttle.port());
    c.send(request_text("GET", origin.url("/chunked")));
    const std::string raw = c.read_until_close();
    auto reply = split(raw);
    EXPECT_NE(reply.header.find("Transfer-Encoding: chunked"), std::string::npos) << reply.header;
    EXPECT_NE(reply.body.find("0123456789"), std::string::npos) << reply.body;
    // The client must be able to tell: no last-chunk, so the message is incomplete.
    EXPECT_EQ(reply.body.find("\r\n0\r\n\r\n"), std::string::npos) << reply.body;
    EXPECT_FALSE(parses_complete(raw)) << raw;
  }
  EXPECT_NE(cuttle.access_log_line_with("TCP_MISS_ABORTED/200"), "");
  auto again = proxy_get(cuttle.port(), origin.url("/chunked"));
  EXPECT_EQ(again["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(again.body(), "the whole thing");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(OriginFaults, HttpTenClientOfACutChunkedReplyGetsOnlyWhatTheOriginSent) {
  // No framing is left to show an HTTP/1.0 client a cut chunked reply, except the
  // length: it was never announced, so the client can only count on the close.
  // What it gets must still be exactly the bytes the origin sent.
  OriginServer origin(first_broken_then(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nwor", OriginReply::AfterRaw::Reset,
      "unused"));
  CuttleProcess cuttle;
  RawConnection c(cuttle.port());
  c.send("GET " + origin.url("/ten") + " HTTP/1.0\r\n\r\n");
  auto reply = split(c.read_until_close());
  EXPECT_NE(reply.header.find(" 200 "), std::string::npos) << reply.header;
  EXPECT_TRUE(std::string("hellowor").starts_with(reply.body)) << reply.body;
  EXPECT_NE(cuttle.access_log_line_with("TCP_MISS_ABORTED/200"), "");
}

TEST(OriginFaults, SilentOriginGets504AndItsConnectionIsClosed) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.stall = true;
    return r;
  });
  CuttleProcess cuttle("read_timeout 1 second\n");
  const size_t fds_at_start = open_fd_count(cuttle.pid());
  auto res = proxy_get(cuttle.port(), origin.url("/silent"));
  EXPECT_EQ(res.result_int(), 504);
  EXPECT_EQ(res["X-Squid-Error"], "ERR_READ_TIMEOUT 0");
  // The origin sees cuttle hang up, and cuttle holds no descriptor for it.
  EXPECT_TRUE(eventually([&] { return origin.connections_ended() == 1; }, 3s)) << "the origin's connection is still open";
  EXPECT_TRUE(eventually([&] { return open_fd_count(cuttle.pid()) <= fds_at_start; }, 3s))
      << open_fd_count(cuttle.pid()) << " descriptors open, " << fds_at_start << " at start";
}

TEST(OriginFaults, OriginStallingMidBodyIsCutOffByReadTimeout) {
  OriginServer origin(first_broken_then("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 1000\r\n\r\n"
                                        "0123456789",
                                        OriginReply::AfterRaw::Stall, std::string(1000, 'w')));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir) + "read_timeout 1 second\n");
  const size_t fds_at_start = open_fd_count(cuttle.pid());
  {
    RawConnection c(cuttle.port());
    c.send(request_text("GET", origin.url("/stall")));
    const auto start = std::chrono::steady_clock::now();
    auto reply = split(c.read_until_close());
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_NE(reply.header.find("Content-Length: 1000"), std::string::npos) << reply.header;
    EXPECT_EQ(reply.body, "0123456789");
    EXPECT_GE(waited, 900ms);
    EXPECT_LT(waited, 5s);
  }
  EXPECT_NE(cuttle.access_log_line_with("TCP_MISS_ABORTED/200"), "");
  EXPECT_TRUE(eventually([&] { return origin.connections_ended() == 1; }, 3s)) << "the origin's connection is still open";
  EXPECT_TRUE(eventually([&] { return open_fd_count(cuttle.pid()) <= fds_at_start; }, 3s))
      << open_fd_count(cuttle.pid()) << " descriptors open, " << fds_at_start << " at start";
  auto again = proxy_get(cuttle.port(), origin.url("/stall"));
  EXPECT_EQ(again["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(again.body(), std::string(1000, 'w'));
}

TEST(OriginFaults, OversizeReplyHeaderGets502) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"X-Padding", std::string(req.target == "/huge" ? 20000 : 2000, 'h')}};
    r.body = "body";
    return r;
  });
  CuttleProcess cuttle("reply_header_max_size 8 KB\n");
  auto res = proxy_get(cuttle.port(), origin.url("/huge"));
  EXPECT_EQ(res.result_int(), 502);
  EXPECT_EQ(res["X-Squid-Error"], "ERR_INVALID_RESP 0");
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/fine")).body(), "body");
}

TEST(OriginFaults, GarbageRepliesGet502AndCuttleKeepsServing) {
  const std::vector<std::pair<std::string, std::string>> garbage = {
      {"/binary", std::string("\x00\x01\x02\xff\xfe\r\n\r\n", 9)},
      {"/bad-length", "HTTP/1.1 200 OK\r\nContent-Length: twelve\r\n\r\nhello"},
      {"/two-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"},
      {"/bad-status", "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n"},
      {"/bare-lf-mess", "HTTP/1.1 200 OK\nX\n\n"},
      {"/nothing", ""},
  };
  OriginServer origin([&](const RecordedRequest& req) {
    OriginReply r;
    if (req.target == "/ok") {
      r.body = "still here";
      return r;
    }
    for (const auto& [target, bytes] : garbage)
      if (req.target == target) r.raw = bytes;
    return r;
  });
  CuttleProcess cuttle;
  const size_t fds_at_start = open_fd_count(cuttle.pid());
  for (const auto& [target, bytes] : garbage) {
    auto res = proxy_get(cuttle.port(), origin.url(target));
    EXPECT_EQ(res.result_int(), 502) << target;
    EXPECT_FALSE(res["X-Squid-Error"].empty()) << target;
  }
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/ok")).body(), "still here");
  EXPECT_TRUE(eventually([&] { return open_fd_count(cuttle.pid()) <= fds_at_start + 1; }, 3s))
      << open_fd_count(cuttle.pid()) << " descriptors open, " << fds_at_start << " at start";
}

}  // namespace origin_faults_test
}  // namespace cuttle::testing
