// cuttle's request handling inside the test process: one Worker listening on a
// free loopback port, over a store::MemoryCache, with a configuration given as
// squid.conf text. Requests go through the same sessions, cache paths and
// upstream exchange as in the real binary; only the process and LMDB are left
// out, so a test of a cache path takes milliseconds.
#pragma once

#include "proxy/server/runtime.h"
#include "proxy/server/worker.h"
#include "store/memory_cache.h"
#include "tests/support/temp_dir.h"

#include <memory>
#include <string>
#include <vector>

namespace cuttle::testing {

class InProcessProxy {
 public:
  // `config` goes before the http_port and `http_access allow all` this adds.
  explicit InProcessProxy(const std::string& config = "", size_t chunk_size = 1000);
  ~InProcessProxy();

  unsigned short port() const { return port_; }
  store::MemoryCache& cache() { return *cache_; }
  // The access.log lines written so far (logged requests are flushed first).
  std::vector<std::string> access_log();
  // The result code and status (e.g. "TCP_HIT/200") of the n-th request logged
  // (from 1), waiting a moment for it: a reply reaches the client before its line
  // is written.
  std::string result(size_t n);

 private:
  TempDir dir_;
  unsigned short port_;
  store::MemoryCache* cache_ = nullptr;  // owned by runtime_
  std::unique_ptr<ProxyRuntime> runtime_;
  std::unique_ptr<Worker> worker_;
};

}  // namespace cuttle::testing
