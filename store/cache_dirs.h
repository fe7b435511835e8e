// Every cache_dir of a configuration as one ObjectCache: each directory is a
// store of its own (on its own disk, with its own size and eviction), and each
// object goes to one of them, chosen by its size as Squid chooses among
// cache_dirs: only directories whose min-size/max-size take the size and that
// are not no-store, and among those the one with the least waiting to be
// written, then the most room (Squid's least-load). A body of unknown length
// goes where the largest objects may go and must still fit when it ends.
//
// Object ids carry their directory in their top byte, so chunks, pins and
// commits reach the right store; the stores themselves keep their own ids.
#pragma once

#include "store/object_cache.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <memory>
#include <vector>

namespace cuttle::store {

// What a cache_dir line says about the objects it takes.
struct CacheDirLimits {
  uint64_t min_size = 0;
  uint64_t max_size = std::numeric_limits<uint64_t>::max();
  bool no_store = false;  // read only: lookups, removals, no new objects
};

class CacheDirs final : public ObjectCache {
 public:
  // In configuration order; every directory has the same chunk size. At most 255.
  void add(std::unique_ptr<ObjectCache> dir, CacheDirLimits limits);
  size_t size() const { return dirs_.size(); }

  size_t chunk_size() const override;
  std::optional<ObjectRecord> lookup(std::string_view key) const override;
  StoreStats stats() const override;
  bool admits(uint64_t size) const override;
  uint64_t allocate_object_id() override;
  uint64_t allocate_object_id_for(std::optional<uint64_t> expected_size) override;
  bool fits(uint64_t object_id, uint64_t size, bool whole) const override;
  uint64_t queued_bytes() const override;
  void put_chunk(uint64_t object_id, std::string key, uint32_t chunk, std::string data) override;
  void commit_object(std::string key, ObjectRecord record, std::function<void(bool)> done = {}) override;
  void abandon_object(uint64_t object_id) override;
  void remove(std::string key, std::function<void(bool)> done = {}) override;
  void remove_with_variants(std::string key, std::function<void(bool)> done = {}) override;
  void touch(std::string key, int64_t last_access, int64_t now_ms) override;
  void flush() override;

 protected:
  bool visit_chunk_with(uint64_t object_id, uint32_t chunk, void (*use)(void*, std::string_view),
                        void* context) const override;
  void add_pin(uint64_t object_id) const override;
  void unpin(uint64_t object_id) const override;

 private:
  struct Dir {
    std::unique_ptr<ObjectCache> cache;
    CacheDirLimits limits;
  };
  static constexpr int kDirShift = 56;
  static uint64_t outer_id(size_t dir, uint64_t inner) { return (uint64_t(dir) << kDirShift) | inner; }
  static size_t dir_of(uint64_t id) { return size_t(id >> kDirShift); }
  static uint64_t inner_id(uint64_t id) { return id & ((uint64_t(1) << kDirShift) - 1); }
  const Dir& dir_holding(uint64_t id) const;
  // The writable directory an object of `size` bytes goes to (unknown: the one
  // taking the largest objects); nullopt: none takes it.
  std::optional<size_t> choose(std::optional<uint64_t> size) const;
  // Runs `each(dir, done)` on every directory; `done(any)` once all have answered.
  void on_every_dir(std::function<void(ObjectCache&, std::function<void(bool)>)> each,
                    std::function<void(bool)> done);

  std::vector<Dir> dirs_;
};

}  // namespace cuttle::store
