// What the proxy relies on from any ObjectCache, checked on both: the LMDB
// ObjectStore and the in-memory MemoryCache that in-process tests use instead.
#include "store/memory_cache.h"
#include "store/object_store.h"
#include "store/object_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

namespace cuttle::store {
namespace object_cache_contract_test {

class LmdbCache {
 public:
  LmdbCache() : path_(make_dir()), store_(std::make_unique<ObjectStore>(StoreOptions{path_, 64ull << 20, 1000, {}})) {}
  ~LmdbCache() {
    store_.reset();
    std::filesystem::remove_all(path_);
  }
  ObjectCache& cache() { return *store_; }

 private:
  static std::string make_dir() {
    char pattern[] = "/tmp/cuttle-cache-contract-XXXXXX";
    return mkdtemp(pattern);
  }
  std::string path_;
  std::unique_ptr<ObjectStore> store_;
};

class InMemory {
 public:
  ObjectCache& cache() { return cache_; }

 private:
  MemoryCache cache_{1000};
};

template <class Holder>
class ObjectCacheContract : public ::testing::Test {
 protected:
  ObjectCache& cache() { return holder_.cache(); }

  bool put(const std::string& key, const std::string& body) {
    ObjectWriter writer(cache(), key);
    writer.append(body);
    ObjectRecord record;
    record.status = 200;
    std::promise<bool> committed;
    writer.finish(record, [&](bool ok) { committed.set_value(ok); });
    return committed.get_future().get();
  }
  std::optional<std::string> body(const std::string& key) {
    auto record = cache().lookup(key);
    if (!record) return std::nullopt;
    std::string all;
    for (uint32_t i = 0; i < record->chunk_count; ++i) {
      auto chunk = cache().read_chunk(record->object_id, i);
      if (!chunk) return std::nullopt;
      all += *chunk;
    }
    return all;
  }
  bool removed(void (ObjectCache::*remove)(std::string, std::function<void(bool)>), const std::string& key) {
    std::promise<bool> done;
    (cache().*remove)(key, [&](bool any) { done.set_value(any); });
    return done.get_future().get();
  }

  Holder holder_;
};

using Implementations = ::testing::Types<LmdbCache, InMemory>;
TYPED_TEST_SUITE(ObjectCacheContract, Implementations);

TYPED_TEST(ObjectCacheContract, AStoredBodyReadsBackInChunksOfTheCachesSize) {
  const std::string body(2500, 'x');
  ASSERT_TRUE(this->put("http://h/a", body));
  auto record = this->cache().lookup("http://h/a");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->chunk_count, 3u);
  EXPECT_EQ(record->body_length, 2500u);
  EXPECT_EQ(this->body("http://h/a"), body);
}

TYPED_TEST(ObjectCacheContract, AReplacedBodyStaysReadableWhilePinned) {
  ASSERT_TRUE(this->put("http://h/a", "old"));
  const auto old_id = this->cache().lookup("http://h/a")->object_id;
  {
    auto pin = this->cache().pin(old_id);
    ASSERT_TRUE(this->put("http://h/a", "new"));
    this->cache().flush();
    EXPECT_EQ(this->cache().read_chunk(old_id, 0), "old");
    EXPECT_EQ(this->body("http://h/a"), "new");
  }
  ASSERT_TRUE(this->put("http://h/other", "x"));  // a later write deletes what no pin holds
  this->cache().flush();
  EXPECT_FALSE(this->cache().read_chunk(old_id, 0));
}

TYPED_TEST(ObjectCacheContract, ARecordWhoseBodyIsGoneIsNotStored) {
  ASSERT_TRUE(this->put("http://h/a", "body"));
  auto record = *this->cache().lookup("http://h/a");
  ASSERT_TRUE(this->removed(&ObjectCache::remove, "http://h/a"));
  ASSERT_TRUE(this->put("http://h/other", "x"));  // by then the unpinned body is deleted
  this->cache().flush();
  std::promise<bool> committed;
  this->cache().commit_object("http://h/a", record, [&](bool ok) { committed.set_value(ok); });
  EXPECT_FALSE(committed.get_future().get());
  EXPECT_FALSE(this->cache().lookup("http://h/a"));
}

TYPED_TEST(ObjectCacheContract, RemovingAUrlRemovesItsVariantsOnly) {
  ASSERT_TRUE(this->put("http://h/a", "marker"));
  ASSERT_TRUE(this->put("http://h/a\naccept-language=en", "en"));
  ASSERT_TRUE(this->put("http://h/ab", "another URL"));
  EXPECT_TRUE(this->removed(&ObjectCache::remove_with_variants, "http://h/a"));
  EXPECT_FALSE(this->cache().lookup("http://h/a"));
  EXPECT_FALSE(this->cache().lookup("http://h/a\naccept-language=en"));
  EXPECT_EQ(this->body("http://h/ab"), "another URL");
  EXPECT_FALSE(this->removed(&ObjectCache::remove_with_variants, "http://h/a"));
}

TYPED_TEST(ObjectCacheContract, AnAbandonedObjectLeavesNothing) {
  {
    ObjectWriter writer(this->cache(), "http://h/partial");
    writer.append(std::string(1500, 'p'));
  }  // destroyed unfinished: abandoned
  this->cache().flush();
  EXPECT_FALSE(this->cache().lookup("http://h/partial"));
  EXPECT_EQ(this->cache().stats().objects, 0u);
}

}  // namespace object_cache_contract_test
}  // namespace cuttle::store
