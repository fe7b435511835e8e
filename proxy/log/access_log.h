// Squid's native access.log format (src/log/FormatSquidNative.cc) and the file it
// goes to. Whole lines are appended to an O_APPEND file, so they never interleave.
#pragma once

#include "proxy/log/log_codes.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace cuttle {

struct AccessLogEntry {
  std::chrono::system_clock::time_point end_time;  // Squid stamps the line when it is written
  std::chrono::milliseconds elapsed{0};
  std::string client_ip;
  ResultCode result = ResultCode::None;
  ResultSuffix result_suffix = ResultSuffix::None;
  unsigned status = 0;               // 0 when no reply was sent
  uint64_t reply_bytes = 0;          // headers and body sent to the client
  std::string method;
  std::string url;
  std::string user = "-";
  HierarchyCode hierarchy;
  std::string peer = "-";            // server address, or "-"
  std::string content_type = "-";
};

// One line without the trailing newline, e.g.
// "1700000000.123     12 10.0.0.5 TCP_MISS/200 5120 GET http://e.com/a - HIER_DIRECT/93.184.216.34 text/html"
std::string format_squid_native(const AccessLogEntry& entry);
// The same line appended to `line`.
void append_squid_native(std::string& line, const AccessLogEntry& entry);

// "http://host/path?query" -> "http://host/path" (strip_query_terms).
std::string strip_query(std::string_view url);

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
  // file that cannot be opened. Replaces what was open before.
  void open(const std::vector<std::string>& paths);
  // Reopens the same paths (log rotation: the old file was renamed away).
  void reopen();
  void write(const AccessLogEntry& entry);
  // Writes what is queued now, in the calling thread.
  void flush();

  static constexpr auto kBatchDelay = std::chrono::milliseconds(5);
  static constexpr size_t kBatchBytes = 64 * 1024;

 private:
  void close_all();
  void flusher_loop();
  void write_out(const std::string& lines);

  std::shared_mutex mutex_;  // shared for writing lines, exclusive for (re)opening
  std::vector<std::string> paths_;
  std::vector<int> fds_;

  std::mutex write_order_;  // held from taking a batch until it is written: batches stay in order
  std::mutex queue_mutex_;
  std::condition_variable wake_;
  std::string queued_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace cuttle
