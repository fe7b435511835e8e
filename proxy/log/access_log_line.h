// One access.log line in Squid's native format (src/log/FormatSquidNative.cc):
// the entry a finished transaction leaves and its text. Pure; the files the
// lines go to are AccessLog's (access_log.h).
#pragma once

#include "proxy/log/log_codes.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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
  // For formats other than Squid's native one: the request's HTTP version, and its
  // header fields when a configured format shows any (Config::log_request_headers).
  unsigned version_major = 1, version_minor = 1;
  std::vector<std::pair<std::string, std::string>> request_headers;
};

// One line without the trailing newline, e.g.
// "1700000000.123     12 10.0.0.5 TCP_MISS/200 5120 GET http://e.com/a - HIER_DIRECT/93.184.216.34 text/html"
std::string format_squid_native(const AccessLogEntry& entry);
// The same line appended to `line`.
void append_squid_native(std::string& line, const AccessLogEntry& entry);

// printf's "%*lld" (pad ' ') or "%0*lld" (pad '0') for the values a log line has,
// without printf's format parsing on every request.
void append_padded(std::string& out, long long value, int width, char pad);

// `text` as Squid quotes a user name in the log (Format::QuoteMimeBlob).
void append_mime_quoted(std::string& line, std::string_view text);

// "http://host/path?query" -> "http://host/path" (strip_query_terms).
std::string strip_query(std::string_view url);

}  // namespace cuttle
