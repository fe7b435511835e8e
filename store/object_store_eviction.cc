// Keeping the store within its size: the objects of lowest rank go first (the
// least recently used, or those the heap policies value least).
#include "store/object_store.h"

#include "store/sha256.h"
#include "store/store_operation.h"
#include "store/stored_key.h"

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

namespace cuttle::store {

uint64_t ObjectStore::evict_down_to(Transaction& txn, uint64_t target_bytes) {
  struct Victim {
    std::string lru_key, key;
  };
  std::vector<Victim> victims;
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(txn.get(), lru_, &cursor), "mdb_cursor_open");
  MDB_val k{}, v{};
  uint64_t bytes = stored_bytes(txn);
  // Oldest first, estimating what each removal frees from its meta record.
  for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == MDB_SUCCESS && bytes > target_bytes;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
    Victim victim{std::string(as_view(k)), std::string(as_view(v))};
    if (auto meta = txn.get(meta_, victim.key)) {
      auto record = decode(*meta);
      uint64_t estimate = victim.key.size() + meta->size() +
                          (record ? record->body_length + record->chunk_count * (12 + kSha256Size) : 0);
      bytes -= std::min(bytes, estimate);
    }
    victims.push_back(std::move(victim));
  }
  mdb_cursor_close(cursor);
  uint64_t removed = 0;
  for (const auto& victim : victims) {
    if (txn.get(meta_, victim.key)) {
      remove_in(txn, victim.key, 0, StoreEvent::Kind::Evicted);
      ++removed;
    }
    txn.erase(lru_, victim.lru_key);  // also drops an entry whose object is gone
  }
  // Dynamic aging (Squid's heap_purgeDone): newcomers start from the key of the
  // last victim, so they can pass objects whose old popularity is all they have.
  if (!victims.empty() && counts_references(options_.policy)) {
    heap_age_ = heap_key_of_rank(read_big_endian64(victims.back().lru_key));
    txn.put(info_, kAgeKey, big_endian64(std::bit_cast<uint64_t>(heap_age_)));
  }
  return removed;
}

void ObjectStore::rank(ObjectRecord& record) const {
  record.eviction_rank =
      eviction_rank(options_.policy, record, record.header_block.size() + record.body_length, heap_age_);
}

namespace {

// Ranks of one family order the same way: both LRU policies rank by last access.
std::string_view order_of(ReplacementPolicy policy) {
  return counts_references(policy) ? policy_name(policy) : "recency";
}

}  // namespace

// A store written under another policy (or before there were policies: those
// ranked by recency) has its ranks recomputed from its records, in transactions
// of a bounded size. The order is recorded last, so an interrupted re-ranking
// starts over at the next open.
void ObjectStore::rerank_if_policy_changed() {
  const auto wanted = order_of(options_.policy);
  {
    Transaction txn(env_, Transaction::Mode::ReadWrite);
    const auto stored = txn.get(info_, kOrderKey);
    if (stored.value_or("recency") == wanted) {
      if (auto age = txn.get(info_, kAgeKey)) heap_age_ = std::bit_cast<double>(read_big_endian64(*age));
      return;
    }
    check(mdb_drop(txn.get(), lru_, 0), "mdb_drop");
    txn.erase(info_, kAgeKey);
    txn.commit();
  }
  heap_age_ = 0;
  uint64_t damaged = 0;  // numbers the damaged records' entries across batches
  for (std::string after; rerank_batch(after, damaged);) {
  }
  Transaction txn(env_, Transaction::Mode::ReadWrite);
  txn.put(info_, kOrderKey, wanted);
  txn.commit();
}

// Ranks the records after `after` (all from the first when empty), up to a batch;
// `after` becomes the last one ranked. A record that cannot be read gets rank 0
// (first to go), numbered by `damaged` so that no two share an entry.
bool ObjectStore::rerank_batch(std::string& after, uint64_t& damaged) {
  constexpr size_t kRecordsPerBatch = 4096;
  Transaction txn(env_, Transaction::Mode::ReadWrite);
  std::vector<std::pair<std::string, std::string>> batch;
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(txn.get(), meta_, &cursor), "mdb_cursor_open");
  MDB_val k = as_val(after), v{};
  int rc = mdb_cursor_get(cursor, &k, &v, after.empty() ? MDB_FIRST : MDB_SET_RANGE);
  if (rc == MDB_SUCCESS && !after.empty() && as_view(k) == after) rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
  for (; rc == MDB_SUCCESS && batch.size() < kRecordsPerBatch; rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT))
    batch.emplace_back(as_view(k), as_view(v));
  mdb_cursor_close(cursor);
  for (const auto& [key, value] : batch) {
    auto record = decode(value);
    if (!record) {  // a miss when read: first to go
      txn.put(lru_, lru_key(0, ++damaged), key);
      continue;
    }
    rank(*record);
    const auto encoded = encode(*record);
    add_bytes(txn, static_cast<int64_t>(encoded.size()) - static_cast<int64_t>(value.size()));
    txn.put(meta_, key, encoded);
    txn.put(lru_, lru_key(record->eviction_rank, record->object_id), key);
  }
  txn.commit();
  if (batch.empty()) return false;
  after = batch.back().first;
  return true;
}

bool ObjectStore::evict_for_full_map() {
  const auto retired_before = retired_;
  try {
    // LMDB hands out the pages freed by transaction N only from N + 2 on (it keeps
    // the last two snapshots whole), so the room is made in commits of its own:
    // evict (bodies are retired, as always), delete the retired bodies that no
    // reply holds, then one tiny commit that makes the freed pages usable.
    {
      events_.clear();
      Transaction txn(env_, Transaction::Mode::ReadWrite);
      // Half of what is stored (at most down to the low mark), so the next
      // batches do not run into a full map again at once.
      const uint64_t bytes = stored_bytes(txn);
      const uint64_t removed =
          evict_down_to(txn, std::min<uint64_t>(bytes / 2, static_cast<uint64_t>(options_.max_bytes * options_.low_water)));
      txn.commit();
      evictions_.fetch_add(removed);
      publish_events();
    }
    for (int step = 0; step < 2; ++step) {
      Transaction txn(env_, Transaction::Mode::ReadWrite);
      if (step == 0) delete_retired(txn);
      else add_bytes(txn, 0);
      txn.commit();
    }
    return true;
  } catch (const StoreError&) {
    retired_ = retired_before;
    return false;
  }
}

}  // namespace cuttle::store
