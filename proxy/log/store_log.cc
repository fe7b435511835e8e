#include "proxy/log/store_log.h"

#include <mutex>
#include <stdexcept>
#include <utility>

namespace cuttle {

void StoreLog::open(const std::string& destination, LogModuleSettings settings) {
  std::unique_ptr<LogDestination> out;
  if (!destination.empty()) {
    settings.buffer_size = 0;  // squid's logfileOpen(…, 0, 1) for store.log
    try {
      out = open_log_destination(parse_log_destination(destination), settings);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error("cache_store_log " + destination + ": " + e.what());
    }
  }
  std::unique_ptr<LogDestination> old;
  {
    std::unique_lock lock(mutex_);
    old = std::exchange(out_, std::move(out));
    enabled_.store(out_ != nullptr, std::memory_order_relaxed);
  }
  // `old` closes here, outside the lock: a daemon's queue may take a moment to drain.
}

void StoreLog::rotate(int count) {
  std::shared_lock lock(mutex_);
  if (out_) out_->rotate(count);
}

void StoreLog::write(const StoreLogRecord& record) {
  const auto line = format_store_log_line(record);
  std::shared_lock lock(mutex_);
  if (out_) out_->write_line(line);
}

}  // namespace cuttle
