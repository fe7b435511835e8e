// What the object store's own files share (not for users of the store): a queued
// write, the limits of one group commit, and the store's key layouts.
#pragma once

#include "store/object_store.h"
#include "store/stored_key.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>

namespace cuttle::store {

constexpr size_t kMaxOperationsPerCommit = 256;
// LMDB keeps a transaction's dirty pages in memory until commit: bound them too.
constexpr size_t kMaxBytesPerCommit = 16 << 20;
// Group commit: a commit costs two fdatasync()s whatever it holds, so under a
// steady stream of small writes (each 304 freshens one header) committing each as
// it comes spends the core on syncing. A commit follows the previous one after at
// least this long, taking everything queued meanwhile (readers see staged writes
// at once: nothing waits for the commit but durability).
constexpr auto kMinCommitInterval = std::chrono::milliseconds(10);
// The `info` database's key for the bytes stored.
constexpr const char* kBytesKey = "bytes";

// The `lru` database's key: lowest rank first, the object id to make it unique.
inline std::string lru_key(uint64_t eviction_rank, uint64_t object_id) {
  return big_endian64(eviction_rank) + big_endian64(object_id);
}
// The `info` database's keys for the replacement policy.
constexpr const char* kOrderKey = "order";
constexpr const char* kAgeKey = "age";

inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct ObjectStore::Operation {
  enum class Type { PutChunk, Commit, Abandon, Remove, RemoveWithVariants, Barrier } type;
  std::string key;
  uint64_t object_id = 0;
  uint32_t chunk = 0;
  std::shared_ptr<const std::string> data;
  ObjectRecord record;
  std::function<void(bool)> done;
  std::promise<void>* barrier = nullptr;
  bool found = true;  // Remove: whether the key existed
};

}  // namespace cuttle::store
