// What a hit sends, decided before any I/O: the header (the stored one, or an
// edited copy for a 304, 416 or 206) and the body as segments — literal text
// (multipart framing) or byte spans of the stored body.
#pragma once

#include "proxy/http/byte_ranges.h"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cuttle {

namespace http = boost::beast::http;

// What to send of the stored reply.
struct HitShape {
  bool head = false;
  bool not_modified = false;  // the client's condition matched: 304, no body
  ResolvedRanges ranges;      // Satisfiable: 206; Unsatisfiable: 416; Ignore: the whole body
};

struct BodySegment {
  std::string text;  // sent as it is when length is 0
  uint64_t offset = 0, length = 0;  // else: these bytes of the stored body
};

struct HitReply {
  std::optional<http::response<http::empty_body>> edited;  // nothing: the stored header as it is
  std::vector<BodySegment> body;                             // empty for HEAD and 304
};

// `stored`: the stored reply's header; `length`: its body's length.
HitReply hit_reply_for(const http::response<http::empty_body>& stored, uint64_t length, const HitShape& shape);

}  // namespace cuttle
