// Caching through real sockets: replies stored in LMDB (cache_dir) and served
// from there while fresh, across restarts, per Vary variant, never truncated.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/process_stats.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <fstream>
#include <functional>
#include <csignal>
#include <thread>

#include <sys/socket.h>
#include <sys/time.h>

namespace cuttle::testing {
namespace cache_test {

std::string cache_dir_line(const TempDir& dir) { return "cache_dir lmdb " + dir.file("cache") + " 64\n"; }

OriginServer::Handler replies_with(std::vector<std::pair<std::string, std::string>> headers,
                                   std::string body = "cached body") {
  return [headers, body](const RecordedRequest& req) {
    OriginReply r;
    r.headers = headers;
    r.body = body;
    return r;
  };
}

TEST(Cache, SecondGetIsAHitFromTheStore) {
  OriginServer origin(replies_with({{"Cache-Control", "max-age=60"}}));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  auto first = proxy_get(cuttle.port(), origin.url("/page"));
  EXPECT_EQ(first["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(first["X-Cache-Lookup"], "MISS from cuttle-test:" + std::to_string(cuttle.port()));
  auto second = proxy_get(cuttle.port(), origin.url("/page"));
  EXPECT_EQ(second.result_int(), 200);
  EXPECT_EQ(second.body(), "cached body");
  EXPECT_EQ(second["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(second["Cache-Status"], "cuttle-test; hit");
  EXPECT_EQ(second["X-Cache-Lookup"], "HIT from cuttle-test:" + std::to_string(cuttle.port()));
  EXPECT_FALSE(second[http::field::age].empty());
  EXPECT_EQ(second[http::field::cache_control], "max-age=60");
  EXPECT_EQ(origin.requests().size(), 1u);
  auto lines = cuttle.access_log_lines(2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(" TCP_MISS/200 "), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(" TCP_HIT/200 "), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(" HIER_NONE/- "), std::string::npos) << lines[1];
}

TEST(Cache, HeadIsAnsweredFromAStoredGet) {
  OriginServer origin(replies_with({{"Cache-Control", "max-age=60"}}, "0123456789"));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/h"));
  auto head = proxy_request(cuttle.port(), "HEAD", origin.url("/h"));
  EXPECT_EQ(head["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(head[http::field::content_length], "10");
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(Cache, NoStoreAndPrivateRepliesAreNotStored) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", req.target == "/ns" ? "no-store" : "private, max-age=60"}};
    r.body = "personal";
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/ns"))["X-Cache"], "MISS from cuttle-test");
    EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/private"))["X-Cache"], "MISS from cuttle-test");
  }
  EXPECT_EQ(origin.requests().size(), 4u);
}

TEST(Cache, StaleReplyIsFetchedAgain) {
  OriginServer origin(replies_with({{"Cache-Control", "max-age=1"}}));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/short"));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/short"))["X-Cache"], "HIT from cuttle-test");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/short"))["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(Cache, ClientNoCacheGoesToTheOrigin) {
  OriginServer origin(replies_with({{"Cache-Control", "max-age=60"}}));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/r"));
  auto reloaded = proxy_request(cuttle.port(), "GET", origin.url("/r"), "", {{"Cache-Control", "no-cache"}});
  EXPECT_EQ(reloaded["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(origin.requests().size(), 2u);
  auto line = cuttle.access_log_line_with("TCP_CLIENT_REFRESH_MISS/200");
  EXPECT_FALSE(line.empty());
}

TEST(Cache, LastModifiedHeuristicMakesARepeatAHit) {
  auto ten_days_ago = http_date(std::chrono::system_clock::now() - std::chrono::hours(240));
  OriginServer origin(replies_with({{"Last-Modified", ten_days_ago}}));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/static.css"));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/static.css"))["X-Cache"], "HIT from cuttle-test");
  // Squid's default pattern for query URLs allows no heuristic at all.
  proxy_get(cuttle.port(), origin.url("/search?q=1"));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/search?q=1"))["X-Cache"], "MISS from cuttle-test");
}

TEST(Cache, StoredObjectsSurviveARestart) {
  OriginServer origin(replies_with({{"Cache-Control", "max-age=600"}}, "kept across restarts"));
  TempDir dir;
  {
    CuttleProcess first(cache_dir_line(dir));
    proxy_get(first.port(), origin.url("/persist"));
  }
  CuttleProcess second(cache_dir_line(dir));
  auto res = proxy_get(second.port(), origin.url("/persist"));
  EXPECT_EQ(res["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(res.body(), "kept across restarts");
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(Cache, VaryKeepsVariantsApart) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}, {"Vary", "Accept-Language"}};
    r.body = "greeting in " + req.header("Accept-Language");
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  auto get_in = [&](const std::string& lang) {
    return proxy_request(cuttle.port(), "GET", origin.url("/hello"), "", {{"Accept-Language", lang}});
  };
  EXPECT_EQ(get_in("en").body(), "greeting in en");
  EXPECT_EQ(get_in("fr").body(), "greeting in fr");
  auto en_again = get_in("en");
  EXPECT_EQ(en_again.body(), "greeting in en");
  EXPECT_EQ(en_again["X-Cache"], "HIT from cuttle-test");
  auto fr_again = get_in("fr");
  EXPECT_EQ(fr_again.body(), "greeting in fr");
  EXPECT_EQ(fr_again["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(Cache, LargeObjectIsStoredAndServedWhole) {
  constexpr uint64_t kSize = 8ull << 20;
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}};
    r.generated_bytes = kSize;
    r.chunked = true;  // unknown length up front: the stored header gets one
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir) + "maximum_object_size 16 MB\n");
  auto miss = proxy_get(cuttle.port(), origin.url("/big"));
  ASSERT_EQ(miss.body().size(), kSize);
  auto hit = proxy_get(cuttle.port(), origin.url("/big"));
  EXPECT_EQ(hit["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(hit[http::field::content_length], std::to_string(kSize));
  ASSERT_EQ(hit.body().size(), kSize);
  bool same = true;
  for (uint64_t i = 0; i < kSize; ++i) same = same && hit.body()[i] == generated_byte(i);
  EXPECT_TRUE(same);
  EXPECT_EQ(origin.requests().size(), 1u);
}

// A hit is sent straight from the store's mapping, and what the socket does not
// take at once is kept and sent later. A client that first reads nothing and then
// reads slowly through a small receive window makes sends partial: the bytes must
// still arrive whole and in order, and the next pipelined hit after them.
TEST(Cache, SlowReaderOfALargeHitGetsEveryByteInOrder) {
  constexpr uint64_t kSize = 3ull << 20;  // 12 chunks of 256 KiB
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}};
    r.generated_bytes = kSize;
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir) + "maximum_object_size 16 MB\n");
  ASSERT_EQ(proxy_get(cuttle.port(), origin.url("/slow")).body().size(), kSize);

