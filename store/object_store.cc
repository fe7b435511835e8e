// The store's open, its reads, the queueing side of its writes, and the record
// and body bookkeeping that every write shares. The writer thread is in
// object_store_writer.cc, what each queued write does in object_store_apply.cc.
#include "store/object_store.h"

#include "store/sha256.h"
#include "store/store_operation.h"
#include "store/stored_key.h"

#include <future>
#include <utility>
#include <vector>

namespace cuttle::store {
namespace {

// The map bounds the file; logical accounting bounds the data. LMDB needs room for
// B-tree pages and its free list on top of the data itself.
uint64_t map_size_for(const StoreOptions& options) {
  if (options.map_bytes) return options.map_bytes;
  return options.max_bytes + options.max_bytes / 2 + (64ull << 20);
}
// Free map kept at open beyond what the file already uses: a few write batches, so
// eviction of an over-full store (cache_dir shrunk) can run and then reuse its pages.
constexpr uint64_t kMinFreeMapAtOpen = 4 * kMaxBytesPerCommit;

}  // namespace

ObjectStore::ObjectStore(StoreOptions options)
    : options_(std::move(options)), env_(options_.path, map_size_for(options_), 8) {
  env_.ensure_free_map(std::min<uint64_t>(kMinFreeMapAtOpen, map_size_for(options_) / 4));
  Transaction txn(env_, Transaction::Mode::ReadWrite);
  meta_ = open_database(txn, "meta");
  body_ = open_database(txn, "body");
  lru_ = open_database(txn, "lru");
  pending_ = open_database(txn, "pending");
  info_ = open_database(txn, "info");
  // Object ids continue after the highest one that has chunks.
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(txn.get(), body_, &cursor), "mdb_cursor_open");
  MDB_val k{}, v{};
  if (mdb_cursor_get(cursor, &k, &v, MDB_LAST) == MDB_SUCCESS)
    next_object_id_ = read_big_endian64(as_view(k)) + 1;
  mdb_cursor_close(cursor);
  txn.commit();
  recover_pending();
  rerank_if_policy_changed();
  writer_ = std::thread([this] { writer_loop(); });
}

ObjectStore::~ObjectStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void ObjectStore::recover_pending() {
  Transaction txn(env_, Transaction::Mode::ReadWrite);
  std::vector<uint64_t> ids;
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(txn.get(), pending_, &cursor), "mdb_cursor_open");
  MDB_val k{}, v{};
  for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT))
    ids.push_back(read_big_endian64(as_view(k)));
  mdb_cursor_close(cursor);
  for (auto id : ids) {
    delete_chunks(txn, id);
    txn.erase(pending_, big_endian64(id));
  }
  txn.commit();
}

std::optional<ObjectRecord> ObjectStore::lookup(std::string_view cache_key) const {
  const std::string key = stored_key(cache_key);
  {
    std::lock_guard lock(mutex_);
    if (auto it = staged_records_.find(key); it != staged_records_.end()) return it->second;
    if (staged_removals_.count(key)) return std::nullopt;
    for (const auto& [url, count] : staged_variant_removals_)
      if (is_key_or_variant(key, url)) return std::nullopt;
  }
  Transaction txn(env_, Transaction::Mode::ReadOnly);
  auto value = txn.get(meta_, key);
  if (!value) return std::nullopt;
  return decode(*value);
}

bool ObjectStore::visit_chunk_with(uint64_t object_id, uint32_t chunk, void (*use)(void*, std::string_view),
                                   void* context) const {
  if (auto staged = staged_chunk(object_id, chunk)) {
    use(context, *staged);
    return true;
  }
  Transaction txn(env_, Transaction::Mode::ReadOnly);
  auto bytes = checked_chunk(txn, object_id, chunk);
  if (!bytes) return false;
  use(context, *bytes);
  return true;
}
std::shared_ptr<const std::string> ObjectStore::staged_chunk(uint64_t object_id, uint32_t chunk) const {
  if (staged_chunk_count_.load(std::memory_order_acquire) == 0) return nullptr;
  std::lock_guard lock(mutex_);
  auto it = staged_chunks_.find(chunk_key(object_id, chunk));
  return it == staged_chunks_.end() ? nullptr : it->second;
}

