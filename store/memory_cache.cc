#include "store/memory_cache.h"

#include "store/stored_key.h"

#include <vector>

namespace cuttle::store {

std::optional<ObjectRecord> MemoryCache::lookup(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto it = records_.find(stored_key(key));
  if (it == records_.end()) return std::nullopt;
  return it->second;
}

StoreStats MemoryCache::stats() const {
  std::lock_guard lock(mutex_);
  StoreStats s;
  s.objects = records_.size();
  for (const auto& [key, record] : records_) s.bytes += key.size() + encode(record).size();
  for (const auto& [key, data] : chunks_) s.bytes += data.size();
  return s;
}

size_t MemoryCache::bodies() const {
  std::lock_guard lock(mutex_);
  std::set<uint64_t> ids;
  for (const auto& [key, data] : chunks_) ids.insert(key.first);
  return ids.size();
}

bool MemoryCache::visit_chunk_with(uint64_t object_id, uint32_t chunk, void (*use)(void*, std::string_view),
                                   void* context) const {
  std::lock_guard lock(mutex_);  // `use` may not wait, so holding the lock is short
  auto it = chunks_.find({object_id, chunk});
  if (it == chunks_.end()) return false;
  use(context, it->second);
  return true;
}

void MemoryCache::add_pin(uint64_t object_id) const {
  std::lock_guard lock(mutex_);
  ++pins_[object_id];
}

void MemoryCache::unpin(uint64_t object_id) const {
  std::lock_guard lock(mutex_);
  auto it = pins_.find(object_id);
  if (it == pins_.end() || --it->second > 0) return;
  pins_.erase(it);
  if (retired_.erase(object_id)) const_cast<MemoryCache*>(this)->drop_body_locked(object_id);
}

void MemoryCache::put_chunk(uint64_t object_id, std::string, uint32_t chunk, std::string data) {
  std::lock_guard lock(mutex_);
  chunks_[{object_id, chunk}] = std::move(data);
}

void MemoryCache::commit_object(std::string key, ObjectRecord record, std::function<void(bool)> done) {
  bool stored = false;
  {
    std::lock_guard lock(mutex_);
    // Never a record without its body (as in ObjectStore: a header freshened after
    // its body went is not stored).
    if (record.chunk_count == 0 || chunks_.count({record.object_id, 0})) {
      const auto stored_as = stored_key(key);
      remove_locked(stored_as, record.object_id);
      retired_.erase(record.object_id);  // a freshened header takes its body back
      records_[stored_as] = std::move(record);
      stored = true;
    }
  }
  if (done) done(stored);
}

void MemoryCache::abandon_object(uint64_t object_id) {
  std::lock_guard lock(mutex_);
  drop_body_locked(object_id);
}

void MemoryCache::remove(std::string key, std::function<void(bool)> done) {
  bool removed;
  {
    std::lock_guard lock(mutex_);
    removed = remove_locked(stored_key(key));
  }
  if (done) done(removed);
}

void MemoryCache::remove_with_variants(std::string key, std::function<void(bool)> done) {
  bool removed = false;
  {
    std::lock_guard lock(mutex_);
    std::vector<std::string> keys;
    for (auto it = records_.lower_bound(std::string(variant_scan_prefix(key)));
         it != records_.end() && it->first.starts_with(variant_scan_prefix(key)); ++it)
      if (is_key_or_variant(it->first, key)) keys.push_back(it->first);
    for (const auto& each : keys) removed |= remove_locked(each);
  }
  if (done) done(removed);
}

void MemoryCache::touch(std::string key, int64_t, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (auto it = records_.find(stored_key(key)); it != records_.end()) it->second.last_access = now_ms;
}

bool MemoryCache::remove_locked(const std::string& key, uint64_t keep_body_of) {
  auto it = records_.find(key);
  if (it == records_.end()) return false;
  const auto& record = it->second;
  if (record.kind == RecordKind::Object && record.object_id != keep_body_of) {
    if (pins_.count(record.object_id)) retired_.insert(record.object_id);
    else drop_body_locked(record.object_id);
  }
  records_.erase(it);
  return true;
}

void MemoryCache::drop_body_locked(uint64_t object_id) {
  chunks_.erase(chunks_.lower_bound({object_id, 0}), chunks_.lower_bound({object_id + 1, 0}));
}

}  // namespace cuttle::store
