#include "proxy/server/hit_reply.h"

#include "proxy/cache/client_conditionals.h"

#include <random>
#include <sstream>

namespace cuttle {
namespace {

std::string multipart_boundary() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::ostringstream out;
  out << std::hex << random() << random();
  return out.str();
}

// A 304 or 416: the stored header's validators and metadata, no body.
http::response<http::empty_body> without_body(const http::response<http::empty_body>& stored, http::status status) {
  http::response<http::empty_body> res{status, 11};
  for (const auto& f : not_modified_fields(stored)) res.insert(f.name_string(), f.value());
  return res;
}

void single_range(HitReply& reply, const http::response<http::empty_body>& stored, uint64_t length,
                  const ByteRange& r) {
  auto& res = reply.edited.emplace(stored);
  res.result(http::status::partial_content);
  res.set(http::field::content_range, content_range(r, length));
  res.content_length(r.size());
  reply.body.push_back({{}, r.first, r.size()});
}

// multipart/byteranges (RFC 9110 §14.6): each part with its own type and range.
void multipart_ranges(HitReply& reply, const http::response<http::empty_body>& stored, uint64_t length,
                      const std::vector<ByteRange>& ranges) {
  const std::string boundary = multipart_boundary();
  const std::string type(stored[http::field::content_type]);
  uint64_t total = 0;
  for (const auto& r : ranges) {
    std::string part = "\r\n--" + boundary + "\r\n";
    if (!type.empty()) part += "Content-Type: " + type + "\r\n";
    part += "Content-Range: " + content_range(r, length) + "\r\n\r\n";
    total += part.size() + r.size();
    reply.body.push_back({std::move(part), 0, 0});
    reply.body.push_back({{}, r.first, r.size()});
  }
  std::string closing = "\r\n--" + boundary + "--\r\n";
  total += closing.size();
  reply.body.push_back({std::move(closing), 0, 0});
  auto& res = reply.edited.emplace(stored);
  res.result(http::status::partial_content);
  res.set(http::field::content_type, "multipart/byteranges; boundary=" + boundary);
  res.content_length(total);
}

}  // namespace

HitReply hit_reply_for(const http::response<http::empty_body>& stored, uint64_t length, const HitShape& shape) {
  HitReply reply;
  const auto& ranges = shape.ranges;
  if (shape.not_modified) {
    reply.edited = without_body(stored, http::status::not_modified);
  } else if (ranges.outcome == RangeOutcome::Unsatisfiable) {
    auto& refused = reply.edited.emplace(without_body(stored, http::status::range_not_satisfiable));
    refused.set(http::field::content_range, "bytes */" + std::to_string(length));
    refused.content_length(0);
  } else if (ranges.outcome == RangeOutcome::Satisfiable && ranges.ranges.size() == 1) {
    single_range(reply, stored, length, ranges.ranges.front());
  } else if (ranges.outcome == RangeOutcome::Satisfiable) {
    multipart_ranges(reply, stored, length, ranges.ranges);
  } else if (length > 0) {
    reply.body.push_back({{}, 0, length});
  }
  if (shape.head || shape.not_modified) reply.body.clear();
  return reply;
}

}  // namespace cuttle