  RawConnection client(cuttle.port(), "127.0.0.1", std::chrono::seconds(30));
  client.socket().set_option(boost::asio::socket_base::receive_buffer_size(64 * 1024));
  timeval read_timeout{10, 0};  // the blocking reads below must not outlive a hung proxy
  ::setsockopt(client.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &read_timeout, sizeof read_timeout);
  const auto request = request_text("GET", origin.url("/slow"));
  client.send(request + request);  // two pipelined hits
  std::string received;
  std::array<char, 4096> piece;
  const std::string header_end = "\r\n\r\n";
  // Where the two replies end (each a header and kSize bytes), once both are in.
  auto end_of_both = [&]() -> size_t {
    size_t at = 0;
    for (int reply = 0; reply < 2; ++reply) {
      auto end = received.find(header_end, at);
      if (end == std::string::npos) return 0;
      at = end + header_end.size() + kSize;
      if (received.size() < at) return 0;
    }
    return at;
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both socket buffers fill up
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline && !end_of_both()) {
    boost::system::error_code ec;
    size_t n = client.socket().read_some(boost::asio::buffer(piece), ec);
    if (ec) break;
    received.append(piece.data(), n);
    if (received.size() < 1 << 20) std::this_thread::sleep_for(std::chrono::microseconds(200));  // slow at first
  }
  ASSERT_NE(end_of_both(), 0u) << "received " << received.size() << " bytes";
  EXPECT_EQ(end_of_both(), received.size());
  size_t at = 0;
  for (int reply = 0; reply < 2; ++reply) {
    auto end = received.find(header_end, at);
    ASSERT_NE(end, std::string::npos);
    auto header = received.substr(at, end - at);
    EXPECT_NE(header.find("X-Cache: HIT from cuttle-test"), std::string::npos) << header;
    EXPECT_NE(header.find("Content-Length: " + std::to_string(kSize)), std::string::npos) << header;
    at = end + header_end.size();
    uint64_t wrong = kSize;
    for (uint64_t i = 0; i < kSize; ++i)
      if (received[at + i] != generated_byte(i)) {
        wrong = i;
        break;
      }
    EXPECT_EQ(wrong, kSize) << "reply " << reply << " differs first at byte " << wrong;
    at += kSize;
  }
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(Cache, ObjectsOverMaximumObjectSizeAreNotStored) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}};
    r.generated_bytes = 200 * 1024;
    r.chunked = true;  // the limit must hold when the length is only known at the end
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir) + "maximum_object_size 100 KB\n");
  proxy_get(cuttle.port(), origin.url("/too-big"));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/too-big"))["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(origin.requests().size(), 2u);
}

