// A stored reply's header in parsed form: the message, and what freshness and
// the cache-use decision read from it. Parsing is what a small hit used to spend
// most of its user-space time on, so each worker thread keeps the parsed form of
// the headers it served recently; a hit still reads the record from LMDB (the
// truth), and reuses a parse only for byte-identical header text.
#pragma once

#include "proxy/cache/freshness.h"
#include "proxy/server/asio_types.h"
#include "proxy/server/hit_header.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

struct StoredHeader {
  std::string block;                         // the text it was parsed from
  http::response<http::empty_body> message;  // the parsed header
  ResponseTiming timing;                     // from the header; request/response times and status left at zero
  bool has_validator = false;                // ETag or Last-Modified
  // The unchanging part of a hit's header, without and with this cache's Via entry
  // (index: adds Via); nothing when the header has a Connection field.
  std::optional<HitHeaderPrefix> hit_prefix[2];
};

// Parses `block` ("HTTP/1.1 200 OK\r\n...\r\n\r\n"); nothing when it is not a header.
std::shared_ptr<const StoredHeader> parse_stored_header(std::string block);

// The same for a header edited in memory (a 304 freshened it): its text is the
// message serialized.
std::shared_ptr<const StoredHeader> stored_header_of(http::response<http::empty_body> message);

// The parsed form of `block`, stored under `key`: from this thread's memo when the
// text is the same as last parsed, else parsed now and remembered.
std::shared_ptr<const StoredHeader> parsed_stored_header(std::string_view key, const std::string& block);

}  // namespace cuttle
