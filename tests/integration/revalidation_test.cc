// RFC 9111 caching semantics through real sockets: revalidation with the
// origin (304 refreshes without a body), client directives and conditionals,
// Range from the store, stale-if-error / stale-while-revalidate, invalidation
// by unsafe methods, negative caching. The origin records the conditional
// headers it receives.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace cuttle::testing {
namespace revalidation_test {

std::string cache_dir_line(const TempDir& dir) { return "cache_dir lmdb " + dir.file("cache") + " 64\n"; }

// An origin holding one version of every resource: answers 304 to a matching
// If-None-Match or a not-older If-Modified-Since, else 200 with `body`.
struct VersionedOrigin {
  std::string etag = "\"v1\"";
  std::string last_modified = http_date(std::chrono::system_clock::now() - std::chrono::hours(24));
  std::string cache_control = "max-age=0";
  std::string body = "version one";
  bool use_etag = true, use_last_modified = true;

  OriginServer::Handler handler() {
    return [this](const RecordedRequest& req) {
      OriginReply r;
      r.headers = {{"Cache-Control", cache_control}};
      if (use_etag) r.headers.push_back({"ETag", etag});
      if (use_last_modified) r.headers.push_back({"Last-Modified", last_modified});
      bool not_modified = use_etag && req.header("If-None-Match") == etag;
      if (!req.has_header("If-None-Match") && use_last_modified && req.header("If-Modified-Since") == last_modified)
        not_modified = true;
      if (not_modified) r.status = 304;
      else r.body = body;
      return r;
    };
  }
};

// `versions`' handler until `failing` is set, then 503 with `body`.
OriginServer::Handler failing_when(VersionedOrigin& versions, const std::atomic<bool>& failing, std::string body) {
  return [base = versions.handler(), &failing, body](const RecordedRequest& req) {
    if (!failing) return base(req);
    OriginReply r;
    r.status = 503;
    r.body = body;
    return r;
  };
}

TEST(Revalidation, StaleEntryIsRevalidatedWithItsETagAnd304RefreshesItWithoutABody) {
  VersionedOrigin v;
  OriginServer origin(v.handler());
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/a")).body(), "version one");
  v.cache_control = "max-age=60";  // the 304 brings a new lifetime
  auto second = proxy_get(cuttle.port(), origin.url("/a"));
  EXPECT_EQ(second.result_int(), 200);
  EXPECT_EQ(second.body(), "version one");
  EXPECT_EQ(second[http::field::cache_control], "max-age=60");
  auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].header("If-None-Match"), "\"v1\"");
  EXPECT_EQ(requests[1].header("If-Modified-Since"), v.last_modified);
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_REFRESH_UNMODIFIED/200").empty());
  // Freshened: the next request is a plain hit.
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/a"))["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(Revalidation, LastModifiedAloneIsUsedAsIfModifiedSince) {
  VersionedOrigin v;
  v.use_etag = false;
  OriginServer origin(v.handler());
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/lm"));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/lm")).body(), "version one");
  auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_FALSE(requests[1].has_header("If-None-Match"));
  EXPECT_EQ(requests[1].header("If-Modified-Since"), v.last_modified);
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_REFRESH_UNMODIFIED/200").empty());
}

