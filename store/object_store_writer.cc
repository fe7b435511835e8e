// The writer thread: it takes queued writes in batches, commits each batch in one
// transaction (group commit), and then settles what the batch staged in memory.
#include "store/object_store.h"

#include "store/store_operation.h"
#include "store/stored_key.h"

namespace cuttle::store {

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

void ObjectStore::writer_loop() {
  // Evicted bodies are deleted by the commit after the one that evicted them (see
  // delete_retired): that one follows at once, so the store is back under its
  // size within a commit rather than after the idle second.
  bool evicted = false;
  for (;;) {
    std::vector<std::unique_ptr<Operation>> batch;
    {
      std::unique_lock lock(mutex_);
      if (!evicted) wait_for_batch(lock);
      if (stopping_ && queue_.empty() && touches_.empty()) return;
      if (queue_.empty() && touches_.empty() && retired_.empty()) continue;
      batch = take_batch_locked();
    }
    const uint64_t evictions_before = evictions_.load();
    const auto failure = write_batch(batch);
    report_write_state(failure);
    evicted = evictions_.load() > evictions_before;
  }
}

void ObjectStore::wait_for_batch(std::unique_lock<std::mutex>& lock) {
  // Touches alone wait for the timeout: they ride along with writes when there are any.
  wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || !queue_.empty(); });
  wake_.wait_until(lock, last_commit_ + kMinCommitInterval, [&] { return commit_is_due_locked(); });
}

std::vector<std::unique_ptr<ObjectStore::Operation>> ObjectStore::take_batch_locked() {
  std::vector<std::unique_ptr<Operation>> batch;
  size_t batch_bytes = 0;
  while (!queue_.empty() && batch.size() < kMaxOperationsPerCommit && batch_bytes < kMaxBytesPerCommit) {
    if (queue_.front()->data) batch_bytes += queue_.front()->data->size();
    if (queue_.front()->type == Operation::Type::Barrier) --queued_barriers_;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

// A full disk fails a whole group commit for the bytes of a part of it: the halves
// are then written in turn, down to single writes, so what fits is still stored
// (writes of an object already missing a chunk are skipped, so this stays cheap).
std::optional<std::string> ObjectStore::write_batch(Batch ops) {
  auto failure = commit_batch(ops);
  if (failure && ops.size() > 1) {
    const size_t half = ops.size() / 2;
    auto first = write_batch(ops.first(half));
    auto second = write_batch(ops.subspan(half));
    return first ? first : second;
  }
  settle(ops, !failure);
  return failure;
}

std::optional<std::string> ObjectStore::commit_batch(Batch ops) {
  auto retired_before = retired_;
  // A full map is handled by evicting and trying once more.
  for (int attempt = 0;; ++attempt) {
    try {
      events_.clear();  // those of an attempt that was rolled back
      Transaction txn(env_, Transaction::Mode::ReadWrite);
      delete_retired(txn);
      for (const auto& op : ops) apply(txn, *op);
      apply_touches(txn);
      uint64_t removed = 0;
      if (stored_bytes(txn) > options_.max_bytes * options_.high_water)
        removed = evict_down_to(txn, static_cast<uint64_t>(options_.max_bytes * options_.low_water));
      txn.commit();
      evictions_.fetch_add(removed);  // not before: an aborted transaction evicted nothing
      publish_events();
      last_commit_ = std::chrono::steady_clock::now();
      return std::nullopt;
    } catch (const StoreError& e) {
      // The aborted transaction neither deleted nor retired anything.
      retired_ = retired_before;
      if (e.code() != MDB_MAP_FULL || attempt > 0 || !evict_for_full_map()) return e.what();
      retired_before = retired_;
    }
  }
}

void ObjectStore::report_write_state(const std::optional<std::string>& failure) {
  const bool ok = !failure;
  if (ok == writes_failing_ && options_.on_write_trouble) {
    options_.on_write_trouble(ok ? "cache_dir " + options_.path + ": writes succeed again"
                                 : "cache_dir " + options_.path + ": write failed (" + *failure +
                                       "); replies are relayed without being stored until writes succeed");
  }
  writes_failing_ = !ok;
}

// Committed (or dropped): LMDB answers for these from now on.
void ObjectStore::settle(Batch ops, bool ok) {
  {
    std::lock_guard lock(mutex_);
    // A dropped chunk leaves a hole in its object: it must never become visible.
    if (!ok)
      for (const auto& op : ops)
        if (op->type == Operation::Type::PutChunk) lost_objects_.insert(op->object_id);
    // A commit or abandon settles its object's fate, whether it was applied or dropped.
    for (const auto& op : ops)
      if (op->type == Operation::Type::Commit || op->type == Operation::Type::Abandon)
        lost_objects_.erase(op->object_id);
    if (!ok)
      for (auto it = staged_records_.begin(); it != staged_records_.end();)
        it = lost_objects_.count(it->second.object_id) ? staged_records_.erase(it) : std::next(it);
    for (const auto& op : ops) unstage_locked(*op);
    staged_chunk_count_.store(staged_chunks_.size(), std::memory_order_release);
  }
  for (const auto& op : ops) {
    if (op->barrier) op->barrier->set_value();
    if (op->done) op->done(ok && op->found);
  }
}

void ObjectStore::unstage_locked(const Operation& op) {
  if (op.type == Operation::Type::PutChunk) {
    staged_chunks_.erase(chunk_key(op.object_id, op.chunk));
    queued_bytes_.fetch_sub(op.data->size(), std::memory_order_relaxed);
  }
  if (op.type == Operation::Type::Remove || op.type == Operation::Type::RemoveWithVariants) {
    auto& staged = op.type == Operation::Type::Remove ? staged_removals_ : staged_variant_removals_;
    auto it = staged.find(op.key);
    if (it != staged.end() && --it->second == 0) staged.erase(it);
  }
  if (op.type == Operation::Type::Commit) {
    auto it = staged_records_.find(op.key);
    // Only this commit's staging: a newer record for the same object (a header
    // freshened meanwhile) stays staged until its own commit.
    if (it != staged_records_.end() && it->second.object_id == op.object_id &&
        it->second.response_time == op.record.response_time && it->second.header_block == op.record.header_block)
      staged_records_.erase(it);
  }
}

}  // namespace cuttle::store
