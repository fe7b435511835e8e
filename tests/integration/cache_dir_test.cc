// cache_dir lines as real squid.conf files write them: Squid's store types are
// LMDB stores in a sub-directory (a Squid cache left in the directory is never
// touched), several directories share the objects by min-size/max-size as in
// squid 5.7, `no-store` directories are only read, `cache_dir null` stores nothing.
#include "tests/support/differential.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <thread>

namespace cuttle::testing {
namespace cache_dir_test {

namespace fs = std::filesystem;

// Replies whose body is as long as the number the path ends with ("/body/5000").
OriginServer sized_origin() { return OriginServer(fresh_reply_sized_by_path); }

// A directory squid's `proxy` user may write in.
std::string open_dir(const TempDir& dir, const std::string& name) {
  fs::permissions(dir.path(), fs::perms::all);
  const auto path = dir.file(name);
  fs::create_directories(path);
  fs::permissions(path, fs::perms::all);
  return path;
}

// The result codes of the first `count` access.log lines naming `text`, once
// written (squid also logs the fixture's port probe, and lines come in batches).
template <class Proxy>
std::vector<std::string> codes_of(Proxy& proxy, const std::string& text, size_t count) {
  std::vector<std::string> codes;
  for (int attempt = 0; attempt < 250 && codes.size() < count; ++attempt) {
    if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    codes.clear();
    for (const auto& line : proxy.access_log_lines(1))
      if (line.find(text) != std::string::npos)
        codes.push_back(std::regex_replace(code_and_user(line), std::regex("TCP_MEM_HIT"), "TCP_HIT"));
  }
  return codes;
}

TEST(CacheDir, SizesChooseTheDirectoryAsInSquid) {
  auto origin = sized_origin();
  TempDir dir;
  auto config = [&](const std::string& who) {
    return "cache_mem 0 MB\nminimum_object_size 100 bytes\n"
           "cache_dir ufs " + open_dir(dir, who + "-small") + " 10 16 256 max-size=1000\n"
           "cache_dir aufs " + open_dir(dir, who + "-large") + " 10 16 256 min-size=100000 max-size=300000\n";
  };
  const std::vector<std::string> paths = {"/body/10", "/body/500", "/body/5000", "/body/200000", "/body/400000"};
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    for (const auto& path : paths)
      for (int round = 0; round < 2; ++round) {
        proxy_get(proxy.port(), origin.url(path));
        // Squid writes to disk after the reply: give it the time to finish.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    return codes_of(proxy, "/body/", 2 * paths.size());
  });
  // 10 bytes: under minimum_object_size; 500: the small directory; 5000: neither;
  // 200000: the large one; 400000: over every max-size.
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_squid, (std::vector<std::string>{"TCP_MISS/200 -", "TCP_MISS/200 -", "TCP_MISS/200 -", "TCP_HIT/200 -",
                                                "TCP_MISS/200 -", "TCP_MISS/200 -", "TCP_MISS/200 -", "TCP_HIT/200 -",
                                                "TCP_MISS/200 -", "TCP_MISS/200 -"}));
}

// Each object lives in one directory: a cuttle given only one of them has only its objects.
TEST(CacheDir, EachObjectIsStoredInTheDirectoryItsSizeChose) {
  auto origin = sized_origin();
  TempDir dir;
  const auto small = "cache_dir rock " + dir.file("small") + " 10 max-size=1000\n";
  const auto large = "cache_dir diskd " + dir.file("large") + " 10 16 256 min-size=1001 Q1=64 Q2=72\n";
  {
    CuttleProcess cuttle(small + large);
    proxy_get(cuttle.port(), origin.url("/body/500"));
    proxy_get(cuttle.port(), origin.url("/body/50000"));
    cuttle.access_log_lines(2);
  }
  CuttleProcess only_small(small);
  EXPECT_EQ(proxy_get(only_small.port(), origin.url("/body/500"))["X-Cache"], "HIT from cuttle-test");
  EXPECT_EQ(proxy_get(only_small.port(), origin.url("/body/50000"))["X-Cache"], "MISS from cuttle-test");
  EXPECT_TRUE(fs::exists(dir.file("large/cuttle-lmdb/data.mdb")));
}

