// The store under stress: a cache_dir far smaller than what passes through it, a
// disk that runs out of space under LMDB, and kill -9 in the middle of a mixed
// load. Cuttle keeps relaying, never crashes, and every body it serves, from the
// origin or from the store, is byte for byte (SHA-256) what the origin sent.
#include "store/sha256.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/process_stats.h"

#include <gtest/gtest.h>

#include <sys/mount.h>

#include <atomic>
#include <filesystem>
#include <csignal>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace cuttle::testing {
namespace store_faults_test {

using namespace std::chrono_literals;

// A body that differs per URL in length and content, so a misplaced, repeated or
// truncated chunk changes its SHA-256.
std::string body_for(const std::string& key, size_t min_size, size_t spread) {
  std::mt19937_64 random(std::hash<std::string>{}(key));
  std::string body(min_size + random() % spread, '\0');
  for (size_t i = 0; i < body.size(); i += 8) {
    uint64_t word = random();
    for (size_t j = 0; j < 8 && i + j < body.size(); ++j) body[i + j] = static_cast<char>(word >> (8 * j));
  }
  return body;
}

std::string cache_manager_info(unsigned short port) {
  RawConnection c(port);
  c.send("GET /squid-internal-mgr/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  return c.read_response().body();
}

// The number after `label` in the cache manager's info page (e.g. "Storage Swap size:\t").
uint64_t info_figure(const std::string& info, const std::string& label) {
  auto at = info.find(label);
  if (at == std::string::npos) return UINT64_MAX;
  return std::stoull(info.substr(at + label.size()));
}

TEST(StoreFaults, ACacheDirFarSmallerThanTheTrafficKeepsServingByEvicting) {
  const std::string big_target = "/bigger-than-the-store";
  OriginServer origin([&](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=600"}};
    r.body = req.target == big_target ? body_for(req.target, 3 << 20, 1000) : body_for(req.target, 60000, 10000);
    return r;
  });
  TempDir dir;
  // 2 MB of store for one object larger than all of it, then about 9 MB of objects.
  CuttleProcess cuttle("cache_dir lmdb " + dir.file("cache") + " 2\nmaximum_object_size 8 MB\n");
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(proxy_get(cuttle.port(), origin.url(big_target)).body(), body_for(big_target, 3 << 20, 1000));
  auto url = [&](int i) { return origin.url("/small/" + std::to_string(i)); };
  constexpr int kObjects = 130;
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < kObjects; ++i) {
      auto res = proxy_get(cuttle.port(), url(i));
      ASSERT_EQ(res.result_int(), 200) << url(i);
      ASSERT_EQ(res.body(), body_for("/small/" + std::to_string(i), 60000, 10000)) << url(i);
    }
  // The most recent objects are still there.
  for (int i = kObjects - 3; i < kObjects; ++i) {
    auto res = proxy_get(cuttle.port(), url(i));
    EXPECT_EQ(res["X-Cache"], "HIT from cuttle-test") << url(i);
    EXPECT_EQ(res.body(), body_for("/small/" + std::to_string(i), 60000, 10000));
  }
  const auto info = cache_manager_info(cuttle.port());
  EXPECT_LE(info_figure(info, "Storage Swap size:\t"), 2048u) << info;
  const auto evicted_at = info.rfind('\t', info.find(" objects evicted since start"));
  ASSERT_NE(evicted_at, std::string::npos) << info;
  EXPECT_GT(std::stoull(info.substr(evicted_at + 1)), 100u) << info;
  EXPECT_GT(origin.requests().size(), size_t(kObjects) + 2) << "nothing was evicted";
}

// An admin shrinks cache_dir: the file holds ~100 MB, more than the map that 4 MB
// would get (70 MB), so LMDB maps the whole file with no free page left. The
// restarted cuttle evicts down to the new size and goes on storing and serving.
TEST(StoreFaults, ShrinkingCacheDirBelowWhatTheFileHoldsEvictsAndKeepsCaching) {
  OriginServer origin([&](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=600"}};
    r.body = body_for(req.target, 1 << 20, 1000);
    return r;
  });
  TempDir dir;
  const std::string cache = dir.file("cache");
  auto url = [&](const std::string& name, int i) { return origin.url("/" + name + "/" + std::to_string(i)); };
  {
    CuttleProcess large("cache_dir lmdb " + cache + " 256\nmaximum_object_size 8 MB\n");
    for (int i = 0; i < 100; ++i) ASSERT_EQ(proxy_get(large.port(), url("old", i)).result_int(), 200);
    ASSERT_EQ(proxy_get(large.port(), url("old", 99))["X-Cache"], "HIT from cuttle-test");
  }
  ASSERT_GT(std::filesystem::file_size(cache + "/data.mdb"), 100u << 20);
  CuttleProcess small("cache_dir lmdb " + cache + " 4\nmaximum_object_size 8 MB\n");
  for (int i = 0; i < 12; ++i) {
    auto res = proxy_get(small.port(), url("new", i));
    ASSERT_EQ(res.result_int(), 200) << url("new", i);
    ASSERT_EQ(res.body(), body_for("/new/" + std::to_string(i), 1 << 20, 1000));
  }
  // Objects are committed by the store's writer a moment after their reply.
  auto hit = [&](int i) {
    for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(50ms)) {
      auto res = proxy_get(small.port(), url("new", i));
      EXPECT_EQ(res.body(), body_for("/new/" + std::to_string(i), 1 << 20, 1000));
      if (res["X-Cache"] == "HIT from cuttle-test") return true;
    }
    return false;
  };
  EXPECT_TRUE(hit(11)) << "nothing is stored after the shrink";
  // Evicted bodies go in the commit after the eviction (replies may still read
  // them): the size is back under the bound within moments.
  std::string info;
  for (auto deadline = std::chrono::steady_clock::now() + 3s; std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(50ms))
    if (info = cache_manager_info(small.port()); info_figure(info, "Storage Swap size:\t") <= 4096u) break;
  EXPECT_LE(info_figure(info, "Storage Swap size:\t"), 4096u) << info;
  EXPECT_EQ(small.output().find("write failed"), std::string::npos) << small.output();
  EXPECT_EQ(proxy_get(small.port(), url("old", 99))["X-Cache"].find("HIT"), std::string::npos)
      << "old objects were evicted";
}

