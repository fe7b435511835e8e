// Read-only transactions are reset and renewed from a pool (store/lmdb.h): a
// renewed one must see what was committed after the handle was last used, and a
// pool left behind must not keep the environment from closing.
#include "store/lmdb.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace cuttle::store {
namespace lmdb_reader_pool_test {

TEST(LmdbReaderPool, ARenewedReadTransactionSeesLaterCommits) {
  const auto dir = std::filesystem::temp_directory_path() / ("cuttle-reader-pool-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  {
    Environment env(dir.string(), 16 << 20, 4);
    MDB_dbi db;
    {
      Transaction txn(env, Transaction::Mode::ReadWrite);
      db = open_database(txn, "t");
      txn.put(db, "k", "one");
      txn.commit();
    }
    {
      Transaction read(env, Transaction::Mode::ReadOnly);
      EXPECT_EQ(read.get(db, "k").value_or(""), "one");
    }
    {
      Transaction txn(env, Transaction::Mode::ReadWrite);
      txn.put(db, "k", "two");
      txn.commit();
    }
    {
      Transaction read(env, Transaction::Mode::ReadOnly);
      // (the pooled handle, renewed; its address alone would not prove it: a freed
      // handle's memory may come back from malloc)
      EXPECT_EQ(read.get(db, "k").value_or(""), "two");
      Transaction nested(env, Transaction::Mode::ReadOnly);  // pool empty now: a new one
      EXPECT_NE(nested.get(), read.get());
      EXPECT_EQ(nested.get(db, "k").value_or(""), "two");
    }
  }  // both handles are pooled here; the environment closes cleanly (ASan checks the rest)
  std::filesystem::remove_all(dir);
}

}  // namespace lmdb_reader_pool_test
}  // namespace cuttle::store