TEST(Cache, TruncatedTransferIsNeverStored) {
  std::atomic<int> calls{0};
  OriginServer origin([&](const RecordedRequest&) {
    OriginReply r;
    if (calls++ == 0) {
      r.raw = "HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 1000\r\n\r\nonly part";
    } else {
      r.headers = {{"Cache-Control", "max-age=60"}};
      r.body = std::string(1000, 'w');
    }
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  {
    RawConnection c(cuttle.port());
    c.send("GET " + origin.url("/cut") + " HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_until_close();
  }
  auto res = proxy_get(cuttle.port(), origin.url("/cut"));
  EXPECT_EQ(res["X-Cache"], "MISS from cuttle-test");
  EXPECT_EQ(res.body(), std::string(1000, 'w'));
  EXPECT_EQ(origin.requests().size(), 2u);
}

}  // namespace cache_test
}  // namespace cuttle::testing

namespace cuttle::testing {
namespace cache_test {

TEST(Cache, PurgeRemovesEveryVariantWhenAnAclEnablesIt) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}, {"Vary", "Accept-Language"}};
    r.body = "in " + req.header("Accept-Language");
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir) + "acl purge method PURGE\nhttp_access allow purge localhost\n");
  for (std::string lang : {"en", "fr"})
    proxy_request(cuttle.port(), "GET", origin.url("/p"), "", {{"Accept-Language", lang}});
  EXPECT_EQ(proxy_request(cuttle.port(), "GET", origin.url("/p"), "", {{"Accept-Language", "fr"}})["X-Cache"],
            "HIT from cuttle-test");
  EXPECT_EQ(proxy_request(cuttle.port(), "PURGE", origin.url("/p")).result_int(), 200);
  EXPECT_EQ(proxy_request(cuttle.port(), "PURGE", origin.url("/p")).result_int(), 404);  // nothing left
  for (std::string lang : {"en", "fr"})
    EXPECT_EQ(proxy_request(cuttle.port(), "GET", origin.url("/p"), "", {{"Accept-Language", lang}})["X-Cache"],
              "MISS from cuttle-test");
  EXPECT_EQ(origin.requests().size(), 4u);
}

TEST(Cache, PurgeIsDeniedWithoutAnAclNamingIt) {
  OriginServer origin(replies_with({{"Cache-Control", "max-age=60"}}));
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  proxy_get(cuttle.port(), origin.url("/keep"));
  EXPECT_EQ(proxy_request(cuttle.port(), "PURGE", origin.url("/keep")).result_int(), 403);
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/keep"))["X-Cache"], "HIT from cuttle-test");
}

}  // namespace cache_test
}  // namespace cuttle::testing

namespace cuttle::testing {
namespace cache_test {

// `clients` connections ask for the same cold URL at once; returns the bodies.
std::vector<std::string> flash_crowd(unsigned short port, const std::string& url, int clients) {
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < clients; ++i) connections.push_back(std::make_unique<RawConnection>(port));
  for (auto& c : connections) c->send("GET " + url + " HTTP/1.1\r\nHost: x\r\n\r\n");
  std::vector<std::string> bodies;
  for (auto& c : connections) bodies.push_back(c->read_response().body());
  return bodies;
}

TEST(Cache, FlashCrowdForOneColdUrlMakesOneOriginRequest) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}};
    r.body = "the popular object";
    r.delay = std::chrono::milliseconds(300);  // everyone arrives while it is being fetched
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  auto bodies = flash_crowd(cuttle.port(), origin.url("/popular"), 200);
  for (const auto& b : bodies) EXPECT_EQ(b, "the popular object");
  EXPECT_EQ(origin.requests().size(), 1u);
}

TEST(Cache, UncacheableRepliesAreNotCollapsedIntoAQueue) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "private"}};
    r.body = "per user";
    r.delay = std::chrono::milliseconds(200);
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir));
  auto start = std::chrono::steady_clock::now();
  auto bodies = flash_crowd(cuttle.port(), origin.url("/mine"), 20);
  for (const auto& b : bodies) EXPECT_EQ(b, "per user");
  EXPECT_EQ(origin.requests().size(), 20u);
  // One leader round, then the followers in parallel: not twenty rounds in a row.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(Cache, CollapsedForwardingCanBeTurnedOff) {
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=60"}};
    r.body = "x";
    r.delay = std::chrono::milliseconds(200);
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle(cache_dir_line(dir) + "collapsed_forwarding off\n");
  flash_crowd(cuttle.port(), origin.url("/each"), 10);
  EXPECT_EQ(origin.requests().size(), 10u);
}

}  // namespace cache_test
}  // namespace cuttle::testing

