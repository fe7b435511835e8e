// The cache_store_log file: whole lines (store_log_line.h) appended with one
// write(2) each, from the store's writer threads and the workers alike, so they
// never interleave. Squid's stdio module writes each line as it is made; so does this.
#pragma once

#include "proxy/log/store_log_line.h"

#include <atomic>
#include <mutex>
#include <string>

namespace cuttle {

class StoreLog {
 public:
  StoreLog() = default;
  ~StoreLog();
  StoreLog(const StoreLog&) = delete;
  StoreLog& operator=(const StoreLog&) = delete;

  // Opens `path` (creating its directories); empty: no store log. Throws
  // std::runtime_error naming a file that cannot be opened. Replaces what was open.
  void open(const std::string& path);
  // -k rotate: PATH becomes PATH.0 (PATH.0 PATH.1, …, keeping `count`), then
  // PATH is opened again; 0 only reopens (logrotate renamed it).
  void rotate(int count);
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  void write(const StoreLogRecord& record);

 private:
  void open_locked(const std::string& path);

  std::mutex mutex_;
  std::string path_;
  int fd_ = -1;
  std::atomic<bool> enabled_{false};
};

}  // namespace cuttle
