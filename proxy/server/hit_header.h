// The header of a reply served from the store: the stored header less the fields
// this cache answers for itself, then Age, Via, X-Cache, X-Cache-Lookup,
// Cache-Status, and Connection: close when the connection ends with it. Written
// straight from the stored fields, without copying them into a message to edit;
// the bytes are those Beast's set()/keep_alive() on a copy would give
// (HitHeader.* unit tests hold the two against each other).
#pragma once

#include "proxy/server/asio_types.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

struct HitAnnotations {
  int64_t age_seconds = 0;
  std::string_view via_entry;  // "1.1 host (cuttle/x.y)" when `via on`; empty: Via left as stored
  std::string_view hostname;   // visible_hostname
  uint16_t port = 0;           // the http_port that took the request (X-Cache-Lookup)
  bool keep_alive = true;
  // reply_header_access, when configured: applied to the whole header (the stored
  // fields and these), which then takes the slower, edited path.
  std::function<void(http::response_header<>&)> mangle{};
};

std::string hit_header_text(const http::response_header<>& stored, const HitAnnotations& added);

// The part of a hit's header that depends only on the stored header (and on
// whether this cache adds a Via entry): the status line and the stored fields it
// keeps, and the stored Via values. Computed once per stored header and kept with
// its parsed form, so that a hit only appends the fields that change per request.
// Nothing for a stored header with a Connection field (edited the general way).
struct HitHeaderPrefix {
  std::string text;        // "HTTP/1.1 200 OK\r\n" and the kept fields, each ending in CRLF
  std::string stored_via;  // the stored Via values joined by ", " (when this cache adds its own)
};
std::optional<HitHeaderPrefix> hit_header_prefix(const http::response_header<>& stored, bool adds_via);

// The same bytes as hit_header_text(stored, added) for the `stored` that `prefix`
// came from, built with `added.via_entry` empty exactly when the prefix's adds_via was false.
std::string hit_header_text(const HitHeaderPrefix& prefix, const HitAnnotations& added);

}  // namespace cuttle
