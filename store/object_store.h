// The persistent object store: cached responses in one LMDB environment.
//
//   meta    cache key -> ObjectRecord (response header block, sizes, times, SHA-256)
//   body    object id + chunk number -> SHA-256 of the chunk + up to chunk_size bytes
//   lru     eviction rank + object id -> cache key (first to go first; the rank is
//           the replacement policy's, replacement_policy.h; the name is from when
//           LRU was the only policy)
//   pending object id -> cache key, while an object's chunks are being written
//   info    "bytes" -> bytes stored (keys and values), for the size limit;
//           "order" -> the policy family the ranks are of; "age" -> the heap age
//
// Reads use short read-only transactions from any thread and copy out what they
// return (never a transaction held across a co_await). Every write goes through a
// single writer thread that commits many queued operations per transaction (group
// commit). Until its transaction commits, a queued object is served from memory
// ("staged"), so a request right after a miss already hits. An object becomes visible only when its meta record commits, after all
// its chunks; chunks of objects that never committed (failed transfer, crash) are
// deleted, at the latest when the store is next opened.
#pragma once

#include "store/lmdb.h"
#include "store/object_cache.h"
#include "store/object_record.h"
#include "store/pin_counts.h"
#include "store/replacement_policy.h"
#include "store/store_event.h"
#include "store/verified_chunks.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace cuttle::store {

struct StoreOptions {
  std::string path;
  uint64_t max_bytes = 1ull << 30;  // cache_dir's MBYTES
  size_t chunk_size = 256 * 1024;
  // Told, from the writer thread, when writes start failing (a full disk, an I/O
  // error) and when they succeed again: the dropped objects are simply not stored.
  std::function<void(const std::string&)> on_write_trouble;
  // The LMDB map; 0 derives it from max_bytes (1.5 × + 64 MiB), which writes cannot
  // fill. Tests set a small one to drive the store into MDB_MAP_FULL.
  uint64_t map_bytes = 0;
  // Eviction (cache_swap_high, cache_swap_low; Squid's defaults): past high_water
  // of max_bytes the least recently used objects go until low_water is left, so
  // eviction runs in batches rather than one object per insert.
  double high_water = 0.95, low_water = 0.90;
  // cache_replacement_policy (memory_replacement_policy for the memory cache). A
  // store opened under another policy than it was written with is re-ranked.
  ReplacementPolicy policy = ReplacementPolicy::Lru;
  // Told what each commit stored and removed (cache_store_log); unset, or while
  // `events_wanted` says no: nothing is gathered.
  StoreEventSink on_events{};
  std::function<bool()> events_wanted{};
};

class ObjectStore final : public ObjectCache {
 public:
  explicit ObjectStore(StoreOptions options);
  ~ObjectStore();  // commits what is queued, then stops the writer
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  const StoreOptions& options() const { return options_; }

  // ---- ObjectCache ----
  size_t chunk_size() const override { return options_.chunk_size; }
  std::optional<ObjectRecord> lookup(std::string_view key) const override;  // staged ones first
  StoreStats stats() const override;
  uint64_t allocate_object_id() override { return next_object_id_.fetch_add(1); }
  uint64_t queued_bytes() const override { return queued_bytes_.load(std::memory_order_relaxed); }
  void put_chunk(uint64_t object_id, std::string key, uint32_t chunk, std::string data) override;
  // `done` runs on the writer thread after the commit.
  void commit_object(std::string key, ObjectRecord record, std::function<void(bool)> done = {}) override;
  void abandon_object(uint64_t object_id) override;
  void remove(std::string key, std::function<void(bool)> done = {}) override;
  void remove_with_variants(std::string key, std::function<void(bool)> done = {}) override;
  // Recency is kept to kTouchGranularityMs: under the LRU policies a hit on an
  // object used less than that ago changes nothing (the heap GDSF/LFUDA policies
  // count every hit), and what does change is written back with the next batch of
  // writes or once a second, never a transaction per hit (a pure hit load used to
  // commit, with an fdatasync, about a hundred times a second).
  void touch(std::string key, int64_t last_access, int64_t now_ms) override;
  static constexpr int64_t kTouchGranularityMs = 60'000;
  void flush() override;

 protected:
  // A chunk is checked against its SHA-256 the first time this process reads it
  // (see verified_chunks.h).
  bool visit_chunk_with(uint64_t object_id, uint32_t chunk, void (*use)(void*, std::string_view),
                        void* context) const override;
  // A pinned body whose object is replaced, removed or evicted is listed in
  // `pending` until its last pin goes, so a crash still frees it at the next open.
  void add_pin(uint64_t object_id) const override;
  void unpin(uint64_t object_id) const override;

