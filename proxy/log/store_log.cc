#include "proxy/log/store_log.h"

#include "proxy/log/log_rotation.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace cuttle {

StoreLog::~StoreLog() {
  if (fd_ >= 0) ::close(fd_);
}

void StoreLog::open(const std::string& path) {
  std::lock_guard lock(mutex_);
  open_locked(path);
}

void StoreLog::open_locked(const std::string& path) {
  int fd = -1;
  if (!path.empty()) {
    std::error_code ignored;
    const auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ignored);
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot open cache_store_log " + path + ": " + std::strerror(errno));
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  path_ = path;
  enabled_.store(fd_ >= 0, std::memory_order_relaxed);
}

void StoreLog::rotate(int count) {
  std::lock_guard lock(mutex_);
  if (path_.empty()) return;
  rename_numbered(path_, count);
  open_locked(path_);
}

void StoreLog::write(const StoreLogRecord& record) {
  const auto line = format_store_log_line(record);
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return;
  // A full disk loses the line, never the transaction (Squid's stdio module dies instead).
  [[maybe_unused]] const auto written = ::write(fd_, line.data(), line.size());
}

}  // namespace cuttle
