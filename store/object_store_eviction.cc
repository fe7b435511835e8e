// Keeping the store within its size: least recently used objects go first.
#include "store/object_store.h"

#include "store/sha256.h"
#include "store/store_operation.h"
#include "store/stored_key.h"

#include <algorithm>
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
          evict_down_to(txn, std::min<uint64_t>(bytes / 2, static_cast<uint64_t>(options_.max_bytes * options_.low_water)));
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

}  // namespace cuttle::store
