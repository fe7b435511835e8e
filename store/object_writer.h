// Writes one object into the store as its body arrives: cuts the body into
// chunks, hashes it, and commits the record at the end, or abandons everything
// if the transfer fails. Used by the proxy's tee while it streams to clients.
#pragma once

#include "store/object_cache.h"
#include "store/sha256.h"

#include <optional>
#include <string>
#include <string_view>

namespace cuttle::store {

class ObjectWriter {
 public:
  // `expected_size`: the body's length when known (it chooses the cache_dir).
  ObjectWriter(ObjectCache& store, std::string key, std::optional<uint64_t> expected_size = std::nullopt);
  ~ObjectWriter();  // abandons the object unless finish() was called
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  void append(std::string_view data);
  uint64_t body_length() const { return body_length_; }
  uint64_t object_id() const { return object_id_; }
  // Fills object_id, body_length, chunk_count and body_sha256 into `record` and
  // commits it under the key; `done(ok)` runs on the store's writer thread.
  void finish(ObjectRecord record, std::function<void(bool)> done = {});
  void abandon();

 private:
  void flush_chunk();

  ObjectCache& store_;
  std::string key_;
  uint64_t object_id_;
  std::string pending_;
  uint32_t chunks_ = 0;
  uint64_t body_length_ = 0;
  Sha256Stream hash_;
  bool open_ = true;
};

}  // namespace cuttle::store