std::optional<std::string_view> ObjectStore::checked_chunk(const Transaction& txn, uint64_t object_id,
                                                           uint32_t chunk) const {
  auto value = txn.get(body_, chunk_key(object_id, chunk));
  if (!value || value->size() < kSha256Size) return std::nullopt;
  auto data = value->substr(kSha256Size);
  if (!verified_.contains(object_id, chunk)) {
    if (sha256(data) != value->substr(0, kSha256Size)) return std::nullopt;
    verified_.insert(object_id, chunk);
  }
  return data;
}

StoreStats ObjectStore::stats() const {
  StoreStats s;
  Transaction txn(env_, Transaction::Mode::ReadOnly);
  MDB_stat st{};
  check(mdb_stat(txn.get(), meta_, &st), "mdb_stat");
  s.objects = st.ms_entries;
  s.bytes = stored_bytes(txn);
  s.capacity = options_.max_bytes;
  s.evictions = evictions_.load();
  MDB_envinfo info{};
  mdb_env_info(env_.get(), &info);
  MDB_stat env_stat{};
  mdb_env_stat(env_.get(), &env_stat);
  s.map_used = (info.me_last_pgno + 1) * static_cast<uint64_t>(env_stat.ms_psize);
  s.map_size = info.me_mapsize;
  return s;
}


void ObjectStore::put_chunk(uint64_t object_id, std::string cache_key, uint32_t chunk, std::string data) {
  auto key = stored_key(cache_key);
  auto shared = std::make_shared<const std::string>(std::move(data));
  queued_bytes_.fetch_add(shared->size(), std::memory_order_relaxed);
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    staged_chunks_[chunk_key(object_id, chunk)] = shared;
    staged_chunk_count_.store(staged_chunks_.size(), std::memory_order_release);
    wake = enqueue_locked(std::make_unique<Operation>(
        Operation{Operation::Type::PutChunk, std::move(key), object_id, chunk, std::move(shared), {}, {}, nullptr}));
  }
  if (wake) wake_.notify_one();
}

void ObjectStore::commit_object(std::string cache_key, ObjectRecord record, std::function<void(bool)> done) {
  auto key = stored_key(cache_key);
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (!lost_objects_.count(record.object_id)) {
      auto& staged = staged_records_[key] = record;
      staged.replaces_revalidated = false;  // what a lookup finds is as stored
    }
    wake = enqueue_locked(std::make_unique<Operation>(Operation{Operation::Type::Commit, std::move(key), record.object_id,
                                                           0, {}, std::move(record), std::move(done), nullptr}));
  }
  if (wake) wake_.notify_one();
}

void ObjectStore::abandon_object(uint64_t object_id) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    unstage_chunks(object_id);
    wake = enqueue_locked(
        std::make_unique<Operation>(Operation{Operation::Type::Abandon, {}, object_id, 0, {}, {}, {}, nullptr}));
  }
  if (wake) wake_.notify_one();
}

void ObjectStore::remove(std::string cache_key, std::function<void(bool)> done) {
  auto key = stored_key(cache_key);
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (auto it = staged_records_.find(key); it != staged_records_.end()) {
      unstage_chunks(it->second.object_id);
      staged_records_.erase(it);
    }
    ++staged_removals_[key];
    wake = enqueue_locked(std::make_unique<Operation>(
        Operation{Operation::Type::Remove, std::move(key), 0, 0, {}, {}, std::move(done), nullptr}));
  }
  if (wake) wake_.notify_one();
}

void ObjectStore::remove_with_variants(std::string key, std::function<void(bool)> done) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    for (auto it = staged_records_.begin(); it != staged_records_.end();) {
      bool match = is_key_or_variant(it->first, key);
      if (match) unstage_chunks(it->second.object_id);
      it = match ? staged_records_.erase(it) : std::next(it);
    }
    ++staged_variant_removals_[key];
    wake = enqueue_locked(std::make_unique<Operation>(
        Operation{Operation::Type::RemoveWithVariants, std::move(key), 0, 0, {}, {}, std::move(done), nullptr}));
  }
  if (wake) wake_.notify_one();
}


