#include "proxy/log/access_log_line.h"

#include <charconv>
#include <utility>

namespace cuttle {
namespace {

// An empty field would shift every later column for log parsers; Squid writes "-".
std::string_view or_dash(const std::string& field) { return field.empty() ? std::string_view("-") : field; }

}  // namespace

void append_padded(std::string& out, long long value, int width, char pad) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  for (auto n = end - digits; n < width; ++n) out += pad;
  out.append(digits, end);
}

void append_squid_native(std::string& line, const AccessLogEntry& e, const LineContext& context) {
  using namespace std::chrono;
  auto since_epoch = duration_cast<milliseconds>(e.end_time.time_since_epoch()).count();
  // "%9lld.%03d %6lld ", as Squid's logfile module prints it.
  append_padded(line, since_epoch / 1000, 9, ' ');
  line += '.';
  append_padded(line, since_epoch % 1000, 3, '0');
  line += ' ';
  append_padded(line, e.elapsed.count(), 6, ' ');
  line += ' ';
  line += or_dash(e.client_ip);
  line += ' ';
  line += squid_name(e.result);
  line += squid_name(e.result_suffix);
  line += '/';
  append_padded(line, e.status, 3, '0');
  line += ' ';
  append_padded(line, static_cast<long long>(e.reply_bytes), 0, ' ');
  line += ' ';
  line += or_dash(e.method);
  line += ' ';
  line += or_dash(e.url);
  line += ' ';
  if (e.user.empty() || e.user == "-")
    line += '-';
  else
    append_mime_quoted(line, e.user);
  line += ' ';
  if (e.hierarchy.ping_timed_out) line += "TIMEOUT_";
  line += squid_name(e.hierarchy.code);
  line += '/';
  line += or_dash(e.peer);
  line += ' ';
  line += or_dash(e.content_type);
  if (context.mime_headers) append_mime_headers(line, e);
}

std::string request_fields_text(const AccessLogEntry& e) {
  std::string text;
  for (const auto& [name, value] : e.request_headers) text.append(name).append(": ").append(value).append("\r\n");
  return text;
}

// Squid prints this part with logfilePrintf, which keeps at most 8192 bytes, the
// last of them the newline: longer headers are cut.
void append_mime_headers(std::string& line, const AccessLogEntry& e) {
  constexpr size_t kPrintfLimit = 8192 - 1;  // the newline is the line's own
  const size_t start = line.size();
  line += " [";
  append_mime_quoted(line, request_fields_text(e));
  line += "] [";
  append_mime_quoted(line, e.reply_head);
  line += ']';
  if (line.size() - start > kPrintfLimit) line.resize(start + kPrintfLimit);
}

// Squid's QuoteMimeBlob: CR and LF as \r and \n, a backslash doubled, controls,
// 8-bit bytes, '%', '[' and ']' as %xx; the rest (a blank too) as it is.
void append_mime_quoted(std::string& line, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    if (c == '\r') {
      line += "\\r";
    } else if (c == '\n') {
      line += "\\n";
    } else if (c <= 0x1f || c >= 0x7f || c == '%' || c == '[' || c == ']') {
      line += '%';
      line += kHex[c >> 4];
      line += kHex[c & 0xf];
    } else if (c == '\\') {
      line += "\\\\";
    } else {
      line += static_cast<char>(c);
    }
  }
}

std::string format_squid_native(const AccessLogEntry& e, const LineContext& context) {
  std::string line;
  line.reserve(160 + e.url.size());
  append_squid_native(line, e, context);
  return line;
}

std::string strip_query(std::string_view url) {
  const auto query = url.find('?');
  return std::string(url.substr(0, query == std::string_view::npos ? query : query + 1));  // the '?' stays, as squid's
}

void strip_query_terms(AccessLogEntry& entry) {
  auto stripped = strip_query(entry.url);
  if (stripped.size() != entry.url.size()) entry.full_url = std::exchange(entry.url, std::move(stripped));
}

}  // namespace cuttle
