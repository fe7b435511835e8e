// Squid's removal policies in the LMDB store: the ranks of replacement_policy.h,
// and which objects a real store evicts under each when it must shrink.
#include "store/object_record.h"
#include "store/object_store.h"
#include "store/object_writer.h"
#include "store/replacement_policy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>

namespace cuttle::store {
namespace replacement_policy_test {

ObjectRecord referenced(uint32_t refcount, int64_t last_access_ms = 1'700'000'000'000) {
  ObjectRecord record;
  record.refcount = refcount;
  record.last_access = last_access_ms;
  return record;
}

TEST(ReplacementPolicy, LruRanksByLastAccessAlone) {
  for (auto policy : {ReplacementPolicy::Lru, ReplacementPolicy::HeapLru}) {
    EXPECT_EQ(eviction_rank(policy, referenced(50, 1000), 10, 7.0), 1000u);
    EXPECT_LT(eviction_rank(policy, referenced(50, 1000), 10, 0), eviction_rank(policy, referenced(1, 1001), 10, 0));
  }
}

TEST(ReplacementPolicy, GdsfValuesReferencesPerByte) {
  const auto gdsf = ReplacementPolicy::HeapGdsf;
  // Two references of 100 kB outrank four of 1 MB: small popular objects stay.
  EXPECT_LT(eviction_rank(gdsf, referenced(4), 1'000'000, 0), eviction_rank(gdsf, referenced(2), 100'000, 0));
  EXPECT_LT(eviction_rank(gdsf, referenced(1), 100'000, 0), eviction_rank(gdsf, referenced(2), 100'000, 0));
  // Among equals the more recent one stays (Squid's tie-breaker).
  EXPECT_LT(eviction_rank(gdsf, referenced(1, 1'000'000), 100, 0), eviction_rank(gdsf, referenced(1, 2'000'000), 100, 0));
}

TEST(ReplacementPolicy, LfudaValuesReferencesWhateverTheSize) {
  const auto lfuda = ReplacementPolicy::HeapLfuda;
  EXPECT_GT(eviction_rank(lfuda, referenced(4), 1'000'000, 0), eviction_rank(lfuda, referenced(2), 100, 0));
  EXPECT_EQ(eviction_rank(lfuda, referenced(3), 1'000'000, 0), eviction_rank(lfuda, referenced(3), 100, 0));
  EXPECT_DOUBLE_EQ(heap_key_of_rank(eviction_rank(lfuda, referenced(3), 100, 0)), 3.0);
}

TEST(ReplacementPolicy, AgeLiftsNewcomersPastOldPopularity) {
  const auto lfuda = ReplacementPolicy::HeapLfuda;
  // Ten references made before the cache aged by 20 count less than one made after.
  EXPECT_LT(eviction_rank(lfuda, referenced(10), 100, 0), eviction_rank(lfuda, referenced(1), 100, 20));
  EXPECT_DOUBLE_EQ(heap_key_of_rank(eviction_rank(lfuda, referenced(1), 100, 20)), 21.0);
}

TEST(ReplacementPolicy, RanksKeepTheOrderOfNegativeKeys) {
  // GDSF keys of a young cache can be below zero (the tie is subtracted).
  const auto gdsf = ReplacementPolicy::HeapGdsf;
  const auto low = eviction_rank(gdsf, referenced(1, 1500), 1'000'000, 0);   // 1e-6 - 1/1.5 < 0
  const auto high = eviction_rank(gdsf, referenced(1, 3000), 1'000'000, 0);  // 1e-6 - 1/3 < 0
  EXPECT_LT(heap_key_of_rank(low), heap_key_of_rank(high));
  EXPECT_LT(heap_key_of_rank(high), 0);
  EXPECT_LT(low, high);
}

TEST(ReplacementPolicy, RecordsWrittenBeforePoliciesReadAsRankedByRecency) {
  ObjectRecord record = referenced(9, 123456);
  record.status = 200;
  record.header_block = "HTTP/1.1 200 OK\r\n\r\n";
  std::string v1 = encode(record);
  // Version 1 had no refcount (4 bytes) and rank (8 bytes) after last_access.
  constexpr size_t kAfterLastAccess = 4 + 1 + 1 + 2 + 8 + 8 + 4 + 8 + 8 + 8;
  v1.erase(kAfterLastAccess, 12);
  v1[4] = 1;
  auto decoded = decode(v1);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->refcount, 1u);
  EXPECT_EQ(decoded->eviction_rank, 123456u);
  EXPECT_EQ(decoded->header_block, record.header_block);
}

// ---- A real store that must shrink ----

class PolicyStore {
 public:
  PolicyStore() {
    char pattern[] = "/tmp/cuttle-policy-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~PolicyStore() { std::filesystem::remove_all(path_); }
  StoreOptions options(ReplacementPolicy policy) const {
    StoreOptions options{path_, 4ull << 20, 256 * 1024, {}};
    options.policy = policy;
    return options;
  }

 private:
  std::string path_;
};

void put(ObjectStore& store, const std::string& key, size_t size) {
  ObjectWriter writer(store, key);
  writer.append(std::string(size, 'x'));
  ObjectRecord record;
  record.status = 200;
  record.header_block = "HTTP/1.1 200 OK\r\n\r\n";
  std::promise<bool> committed;
  writer.finish(record, [&](bool ok) { committed.set_value(ok); });
  ASSERT_TRUE(committed.get_future().get()) << key;
}

// Hits right after the object was stored, as a popular object gets them: the heap
// policies count each; LRU notes none (the object was used less than a minute ago).
void hit(ObjectStore& store, const std::string& key, int times) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  for (int i = 0; i < times; ++i) store.touch(key, now, now);
}

// A 1 MB object referenced five times, two 100 kB objects referenced twice, then
// 100 kB objects referenced once until the 4 MB store has evicted several times.
std::vector<std::string> survivors_of_a_fill(ObjectStore& store) {
  put(store, "big", 1 << 20);
  hit(store, "big", 4);
  for (const std::string key : {"small-a", "small-b"}) {
    put(store, key, 100'000);
    hit(store, key, 1);
  }
  for (int i = 0; i < 40; ++i) put(store, "filler-" + std::to_string(i), 100'000);
  store.flush();
  std::vector<std::string> kept;
  for (const std::string key : {"big", "small-a", "small-b"})
    if (store.lookup(key)) kept.push_back(key);
  return kept;
}

using Kept = std::vector<std::string>;

TEST(StoreReplacement, LruEvictsTheLeastRecentlyUsedWhateverItsPopularity) {
  PolicyStore dir;
  ObjectStore store(dir.options(ReplacementPolicy::Lru));
  EXPECT_EQ(survivors_of_a_fill(store), Kept{});
  EXPECT_GT(store.stats().evictions, 0u);
}

TEST(StoreReplacement, LfudaKeepsThePopularObjectsLargeOrSmall) {
  PolicyStore dir;
  ObjectStore store(dir.options(ReplacementPolicy::HeapLfuda));
  EXPECT_EQ(survivors_of_a_fill(store), (Kept{"big", "small-a", "small-b"}));
}

TEST(StoreReplacement, GdsfGivesUpTheLargeObjectForSmallPopularOnes) {
  PolicyStore dir;
  ObjectStore store(dir.options(ReplacementPolicy::HeapGdsf));
  EXPECT_EQ(survivors_of_a_fill(store), (Kept{"small-a", "small-b"}));
}

TEST(StoreReplacement, AStoreOpenedUnderAnotherPolicyIsRerankedFromItsRecords) {
  PolicyStore dir;
  {
    ObjectStore store(dir.options(ReplacementPolicy::HeapLfuda));
    put(store, "big", 1 << 20);
    hit(store, "big", 4);
    store.flush();
    EXPECT_EQ(store.lookup("big")->refcount, 5u);
  }
  // Under LRU the big object is the oldest and goes first; with its LFUDA rank
  // left as it was it would outlast every object stored later.
  ObjectStore store(dir.options(ReplacementPolicy::Lru));
  for (int i = 0; i < 40; ++i) put(store, "filler-" + std::to_string(i), 100'000);
  store.flush();
  EXPECT_FALSE(store.lookup("big"));
  EXPECT_TRUE(store.lookup("filler-39"));
}

TEST(StoreReplacement, AgingLetsNewcomersPassObjectsPopularLongAgo) {
  PolicyStore dir;
  ObjectStore store(dir.options(ReplacementPolicy::HeapLfuda));
  put(store, "once-popular", 100'000);
  hit(store, "once-popular", 3);
  // Each generation of fillers is hit four times: once the age passes 4, a
  // filler newly stored outranks the object whose references are all old.
  for (int i = 0; i < 120; ++i) {
    const auto key = "filler-" + std::to_string(i);
    put(store, key, 100'000);
    hit(store, key, 4);
  }
  store.flush();
  EXPECT_FALSE(store.lookup("once-popular"));
  EXPECT_TRUE(store.lookup("filler-119"));
}

}  // namespace replacement_policy_test
}  // namespace cuttle::store
