#include "store/replacement_policy.h"

#include <bit>

namespace cuttle::store {
namespace {

// A double as an unsigned integer of the same order, so LMDB's byte order of the
// big-endian key is the order of the keys (negative keys included).
uint64_t orderable(double key) {
  const auto bits = std::bit_cast<uint64_t>(key);
  return (bits >> 63) ? ~bits : bits | (1ull << 63);
}

// Squid's heap keys (store_heap_replacement.cc), with times in seconds as there.
// The rank is computed when the object is referenced, so LFUDA's recency
// tie-breaker (1 - e^((lastref - now) / 1 day)) is 0, as it is in Squid.
double heap_key(ReplacementPolicy policy, const ObjectRecord& record, uint64_t stored_size, double age) {
  const double refcount = record.refcount ? record.refcount : 1;
  if (policy == ReplacementPolicy::HeapLfuda) return age + refcount;
  const double size = stored_size ? static_cast<double>(stored_size) : 1.0;
  const double lastref = static_cast<double>(record.last_access) / 1000;
  const double tie = lastref > 1 ? 1.0 / lastref : 1.0;
  return age + refcount / size - tie;
}

}  // namespace

std::string_view policy_name(ReplacementPolicy policy) {
  switch (policy) {
    case ReplacementPolicy::Lru: return "lru";
    case ReplacementPolicy::HeapLru: return "heap LRU";
    case ReplacementPolicy::HeapGdsf: return "heap GDSF";
    case ReplacementPolicy::HeapLfuda: return "heap LFUDA";
  }
  return "lru";
}

bool counts_references(ReplacementPolicy policy) {
  return policy == ReplacementPolicy::HeapGdsf || policy == ReplacementPolicy::HeapLfuda;
}

uint64_t eviction_rank(ReplacementPolicy policy, const ObjectRecord& record, uint64_t stored_size, double age) {
  // Both LRU policies order by the last access itself, which is also the rank of
  // stores written before there were other policies.
  if (!counts_references(policy)) return static_cast<uint64_t>(record.last_access);
  return orderable(heap_key(policy, record, stored_size, age));
}

double heap_key_of_rank(uint64_t rank) {
  const uint64_t bits = (rank >> 63) ? rank & ~(1ull << 63) : ~rank;
  return std::bit_cast<double>(bits);
}

}  // namespace cuttle::store