// A tmpfs mounted on a directory of the test's own: a disk that really fills up.
class SmallDisk {
 public:
  SmallDisk(const std::string& path, const std::string& size) : path_(path) {
    std::filesystem::create_directories(path);
    mounted_ = ::mount("tmpfs", path.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::string path_;
  bool mounted_ = false;
};

TEST(StoreFaults, AFullDiskIsLoggedAndRepliesAreStillRelayedWhole) {
  TempDir dir;
  SmallDisk disk(dir.file("cache"), "1536k");
  if (!disk.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root (CAP_SYS_ADMIN)";
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.headers = {{"Cache-Control", "max-age=600"}};
    r.body = body_for(req.target, 300000, 400000);  // one to three store chunks each
    r.chunked = req.target.ends_with("0");           // and some without a length up front
    return r;
  });
  // The cache_dir believes it has 64 MB; the disk under it has 1.5.
  CuttleProcess cuttle("cache_dir lmdb " + dir.file("cache") + " 64\nmaximum_object_size 8 MB\n");
  auto target = [](int i) { return "/disk/" + std::to_string(i); };
  constexpr int kObjects = 30;
  int hits = 0;
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < kObjects; ++i) {
      auto res = proxy_get(cuttle.port(), origin.url(target(i)));
      ASSERT_EQ(res.result_int(), 200) << target(i) << " round " << round;
      // Whole and exact, whether relayed or served from what the store kept.
      ASSERT_EQ(res.body(), body_for(target(i), 300000, 400000)) << target(i) << " " << res["X-Cache"];
      hits += res["X-Cache"].starts_with("HIT");
    }
  EXPECT_GT(hits, 0) << "what fitted before the disk filled up should be served from the store:\n" << cuttle.output();
  EXPECT_LT(hits, kObjects) << "the disk cannot have held everything";
  // LMDB reports the full tmpfs as ENOSPC from a write or as EIO from its commit,
  // depending on which write hits the limit.
  const auto output = cuttle.output();
  EXPECT_TRUE(output.find("write failed (") != std::string::npos &&
              (output.find("No space left on device") != std::string::npos ||
               output.find("Input/output error") != std::string::npos))
      << "the write failure should be logged:\n"
      << cuttle.output();
  // Still alive and answering.
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url(target(0))).result_int(), 200);
  EXPECT_EQ(cuttle.stop(SIGTERM), 0) << cuttle.output();
}

