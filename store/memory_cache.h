// An ObjectCache in memory: every write applies at once, nothing survives the
// process. It lets the proxy's cache paths (hits, revalidation, Vary, ranges)
// be tested in-process without LMDB; it has no size limit and evicts nothing.
#pragma once

#include "store/object_cache.h"

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

namespace cuttle::store {

class MemoryCache final : public ObjectCache {
 public:
  explicit MemoryCache(size_t chunk_size = 256 * 1024) : chunk_size_(chunk_size) {}

  size_t chunk_size() const override { return chunk_size_; }
  std::optional<ObjectRecord> lookup(std::string_view key) const override;
  StoreStats stats() const override;
  uint64_t allocate_object_id() override { return next_object_id_.fetch_add(1); }
  uint64_t queued_bytes() const override { return 0; }
  void put_chunk(uint64_t object_id, std::string key, uint32_t chunk, std::string data) override;
  void commit_object(std::string key, ObjectRecord record, std::function<void(bool)> done = {}) override;
  void abandon_object(uint64_t object_id) override;
  void remove(std::string key, std::function<void(bool)> done = {}) override;
  void remove_with_variants(std::string key, std::function<void(bool)> done = {}) override;
  void touch(std::string key, int64_t last_access, int64_t now_ms) override;
  void flush() override {}

  // For tests: how many bodies are held (retired ones still pinned included).
  size_t bodies() const;

 protected:
  bool visit_chunk_with(uint64_t object_id, uint32_t chunk, void (*use)(void*, std::string_view),
                        void* context) const override;
  void add_pin(uint64_t object_id) const override;
  void unpin(uint64_t object_id) const override;

 private:
  using ChunkKey = std::pair<uint64_t, uint32_t>;
  // Drops `key`'s record; its body goes now, or when its last pin does.
  bool remove_locked(const std::string& key, uint64_t keep_body_of = 0);
  void drop_body_locked(uint64_t object_id);

  const size_t chunk_size_;
  std::atomic<uint64_t> next_object_id_{1};
  mutable std::mutex mutex_;
  std::map<std::string, ObjectRecord> records_;  // by stored_key(), so variants sort after their URL
  std::map<ChunkKey, std::string> chunks_;
  mutable std::unordered_map<uint64_t, int> pins_;
  mutable std::set<uint64_t> retired_;  // bodies of removed objects, kept while pinned
};

}  // namespace cuttle::store
