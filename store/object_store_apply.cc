// What each queued write does inside the writer's transaction.
#include "store/object_store.h"

#include "store/sha256.h"
#include "store/store_operation.h"
#include "store/stored_key.h"

#include <algorithm>
#include <string>
#include <vector>

namespace cuttle::store {

void ObjectStore::apply(Transaction& txn, Operation& op) {
  switch (op.type) {
    case Operation::Type::PutChunk:
      put_chunk_in(txn, op);
      break;
    case Operation::Type::Commit:
      op.found = commit_in(txn, op.key, op.record);
      break;
    case Operation::Type::Abandon:
      delete_chunks(txn, op.object_id);
      txn.erase(pending_, big_endian64(op.object_id));
      break;
    case Operation::Type::RemoveWithVariants:
      op.found = remove_variants_in(txn, op.key);
      break;
    case Operation::Type::Remove:
      op.found = txn.get(meta_, op.key).has_value();
      remove_in(txn, op.key);
      break;
    case Operation::Type::Barrier:
      break;
  }
}

bool ObjectStore::is_lost(uint64_t object_id) const {
  std::lock_guard lock(mutex_);
  return lost_objects_.count(object_id) > 0;
}

void ObjectStore::put_chunk_in(Transaction& txn, const Operation& op) {
  // An object with a chunk already dropped by a failed write is never committed:
  // writing the rest of it would only take room from objects that can be.
  if (is_lost(op.object_id)) return;
  auto id = big_endian64(op.object_id);
  if (!txn.get(pending_, id)) txn.put(pending_, id, op.key);
  std::string value = sha256(*op.data);
  value += *op.data;
  auto key = chunk_key(op.object_id, op.chunk);
  txn.put(body_, key, value);
  add_bytes(txn, static_cast<int64_t>(key.size() + value.size()));
}

bool ObjectStore::commit_in(Transaction& txn, const std::string& key, ObjectRecord& record) {
  if (is_lost(record.object_id)) {
    // Part of its body never reached the disk: drop the rest, store nothing.
    delete_chunks(txn, record.object_id);
    txn.erase(pending_, big_endian64(record.object_id));
    return false;
  }
  // Never a record without its body: one whose chunks are already gone (a
  // header freshened after its evicted body was deleted) is not stored.
  if (record.chunk_count > 0 && !txn.get(body_, chunk_key(record.object_id, 0))) return false;
  // A record for the same object (a header freshened by a 304) keeps its body,
  // even one evicted or replaced while the 304 was awaited: the revalidation
  // pinned it, so it is taken back from retirement.
  // Its references count on: Squid's refcount is the stored entry's, and a 304
  // changes the header, not the entry.
  bool freshened = false;  // the same object with a new header: not a new object to tell of
  if (auto old = txn.get(meta_, key)) {
    auto previous = decode(*old);
    freshened = previous && previous->object_id == record.object_id;
    if (freshened) record.refcount = std::max(record.refcount, previous->refcount);
  }
  const auto replaced_events = events_.size();
  remove_in(txn, key, record.object_id, StoreEvent::Kind::Replaced);
  std::erase(retired_, record.object_id);
  if (record.last_access == 0) record.last_access = now_ms();
  record.refcount = std::max<uint32_t>(record.refcount, 1);
  rank(record);
  auto encoded = encode(record);
  txn.put(meta_, key, encoded);
  txn.put(lru_, lru_key(record.eviction_rank, record.object_id), key);
  txn.erase(pending_, big_endian64(record.object_id));
  add_bytes(txn, static_cast<int64_t>(key.size() + encoded.size()));
  if (!freshened) note_event(StoreEvent::Kind::Stored, key, record);
  if (record.replaces_revalidated && events_.size() > replaced_events + 1) {
    events_[replaced_events].by_revalidation = true;
    // Squid logs the new object's SWAPOUT before the RELEASE of the one it revalidated.
    std::rotate(events_.begin() + static_cast<std::ptrdiff_t>(replaced_events), events_.end() - 1, events_.end());
  }
  return true;
}

// `key` is the cache key as given (not stored_key()): the URL whose variants are
// stored right after it.
bool ObjectStore::remove_variants_in(Transaction& txn, const std::string& key) {
  std::vector<std::string> keys;
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(txn.get(), meta_, &cursor), "mdb_cursor_open");
  const auto prefix = variant_scan_prefix(key);
  MDB_val k = as_val(prefix), v{};
  for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE); rc == MDB_SUCCESS;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
    auto found = as_view(k);
    if (!found.starts_with(prefix)) break;
    if (is_key_or_variant(found, key)) keys.emplace_back(found);
    // Keys sort as URL, URL\x01…, URL\n…, then longer URLs: past those, nothing is a variant.
    else if (found.size() > key.size() && static_cast<unsigned char>(found[key.size()]) > '\n') break;
  }
  mdb_cursor_close(cursor);
  for (const auto& each : keys) remove_in(txn, each);
  return !keys.empty();
}

void ObjectStore::apply_touches(Transaction& txn) {
  std::unordered_map<std::string, Touch> touches;
  {
    std::lock_guard lock(mutex_);
    touches.swap(touches_);
  }
  const bool counting = counts_references(options_.policy);
  for (auto& [key, touch] : touches) {
    auto value = txn.get(meta_, key);
    if (!value) continue;
    auto record = decode(*value);
    if (!record || (!counting && record->last_access >= touch.when)) continue;
    txn.erase(lru_, lru_key(record->eviction_rank, record->object_id));
    record->last_access = std::max(record->last_access, touch.when);
    record->refcount += touch.references;
    rank(*record);
    const auto encoded = encode(*record);
    // A record from before replacement policies grows by its new fields.
    if (encoded.size() != value->size()) add_bytes(txn, static_cast<int64_t>(encoded.size() - value->size()));
    txn.put(meta_, key, encoded);
    txn.put(lru_, lru_key(record->eviction_rank, record->object_id), key);
  }
}

}  // namespace cuttle::store
