// Which stored object goes first when a store must shrink: Squid's removal
// policies (src/repl/lru, src/repl/heap/store_heap_replacement.cc), as the rank
// each object has in the store's eviction order. The lowest rank is evicted first.
//
//   lru, heap LRU  the last access: least recently used first
//   heap GDSF      age + references / size: small popular objects stay (object hit ratio)
//   heap LFUDA     age + references: popular objects stay whatever their size (byte hit ratio)
//
// "age" is the dynamic aging of both heap policies: the key of the last object
// evicted, so an object once popular but no longer referenced is eventually passed
// by newcomers instead of staying forever. Pure code.
#pragma once

#include "store/object_record.h"

#include <cstdint>
#include <string_view>

namespace cuttle::store {

enum class ReplacementPolicy : uint8_t { Lru, HeapLru, HeapGdsf, HeapLfuda };

// "lru", "heap LRU", "heap GDSF", "heap LFUDA": what cache_replacement_policy says.
std::string_view policy_name(ReplacementPolicy policy);

// Whether every reference changes an object's rank (frequency), not only the
// first one after a while (recency: see ObjectStore::kTouchGranularityMs).
bool counts_references(ReplacementPolicy policy);

// The rank of `record` just after it was referenced at record.last_access, with
// `refcount` and `stored_size` (its header and body bytes) as they are now.
uint64_t eviction_rank(ReplacementPolicy policy, const ObjectRecord& record, uint64_t stored_size, double age);

// The heap key a rank encodes (for the aging factor: the key of the last victim).
double heap_key_of_rank(uint64_t rank);

}  // namespace cuttle::store
