// The cache_store_log: whole lines (store_log_line.h) written through one of
// squid's log modules (log_destination.h: a file, the logfile_daemon, syslog,
// udp, tcp), from the stores' writer threads and the workers alike.
#pragma once

#include "proxy/log/log_destination.h"
#include "proxy/log/store_log_line.h"

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>

namespace cuttle {

class StoreLog {
 public:
  // Opens `destination` as cache_store_log names it ("" : no store log), closing
  // what was open. Squid opens store.log unbuffered, so `settings`' buffer size
  // is not used. Throws std::runtime_error naming what cannot be opened.
  void open(const std::string& destination, LogModuleSettings settings);
  // -k rotate: as the destination's module rotates (a file: PATH.0 … keeping `count`).
  void rotate(int count);
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  void write(const StoreLogRecord& record);

 private:
  std::shared_mutex mutex_;  // shared for writing lines, exclusive for (re)opening
  std::unique_ptr<LogDestination> out_;
  std::atomic<bool> enabled_{false};
};

}  // namespace cuttle
