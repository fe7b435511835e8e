// What the store did to an object, told after the transaction that did it
// commits (never for writes that were rolled back): the raw material of Squid's
// cache_store_log, which logs SWAPOUT when an object reaches the disk and
// RELEASE when it leaves it.
#pragma once

#include "store/object_record.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cuttle::store {

struct StoreEvent {
  enum class Kind : uint8_t {
    Stored,    // committed (an object or a Vary marker)
    Replaced,  // a newer object took its key: told after the Stored event of that
               // object when it came from revalidating this one, else before
    Removed,   // removed on request (PURGE, invalidation, a damaged body)
    Evicted,   // removed by the replacement policy to make room
  };
  Kind kind = Kind::Stored;
  std::string key;      // the cache key as given to the store (not the stored LMDB key)
  ObjectRecord record;  // as it was stored
  // Replaced: by a reply to a revalidation of it (ObjectRecord::replaces_revalidated).
  bool by_revalidation = false;
};

// Called on the store's writer thread, in commit order; it must not block for long.
using StoreEventSink = std::function<void(std::vector<StoreEvent>&&)>;

}  // namespace cuttle::store
