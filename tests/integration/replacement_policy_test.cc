// cache_replacement_policy against squid 5.7: a 1 MB object hit four times, then
// 100 kB objects until the 4 MB cache_dir has had to evict. Under `lru` the big
// object, least recently used, is gone; `heap LFUDA` keeps it for its references;
// `heap GDSF` gives it up, as its references per byte are few.
#include "tests/support/differential.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace cuttle::testing {
namespace replacement_policy_test {

namespace fs = std::filesystem;

const std::string kBig = "/body/1000000";

std::string filler(int i) { return "/body/" + std::to_string(100000 + i); }  // distinct URLs, ~100 kB each

// The result code of the big object's request after the cache filled up.
std::string big_after_a_fill(const std::string& policy) {
  OriginServer origin(fresh_reply_sized_by_path);
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  auto config = [&](const std::string& who) {
    const auto cache = dir.file(who + "-cache");
    fs::create_directories(cache);
    fs::permissions(cache, fs::perms::all);
    return "cache_mem 0 MB\ncache_replacement_policy " + policy + "\ncache_dir ufs " + cache + " 4 16 256\n";
  };
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    for (int i = 0; i < 5; ++i) {
      proxy_get(proxy.port(), origin.url(kBig));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // squid stores after the reply
    }
    for (int i = 0; i < 45; ++i) proxy_get(proxy.port(), origin.url(filler(i)));
    // Squid evicts in its once-a-second store maintenance.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    proxy_get(proxy.port(), origin.url(kBig));
    const auto lines = lines_containing(proxy, kBig, 6);
    return lines.size() == 6 ? code_and_user(lines[5]) : "missing log line";
  });
  EXPECT_EQ(by_cuttle, by_squid) << policy;
  return by_cuttle;
}

TEST(ReplacementPolicy, LruEvictsTheBigObjectFirst) { EXPECT_EQ(big_after_a_fill("lru"), "TCP_MISS/200 -"); }

TEST(ReplacementPolicy, LfudaKeepsTheBigObjectForItsReferences) {
  EXPECT_EQ(big_after_a_fill("heap LFUDA"), "TCP_HIT/200 -");
}

TEST(ReplacementPolicy, GdsfGivesUpTheBigObjectForSmallerOnes) {
  EXPECT_EQ(big_after_a_fill("heap GDSF"), "TCP_MISS/200 -");
}

}  // namespace replacement_policy_test
}  // namespace cuttle::testing