 private:
  struct Operation;
  using Batch = std::span<const std::unique_ptr<Operation>>;
  // The writer thread (object_store_writer.cc).
  void writer_loop();
  void wait_for_batch(std::unique_lock<std::mutex>& lock);
  std::vector<std::unique_ptr<Operation>> take_batch_locked();
  // Commits `ops`, in parts when the whole fails; returns the first failure.
  std::optional<std::string> write_batch(Batch ops);
  std::optional<std::string> commit_batch(Batch ops);  // one transaction
  void report_write_state(const std::optional<std::string>& failure);
  void settle(Batch ops, bool ok);  // unstages what the batch wrote or dropped, then tells its callers
  void unstage_locked(const Operation& op);
  // Queued writes inside the writer's transaction (object_store_apply.cc).
  void apply(Transaction& txn, Operation& op);
  void put_chunk_in(Transaction& txn, const Operation& op);
  bool commit_in(Transaction& txn, const std::string& key, ObjectRecord& record);  // false: not stored
  bool remove_variants_in(Transaction& txn, const std::string& key);  // false: none there
  void apply_touches(Transaction& txn);
  // Replacement policy (object_store_eviction.cc).
  void rank(ObjectRecord& record) const;  // sets its eviction_rank for the policy and age
  void rerank_if_policy_changed();  // at open
  bool rerank_batch(std::string& after, uint64_t& damaged);  // false when every record is ranked
  bool is_lost(uint64_t object_id) const;
  // Eviction (object_store_eviction.cc).
  // Returns how many objects it removed; counted in evictions_ only once `txn` commits.
  uint64_t evict_down_to(Transaction& txn, uint64_t target_bytes);
  bool evict_for_full_map();  // after MDB_MAP_FULL: false when even that failed
  // Record and body bookkeeping (object_store.cc).
  // Deletes `key`'s record and its body, unless the body is object `keep_body_of`;
  // a removed object is told as `why`.
  void remove_in(Transaction& txn, std::string_view key, uint64_t keep_body_of = 0,
                 StoreEvent::Kind why = StoreEvent::Kind::Removed);
  // Store events of the transaction under way (writer thread), told once it commits.
  void note_event(StoreEvent::Kind kind, std::string_view key, const ObjectRecord& record);
  void publish_events();
  void delete_chunks(Transaction& txn, uint64_t object_id);
  // The body of an object no longer in `meta`: deleted by delete_retired() once unpinned.
  void retire_chunks(Transaction& txn, uint64_t object_id, std::string_view key);
  // In a transaction after the one that retired them, so a reader that pinned
  // an object and then still found it current is always seen pinned here.
  void delete_retired(Transaction& txn);
  void add_bytes(Transaction& txn, int64_t delta);
  uint64_t stored_bytes(const Transaction& txn) const;
  void recover_pending();
  void unstage_chunks(uint64_t object_id);  // mutex_ held
  // Queues an operation (mutex_ held); true when the writer must be woken for it.
  bool enqueue_locked(std::unique_ptr<Operation> op);
  bool commit_is_due_locked() const;  // a full batch, a flush() or stop: no group-commit wait
  std::shared_ptr<const std::string> staged_chunk(uint64_t object_id, uint32_t chunk) const;
  // The chunk's data within `txn`'s mapping, if present and intact.
  std::optional<std::string_view> checked_chunk(const Transaction& txn, uint64_t object_id, uint32_t chunk) const;

  StoreOptions options_;
  Environment env_;
  MDB_dbi meta_{}, body_{}, lru_{}, pending_{}, info_{};
  std::atomic<uint64_t> next_object_id_{1};
  std::atomic<uint64_t> evictions_{0};
  std::atomic<uint64_t> queued_bytes_{0};
  std::atomic<size_t> staged_chunk_count_{0};  // lets reads skip the mutex when nothing is staged
  mutable VerifiedChunks verified_;
  mutable PinCounts pins_;
  std::vector<uint64_t> retired_;  // writer thread only
  double heap_age_ = 0;  // writer thread only: the heap policies' aging factor
  std::vector<StoreEvent> events_;  // writer thread only: see note_event

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Operation>> queue_;
  size_t queued_barriers_ = 0;  // flush() calls waiting in queue_
  struct Touch {
    int64_t when = 0;
    uint32_t references = 0;
  };
  std::unordered_map<std::string, Touch> touches_;
  // Queued but not yet committed: what lookups must already see.
  std::unordered_map<std::string, ObjectRecord> staged_records_;
  std::unordered_map<std::string, std::shared_ptr<const std::string>> staged_chunks_;  // by chunk_key
  std::unordered_map<std::string, int> staged_removals_;  // key -> removals queued
  // remove_with_variants() calls queued: cache key (a URL) -> how many. A lookup
  // of the URL or a variant finds nothing until the writer has applied them.
  std::unordered_map<std::string, int> staged_variant_removals_;
  // Objects some of whose chunks were dropped by a failed write: their commit must
  // not make a body with holes visible (it abandons the rest instead).
  std::unordered_set<uint64_t> lost_objects_;
  bool writes_failing_ = false;  // writer thread only: to report trouble once, not per batch
  std::chrono::steady_clock::time_point last_commit_{};  // writer thread only
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace cuttle::store