void ObjectStore::unstage_chunks(uint64_t object_id) {
  for (auto it = staged_chunks_.begin(); it != staged_chunks_.end();)
    it = read_big_endian64(it->first) == object_id ? staged_chunks_.erase(it) : std::next(it);
  staged_chunk_count_.store(staged_chunks_.size(), std::memory_order_release);
}

void ObjectStore::touch(std::string cache_key, int64_t last_access, int64_t now) {
  if (!counts_references(options_.policy) && now - last_access < kTouchGranularityMs) return;
  auto key = stored_key(cache_key);
  std::lock_guard lock(mutex_);
  auto& touch = touches_[std::move(key)];  // the writer picks these up with its next batch
  touch.when = std::max(touch.when, now);
  ++touch.references;
}

void ObjectStore::flush() {
  std::promise<void> done;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    wake = enqueue_locked(
        std::make_unique<Operation>(Operation{Operation::Type::Barrier, {}, 0, 0, {}, {}, {}, &done}));
  }
  if (wake) wake_.notify_one();
  done.get_future().wait();
}

uint64_t ObjectStore::stored_bytes(const Transaction& txn) const {
  auto v = txn.get(info_, kBytesKey);
  return v ? read_big_endian64(*v) : 0;
}

void ObjectStore::add_bytes(Transaction& txn, int64_t delta) {
  int64_t total = static_cast<int64_t>(stored_bytes(txn)) + delta;
  txn.put(info_, kBytesKey, big_endian64(static_cast<uint64_t>(std::max<int64_t>(0, total))));
}

void ObjectStore::delete_chunks(Transaction& txn, uint64_t object_id) {
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(txn.get(), body_, &cursor), "mdb_cursor_open");
  auto first = chunk_key(object_id, 0);
  MDB_val k = as_val(first), v{};
  int64_t freed = 0;
  for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE); rc == MDB_SUCCESS;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_GET_CURRENT)) {
    auto key = as_view(k);
    if (key.size() != 12 || read_big_endian64(key) != object_id) break;
    freed += static_cast<int64_t>(k.mv_size + v.mv_size);
    check(mdb_cursor_del(cursor, 0), "mdb_cursor_del");
  }
  mdb_cursor_close(cursor);
  if (freed) add_bytes(txn, -freed);
}

void ObjectStore::add_pin(uint64_t object_id) const {
  pins_.add(object_id);
}

void ObjectStore::unpin(uint64_t object_id) const {
  pins_.remove(object_id);
}

void ObjectStore::retire_chunks(Transaction& txn, uint64_t object_id, std::string_view key) {
  txn.put(pending_, big_endian64(object_id), key);
  retired_.push_back(object_id);
}

void ObjectStore::delete_retired(Transaction& txn) {
  std::erase_if(retired_, [&](uint64_t object_id) {
    if (pins_.pinned(object_id)) return false;
    {
      // A queued commit of the same object (a 304 freshened it after the
      // eviction) takes the body back: it must still be there when it lands.
      std::lock_guard lock(mutex_);
      for (const auto& [key, record] : staged_records_)
        if (record.object_id == object_id) return false;
    }
    delete_chunks(txn, object_id);
    txn.erase(pending_, big_endian64(object_id));
    return true;
  });
}

void ObjectStore::remove_in(Transaction& txn, std::string_view key, uint64_t keep_body_of, StoreEvent::Kind why) {
  auto value = txn.get(meta_, key);
  if (!value) return;
  int64_t freed = static_cast<int64_t>(key.size() + value->size());
  if (auto record = decode(*value)) {
    txn.erase(lru_, lru_key(record->eviction_rank, record->object_id));
    if (record->object_id != keep_body_of) {
      if (record->kind == RecordKind::Object) retire_chunks(txn, record->object_id, key);
      note_event(why, key, *record);
    }
  }
  txn.erase(meta_, key);
  add_bytes(txn, -freed);
}

void ObjectStore::note_event(StoreEvent::Kind kind, std::string_view key, const ObjectRecord& record) {
  if (options_.on_events && (!options_.events_wanted || options_.events_wanted())) events_.push_back(StoreEvent{kind, std::string(key), record});
}

void ObjectStore::publish_events() {
  if (!events_.empty()) options_.on_events(std::exchange(events_, {}));
}

}  // namespace cuttle::store
