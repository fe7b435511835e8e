// The memory cache, differentially against squid 5.7: with no cache_dir, squid
// caches in memory (cache_mem, maximum_object_size_in_memory) and logs its hits
// TCP_MEM_HIT; so does cuttle. cache_mem 0 caches nothing.
#include "tests/support/differential.h"

#include <gtest/gtest.h>

#include <thread>

namespace cuttle::testing {
namespace memory_cache_test {

OriginServer sized_origin() { return OriginServer(fresh_reply_sized_by_path); }

// Each path twice; the result codes of the second requests.
template <class Proxy>
std::vector<std::string> second_codes(Proxy& proxy, const OriginServer& origin, const std::vector<std::string>& paths) {
  std::vector<std::string> codes;
  for (const auto& path : paths) {
    proxy_get(proxy.port(), origin.url(path));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the object is committed
    proxy_get(proxy.port(), origin.url(path));
  }
  for (const auto& path : paths) {
    const auto lines = lines_containing(proxy, path + " ", 2);
    codes.push_back(lines.size() == 2 ? code_and_user(lines[1]) : "missing");
  }
  return codes;
}

TEST(MemoryCache, WithoutACacheDirObjectsAreKeptInMemoryAsBySquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  auto origin = sized_origin();
  const std::vector<std::string> paths = {"/small/100", "/medium/300000", "/large/600000"};
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(
      "cache_mem 64 MB\n", [&](auto& proxy) { return second_codes(proxy, origin, paths); });
  EXPECT_EQ(by_squid, (std::vector<std::string>{"TCP_MEM_HIT/200 -", "TCP_MEM_HIT/200 -", "TCP_MISS/200 -"}))
      << "maximum_object_size_in_memory is 512 KB by default";
  EXPECT_EQ(by_cuttle, by_squid);
}

TEST(MemoryCache, ItsLimitsAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  auto origin = sized_origin();
  const std::vector<std::string> paths = {"/a/100", "/b/20000"};
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(
      "cache_mem 64 MB\nmaximum_object_size_in_memory 10 KB\n",
      [&](auto& proxy) { return second_codes(proxy, origin, paths); });
  EXPECT_EQ(by_squid, (std::vector<std::string>{"TCP_MEM_HIT/200 -", "TCP_MISS/200 -"}));
  EXPECT_EQ(by_cuttle, by_squid);
  auto [none_by_squid, none_by_cuttle] = through_squid_then_cuttle(
      "cache_mem 0 MB\n", [&](auto& proxy) { return second_codes(proxy, origin, {"/c/100"}); });
  EXPECT_EQ(none_by_squid, std::vector<std::string>{"TCP_MISS/200 -"});
  EXPECT_EQ(none_by_cuttle, none_by_squid);
}

}  // namespace memory_cache_test
}  // namespace cuttle::testing
