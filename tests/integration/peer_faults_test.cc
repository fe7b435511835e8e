// A cache_peer parent that fails: refuses connections, hangs up before its reply,
// or dies mid-body. While nothing has reached the client the request moves on to
// the next parent (Squid's FwdState retry); once bytes were sent the client gets
// a visible truncation, and nothing of it is stored.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <atomic>

namespace cuttle::testing {
namespace peer_faults_test {

// A parent on its own loopback address answering every absolute-URI request with
// "from NAME" (Content-Length, cacheable), unless `fault` says otherwise.
std::unique_ptr<OriginServer> parent(const std::string& name, const std::string& address,
                                     std::function<std::optional<OriginReply>(const RecordedRequest&)> fault = {}) {
  return std::make_unique<OriginServer>(
      [name, fault](const RecordedRequest& req) {
        if (fault)
          if (auto broken = fault(req)) return *broken;
        OriginReply r;
        r.headers = {{"Cache-Control", "max-age=600"}};
        r.body = "from " + name + std::string(20000, '.');
        return r;
      },
      address);
}

OriginReply raw_then(std::string bytes, OriginReply::AfterRaw after) {
  OriginReply r;
  r.raw = std::move(bytes);
  r.after_raw = after;
  return r;
}

std::string two_parents(unsigned short first_port, unsigned short second_port, const TempDir& dir) {
  return "cache_peer 127.0.0.21 parent " + std::to_string(first_port) + " 0 no-query\n" +
         "cache_peer 127.0.0.22 parent " + std::to_string(second_port) + " 0 no-query\n" +
         "never_direct allow all\n" + "cache_dir lmdb " + dir.file("cache") + " 64\n";
}

// Nothing listens on the origin's URL: only a parent can answer.
const std::string kUrl = "http://127.0.0.1:1/object";

TEST(PeerFaults, AParentRefusingConnectionsIsPassedOverForTheNextParent) {
  const unsigned short refusing = free_port();
  auto second = parent("second", "127.0.0.22");
  TempDir dir;
  CuttleProcess cuttle(two_parents(refusing, second->port(), dir));
  auto res = proxy_get(cuttle.port(), kUrl);
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_TRUE(res.body().starts_with("from second"));
  EXPECT_NE(cuttle.access_log_line_with(" ANY_OLD_PARENT/127.0.0.22 "), "") << cuttle.output();
  EXPECT_NE(cuttle.output().find("Detected DEAD Parent: 127.0.0.21"), std::string::npos) << cuttle.output();
}

TEST(PeerFaults, AParentHangingUpBeforeItsReplyIsRetriedOnTheNextParent) {
  auto first = parent("first", "127.0.0.21", [](const RecordedRequest&) {
    return raw_then("", OriginReply::AfterRaw::Reset);
  });
  auto second = parent("second", "127.0.0.22");
  TempDir dir;
  CuttleProcess cuttle(two_parents(first->port(), second->port(), dir));
  auto res = proxy_get(cuttle.port(), kUrl);
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_TRUE(res.body().starts_with("from second"));
  EXPECT_EQ(first->requests().size(), 1u);
  EXPECT_EQ(second->requests().size(), 1u);
}

TEST(PeerFaults, AParentDyingAfterItsHeaderButBeforeAnyBodyIsRetriedOnTheNextParent) {
  // Cuttle sends the header with the first body bytes: when the parent dies before
  // any, the client has received nothing and the next parent can still answer.
  auto first = parent("first", "127.0.0.21", [](const RecordedRequest&) {
    return raw_then("HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: 20000\r\n\r\n",
                    OriginReply::AfterRaw::Reset);
  });
  auto second = parent("second", "127.0.0.22");
  TempDir dir;
  CuttleProcess cuttle(two_parents(first->port(), second->port(), dir));
  auto res = proxy_get(cuttle.port(), kUrl);
  ASSERT_EQ(res.result_int(), 200) << res;
  EXPECT_EQ(res.body(), "from second" + std::string(20000, '.'));
  EXPECT_EQ(first->requests().size(), 1u);
  EXPECT_EQ(second->requests().size(), 1u);
  // What is stored is the second parent's whole reply.
  auto hit = proxy_get(cuttle.port(), kUrl);
  EXPECT_EQ(hit["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(hit.body(), res.body());
}

TEST(PeerFaults, AParentDyingMidBodyTruncatesTheReplyAndNothingIsStored) {
  std::atomic<bool> broken{true};
  const std::string sent(3000, 'x');
  auto first = parent("first", "127.0.0.21", [&](const RecordedRequest&) -> std::optional<OriginReply> {
    if (!broken) return std::nullopt;
    return raw_then("HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: 20000\r\n\r\n" + sent,
                    OriginReply::AfterRaw::Reset);
  });
  auto second = parent("second", "127.0.0.22");
  TempDir dir;
  CuttleProcess cuttle(two_parents(first->port(), second->port(), dir));
  {
    RawConnection c(cuttle.port());
    c.send(request_text("GET", kUrl));
    const std::string raw = c.read_until_close();
    const auto end = raw.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos) << raw;
    EXPECT_NE(raw.find("Content-Length: 20000"), std::string::npos) << raw.substr(0, end);
    const std::string body = raw.substr(end + 4);
    EXPECT_LT(body.size(), 20000u);
    EXPECT_TRUE(sent.starts_with(body)) << body.size() << " bytes";
  }
  // Bytes had reached the client: the second parent must not have been asked.
  EXPECT_TRUE(second->requests().empty());
  EXPECT_NE(cuttle.access_log_line_with("TCP_MISS_ABORTED/200"), "");
  // Nothing was stored: the repeat goes upstream again and gets the whole object.
  broken = false;
  auto again = proxy_get(cuttle.port(), kUrl);
  EXPECT_EQ(again["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(again.body(), "from first" + std::string(20000, '.'));
  EXPECT_EQ(first->requests().size(), 2u);
}

}  // namespace peer_faults_test
}  // namespace cuttle::testing
