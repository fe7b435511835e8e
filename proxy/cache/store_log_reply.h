// What cache_store_log shows of a reply, read from its header block as squid
// 5.7's HttpReply holds it (Date, Last-Modified, the expiry hdrExpirationTime
// computes, Content-Type and -Length), and Squid's Vary mark of a variant key.
#pragma once

#include "proxy/log/store_log_line.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

// The line's reply fields from a header block ("HTTP/1.1 200 OK\r\n…\r\n\r\n").
// `content_length`: the Content-Length field the reply arrived with (-1: none),
// or nothing to read it from the block.
StoreLogReply store_log_reply(std::string_view header_block, std::string_view method, std::string url,
                              int64_t body_length, std::optional<int64_t> content_length = std::nullopt);

// Squid's Vary mark of a variant key ("URL\nname:value…"): `name="value"`, …
std::string squid_vary_mark(std::string_view key);

}  // namespace cuttle
