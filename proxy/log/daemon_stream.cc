#include "proxy/log/daemon_stream.h"

namespace cuttle {

DaemonStream::DaemonStream(int rotate_count, bool buffered)
    : buffered_(buffered),
      header_("r" + std::to_string(rotate_count) + "\nb" + (buffered ? "1" : "0") + "\n"),
      queued_(header_) {}

bool DaemonStream::add_line(std::string_view line) {
  if (queued_.size() > kMaxQueued) return false;
  queued_ += 'L';
  queued_ += line;
  // logfile_mod_daemon_lineend: unbuffered, every line starts a write; buffered,
  // only once the first buffer is full.
  if (!buffered_ || queued_.size() > kBufferSize) request_write();
  return true;
}

void DaemonStream::request_write() {
  // logfileQueueWrite: an "F" only when no write is pending and it fits the first buffer.
  if (write_pending_ || queued_.empty()) return;
  write_pending_ = true;
  if (queued_.size() + 2 <= kBufferSize) queued_ += "F\n";
}

std::string DaemonStream::take() {
  std::string out;
  out.swap(queued_);
  return out;
}

void DaemonStream::restart_with_header(std::string unwritten) {
  queued_.insert(0, header_ + unwritten);
  write_pending_ = false;
  request_write();
}

}  // namespace cuttle
