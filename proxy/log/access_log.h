// The access.log files: whole lines (access_log_line.h) are appended to an
// O_APPEND file, so they never interleave.
#pragma once

#include "proxy/log/access_log_line.h"
#include "proxy/log/log_format.h"

#include <atomic>
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

struct AccessLogOptions {
  bool mime_headers = false;  // log_mime_hdrs
  bool buffered = false;      // buffered_logs
  std::chrono::milliseconds batch_delay{5};  // how long a buffered batch gathers
};

// Squid's stdio module writes each line as its transaction ends, whatever
// buffered_logs says; so does cuttle by default: the worker appends the line to
// its O_APPEND file with one write(2). With buffered_logs on (which Squid honours
// for its daemon and tcp modules) lines are queued instead and a background
// thread writes them in batches, a few milliseconds after the first of a batch
// (or at once when 64 KiB are queued): a worker then spends about a quarter less
// CPU per cache hit. A `kill -9` loses at most those milliseconds of lines;
// rotation, reconfiguration and shutdown write out what is queued first.
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
  using Options = AccessLogOptions;
  // Each file's lines are numbered from 0 again (%sn), as Squid's reopened logs.
  void open(const std::vector<std::string>& paths, Formats formats = {}, Options options = {});
  // Reopens the same paths (log rotation: the old file was renamed away); the
  // lines' numbering goes on, as Squid's does across a rotation.
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
  static constexpr size_t kBatchBytes = 64 * 1024;

 private:
  void open_files(const std::vector<std::string>& paths, Formats formats, Options options, bool renumber);
  void close_all();
  void flusher_loop();
  void write_out(const std::vector<std::string>& lines);
  // Each selected file's line for `entry` (with its newline), formatted once per format.
  void format_lines(const AccessLogEntry& entry, uint64_t files, std::vector<std::string>& lines) const;

  std::shared_mutex mutex_;  // shared for writing lines, exclusive for (re)opening
  std::vector<std::string> paths_;
  Formats formats_;
  Options options_;
  std::vector<int> fds_;
  // Each file's next line number (%sn); taken as lines are formatted, so with
  // several workers numbers may reach the file slightly out of order.
  std::unique_ptr<std::atomic<uint64_t>[]> sequence_;

  std::mutex write_order_;  // held from taking a batch until it is written: batches stay in order
  std::mutex queue_mutex_;
  std::condition_variable wake_;
  std::vector<std::string> queued_;  // lines waiting, one string per file
  size_t queued_bytes_ = 0;
  AccessLogOptions batching_;  // options_, as the flusher reads them
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace cuttle