namespace cuttle::testing {
namespace cache_test {

// anon_rss_kib() (tests/support/process_stats.h): the heap, not LMDB's file pages
// (page cache the kernel reclaims at will, counted in VmHWM too).

// Samples anon RSS every few milliseconds while it lives; peak() is the highest.
class AnonRssSampler {
 public:
  explicit AnonRssSampler(pid_t pid)
      : thread_([this, pid] {
          while (!stop_) {
            peak_ = std::max<uint64_t>(peak_, anon_rss_kib(pid));
            std::this_thread::sleep_for(std::chrono::milliseconds(3));
          }
        }) {}
  ~AnonRssSampler() { finish(); }
  uint64_t finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return peak_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> peak_{0};
  std::thread thread_;
};

TEST(Cache, A64MiBObjectIsStoredAndServedWithBoundedMemory) {
  constexpr uint64_t kSize = 64ull << 20;
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=600"}};
    r.generated_bytes = kSize;
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle("cache_dir lmdb " + dir.file("cache") + " 512\nmaximum_object_size 128 MB\n");
  AnonRssSampler sampler(cuttle.pid());
  for (std::string expected : {"MISS", "HIT"}) {
    auto res = proxy_get(cuttle.port(), origin.url("/iso"));
    EXPECT_EQ(res["X-Cache"], expected + " from cuttle-test");
    ASSERT_EQ(res.body().size(), kSize);
    bool same = true;
    for (uint64_t i = 0; i < kSize; i += 4097) same = same && res.body()[i] == generated_byte(i);
    EXPECT_TRUE(same);
  }
  EXPECT_EQ(origin.requests().size(), 1u);
  auto peak = sampler.finish();
  EXPECT_GT(peak, 0u);
  // Writer backlog (16 MiB), one transaction's dirty pages (16 MiB), relay
  // buffers: bounded, and well below the object's size.
  EXPECT_LT(peak, 48u * 1024) << "peak anonymous RSS " << peak << " KiB for a 64 MiB object";
}

TEST(Cache, KillDashNineMidLoadLeavesOnlyCompleteObjects) {
  // Each URL's body has a size of its own; the content is generated_byte(i).
  auto size_of = [](const std::string& target) {
    return static_cast<uint64_t>(1000 + (std::hash<std::string>{}(target) % 700000));
  };
  auto origin = std::make_unique<OriginServer>([&](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=600"}};
    r.generated_bytes = size_of(req.target);
    return r;
  });
  auto origin_url = [&](int i) { return origin->url("/obj/" + std::to_string(i)); };
  TempDir dir;
  const std::string conf = "cache_dir lmdb " + dir.file("cache") + " 256\n";
  std::atomic<int> next{0};
  {
    CuttleProcess cuttle(conf);
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&] {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (!stop && std::chrono::steady_clock::now() < deadline) {
          try {
            proxy_get(cuttle.port(), origin_url(next++));
          } catch (const std::exception&) {
            return;  // the proxy was killed under us
          }
        }
      });
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    ::kill(cuttle.pid(), SIGKILL);
    stop = true;
    for (auto& c : clients) c.join();
  }
  // Restart on the same store with the origin gone: whatever is served now comes
  // from the store, and it must be whole and exact.
  std::vector<std::string> urls;
  for (int i = 0; i < next; ++i) urls.push_back(origin_url(i));
  origin.reset();
  CuttleProcess restarted(conf);
  int hits = 0;
  for (size_t i = 0; i < urls.size(); ++i) {
    auto res = proxy_get(restarted.port(), urls[i]);
    if (res.result_int() != 200) continue;  // not stored before the kill: the origin is gone
    ++hits;
    EXPECT_EQ(res["X-Cache"], "HIT from cuttle-test");
    ASSERT_EQ(res.body().size(), size_of("/obj/" + std::to_string(i))) << urls[i];
    bool same = true;
    for (uint64_t j = 0; j < res.body().size(); j += 997) same = same && res.body()[j] == generated_byte(j);
    EXPECT_TRUE(same) << urls[i];
  }
  EXPECT_GT(hits, 0) << "nothing survived of " << urls.size() << " objects";
}

}  // namespace cache_test
}  // namespace cuttle::testing