// A Squid ufs cache left in the directory: cuttle works beside it and leaves it as it was.
TEST(CacheDir, ASquidCacheInTheDirectoryIsLeftUntouched) {
  auto origin = sized_origin();
  TempDir dir;
  const auto squid_dir = dir.file("spool");
  fs::create_directories(squid_dir + "/00/00");
  fs::permissions(squid_dir, fs::perms::all);  // squid's cache_dir belongs to proxy, whom cuttle runs as
  dir.write("spool/swap.state", "squid's index");
  dir.write("spool/00/00/00000001", "squid's object");
  {
    CuttleProcess cuttle("cache_dir ufs " + squid_dir + " 10 16 256\n");
    proxy_get(cuttle.port(), origin.url("/body/500"));
    EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/body/500"))["X-Cache"], "HIT from cuttle-test");
  }
  std::vector<std::string> entries;
  for (const auto& entry : fs::directory_iterator(squid_dir)) entries.push_back(entry.path().filename());
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"00", "cuttle-lmdb", "swap.state"}));
  EXPECT_EQ(read_file(squid_dir + "/swap.state"), "squid's index");
  EXPECT_EQ(read_file(squid_dir + "/00/00/00000001"), "squid's object");
}

// no-store: what the directory holds is served, nothing new is written to it.
TEST(CacheDir, ANoStoreDirectoryIsOnlyRead) {
  auto origin = sized_origin();
  TempDir dir;
  const auto path = dir.file("cache");
  {
    CuttleProcess cuttle("cache_dir aufs " + path + " 10 16 256\n");
    proxy_get(cuttle.port(), origin.url("/body/100"));
    cuttle.access_log_lines(1);
  }
  CuttleProcess cuttle("cache_dir aufs " + path + " 10 16 256 no-store\n");
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/body/100"))["X-Cache"], "HIT from cuttle-test");
  proxy_get(cuttle.port(), origin.url("/body/200"));
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/body/200"))["X-Cache"], "MISS from cuttle-test");
}

TEST(CacheDir, NullStoresNothingAsInSquid) {
  auto origin = sized_origin();
  auto [by_squid, by_cuttle] = through_squid_then_cuttle("cache_dir null /tmp\ncache_mem 0 MB\n", [&](auto& proxy) {
    proxy_get(proxy.port(), origin.url("/body/100"));
    proxy_get(proxy.port(), origin.url("/body/100"));
    return codes_of(proxy, "/body/100", 2);
  });
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_squid, (std::vector<std::string>{"TCP_MISS/200 -", "TCP_MISS/200 -"}));
}

// cache_swap_high / cache_swap_low: past the high mark, least recently used
// objects go until the low mark is left (Squid's defaults are 95 and 90).
TEST(CacheDir, SwapMarksBoundWhatIsStored) {
  auto origin = sized_origin();
  TempDir dir;
  const auto metrics_port = free_port();
  CuttleProcess cuttle("cache_dir ufs " + dir.file("cache") + " 2 16 256\ncache_swap_low 30\ncache_swap_high 40\n"
                       "prometheus_port 127.0.0.1:" + std::to_string(metrics_port) + "\n");
  for (int i = 0; i < 20; ++i) proxy_get(cuttle.port(), origin.url("/object" + std::to_string(i) + "/100000"));
  cuttle.access_log_lines(20);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last commits
  RawConnection scrape(metrics_port);
  scrape.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto body = scrape.read_response().body();
  std::smatch stored;
  ASSERT_TRUE(std::regex_search(body, stored, std::regex(R"(\ncuttle_store_bytes (\d+))"))) << body;
  const auto bytes = std::stod(stored[1].str());
  EXPECT_GT(bytes, 100000);                  // the newest objects stay
  EXPECT_LE(bytes, 0.40 * (2 << 20) + 1024);  // never past the high mark after a commit
}

}  // namespace cache_dir_test
}  // namespace cuttle::testing
