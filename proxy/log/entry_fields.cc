#include "proxy/log/entry_fields.h"

#include "proxy/log/format_tokens.h"
#include "proxy/log/single_field_headers.h"

#include <strings.h>

namespace cuttle {

namespace {

bool same_field_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Squid's getByName: a list's (or an unknown header's) fields joined, else the
// first field only.
void append_joined(std::optional<std::string>& joined, std::string_view name, std::string_view value) {
  if (joined && squid_single_field_header(name)) return;
  if (joined) *joined += ", ";
  else joined.emplace();
  *joined += value;
}

}  // namespace

std::optional<std::string> request_header(const AccessLogEntry& e, std::string_view name) {
  std::optional<std::string> joined;
  for (const auto& [field, value] : e.request_headers)
    if (same_field_name(field, name)) append_joined(joined, name, value);
  return joined;
}

std::optional<std::string> reply_header(const AccessLogEntry& e, std::string_view name) {
  std::optional<std::string> joined;
  std::string_view head = e.reply_head;
  const auto status_line_end = head.find("\r\n");
  if (status_line_end == std::string_view::npos) return joined;
  head.remove_prefix(status_line_end + 2);
  while (!head.empty()) {
    const auto end = head.find("\r\n");
    const auto line = head.substr(0, end);
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !same_field_name(line.substr(0, colon), name)) continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    append_joined(joined, name, value);
  }
  return joined;
}

void put_host_last(AccessLogEntry& e, const std::string& authority) {
  auto& fields = e.request_headers;
  const auto removed = std::erase_if(fields, [](const auto& field) { return same_field_name(field.first, "Host"); });
  if (removed) fields.emplace_back("Host", authority);
}

std::string note_values(const AccessLogEntry& e, std::string_view arg) {
  // As Squid's Token::parse reads a header argument: "KEY[:[SEP]ELEMENT]"; the
  // element means nothing here.
  const auto argument = logformat::header_argument(arg);
  std::string values;
  for (const auto& [name, value] : e.notes) {
    if (name != argument.name) continue;
    if (!values.empty()) values += argument.separator;
    values += value;
  }
  return values;
}

std::string all_notes(const AccessLogEntry& e) {
  std::string text;
  for (const auto& [name, value] : e.notes) text.append(name).append(": ").append(value).append("\r\n");
  return text;
}

}  // namespace cuttle
