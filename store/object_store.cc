#include "store/object_store.h"

#include "store/stored_key.h"

#include "store/sha256.h"

#include <chrono>
#include <future>
#include <vector>

namespace cuttle::store {
namespace {

constexpr size_t kMaxOperationsPerCommit = 256;
// LMDB keeps a transaction's dirty pages in memory until commit: bound them too.
constexpr size_t kMaxBytesPerCommit = 16 << 20;
// Group commit: a commit costs two fdatasync()s whatever it holds, so under a
// steady stream of small writes (each 304 freshens one header) committing each as
// it comes spends the core on syncing. A commit follows the previous one after at
// least this long, taking everything queued meanwhile (readers see staged writes
// at once: nothing waits for the commit but durability).
constexpr auto kMinCommitInterval = std::chrono::milliseconds(10);
constexpr const char* kBytesKey = "bytes";
// Eviction starts above the high mark and stops below the low one, so it runs in
// batches rather than one object per insert.
constexpr double kHighWater = 0.95;
constexpr double kLowWater = 0.85;

std::string lru_key(int64_t last_access, uint64_t object_id) {
  return big_endian64(static_cast<uint64_t>(last_access)) + big_endian64(object_id);
}

// The map bounds the file; logical accounting bounds the data. LMDB needs room for
// B-tree pages and its free list on top of the data itself.
uint64_t map_size_for(const StoreOptions& options) {
  if (options.map_bytes) return options.map_bytes;
  return options.max_bytes + options.max_bytes / 2 + (64ull << 20);
}
// Free map kept at open beyond what the file already uses: a few write batches, so
// eviction of an over-full store (cache_dir shrunk) can run and then reuse its pages.
constexpr uint64_t kMinFreeMapAtOpen = 4 * kMaxBytesPerCommit;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

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
  }
  Transaction txn(env_, Transaction::Mode::ReadOnly);
  auto value = txn.get(meta_, key);
  if (!value) return std::nullopt;
  return decode(*value);
}

std::optional<std::string> ObjectStore::read_chunk(uint64_t object_id, uint32_t chunk) const {
  std::optional<std::string> copy;
  visit_chunk(object_id, chunk, [&](std::string_view bytes) { copy.emplace(bytes); });
  return copy;
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
    if (!lost_objects_.count(record.object_id)) staged_records_[key] = record;
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
    wake = enqueue_locked(std::make_unique<Operation>(
        Operation{Operation::Type::RemoveWithVariants, std::move(key), 0, 0, {}, {}, std::move(done), nullptr}));
  }
  if (wake) wake_.notify_one();
}

// The writer sleeps only while the queue is empty or while it gathers a group
// commit, which a full batch or a flush() cuts short: only those need a wake-up.
// (Waking it for every write cost a futex call and a context switch per stored
// object or freshened header.)
bool ObjectStore::enqueue_locked(std::unique_ptr<Operation> op) {
  const bool was_empty = queue_.empty();
  if (op->type == Operation::Type::Barrier) ++queued_barriers_;
  queue_.push_back(std::move(op));
  return was_empty || commit_is_due_locked();
}

bool ObjectStore::commit_is_due_locked() const {
  return stopping_ || queued_barriers_ > 0 || queue_.size() >= kMaxOperationsPerCommit ||
         queued_bytes_.load(std::memory_order_relaxed) >= kMaxBytesPerCommit;
}

void ObjectStore::unstage_chunks(uint64_t object_id) {
  for (auto it = staged_chunks_.begin(); it != staged_chunks_.end();)
    it = read_big_endian64(it->first) == object_id ? staged_chunks_.erase(it) : std::next(it);
  staged_chunk_count_.store(staged_chunks_.size(), std::memory_order_release);
}