// What the origin sent, by URL and Vary-selected language: SHA-256 of each body.
class SentBodies {
 public:
  void note(const std::string& key, const std::string& body) {
    std::lock_guard lock(mutex_);
    sent_[key].insert(store::sha256(body));
  }
  bool sent(const std::string& key, const std::string& body) const {
    std::lock_guard lock(mutex_);
    auto it = sent_.find(key);
    return it != sent_.end() && it->second.count(store::sha256(body));
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::set<std::string>> sent_;
};

// The mixed load's URL kinds, by index: plain (Content-Length), chunked, Vary on
// Accept-Language, cut short by the origin (never complete), and no-store.
enum class Kind { Plain, Chunked, Vary, Cut, NoStore };
Kind kind_of(int i) { return static_cast<Kind>(i % 5); }
const char* const kLanguages[] = {"en", "fr", "de"};

TEST(StoreFaults, KillDashNineUnderMixedLoadThenEveryServedBodyIsWhatTheOriginSent) {
  SentBodies sent;
  auto origin = std::make_unique<OriginServer>([&](const RecordedRequest& req) {
    const int i = std::stoi(req.target.substr(req.target.rfind('/') + 1));
    const std::string key = req.target + "|" + (kind_of(i) == Kind::Vary ? req.header("Accept-Language") : "");
    std::string body = body_for(key, 1000, 600000);
    OriginReply r;
    r.headers = {{"Cache-Control", kind_of(i) == Kind::NoStore ? "no-store" : "max-age=600"}};
    switch (kind_of(i)) {
      case Kind::Chunked:
        r.chunked = true;
        break;
      case Kind::Vary:
        r.headers.emplace_back("Vary", "Accept-Language");
        break;
      case Kind::Cut:
        r.raw = "HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n" + body.substr(0, body.size() / 2);
        r.after_raw = OriginReply::AfterRaw::Reset;
        return r;  // never noted as sent: no complete copy may ever be served
      default:
        break;
    }
    sent.note(key, body);
    r.body = std::move(body);
    return r;
  });
  constexpr int kUrls = 250;
  const std::string base_url = origin->url("/mixed/");  // still needed once the origin is gone
  auto url_of = [&](int i) { return base_url + std::to_string(i); };
  auto key_of = [&](int i, const std::string& language) {
    return "/mixed/" + std::to_string(i) + "|" + (kind_of(i) == Kind::Vary ? language : "");
  };
  // One GET; the complete 200 body, or nothing (error, cut short, or abandoned).
  auto fetch = [](unsigned short port, const std::string& url, const std::string& language,
                  bool abandon_after_header, std::string* x_cache) -> std::optional<std::string> {
    RawConnection c(port);
    c.send(request_text("GET", url, "Accept-Language: " + language + "\r\nConnection: close\r\n"));
    if (abandon_after_header) {
      char byte;
      c.socket().read_some(boost::asio::buffer(&byte, 1));
      return std::nullopt;  // the client goes away mid-reply
    }
    auto res = c.read_response();
    if (x_cache) *x_cache = std::string(res["X-Cache"]);
    if (res.result_int() != 200) return std::nullopt;
    return res.body();
  };

  TempDir dir;
  const std::string conf = "cache_dir lmdb " + dir.file("cache") + " 256\n";
  std::mutex requested_mutex;
  std::set<std::pair<int, std::string>> requested;
  std::atomic<int> verified{0}, wrong{0};
  {
    CuttleProcess cuttle(conf);
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&, t] {
        std::mt19937 random(t);
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!stop && std::chrono::steady_clock::now() < deadline) {
          const int i = static_cast<int>(random() % kUrls);
          const std::string language = kLanguages[random() % 3];
          {
            std::lock_guard lock(requested_mutex);
            requested.emplace(i, language);
          }
          try {
            auto body = fetch(cuttle.port(), url_of(i), language, random() % 10 == 0, nullptr);
            if (!body) continue;
            if (sent.sent(key_of(i, language), *body)) ++verified;
            else {
              ++wrong;
              ADD_FAILURE() << url_of(i) << " (" << language << "): a " << body->size()
                            << "-byte body the origin never sent";
            }
          } catch (const std::exception&) {
            if (stop) return;  // the proxy was killed under us
          }
        }
      });
    std::this_thread::sleep_for(1500ms);
    ::kill(cuttle.pid(), SIGKILL);
    stop = true;
    for (auto& c : clients) c.join();
  }
  EXPECT_GT(verified, 20) << "the load hardly ran";
  EXPECT_EQ(wrong, 0);

  // Restart on the same store with the origin gone: everything served now comes
  // from the store, and it must be whole and exact.
  origin.reset();
  CuttleProcess restarted(conf);
  int hits = 0;
  for (const auto& [i, language] : requested) {
    std::string x_cache;
    auto body = fetch(restarted.port(), url_of(i), language, false, &x_cache);
    if (!body) continue;  // not stored before the kill; the origin is gone
    ++hits;
    EXPECT_EQ(x_cache, "HIT from cuttle-test") << url_of(i);
    EXPECT_NE(kind_of(i), Kind::Cut) << url_of(i) << ": a reply the origin cut short was stored";
    EXPECT_NE(kind_of(i), Kind::NoStore) << url_of(i) << ": a no-store reply was stored";
    EXPECT_TRUE(sent.sent(key_of(i, language), *body))
        << url_of(i) << " (" << language << "): the store served " << body->size() << " bytes the origin never sent";
  }
  EXPECT_GT(hits, 10) << "too little survived of " << requested.size() << " URLs to prove anything";
}

}  // namespace store_faults_test
}  // namespace cuttle::testing
