// The store tells what each commit stored and removed (cache_store_log's
// SWAPOUT and RELEASE), in commit order, only once the transaction commits.
#include "store/object_store.h"
#include "store/object_writer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace cuttle::store {
namespace store_events_test {

using Kind = StoreEvent::Kind;

class EventLog {
 public:
  StoreEventSink sink() {
    return [this](std::vector<StoreEvent>&& events) {
      std::lock_guard lock(mutex_);
      for (auto& event : events) seen_.push_back(std::move(event));
    };
  }
  std::vector<std::pair<Kind, std::string>> kinds_and_keys() {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<Kind, std::string>> out;
    for (const auto& event : seen_) out.emplace_back(event.kind, event.key);
    return out;
  }
  std::vector<StoreEvent> events() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::vector<StoreEvent> seen_;
};

class EventsStore : public ::testing::Test {
 protected:
  EventsStore() {
    char pattern[] = "/tmp/cuttle-events-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~EventsStore() override { std::filesystem::remove_all(path_); }
  StoreOptions options(uint64_t max_bytes = 64ull << 20) {
    StoreOptions options{path_, max_bytes, 64 * 1024, {}};
    options.on_events = log_.sink();
    return options;
  }
  std::string path_;
  EventLog log_;
};

bool put(ObjectStore& store, const std::string& key, size_t size) {
  ObjectWriter writer(store, key);
  writer.append(std::string(size, 'x'));
  ObjectRecord record;
  record.status = 200;
  record.header_block = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
  std::promise<bool> committed;
  writer.finish(record, [&](bool ok) { committed.set_value(ok); });
  return committed.get_future().get();
}

TEST_F(EventsStore, AStoredObjectIsToldWithItsRecord) {
  ObjectStore store(options());
  ASSERT_TRUE(put(store, "http://a.test/", 100));
  store.flush();
  auto events = log_.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::Stored);
  EXPECT_EQ(events[0].key, "http://a.test/");
  EXPECT_EQ(events[0].record.body_length, 100u);
  EXPECT_EQ(events[0].record.object_id, store.lookup("http://a.test/")->object_id);
}

bool put_revalidated(ObjectStore& store, const std::string& key, size_t size) {
  ObjectWriter writer(store, key);
  writer.append(std::string(size, 'y'));
  ObjectRecord record;
  record.status = 200;
  record.replaces_revalidated = true;
  std::promise<bool> committed;
  writer.finish(record, [&](bool ok) { committed.set_value(ok); });
  return committed.get_future().get();
}

TEST_F(EventsStore, AReplacementIsToldBeforeTheObjectThatReplacedIt) {
  ObjectStore store(options());
  ASSERT_TRUE(put(store, "http://a.test/", 100));
  const auto first_id = store.lookup("http://a.test/")->object_id;
  ASSERT_TRUE(put(store, "http://a.test/", 200));
  store.flush();
  auto events = log_.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].kind, Kind::Replaced);
  EXPECT_EQ(events[1].record.object_id, first_id);
  EXPECT_FALSE(events[1].by_revalidation);
  EXPECT_EQ(events[2].kind, Kind::Stored);
  EXPECT_EQ(events[2].record.body_length, 200u);
}

TEST_F(EventsStore, AReplacementAfterRevalidationIsToldAfterItsSuccessor) {
  ObjectStore store(options());
  ASSERT_TRUE(put(store, "http://a.test/", 100));
  const auto first_id = store.lookup("http://a.test/")->object_id;
  ASSERT_TRUE(put_revalidated(store, "http://a.test/", 200));
  EXPECT_FALSE(store.lookup("http://a.test/")->replaces_revalidated);  // never stored
  store.flush();
  auto events = log_.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].kind, Kind::Stored);
  EXPECT_EQ(events[1].record.body_length, 200u);
  EXPECT_EQ(events[2].kind, Kind::Replaced);
  EXPECT_EQ(events[2].record.object_id, first_id);
  EXPECT_TRUE(events[2].by_revalidation);
}

TEST_F(EventsStore, AFreshenedHeaderOfTheSameObjectIsNoNewObject) {
  ObjectStore store(options());
  ASSERT_TRUE(put(store, "http://a.test/", 100));
  auto record = *store.lookup("http://a.test/");
  record.header_block = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nAge: 0\r\n\r\n";
  store.commit_object("http://a.test/", record);
  store.flush();
  // Squid rewrites no swap file for a 304's new header: neither SWAPOUT nor RELEASE.
  const std::vector<std::pair<Kind, std::string>> expected{{Kind::Stored, "http://a.test/"}};
  EXPECT_EQ(log_.kinds_and_keys(), expected);
}

TEST_F(EventsStore, RemovalsTellEachVariantRemoved) {
  ObjectStore store(options());
  ASSERT_TRUE(put(store, "http://a.test/\naccept-encoding:gzip", 10));
  ASSERT_TRUE(put(store, "http://a.test/other", 10));
  std::promise<bool> removed;
  store.remove_with_variants("http://a.test/", [&](bool any) { removed.set_value(any); });
  ASSERT_TRUE(removed.get_future().get());
  store.flush();
  auto seen = log_.kinds_and_keys();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2], std::make_pair(Kind::Removed, std::string("http://a.test/\naccept-encoding:gzip")));
}

TEST_F(EventsStore, EvictionsAreToldAsSuch) {
  ObjectStore store(options(1 << 20));
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(put(store, "http://a.test/" + std::to_string(i), 64 * 1024));
  store.flush();
  size_t evicted = 0;
  for (const auto& [kind, key] : log_.kinds_and_keys()) evicted += kind == Kind::Evicted;
  EXPECT_GT(evicted, 0u);
  EXPECT_EQ(evicted, store.stats().evictions);
}

TEST(StoreEventsOff, NothingIsGatheredWithoutASink) {
  char pattern[] = "/tmp/cuttle-events-XXXXXX";
  const std::string path = mkdtemp(pattern);
  {
    ObjectStore store(StoreOptions{path, 64ull << 20, 64 * 1024, {}});
    ASSERT_TRUE(put(store, "http://a.test/", 100));
    ASSERT_TRUE(put(store, "http://a.test/", 100));
    EXPECT_TRUE(store.lookup("http://a.test/"));
  }
  std::filesystem::remove_all(path);
}

}  // namespace store_events_test
}  // namespace cuttle::store
