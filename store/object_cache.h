// What the proxy needs of a cache of stored replies: records by cache key, bodies
// in chunks, and writes applied in the order they are made. ObjectStore keeps
// them in LMDB; MemoryCache keeps them in memory, so the proxy's cache paths can
// be tested in-process and fast. The proxy sees only this interface.
#pragma once

#include "store/object_record.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace cuttle::store {

struct StoreStats {
  uint64_t objects = 0;    // records (objects and vary markers)
  uint64_t bytes = 0;      // keys and values stored
  uint64_t capacity = 0;   // the configured size
  uint64_t evictions = 0;  // objects removed to stay under capacity, since open
  uint64_t map_used = 0;   // bytes of the LMDB map in use (pages); 0 in memory
  uint64_t map_size = 0;
};

class ObjectCache {
 public:
  virtual ~ObjectCache() = default;

  virtual size_t chunk_size() const = 0;

  // ---- reads: any thread ----
  // Writes already made are seen at once, committed or not.
  virtual std::optional<ObjectRecord> lookup(std::string_view key) const = 0;
  // Calls `use(bytes)` with chunk `chunk` of an object, without a copy: `use`
  // must neither keep the view nor wait. Returns false, without calling `use`,
  // when the chunk is missing or damaged (the caller treats the object as gone).
  template <class Use>
  bool visit_chunk(uint64_t object_id, uint32_t chunk, Use&& use) const {
    using Callable = std::remove_reference_t<Use>;
    return visit_chunk_with(
        object_id, chunk, [](void* f, std::string_view bytes) { (*static_cast<Callable*>(f))(bytes); },
        const_cast<void*>(static_cast<const void*>(&use)));
  }
  // The same, copied out.
  std::optional<std::string> read_chunk(uint64_t object_id, uint32_t chunk) const {
    std::optional<std::string> copy;
    visit_chunk(object_id, chunk, [&](std::string_view bytes) { copy.emplace(bytes); });
    return copy;
  }
  virtual StoreStats stats() const = 0;

  // Keeps an object's chunks readable while a reply streams them with waits in
  // between: if the object is replaced, removed or evicted meanwhile, its chunks
  // go only after the last pin does. Pin first, then check the object is still
  // current (lookup): a body found gone at that point was never promised to anyone.
  class Pin {
   public:
    Pin() = default;
    Pin(Pin&& other) noexcept : cache_(std::exchange(other.cache_, nullptr)), object_id_(other.object_id_) {}
    Pin& operator=(Pin&& other) noexcept {
      if (this != &other) {
        release();
        cache_ = std::exchange(other.cache_, nullptr);
        object_id_ = other.object_id_;
      }
      return *this;
    }
    ~Pin() { release(); }

   private:
    friend class ObjectCache;
    Pin(const ObjectCache* cache, uint64_t object_id) : cache_(cache), object_id_(object_id) {}
    void release() {
      if (cache_) cache_->unpin(object_id_);
      cache_ = nullptr;
    }
    const ObjectCache* cache_ = nullptr;
    uint64_t object_id_ = 0;
  };
  Pin pin(uint64_t object_id) const {
    add_pin(object_id);
    return Pin(this, object_id);
  }

  // ---- writes: applied in order; `done` callbacks may run on another thread ----
  virtual uint64_t allocate_object_id() = 0;
  // cache_dir limits (CacheDirs; a single store takes every size):
  // whether some directory takes an object of `size` bytes,
  virtual bool admits(uint64_t size) const { return true; }
  // an id in the directory an object of that size (nullopt: unknown yet) goes to,
  virtual uint64_t allocate_object_id_for(std::optional<uint64_t> expected_size) { return allocate_object_id(); }
  // and whether the object may be `size` bytes in the directory it is written to
  // (`whole` false: so far, only the upper limit counts).
  virtual bool fits(uint64_t object_id, uint64_t size, bool whole) const { return true; }
  // Body bytes written and not yet committed. Fills of large objects wait while
  // this is high, so memory stays bounded when the disk is slower than the network.
  virtual uint64_t queued_bytes() const = 0;
  static constexpr uint64_t kMaxQueuedBytes = 16ull << 20;
  virtual void put_chunk(uint64_t object_id, std::string key, uint32_t chunk, std::string data) = 0;
  // Makes `record` visible under `key` (replacing what was there); `done(ok)` once
  // it is committed (ok false: the write failed and was dropped).
  virtual void commit_object(std::string key, ObjectRecord record, std::function<void(bool)> done = {}) = 0;
  // Deletes the chunks of an object that will never be committed.
  virtual void abandon_object(uint64_t object_id) = 0;
  // Removes `key` and its body; `done(removed)` as above.
  virtual void remove(std::string key, std::function<void(bool)> done = {}) = 0;
  // Removes `key` and every key that starts with `key` + '\n' (its Vary variants).
  virtual void remove_with_variants(std::string key, std::function<void(bool)> done = {}) = 0;
  // Notes a hit for LRU eviction; `last_access` is what the served record says.
  virtual void touch(std::string key, int64_t last_access, int64_t now_ms) = 0;
  // Blocks until everything written so far is committed.
  virtual void flush() = 0;

 protected:
  friend class CacheDirs;  // passes these on to the directory holding the object
  virtual bool visit_chunk_with(uint64_t object_id, uint32_t chunk, void (*use)(void*, std::string_view),
                                void* context) const = 0;
  virtual void add_pin(uint64_t object_id) const = 0;
  virtual void unpin(uint64_t object_id) const = 0;
};

}  // namespace cuttle::store
