#include "proxy/cache/store_log_reply.h"

#include "proxy/cache/cache_control.h"
#include "proxy/config/ascii_case.h"
#include "proxy/http/http_date.h"
#include "proxy/log/url_escape.h"

#include <charconv>
#include <chrono>
#include <optional>
#include <vector>

namespace cuttle {

namespace {

using Seconds = int64_t;

Seconds now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The header block's fields, values trimmed; repeated names all kept.
struct ReplyFields {
  unsigned status = 0;
  std::vector<std::pair<std::string_view, std::string_view>> fields;

  std::optional<std::string_view> first(std::string_view name) const {
    for (const auto& [n, v] : fields)
      if (ascii_iequals(n, name)) return v;
    return std::nullopt;
  }
  std::string joined(std::string_view name) const {
    std::string out;
    for (const auto& [n, v] : fields)
      if (ascii_iequals(n, name)) out += (out.empty() ? "" : ", ") + std::string(v);
    return out;
  }
};

std::string_view trimmed_field_value(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

ReplyFields parse_reply_fields(std::string_view block) {
  ReplyFields header;
  auto line_end = block.find("\r\n");
  const auto status_line = block.substr(0, line_end);
  if (const auto space = status_line.find(' '); space != std::string_view::npos) {
    const auto code = status_line.substr(space + 1, 3);
    std::from_chars(code.data(), code.data() + code.size(), header.status);
  }
  while (line_end != std::string_view::npos) {
    block.remove_prefix(line_end + 2);
    line_end = block.find("\r\n");
    const auto line = block.substr(0, line_end);
    const auto colon = line.find(':');
    if (line.empty() || colon == std::string_view::npos) continue;
    header.fields.emplace_back(line.substr(0, colon), trimmed_field_value(line.substr(colon + 1)));
  }
  return header;
}

Seconds reply_date_field(const ReplyFields& header, std::string_view name) {
  const auto value = header.first(name);
  if (!value) return -1;
  const auto when = parse_http_date(*value);
  if (!when) return -1;
  return std::chrono::duration_cast<std::chrono::seconds>(when->time_since_epoch()).count();
}

// HttpReply::hdrExpirationTime: s-maxage or max-age from Date (now without one),
// else Expires (now when it is not a date), else none.
Seconds expiration_time(const ReplyFields& header, Seconds date) {
  if (const auto cc = header.joined("Cache-Control"); !cc.empty()) {
    const auto parsed = parse_cache_control(cc);
    if (const auto max_age = parsed.s_maxage ? parsed.s_maxage : parsed.max_age)
      return date >= 0 ? date + *max_age : now_seconds();
  }
  if (!header.first("Expires")) return -1;
  const auto expires = reply_date_field(header, "Expires");
  return expires < 0 ? now_seconds() : expires;
}

int64_t content_length_field(const ReplyFields& header) {
  const auto value = header.first("Content-Length");
  int64_t length = -1;
  if (value) std::from_chars(value->data(), value->data() + value->size(), length);
  return length;
}

}  // namespace

StoreLogReply store_log_reply(std::string_view header_block, std::string_view method, std::string url,
                              int64_t body_length, std::optional<int64_t> content_length) {
  const auto header = parse_reply_fields(header_block);
  StoreLogReply reply;
  reply.status = header.status;
  reply.date = reply_date_field(header, "Date");
  reply.last_modified = reply_date_field(header, "Last-Modified");
  reply.expires = expiration_time(header, reply.date);
  reply.content_type = std::string(header.first("Content-Type").value_or(""));
  reply.content_length = content_length.value_or(content_length_field(header));
  reply.body_length = body_length;
  reply.method = std::string(method);
  reply.url = std::move(url);
  return reply;
}

std::string squid_vary_mark(std::string_view key) {
  std::string mark;
  auto at = key.find('\n');
  while (at != std::string_view::npos) {
    key.remove_prefix(at + 1);
    at = key.find('\n');
    const auto pair = key.substr(0, at);
    const auto colon = pair.find(':');
    if (!mark.empty()) mark += ", ";
    mark += pair.substr(0, colon);
    // cuttle's key cannot tell an absent header from an empty one: Squid names
    // an absent one alone, which is the common case.
    if (colon != std::string_view::npos && colon + 1 < pair.size())
      mark += "=\"" + squid_escape_part(pair.substr(colon + 1)) + "\"";
  }
  return mark;
}

}  // namespace cuttle
