// Values logformat codes read from an entry's headers and notes, as squid 5.7's
// HttpHeader::getByName and NotePairs::find / toString give them. Pure.
#pragma once

#include "proxy/log/access_log_line.h"

#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

// The request field `name`'s values joined by ", "; nullopt: absent.
std::optional<std::string> request_header(const AccessLogEntry& entry, std::string_view name);
// The same of the reply header sent (AccessLogEntry::reply_head).
std::optional<std::string> reply_header(const AccessLogEntry& entry, std::string_view name);

// Squid replaces a request's Host field with the URL's authority as the request
// arrives, at the end of the header: what %{Host}>h and log_mime_hdrs show. No
// Host sent: none added.
void put_host_last(AccessLogEntry& entry, const std::string& authority);

// %{KEY}note: KEY's values joined by the separator the argument names after a
// colon (one of ",;:"; ',' by default). Empty when the key has none.
std::string note_values(const AccessLogEntry& entry, std::string_view arg);
// %note: every note as "key: value\r\n".
std::string all_notes(const AccessLogEntry& entry);

}  // namespace cuttle
