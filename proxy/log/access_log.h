// The access_log outputs: whole lines (access_log_line.h) are appended to an
// O_APPEND file, so they never interleave, or handed to one of squid's other log
// modules (daemon, syslog, udp, tcp: log_destination.h).
#pragma once

#include "proxy/log/access_log_line.h"
#include "proxy/log/log_destination.h"
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

// One access_log line's output.
struct AccessLogOutput {
  std::string destination;  // as access_log names it: PATH, stdio:PATH, daemon:…, syslog:…, udp://…, tcp://…
  std::shared_ptr<const LogFormat> format;  // null: Squid's native one
  LogModuleSettings settings;               // for the modules other than stdio; die_on_error for all
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

  // Opens every output (files with their directories made, daemons started,
  // hosts looked up); throws std::runtime_error naming the one that cannot be
  // opened, unless it says on-error=drop (then it is reported and skipped, as
  // squid skips it). Replaces what was open before (the modules closed after,
  // writing what they queued). Each output's lines are numbered from 0 again
  // (%sn), as Squid's reopened logs.
  using Options = AccessLogOptions;
  void open(std::vector<AccessLogOutput> outputs, Options options = {});
  // Files only: `formats[i]` is the i-th file's format; missing or null: Squid's native one.
  using Formats = std::vector<std::shared_ptr<const LogFormat>>;
  void open(const std::vector<std::string>& paths, Formats formats = {}, Options options = {});
  // Reopens the same files (log rotation: the old file was renamed away); the
  // lines' numbering goes on, as Squid's does across a rotation. The other
  // modules are left as they are.
  void reopen();
  // -k rotate as Squid does it: each regular stdio file whose count is above 0
  // becomes PATH.0 (PATH.0 becomes PATH.1, …, keeping `counts[i]`), then every
  // file is reopened (a count of 0 only reopens: logrotate renamed it); a
  // logfile_daemon is told "R"; syslog, udp and tcp outputs do nothing.
  void rotate(const std::vector<int>& counts);
  // `files`: which of the outputs given to open() get the line (bit i: the i-th).
  void write(const AccessLogEntry& entry, uint64_t files = kAllFiles);
  // Writes the files' queued lines now, in the calling thread.
  void flush();

  static constexpr uint64_t kAllFiles = ~uint64_t{0};
  static constexpr size_t kMaxFiles = 64;
  static constexpr size_t kBatchBytes = 64 * 1024;

 private:
  // The files' descriptors (-1 for the other modules, and for a file not opened
  // with on-error=drop); throws when one cannot be and must.
  static std::vector<int> open_files(const std::vector<LogDestinationSpec>& specs, const std::vector<bool>& may_drop);
  void close_all();
  void flusher_loop();
  void write_out(const std::vector<std::string>& lines);
  // Each selected output's line for `entry` (with its newline), formatted once per format.
  void format_lines(const AccessLogEntry& entry, uint64_t files, std::vector<std::string>& lines) const;
  // Gives the modules their lines (and takes them out of `lines`).
  void hand_to_modules(const AccessLogEntry& entry, std::vector<std::string>& lines) const;

  std::shared_mutex mutex_;  // shared for writing lines, exclusive for (re)opening
  std::vector<AccessLogOutput> outputs_;
  std::vector<LogDestinationSpec> specs_;
  Formats formats_;
  Options options_;
  std::vector<int> fds_;
  std::vector<std::unique_ptr<LogDestination>> modules_;  // null for files
  bool has_modules_ = false;
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
