#include "store/lmdb.h"

#include <filesystem>

namespace cuttle::store {

void check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw StoreError(what, rc);
}

Environment::Environment(const std::string& path, uint64_t map_bytes, unsigned max_dbs) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  check(mdb_env_create(&env_), "mdb_env_create");
  try {
    check(mdb_env_set_mapsize(env_, map_bytes), "mdb_env_set_mapsize");
    check(mdb_env_set_maxdbs(env_, max_dbs), "mdb_env_set_maxdbs");
    check(mdb_env_set_maxreaders(env_, 1024), "mdb_env_set_maxreaders");
    // MDB_NOTLS: read transactions are not tied to threads (coroutines move).
    // MDB_NORDAHEAD: objects are read randomly; readahead wastes page cache.
    check(mdb_env_open(env_, path.c_str(), MDB_NOTLS | MDB_NORDAHEAD, 0644), ("mdb_env_open " + path).c_str());
  } catch (...) {
    mdb_env_close(env_);
    throw;
  }
}

Environment::~Environment() {
  abort_idle_readers();
  mdb_env_close(env_);
}

// Enough for every worker's concurrent hits; beyond it a handle is aborted, so
// that the kept ones never take many of the 1024 reader slots.
constexpr size_t kMaxIdleReaders = 64;

MDB_txn* Environment::take_idle_reader() const {
  std::lock_guard lock(idle_mutex_);
  if (idle_readers_.empty()) return nullptr;
  MDB_txn* txn = idle_readers_.back();
  idle_readers_.pop_back();
  return txn;
}

void Environment::keep_idle_reader(MDB_txn* txn) const {
  {
    std::lock_guard lock(idle_mutex_);
    if (idle_readers_.size() < kMaxIdleReaders) {
      idle_readers_.push_back(txn);
      return;
    }
  }
  mdb_txn_abort(txn);
}

void Environment::abort_idle_readers() {
  std::lock_guard lock(idle_mutex_);
  for (MDB_txn* txn : idle_readers_) mdb_txn_abort(txn);
  idle_readers_.clear();
}

void Environment::ensure_free_map(uint64_t free_bytes) {
  abort_idle_readers();  // no handle of this process may outlive a remap
  MDB_envinfo info{};
  check(mdb_env_info(env_, &info), "mdb_env_info");
  MDB_stat stat{};
  check(mdb_env_stat(env_, &stat), "mdb_env_stat");
  const uint64_t used = (info.me_last_pgno + 1) * static_cast<uint64_t>(stat.ms_psize);
  if (used + free_bytes > info.me_mapsize) check(mdb_env_set_mapsize(env_, used + free_bytes), "mdb_env_set_mapsize");
}

Transaction::Transaction(const Environment& env, Mode mode) : env_(env), read_only_(mode == Mode::ReadOnly) {
  if (read_only_) {
    if (MDB_txn* idle = env.take_idle_reader()) {
      if (mdb_txn_renew(idle) == MDB_SUCCESS) {
        txn_ = idle;
        return;
      }
      mdb_txn_abort(idle);  // and begin afresh, which reports any error
    }
  }
  check(mdb_txn_begin(env.get(), nullptr, read_only_ ? MDB_RDONLY : 0, &txn_), "mdb_txn_begin");
}

Transaction::~Transaction() {
  if (!txn_) return;
  if (read_only_) {
    mdb_txn_reset(txn_);
    env_.keep_idle_reader(txn_);
  } else {
    mdb_txn_abort(txn_);
  }
}

void Transaction::commit() {
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;  // committed or not, the handle is gone
  check(rc, "mdb_txn_commit");
}

std::optional<std::string_view> Transaction::get(MDB_dbi db, std::string_view key) const {
  MDB_val k = as_val(key), v{};
  int rc = mdb_get(txn_, db, &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check(rc, "mdb_get");
  return as_view(v);
}

void Transaction::put(MDB_dbi db, std::string_view key, std::string_view value) {
  MDB_val k = as_val(key), v = as_val(value);
  check(mdb_put(txn_, db, &k, &v, 0), "mdb_put");
}

bool Transaction::erase(MDB_dbi db, std::string_view key) {
  MDB_val k = as_val(key);
  int rc = mdb_del(txn_, db, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_del");
  return true;
}

MDB_dbi open_database(Transaction& txn, const char* name) {
  MDB_dbi dbi;
  check(mdb_dbi_open(txn.get(), name, MDB_CREATE, &dbi), name);
  return dbi;
}

std::string big_endian64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xFF);
  return out;
}

uint64_t read_big_endian64(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) v = (v << 8) | static_cast<uint8_t>(bytes[i]);
  return v;
}

}  // namespace cuttle::store
