// The header of a reply served from the store: the stored header less the fields
// this cache answers for itself, then Age, Via, X-Cache, X-Cache-Lookup,
// Cache-Status, and Connection: close when the connection ends with it. Written
// straight from the stored fields, without copying them into a message to edit;
// the bytes are those Beast's set()/keep_alive() on a copy would give
// (HitHeader.* unit tests hold the two against each other).
#pragma once

#include "proxy/server/asio_types.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace cuttle {

struct HitAnnotations {
  int64_t age_seconds = 0;
  std::string_view via_entry;  // "1.1 host (cuttle/x.y)" when `via on`; empty: Via left as stored
  std::string_view hostname;   // visible_hostname
  uint16_t port = 0;           // the http_port that took the request (X-Cache-Lookup)
  bool keep_alive = true;
};

std::string hit_header_text(const http::response_header<>& stored, const HitAnnotations& added);

}  // namespace cuttle