void ObjectStore::touch(std::string cache_key, int64_t last_access, int64_t now) {
  if (now - last_access < kTouchGranularityMs) return;
  auto key = stored_key(cache_key);
  std::lock_guard lock(mutex_);
  touches_[std::move(key)] = now;  // the writer picks these up with its next batch
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

ObjectStore::Pin ObjectStore::pin(uint64_t object_id) const {
  std::lock_guard lock(pins_mutex_);
  ++pins_[object_id];
  return Pin(this, object_id);
}

void ObjectStore::unpin(uint64_t object_id) const {
  std::lock_guard lock(pins_mutex_);
  if (auto it = pins_.find(object_id); it != pins_.end() && --it->second == 0) pins_.erase(it);
}

void ObjectStore::retire_chunks(Transaction& txn, uint64_t object_id, std::string_view key) {
  txn.put(pending_, big_endian64(object_id), key);
  retired_.push_back(object_id);
}

void ObjectStore::delete_retired(Transaction& txn) {
  std::erase_if(retired_, [&](uint64_t object_id) {
    {
      std::lock_guard lock(pins_mutex_);
      if (pins_.count(object_id)) return false;
    }
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

void ObjectStore::remove_in(Transaction& txn, std::string_view key, uint64_t keep_body_of) {
  auto value = txn.get(meta_, key);
  if (!value) return;
  int64_t freed = static_cast<int64_t>(key.size() + value->size());
  if (auto record = decode(*value)) {
    txn.erase(lru_, lru_key(record->last_access, record->object_id));
    if (record->kind == RecordKind::Object && record->object_id != keep_body_of)
      retire_chunks(txn, record->object_id, key);
  }
  txn.erase(meta_, key);
  add_bytes(txn, -freed);
}

void ObjectStore::apply(Transaction& txn, Operation& op) {
  switch (op.type) {
    case Operation::Type::PutChunk: {
      auto id = big_endian64(op.object_id);
      if (!txn.get(pending_, id)) txn.put(pending_, id, op.key);
      std::string value = sha256(*op.data);
      value += *op.data;
      auto key = chunk_key(op.object_id, op.chunk);
      txn.put(body_, key, value);
      add_bytes(txn, static_cast<int64_t>(key.size() + value.size()));
      break;
    }
    case Operation::Type::Commit: {
      bool lost;
      {
        std::lock_guard lock(mutex_);
        lost = lost_objects_.count(op.object_id) > 0;
      }
      if (lost) {
        // Part of its body never reached the disk: drop the rest, store nothing.
        delete_chunks(txn, op.object_id);
        txn.erase(pending_, big_endian64(op.object_id));
        op.found = false;
        break;
      }
      // Never a record without its body: one whose chunks are already gone (a
      // header freshened after its evicted body was deleted) is not stored.
      if (op.record.chunk_count > 0 && !txn.get(body_, chunk_key(op.object_id, 0))) {
        op.found = false;
        break;
      }
      // A record for the same object (a header freshened by a 304) keeps its body,
      // even one evicted or replaced while the 304 was awaited: the revalidation
      // pinned it, so it is taken back from retirement.
      remove_in(txn, op.key, op.record.object_id);
      std::erase(retired_, op.record.object_id);
      if (op.record.last_access == 0) op.record.last_access = now_ms();
      auto encoded = encode(op.record);
      txn.put(meta_, op.key, encoded);
      txn.put(lru_, lru_key(op.record.last_access, op.record.object_id), op.key);
      txn.erase(pending_, big_endian64(op.object_id));
      add_bytes(txn, static_cast<int64_t>(op.key.size() + encoded.size()));
      break;
    }
    case Operation::Type::Abandon:
      delete_chunks(txn, op.object_id);
      txn.erase(pending_, big_endian64(op.object_id));
      break;
    case Operation::Type::RemoveWithVariants: {
      std::vector<std::string> keys;
      MDB_cursor* cursor = nullptr;
      check(mdb_cursor_open(txn.get(), meta_, &cursor), "mdb_cursor_open");
      // op.key is the cache key as given (not stored_key()): the URL whose
      // variants are stored right after it.
      const auto prefix = variant_scan_prefix(op.key);
      MDB_val k = as_val(prefix), v{};
      for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE); rc == MDB_SUCCESS;
           rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
        auto found = as_view(k);
        if (!found.starts_with(prefix)) break;
        if (is_key_or_variant(found, op.key)) keys.emplace_back(found);
        // Keys sort as URL, URL\x01…, URL\n…, then longer URLs: past those, nothing is a variant.
        else if (found.size() > op.key.size() && static_cast<unsigned char>(found[op.key.size()]) > '\n') break;
      }
      mdb_cursor_close(cursor);
      op.found = !keys.empty();
      for (const auto& key : keys) remove_in(txn, key);
      break;
    }
    case Operation::Type::Remove:
      op.found = txn.get(meta_, op.key).has_value();
      remove_in(txn, op.key);
      break;
    case Operation::Type::Barrier:
      break;
  }
}

void ObjectStore::apply_touches(Transaction& txn) {
  std::unordered_map<std::string, int64_t> touches;
  {
    std::lock_guard lock(mutex_);
    touches.swap(touches_);
  }
  for (auto& [key, when] : touches) {
    auto value = txn.get(meta_, key);
    if (!value) continue;
    auto record = decode(*value);
    if (!record || record->last_access >= when) continue;
    txn.erase(lru_, lru_key(record->last_access, record->object_id));
    record->last_access = when;
    txn.put(meta_, key, encode(*record));  // same size: the byte count is unchanged
    txn.put(lru_, lru_key(when, record->object_id), key);
  }
}

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
      remove_in(txn, victim.key);
      ++removed;
    }
    txn.erase(lru_, victim.lru_key);  // also drops an entry whose object is gone
  }
  return removed;
}

