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
  std::string full_url;  // the URL before strip_query_terms cut it, if it did: %rp shows its path
  std::string user = "-";
  HierarchyCode hierarchy;
  std::string peer = "-";            // server address, or "-"
  std::string content_type = "-";
  // For formats other than Squid's native one: the request's HTTP version, and its
  // header fields when a configured format shows any (Config::log_request_headers),
  // all of them under log_mime_hdrs (Host last, from the URL, as Squid keeps it).
  unsigned version_major = 1, version_minor = 1;
  std::vector<std::pair<std::string, std::string>> request_headers;
  // What logformat codes beyond the native line's show; unset ones print "-".
  uint16_t client_port = 0;     // %>p
  std::string local_ip;         // %la: the http_port's address, else the connection's
  uint16_t local_port = 0;      // %lp
  // %>la, %>lp: the address and port the client connected to (behind a PROXY
  // protocol header, the ones it names).
  std::string connection_local_ip;
  uint16_t connection_local_port = 0;
  uint16_t server_port = 0;     // %<p: of `peer`
  uint64_t request_bytes = 0;   // %>st: request header and body bytes read from the client
  unsigned server_status = 0;   // %<Hs: the status the server or peer sent; 0: none
  std::string error_name;       // %err_code: the error page's name (ERR_ACCESS_DENIED)
  std::string error_detail;     // %err_detail: Squid's brief detail (WITH_SERVER, errno=111)
  std::string external_user;    // %ue: user= of an external ACL helper
  // %note: the transaction's annotations (helpers' key=value pairs), when a format shows them.
  std::vector<std::pair<std::string, std::string>> notes;
  // %<h, log_mime_hdrs: the reply header as sent to the client (status line to
  // blank line), when a format or log_mime_hdrs shows it.
  std::string reply_head;
};

// What the line depends on besides its entry.
struct LineContext {
  uint64_t sequence = 0;      // %sn: the line's number in its file, from 0
  bool mime_headers = false;  // log_mime_hdrs: native, common and combined lines end with both headers
};

// One line without the trailing newline, e.g.
// "1700000000.123     12 10.0.0.5 TCP_MISS/200 5120 GET http://e.com/a - HIER_DIRECT/93.184.216.34 text/html"
std::string format_squid_native(const AccessLogEntry& entry, const LineContext& context = {});
// The same line appended to `line`.
void append_squid_native(std::string& line, const AccessLogEntry& entry, const LineContext& context = {});

// The request's header fields as Squid packs them ("Name: value\r\n" each), and
// log_mime_hdrs' " [request fields] [reply header]" ending, each QuoteMimeBlob'd.
std::string request_fields_text(const AccessLogEntry& entry);
void append_mime_headers(std::string& line, const AccessLogEntry& entry);

// printf's "%*lld" (pad ' ') or "%0*lld" (pad '0') for the values a log line has,
// without printf's format parsing on every request.
void append_padded(std::string& out, long long value, int width, char pad);

// `text` as Squid quotes a user name in the log (Format::QuoteMimeBlob).
void append_mime_quoted(std::string& line, std::string_view text);

// "http://host/path?query" -> "http://host/path?" (strip_query_terms; squid 5.7's
// urlCanonicalCleanWithoutRequest leaves the '?' in place).
std::string strip_query(std::string_view url);
// The entry's URL stripped so; the whole one kept in full_url when that cut anything.
void strip_query_terms(AccessLogEntry& entry);

}  // namespace cuttle