TEST(Revalidation, ChangedObjectReplacesTheStoredCopy) {
  VersionedOrigin v;
  OriginServer origin(v.handler());
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/c"));
  v.etag = "\"v2\"";
  v.body = "version two";
  v.cache_control = "max-age=60";
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/c")).body(), "version two");
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_REFRESH_MODIFIED/200").empty());
  auto third = proxy_get(cuttle.port(), origin.url("/c"));
  EXPECT_EQ(third.body(), "version two");
  EXPECT_EQ(third["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(Revalidation, FreshEntryIsNotRevalidated) {
  VersionedOrigin v;
  v.cache_control = "max-age=60";
  OriginServer origin(v.handler());
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  for (int i = 0; i < 3; ++i) proxy_get(cuttle.port(), origin.url("/f"));
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(Revalidation, ClientMaxAgeZeroForcesOneConditionalRoundTrip) {
  VersionedOrigin v;
  v.cache_control = "max-age=60";
  OriginServer origin(v.handler());
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/m"));
  auto r = proxy_request(cuttle.port(), "GET", origin.url("/m"), "", {{"Cache-Control", "max-age=0"}});
  EXPECT_EQ(r.body(), "version one");
  auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].header("If-None-Match"), "\"v1\"");
}

TEST(Revalidation, ConcurrentRequestsForAStaleObjectMakeOneRevalidation) {
  VersionedOrigin v;
  auto base = v.handler();
  OriginServer origin([&](const RecordedRequest& req) {
    auto r = base(req);
    if (req.has_header("If-None-Match")) r.delay = std::chrono::milliseconds(300);  // keep the others waiting
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/crowd"));
  v.cache_control = "max-age=60";
  std::vector<std::thread> clients;
  std::atomic<int> good{0};
  for (int i = 0; i < 20; ++i)
    clients.emplace_back([&] {
      if (proxy_get(cuttle.port(), origin.url("/crowd")).body() == "version one") ++good;
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), 20);
  EXPECT_EQ(origin.requests().size(), 2u);  // the first fetch and one revalidation
}

TEST(ClientConditionals, FreshEntryAnswers304ToIfNoneMatchAndIfModifiedSince) {
  VersionedOrigin v;
  v.cache_control = "max-age=60";
  OriginServer origin(v.handler());
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/ims"));
  auto inm = proxy_request(cuttle.port(), "GET", origin.url("/ims"), "", {{"If-None-Match", "W/\"v1\""}});
  EXPECT_EQ(inm.result_int(), 304);
  EXPECT_EQ(inm.body(), "");
  EXPECT_EQ(inm[http::field::etag], "\"v1\"");
  EXPECT_FALSE(inm[http::field::age].empty());
  auto ims = proxy_request(cuttle.port(), "GET", origin.url("/ims"), "", {{"If-Modified-Since", v.last_modified}});
  EXPECT_EQ(ims.result_int(), 304);
  auto older = proxy_request(cuttle.port(), "GET", origin.url("/ims"), "",
                             {{"If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"}});
  EXPECT_EQ(older.result_int(), 200);
  EXPECT_EQ(older.body(), "version one");
  EXPECT_EQ(origin.requests().size(), 1u);
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_INM_HIT/304").empty());
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_IMS_HIT/304").empty());
}

TEST(ClientDirectives, OnlyIfCachedIs504OnAMissAndAHitOtherwise) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}};
    r.body = "here";
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  auto miss = proxy_request(cuttle.port(), "GET", origin.url("/o"), "", {{"Cache-Control", "only-if-cached"}});
  EXPECT_EQ(miss.result_int(), 504);
  EXPECT_NE(miss.body().find("ERR_ONLY_IF_CACHED_MISS"), std::string::npos);
  EXPECT_EQ(origin.requests().size(), 0u);
  proxy_get(cuttle.port(), origin.url("/o"));
  auto hit = proxy_request(cuttle.port(), "GET", origin.url("/o"), "", {{"Cache-Control", "only-if-cached"}});
  EXPECT_EQ(hit.result_int(), 200);
  EXPECT_EQ(hit.body(), "here");
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(Ranges, SingleMultipleAndUnsatisfiableRangesFromTheStore) {
  std::string body;
  for (int i = 0; i < 600000; ++i) body += static_cast<char>('a' + i % 26 + (i / 26) % 7);
  OriginServer origin([body](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}, {"ETag", "\"r1\""}, {"Content-Type", "text/plain"}};
    r.body = body;
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/r"));
  auto single = proxy_request(cuttle.port(), "GET", origin.url("/r"), "", {{"Range", "bytes=262140-262149"}});
  EXPECT_EQ(single.result_int(), 206);  // across the store's 256 KiB chunk boundary
  EXPECT_EQ(single.body(), body.substr(262140, 10));
  EXPECT_EQ(single[http::field::content_range], "bytes 262140-262149/600000");
  auto suffix = proxy_request(cuttle.port(), "GET", origin.url("/r"), "", {{"Range", "bytes=-5"}});
  EXPECT_EQ(suffix.body(), body.substr(599995));
  auto multi = proxy_request(cuttle.port(), "GET", origin.url("/r"), "", {{"Range", "bytes=0-2,500-502"}});
  EXPECT_EQ(multi.result_int(), 206);
  std::string type(multi[http::field::content_type]);
  ASSERT_EQ(type.rfind("multipart/byteranges; boundary=", 0), 0u) << type;
  std::string boundary = type.substr(type.find('=') + 1);
  EXPECT_EQ(multi.body(), "\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-2/600000\r\n\r\n" +
                              body.substr(0, 3) + "\r\n--" + boundary +
                              "\r\nContent-Type: text/plain\r\nContent-Range: bytes 500-502/600000\r\n\r\n" +
                              body.substr(500, 3) + "\r\n--" + boundary + "--\r\n");
  auto refused = proxy_request(cuttle.port(), "GET", origin.url("/r"), "", {{"Range", "bytes=600000-"}});
  EXPECT_EQ(refused.result_int(), 416);
  EXPECT_EQ(refused[http::field::content_range], "bytes */600000");
  // If-Range with another version: the whole object.
  auto other = proxy_request(cuttle.port(), "GET", origin.url("/r"), "", {{"Range", "bytes=0-1"}, {"If-Range", "\"r0\""}});
  EXPECT_EQ(other.result_int(), 200);
  EXPECT_EQ(other.body(), body);
  EXPECT_EQ(origin.requests().size(), 1u);
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_HIT/206").empty());
}

TEST(StaleIfError, StaleCopyServedWhenTheOriginFailsWithin503OrIsDown) {
  VersionedOrigin v;
  v.cache_control = "max-age=0, stale-if-error=600";
  std::atomic<bool> failing{false};
  auto origin = std::make_unique<OriginServer>(failing_when(v, failing, "down for maintenance"));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  const std::string url = origin->url("/s");
  proxy_get(cuttle.port(), url);
  failing = true;
  auto served = proxy_get(cuttle.port(), url);
  EXPECT_EQ(served.result_int(), 200);
  EXPECT_EQ(served.body(), "version one");
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_REFRESH_FAIL_OLD/200").empty());
  origin.reset();  // the origin is gone: connections are refused
  auto offline = proxy_get(cuttle.port(), url);
  EXPECT_EQ(offline.result_int(), 200);
  EXPECT_EQ(offline.body(), "version one");
}

TEST(StaleIfError, MustRevalidateForbidsServingStale) {
  VersionedOrigin v;
  v.cache_control = "max-age=0, must-revalidate, stale-if-error=600";
  std::atomic<bool> failing{false};
  OriginServer origin(failing_when(v, failing, "down"));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/mr"));
  failing = true;
  auto r = proxy_get(cuttle.port(), origin.url("/mr"));
  EXPECT_EQ(r.result_int(), 503);
  EXPECT_EQ(r.body(), "down");
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_REFRESH_FAIL_ERR/503").empty());
}

TEST(StaleWhileRevalidate, StaleCopyServedAtOnceAndRefreshedInTheBackgroundOnce) {
  VersionedOrigin v;
  v.cache_control = "max-age=0, stale-while-revalidate=600";
  OriginServer origin(v.handler());
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/swr"));
  v.cache_control = "max-age=600";
  auto served = proxy_get(cuttle.port(), origin.url("/swr"));
  EXPECT_EQ(served.body(), "version one");
  EXPECT_EQ(served["X-Cache"], "HIT from cuttle-test");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (origin.requests().size() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].header("If-None-Match"), "\"v1\"");
  // Once refreshed (max-age=600 from the 304) further requests are plain hits.
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = proxy_get(cuttle.port(), origin.url("/swr"));
    if (r[http::field::cache_control] == "max-age=600") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/swr"))[http::field::cache_control], "max-age=600");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(Invalidation, SuccessfulPostInvalidatesTheTargetAndSameOriginLocation) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    if (req.method == "POST") {
      r.status = 201;
      r.headers = {{"Location", "/other"}};
      return r;
    }
    r.headers = {{"Cache-Control", "max-age=600"}};
    r.body = "page " + req.target;
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/form"));
  proxy_get(cuttle.port(), origin.url("/other"));
  proxy_get(cuttle.port(), origin.url("/untouched"));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/form"))["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(proxy_request(cuttle.port(), "POST", origin.url("/form"), "x=1").result_int(), 201);
  // The store's writer applies removals asynchronously; give it a moment.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (proxy_request(cuttle.port(), "GET", origin.url("/other"), "", {{"Cache-Control", "only-if-cached"}})
                 .result_int() != 504 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/form"))["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/other"))["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/untouched"))["X-Cache"], "HIT from cuttle-test");
}

TEST(NegativeCaching, ErrorsAreReusedForNegativeTtlOnly) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.status = 404;
    r.body = "no such page";
    return r;
  });
  TempDir dir;
  {
    CuttleProcess cuttle(cache_dir_line(dir));  // negative_ttl 0, Squid's default
    proxy_get(cuttle.port(), origin.url("/gone"));
    EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/gone"))["X-Cache"], "MISS from cuttle-test");
    EXPECT_EQ(origin.requests().size(), 2u);
  }
  CuttleProcess cuttle(cache_dir_line(dir) + "negative_ttl 30 seconds\n");
  proxy_get(cuttle.port(), origin.url("/missing"));
  auto again = proxy_get(cuttle.port(), origin.url("/missing"));
  EXPECT_EQ(again.result_int(), 404);
  EXPECT_EQ(again["X-Cache"], "HIT from cuttle-test");
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_NEGATIVE_HIT/404").empty());
  EXPECT_EQ(origin.requests().size(), 3u);
}

}  // namespace revalidation_test
}  // namespace cuttle::testing
