// Which stored chunks this process has already checked against their SHA-256.
//
// Hashing every chunk on every hit cost more than everything else a large hit does
// (57% of the CPU at 8 MiB). LMDB maps the file read-only, so once a chunk's bytes
// matched their hash in this process, nothing in the process can change them; damage
// on disk (a crash, a bad sector) is met by the check at the first read after the
// next start, which is when such damage shows. Object ids are never reused within a
// process, so an entry cannot vouch for another object's chunk.
#pragma once

#include <boost/unordered/unordered_flat_set.hpp>

#include <cstdint>
#include <optional>
#include <mutex>
#include <shared_mutex>

namespace cuttle::store {

class VerifiedChunks {
 public:
  // About 8 MiB of entries; past that the set starts over (chunks are then simply
  // checked again), so memory stays bounded whatever the store holds.
  static constexpr size_t kMaxEntries = 1 << 20;

  bool contains(uint64_t object_id, uint32_t chunk) const {
    auto key = key_of(object_id, chunk);
    if (!key) return false;
    std::shared_lock lock(mutex_);
    return set_.contains(*key);
  }

  void insert(uint64_t object_id, uint32_t chunk) {
    auto key = key_of(object_id, chunk);
    if (!key) return;
    std::unique_lock lock(mutex_);
    if (set_.size() >= kMaxEntries) set_.clear();
    set_.insert(*key);
  }

 private:
  // One 64-bit word per chunk: 44 bits of object id, 20 of chunk number (a 256 GiB
  // object at 256 KiB chunks). Anything beyond is never remembered, only re-checked.
  static std::optional<uint64_t> key_of(uint64_t object_id, uint32_t chunk) {
    if (object_id >> 44 || chunk >> 20) return std::nullopt;
    return object_id << 20 | chunk;
  }

  mutable std::shared_mutex mutex_;
  boost::unordered_flat_set<uint64_t> set_;
};

}  // namespace cuttle::store
