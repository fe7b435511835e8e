// Thin RAII over the LMDB C API: an environment, transactions, named databases.
// Errors become StoreError with LMDB's own words. No policy lives here.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle::store {

class StoreError : public std::runtime_error {
 public:
  StoreError(const std::string& what, int code) : std::runtime_error(what + ": " + mdb_strerror(code)), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// Throws StoreError unless rc is MDB_SUCCESS.
void check(int rc, const char* what);

inline MDB_val as_val(std::string_view s) { return {s.size(), const_cast<char*>(s.data())}; }
inline std::string_view as_view(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

class Environment {
 public:
  // Opens (creating) the environment in directory `path` with a map of `map_bytes`.
  Environment(const std::string& path, uint64_t map_bytes, unsigned max_dbs);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  MDB_env* get() const { return env_; }

  // Grows the map so that at least `free_bytes` lie beyond the pages in use. LMDB
  // maps at least the whole file, so data written under a larger map (cache_dir
  // shrunk since) can leave no free page at all, and then even a delete fails with
  // MDB_MAP_FULL. Only while no transaction of this process is open.
  void ensure_free_map(uint64_t free_bytes);

  // Read-only transactions ended by Transaction are reset and kept for the next
  // one: mdb_txn_renew reuses the handle and its reader slot, where
  // mdb_txn_begin + mdb_txn_abort allocate, search the reader table under a
  // mutex and free (a cached hit opens two read transactions). A reset handle
  // holds no snapshot, so it keeps no page from being reused.
  MDB_txn* take_idle_reader() const;      // nullptr when none is kept
  void keep_idle_reader(MDB_txn* txn) const;  // `txn` already reset

 private:
  void abort_idle_readers();

  MDB_env* env_ = nullptr;
  mutable std::mutex idle_mutex_;
  mutable std::vector<MDB_txn*> idle_readers_;
};

class Transaction {
 public:
  enum class Mode { ReadOnly, ReadWrite };
  Transaction(const Environment& env, Mode mode);
  ~Transaction();  // aborts unless committed
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();
  MDB_txn* get() const { return txn_; }

  // The value for `key`, valid until the transaction ends.
  std::optional<std::string_view> get(MDB_dbi db, std::string_view key) const;
  void put(MDB_dbi db, std::string_view key, std::string_view value);
  bool erase(MDB_dbi db, std::string_view key);  // false if absent

 private:
  const Environment& env_;
  MDB_txn* txn_ = nullptr;
  bool read_only_;
};

// Opens (creating) a named database; call once at start-up in a write transaction.
MDB_dbi open_database(Transaction& txn, const char* name);

// Big-endian encodings: keys that sort numerically under LMDB's byte order.
std::string big_endian64(uint64_t v);
uint64_t read_big_endian64(std::string_view bytes);

}  // namespace cuttle::store
