// Every cache path of a GET, in-process over the memory cache: a hit, a 304 that
// freshens the stored header, a 200 that replaces the stored reply, a stale reply
// served while a background refresh runs (stale-while-revalidate), a stale reply
// instead of an origin's error (stale-if-error), byte ranges cut across stored
// chunks, and Vary variants. What the client gets, what the origin was asked,
// what the cache holds afterwards and what access.log says.
#include "tests/support/http_client.h"
#include "tests/support/in_process_proxy.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <optional>
#include <chrono>
#include <thread>

namespace cuttle::testing {
namespace cache_paths_test {

using namespace std::chrono_literals;

std::string body_of(size_t n) {
  std::string body(n, '\0');
  for (size_t i = 0; i < n; ++i) body[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  return body;
}

OriginReply reply(unsigned status, std::vector<std::pair<std::string, std::string>> headers, std::string body) {
  OriginReply r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

// `url`'s stored record once `ready` holds for it, waiting a moment: the fill
// commits after the reply's last byte went to the client.
std::optional<store::ObjectRecord> stored(
    InProcessProxy& proxy, const std::string& url,
    const std::function<bool(const store::ObjectRecord&)>& ready = [](const store::ObjectRecord&) { return true; }) {
  auto record = proxy.cache().lookup(url);
  for (auto deadline = std::chrono::steady_clock::now() + 2s;
       !(record && ready(*record)) && std::chrono::steady_clock::now() < deadline; record = proxy.cache().lookup(url))
    std::this_thread::sleep_for(1ms);
  return record && ready(*record) ? record : std::nullopt;
}

bool header_has(const store::ObjectRecord& record, const std::string& text) {
  return record.header_block.find(text) != std::string::npos;
}

Response get(InProcessProxy& proxy, const std::string& url,
             std::vector<std::pair<std::string, std::string>> headers = {}) {
  return proxy_request(proxy.port(), "GET", url, "", headers);
}

TEST(CachePaths, AFreshStoredReplyIsAHitAndTheOriginIsAskedOnce) {
  OriginServer origin([](const RecordedRequest&) {
    return reply(200, {{"Cache-Control", "max-age=600"}}, body_of(2500));
  });
  InProcessProxy proxy;
  EXPECT_EQ(get(proxy, origin.url("/a")).body(), body_of(2500));
  EXPECT_EQ(proxy.result(1), "TCP_MISS/200");
  ASSERT_TRUE(stored(proxy, origin.url("/a")));
  auto hit = get(proxy, origin.url("/a"));
  EXPECT_EQ(hit.body(), body_of(2500));
  EXPECT_EQ(hit["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(proxy.result(2), "TCP_HIT/200");
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(CachePaths, A304FreshensTheStoredHeaderAndKeepsTheBody) {
  std::atomic<int> version{1};
  OriginServer origin([&](const RecordedRequest& req) {
    const std::string etag = "\"v1\"";
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Cache-Control", "no-cache"}, {"ETag", etag}, {"X-Header-Version", std::to_string(version.load())}};
    if (req.header("If-None-Match") == etag) return reply(304, headers, "");
    return reply(200, headers, body_of(1500));
  });
  InProcessProxy proxy;
  ASSERT_EQ(get(proxy, origin.url("/a")).body(), body_of(1500));
  auto first = stored(proxy, origin.url("/a"));
  ASSERT_TRUE(first);
  version = 2;
  auto res = get(proxy, origin.url("/a"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), body_of(1500));
  EXPECT_EQ(res["X-Header-Version"], "2") << "the client gets the freshened header";
  EXPECT_EQ(proxy.result(2), "TCP_REFRESH_UNMODIFIED/200");
  ASSERT_EQ(origin.requests().size(), 2u);
  EXPECT_EQ(origin.requests()[1].header("If-None-Match"), "\"v1\"");
  auto freshened =
      stored(proxy, origin.url("/a"), [](const auto& record) { return header_has(record, "X-Header-Version: 2"); });
  ASSERT_TRUE(freshened) << "the stored header is freshened";
  EXPECT_EQ(freshened->object_id, first->object_id) << "the body is kept, not copied";
}

TEST(CachePaths, A200ToARevalidationReplacesTheStoredReply) {
  std::atomic<int> version{1};
  OriginServer origin([&](const RecordedRequest&) {
    const int v = version.load();
    return reply(200, {{"Cache-Control", "no-cache"}, {"ETag", "\"v" + std::to_string(v) + "\""}},
                       "version " + std::to_string(v));
  });
  InProcessProxy proxy;
  ASSERT_EQ(get(proxy, origin.url("/a")).body(), "version 1");
  ASSERT_TRUE(stored(proxy, origin.url("/a")));
  version = 2;
  EXPECT_EQ(get(proxy, origin.url("/a")).body(), "version 2");
  EXPECT_EQ(proxy.result(2), "TCP_REFRESH_MODIFIED/200");
  EXPECT_EQ(origin.requests()[1].header("If-None-Match"), "\"v1\"");
  auto record = stored(proxy, origin.url("/a"), [](const auto& record) { return header_has(record, "\"v2\""); });
  ASSERT_TRUE(record);
  EXPECT_EQ(proxy.cache().read_chunk(record->object_id, 0), "version 2");
  // The old body goes once the revalidation that pinned it has ended.
  for (auto deadline = std::chrono::steady_clock::now() + 2s;
       proxy.cache().bodies() > 1 && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(proxy.cache().bodies(), 1u) << "the replaced body is gone";
}

TEST(CachePaths, StaleWhileRevalidateAnswersAtOnceAndRefreshesBehind) {
  std::atomic<int> version{1};
  OriginServer origin([&](const RecordedRequest&) {
    const int v = version.load();
    return reply(200, {{"Cache-Control", v == 1 ? "max-age=0, stale-while-revalidate=600" : "max-age=600"},
                                      {"ETag", "\"v" + std::to_string(v) + "\""}},
                       "version " + std::to_string(v));
  });
  InProcessProxy proxy;
  ASSERT_EQ(get(proxy, origin.url("/a")).body(), "version 1");
  ASSERT_TRUE(stored(proxy, origin.url("/a")));
  version = 2;
  auto stale = get(proxy, origin.url("/a"));
  EXPECT_EQ(stale.body(), "version 1") << "served from the store while the refresh runs";
  EXPECT_EQ(stale["X-Cache"], "HIT from cuttle-test");
  EXPECT_TRUE(stored(proxy, origin.url("/a"), [](const auto& record) { return header_has(record, "\"v2\""); }))
      << "the background refresh stores version 2";
  EXPECT_EQ(get(proxy, origin.url("/a")).body(), "version 2");
  EXPECT_EQ(proxy.result(3), "TCP_HIT/200");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(CachePaths, StaleIfErrorServesTheStoredReplyInsteadOfAServerError) {
  std::atomic<bool> failing{false};
  OriginServer origin([&](const RecordedRequest&) {
    if (failing) return reply(503, {}, "origin trouble");
    return reply(200, {{"Cache-Control", "max-age=0, stale-if-error=600"}, {"ETag", "\"e\""}}, "kept");
  });
  InProcessProxy proxy;
  ASSERT_EQ(get(proxy, origin.url("/a")).body(), "kept");
  ASSERT_TRUE(stored(proxy, origin.url("/a")));
  failing = true;
  auto res = get(proxy, origin.url("/a"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "kept");
  EXPECT_EQ(proxy.result(2), "TCP_REFRESH_FAIL_OLD/200");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(CachePaths, ARangeIsCutFromTheStoredChunksItSpans) {
  OriginServer origin([](const RecordedRequest&) {
    return reply(200, {{"Cache-Control", "max-age=600"}}, body_of(5000));
  });
  InProcessProxy proxy("", /*chunk_size=*/1000);  // five stored chunks
  ASSERT_EQ(get(proxy, origin.url("/a")).body(), body_of(5000));
  ASSERT_TRUE(stored(proxy, origin.url("/a")));
  auto part = get(proxy, origin.url("/a"), {{"Range", "bytes=1500-3600"}});
  EXPECT_EQ(part.result_int(), 206);
  EXPECT_EQ(part["Content-Range"], "bytes 1500-3600/5000");
  EXPECT_EQ(part.body(), body_of(5000).substr(1500, 2101));
  auto tail = get(proxy, origin.url("/a"), {{"Range", "bytes=-10"}});
  EXPECT_EQ(tail.body(), body_of(5000).substr(4990));
  auto beyond = get(proxy, origin.url("/a"), {{"Range", "bytes=6000-"}});
  EXPECT_EQ(beyond.result_int(), 416);
  EXPECT_EQ(origin.requests().size(), 1u) << "every range came from the store";
}

TEST(CachePaths, VaryKeepsOneStoredReplyPerSelectingHeader) {
  OriginServer origin([](const RecordedRequest& req) {
    return reply(200, {{"Cache-Control", "max-age=600"}, {"Vary", "Accept-Language"}},
                       "in " + req.header("Accept-Language"));
  });
  InProcessProxy proxy;
  EXPECT_EQ(get(proxy, origin.url("/a"), {{"Accept-Language", "en"}}).body(), "in en");
  EXPECT_EQ(get(proxy, origin.url("/a"), {{"Accept-Language", "fr"}}).body(), "in fr");
  // The URL's Vary marker and one variant per language.
  for (auto deadline = std::chrono::steady_clock::now() + 2s;
       proxy.cache().stats().objects < 3 && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(proxy.cache().stats().objects, 3u);
  auto en = get(proxy, origin.url("/a"), {{"Accept-Language", "en"}});
  EXPECT_EQ(en.body(), "in en");
  EXPECT_EQ(en["X-Cache"], "HIT from cuttle-test");
  auto fr = get(proxy, origin.url("/a"), {{"Accept-Language", "fr"}});
  EXPECT_EQ(fr.body(), "in fr");
  EXPECT_EQ(origin.requests().size(), 2u);
}

}  // namespace cache_paths_test
}  // namespace cuttle::testing
