// The access.log files: whole lines (access_log_line.h) are appended to an
// O_APPEND file, so they never interleave.
#pragma once

#include "proxy/log/access_log_line.h"
#include "proxy/log/log_format.h"

#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

namespace cuttle {

// Lines are queued and written in batches by a background thread, a few
// milliseconds after the first of a batch (or at once when 64 KiB are queued), as
// Squid's stdio log module buffers: one write(2) per request was a tenth of a cache
// hit's CPU. A `kill -9` loses at most those milliseconds of lines; rotation,
// reconfiguration and shutdown write out what is queued first.
class AccessLog {
 public:
  AccessLog();
  ~AccessLog();  // writes what is queued
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Opens (creating directories) every path; throws std::runtime_error naming the
  // file that cannot be opened. Replaces what was open before. `formats[i]` is the
  // i-th file's format; missing or null: Squid's native one.
  using Formats = std::vector<std::shared_ptr<const LogFormat>>;
  void open(const std::vector<std::string>& paths, Formats formats = {});
  // Reopens the same paths (log rotation: the old file was renamed away).
  void reopen();
  // -k rotate as Squid's stdio module does it: each regular file whose count is
  // above 0 becomes PATH.0 (PATH.0 becomes PATH.1, …, keeping `counts[i]`), then
  // every file is reopened. A count of 0 only reopens (logrotate renamed it).
  void rotate(const std::vector<int>& counts);
  // `files`: which of the files given to open() get the line (bit i: the i-th).
  void write(const AccessLogEntry& entry, uint64_t files = kAllFiles);
  // Writes what is queued now, in the calling thread.
  void flush();

  static constexpr uint64_t kAllFiles = ~uint64_t{0};
  static constexpr size_t kMaxFiles = 64;
  static constexpr auto kBatchDelay = std::chrono::milliseconds(5);
  static constexpr size_t kBatchBytes = 64 * 1024;

 private:
  void close_all();
  void flusher_loop();
  void write_out(const std::vector<std::string>& lines);
  // Each selected file's line for `entry` (with its newline), formatted once per format.
  void format_lines(const AccessLogEntry& entry, uint64_t files, std::vector<std::string>& lines) const;

  std::shared_mutex mutex_;  // shared for writing lines, exclusive for (re)opening
  std::vector<std::string> paths_;
  Formats formats_;
  std::vector<int> fds_;

  std::mutex write_order_;  // held from taking a batch until it is written: batches stay in order
  std::mutex queue_mutex_;
  std::condition_variable wake_;
  std::vector<std::string> queued_;  // lines waiting, one string per file
  size_t queued_bytes_ = 0;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace cuttle
