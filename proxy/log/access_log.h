// Squid's native access.log format (src/log/FormatSquidNative.cc) and the file it
// goes to. Every worker writes whole lines with one write(2) to an O_APPEND file, so
// lines never interleave and `tail -f` sees each transaction as it ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

struct AccessLogEntry {
  std::chrono::system_clock::time_point end_time;  // Squid stamps the line when it is written
  std::chrono::milliseconds elapsed{0};
  std::string client_ip;
  std::string result_code = "NONE";  // TCP_MISS, TCP_DENIED, TCP_TUNNEL, ...
  std::string result_suffix;         // "_ABORTED", "_TIMEDOUT" or empty
  unsigned status = 0;               // 0 when no reply was sent
  uint64_t reply_bytes = 0;          // headers and body sent to the client
  std::string method;
  std::string url;
  std::string user = "-";
  bool ping_timed_out = false;       // adds the TIMEOUT_ prefix
  std::string hierarchy = "HIER_NONE";
  std::string peer = "-";            // server address, or "-"
  std::string content_type = "-";
};

// One line without the trailing newline, e.g.
// "1700000000.123     12 10.0.0.5 TCP_MISS/200 5120 GET http://e.com/a - HIER_DIRECT/93.184.216.34 text/html"
std::string format_squid_native(const AccessLogEntry& entry);

// "http://host/path?query" -> "http://host/path" (strip_query_terms).
std::string strip_query(std::string_view url);

class AccessLog {
 public:
  AccessLog() = default;
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Opens (creating directories) every path; throws std::runtime_error naming the
  // file that cannot be opened. Replaces what was open before.
  void open(const std::vector<std::string>& paths);
  // Reopens the same paths (log rotation: the old file was renamed away).
  void reopen();
  void write(const AccessLogEntry& entry);

 private:
  void close_all();

  std::shared_mutex mutex_;  // shared for writing lines, exclusive for (re)opening
  std::vector<std::string> paths_;
  std::vector<int> fds_;
};

}  // namespace cuttle