bool ObjectStore::evict_for_full_map() {
  const auto retired_before = retired_;
  try {
    // LMDB hands out the pages freed by transaction N only from N + 2 on (it keeps
    // the last two snapshots whole), so the room is made in commits of its own:
    // evict (bodies are retired, as always), delete the retired bodies that no
    // reply holds, then one tiny commit that makes the freed pages usable.
    {
      Transaction txn(env_, Transaction::Mode::ReadWrite);
      // Half of what is stored (at most down to the low mark), so the next
      // batches do not run into a full map again at once.
      const uint64_t bytes = stored_bytes(txn);
      const uint64_t removed =
          evict_down_to(txn, std::min<uint64_t>(bytes / 2, static_cast<uint64_t>(options_.max_bytes * kLowWater)));
      txn.commit();
      evictions_.fetch_add(removed);
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

void ObjectStore::writer_loop() {
  // Evicted bodies are deleted by the commit after the one that evicted them (see
  // delete_retired): that one follows at once, so the store is back under its
  // size within a commit rather than after the idle second.
  bool evicted = false;
  auto last_commit = std::chrono::steady_clock::time_point{};
  for (;;) {
    std::vector<std::unique_ptr<Operation>> batch;
    {
      std::unique_lock lock(mutex_);
      // Touches alone wait for the timeout: they ride along with writes when there are any.
      if (!evicted) {
        wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || !queue_.empty(); });
        wake_.wait_until(lock, last_commit + kMinCommitInterval, [&] { return commit_is_due_locked(); });
      }
      if (stopping_ && queue_.empty() && touches_.empty()) return;
      if (queue_.empty() && touches_.empty() && retired_.empty()) continue;
      size_t batch_bytes = 0;
      while (!queue_.empty() && batch.size() < kMaxOperationsPerCommit && batch_bytes < kMaxBytesPerCommit) {
        if (queue_.front()->data) batch_bytes += queue_.front()->data->size();
        if (queue_.front()->type == Operation::Type::Barrier) --queued_barriers_;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    bool ok = true;
    const uint64_t evictions_before = evictions_.load();
    auto retired_before = retired_;
    std::string failure;
    // A full map is handled by evicting and trying the batch once more.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (attempt == 1) {
        if (!evict_for_full_map()) break;
        retired_before = retired_;
      }
      try {
        Transaction txn(env_, Transaction::Mode::ReadWrite);
        delete_retired(txn);
        for (auto& op : batch) apply(txn, *op);
        apply_touches(txn);
        uint64_t removed = 0;
        if (stored_bytes(txn) > options_.max_bytes * kHighWater)
          removed = evict_down_to(txn, static_cast<uint64_t>(options_.max_bytes * kLowWater));
        txn.commit();
        evictions_.fetch_add(removed);  // not before: an aborted transaction evicted nothing
        last_commit = std::chrono::steady_clock::now();
        ok = true;
        break;
      } catch (const StoreError& e) {
        ok = false;
        // The aborted transaction neither deleted nor retired anything.
        retired_ = retired_before;
        failure = e.what();
        if (e.code() != MDB_MAP_FULL) break;
      }
    }
    if (ok == writes_failing_ && options_.on_write_trouble) {
      options_.on_write_trouble(ok ? "cache_dir " + options_.path + ": writes succeed again"
                                   : "cache_dir " + options_.path + ": write failed (" + failure +
                                         "); replies are relayed without being stored until writes succeed");
    }
    writes_failing_ = !ok;
    evicted = ok && evictions_.load() > evictions_before;
    {
      // Committed (or dropped): LMDB answers for these from now on.
      std::lock_guard lock(mutex_);
      // A dropped chunk leaves a hole in its object: it must never become visible.
      if (!ok)
        for (auto& op : batch)
          if (op->type == Operation::Type::PutChunk) lost_objects_.insert(op->object_id);
      // A commit or abandon settles its object's fate, whether it was applied or dropped.
      for (auto& op : batch)
        if (op->type == Operation::Type::Commit || op->type == Operation::Type::Abandon)
          lost_objects_.erase(op->object_id);
      if (!ok)
        for (auto it = staged_records_.begin(); it != staged_records_.end();)
          it = lost_objects_.count(it->second.object_id) ? staged_records_.erase(it) : std::next(it);
      for (auto& op : batch) {
        if (op->type == Operation::Type::PutChunk) {
          staged_chunks_.erase(chunk_key(op->object_id, op->chunk));
          queued_bytes_.fetch_sub(op->data->size(), std::memory_order_relaxed);
        }
        if (op->type == Operation::Type::Remove) {
          auto it = staged_removals_.find(op->key);
          if (it != staged_removals_.end() && --it->second == 0) staged_removals_.erase(it);
        }
        if (op->type == Operation::Type::Commit) {
          auto it = staged_records_.find(op->key);
          // Only this commit's staging: a newer record for the same object (a header
          // freshened meanwhile) stays staged until its own commit.
          if (it != staged_records_.end() && it->second.object_id == op->object_id &&
              it->second.response_time == op->record.response_time &&
              it->second.header_block == op->record.header_block)
            staged_records_.erase(it);
        }
      }
      staged_chunk_count_.store(staged_chunks_.size(), std::memory_order_release);
    }
    for (auto& op : batch) {
      if (op->barrier) op->barrier->set_value();
      if (op->done) op->done(ok && op->found);
    }
  }
}

}  // namespace cuttle::store
