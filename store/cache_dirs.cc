#include "store/cache_dirs.h"

#include <atomic>
#include <stdexcept>

namespace cuttle::store {

namespace {

bool takes(const CacheDirLimits& limits, uint64_t size) {
  return !limits.no_store && limits.min_size <= size && size <= limits.max_size;
}

}  // namespace

void CacheDirs::add(std::unique_ptr<ObjectCache> dir, CacheDirLimits limits) {
  if (dirs_.size() >= 255) throw std::invalid_argument("at most 255 cache_dir lines");
  dirs_.push_back(Dir{std::move(dir), limits});
}

size_t CacheDirs::chunk_size() const { return dirs_.front().cache->chunk_size(); }

std::optional<ObjectRecord> CacheDirs::lookup(std::string_view key) const {
  for (size_t i = 0; i < dirs_.size(); ++i)
    if (auto record = dirs_[i].cache->lookup(key)) {
      record->object_id = outer_id(i, record->object_id);
      return record;
    }
  return std::nullopt;
}

StoreStats CacheDirs::stats() const {
  StoreStats total;
  for (const auto& dir : dirs_) {
    const auto s = dir.cache->stats();
    total.objects += s.objects;
    total.bytes += s.bytes;
    total.capacity += s.capacity;
    total.evictions += s.evictions;
    total.map_used += s.map_used;
    total.map_size += s.map_size;
  }
  return total;
}

bool CacheDirs::admits(uint64_t size) const {
  for (const auto& dir : dirs_)
    if (takes(dir.limits, size)) return true;
  return false;
}

std::optional<size_t> CacheDirs::choose(std::optional<uint64_t> size) const {
  // One directory (the usual case): no load figures to compare on every fill.
  if (dirs_.size() == 1) {
    const auto& limits = dirs_.front().limits;
    const bool taken = size ? takes(limits, *size) : !limits.no_store;
    return taken ? std::optional<size_t>(0) : std::nullopt;
  }
  std::optional<size_t> best;
  uint64_t best_queued = 0, best_room = 0;
  for (size_t i = 0; i < dirs_.size(); ++i) {
    const auto& limits = dirs_[i].limits;
    if (limits.no_store) continue;
    if (!size) {
      // Unknown length: where the largest objects may go (the first such line).
      if (!best || limits.max_size > dirs_[*best].limits.max_size) best = i;
      continue;
    }
    if (!takes(limits, *size)) continue;
    const auto queued = dirs_[i].cache->queued_bytes();
    const auto s = dirs_[i].cache->stats();
    const auto room = s.capacity > s.bytes ? s.capacity - s.bytes : 0;
    if (!best || queued < best_queued || (queued == best_queued && room > best_room)) {
      best = i;
      best_queued = queued;
      best_room = room;
    }
  }
  return best;
}

uint64_t CacheDirs::allocate_object_id() { return allocate_object_id_for(std::nullopt); }

uint64_t CacheDirs::allocate_object_id_for(std::optional<uint64_t> expected_size) {
  // No directory takes it: an id all the same, which fits() then refuses.
  const size_t dir = choose(expected_size).value_or(0);
  return outer_id(dir, dirs_[dir].cache->allocate_object_id());
}

bool CacheDirs::fits(uint64_t object_id, uint64_t size, bool whole) const {
  const auto& limits = dir_holding(object_id).limits;
  return whole ? takes(limits, size) : !limits.no_store && size <= limits.max_size;
}

uint64_t CacheDirs::queued_bytes() const {
  uint64_t total = 0;
  for (const auto& dir : dirs_) total += dir.cache->queued_bytes();
  return total;
}

const CacheDirs::Dir& CacheDirs::dir_holding(uint64_t id) const {
  const auto dir = dir_of(id);
  if (dir >= dirs_.size()) throw std::out_of_range("object id of no cache_dir");
  return dirs_[dir];
}

void CacheDirs::put_chunk(uint64_t object_id, std::string key, uint32_t chunk, std::string data) {
  dir_holding(object_id).cache->put_chunk(inner_id(object_id), std::move(key), chunk, std::move(data));
}

void CacheDirs::commit_object(std::string key, ObjectRecord record, std::function<void(bool)> done) {
  const auto dir = dir_of(record.object_id);
  // A new version may land in another directory than the old one: the old goes.
  for (size_t i = 0; i < dirs_.size(); ++i)
    if (i != dir) dirs_[i].cache->remove(key);
  record.object_id = inner_id(record.object_id);
  dirs_.at(dir).cache->commit_object(std::move(key), std::move(record), std::move(done));
}

void CacheDirs::abandon_object(uint64_t object_id) {
  dir_holding(object_id).cache->abandon_object(inner_id(object_id));
}

void CacheDirs::on_every_dir(std::function<void(ObjectCache&, std::function<void(bool)>)> each,
                             std::function<void(bool)> done) {
  struct Tally {
    std::atomic<size_t> left;
    std::atomic<bool> any{false};
    std::function<void(bool)> done;
  };
  auto tally = std::make_shared<Tally>();
  tally->left = dirs_.size();
  tally->done = std::move(done);
  for (auto& dir : dirs_)
    each(*dir.cache, [tally](bool yes) {
      if (yes) tally->any = true;
      if (tally->left.fetch_sub(1) == 1 && tally->done) tally->done(tally->any);
    });
}

void CacheDirs::remove(std::string key, std::function<void(bool)> done) {
  on_every_dir([&key](ObjectCache& dir, std::function<void(bool)> each_done) { dir.remove(key, std::move(each_done)); },
               std::move(done));
}

void CacheDirs::remove_with_variants(std::string key, std::function<void(bool)> done) {
  on_every_dir(
      [&key](ObjectCache& dir, std::function<void(bool)> each_done) {
        dir.remove_with_variants(key, std::move(each_done));
      },
      std::move(done));
}

void CacheDirs::touch(std::string key, int64_t last_access, int64_t now_ms) {
  // With one directory the hit was found there; with several, look (a read).
  if (dirs_.size() == 1) return dirs_.front().cache->touch(std::move(key), last_access, now_ms);
  for (auto& dir : dirs_)
    if (dir.cache->lookup(key)) {
      dir.cache->touch(std::move(key), last_access, now_ms);
      return;
    }
}

void CacheDirs::flush() {
  for (auto& dir : dirs_) dir.cache->flush();
}

bool CacheDirs::visit_chunk_with(uint64_t object_id, uint32_t chunk, void (*use)(void*, std::string_view),
                                 void* context) const {
  return dir_holding(object_id).cache->visit_chunk_with(inner_id(object_id), chunk, use, context);
}

void CacheDirs::add_pin(uint64_t object_id) const { dir_holding(object_id).cache->add_pin(inner_id(object_id)); }

void CacheDirs::unpin(uint64_t object_id) const { dir_holding(object_id).cache->unpin(inner_id(object_id)); }

}  // namespace cuttle::store
