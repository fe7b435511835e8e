#include "proxy/server/cache_hit.h"

#include "proxy/cache/cache_policy.h"
#include "proxy/cache/client_conditionals.h"
#include "proxy/cache/not_modified_update.h"
#include "proxy/http/header_rules.h"

#include <random>
#include <sstream>

namespace cuttle {
namespace {

std::optional<http::response<http::empty_body>> parse_header_block(const std::string& block) {
  http::response_parser<http::empty_body> parser;
  parser.eager(false);
  // Only the header is parsed, but Beast checks Content-Length against the body
  // limit (8 MB by default) while reading it.
  parser.body_limit(boost::none);
  error_code ec;
  parser.put(asio::buffer(block), ec);
  if (ec && ec != http::error::need_more) return std::nullopt;
  if (!parser.is_header_done()) return std::nullopt;
  return parser.release();
}

Clock::time_point from_ms(int64_t ms) { return Clock::time_point(std::chrono::milliseconds(ms)); }

// One piece of a reply body: literal text (multipart framing) or a byte span of
// the stored body.
struct BodySegment {
  std::string text;
  uint64_t offset = 0, length = 0;
};

std::string multipart_boundary() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::ostringstream out;
  out << std::hex << random() << random();
  return out.str();
}

// Reads the stored body's chunks as the segments ask for them, keeping the
// current one so neighbouring ranges in one chunk read it once.
class ChunkCursor {
 public:
  ChunkCursor(const store::ObjectStore& store, const store::ObjectRecord& record)
      : store_(store), record_(record), chunk_size_(store.options().chunk_size) {}

  // The bytes [offset, offset + wanted) as far as one chunk holds them; empty
  // when the chunk is missing, damaged or shorter than the record says.
  std::string_view at(uint64_t offset, uint64_t wanted) {
    uint32_t index = static_cast<uint32_t>(offset / chunk_size_);
    if (index >= record_.chunk_count) return {};
    if (!current_ || index_ != index) {
      current_ = store_.read_chunk(record_.object_id, index);
      index_ = index;
      if (!current_) return {};
    }
    uint64_t within = offset - uint64_t(index) * chunk_size_;
    if (within >= current_->size()) return {};
    return std::string_view(*current_).substr(within, std::min<uint64_t>(wanted, current_->size() - within));
  }

 private:
  const store::ObjectStore& store_;
  const store::ObjectRecord& record_;
  uint64_t chunk_size_;
  std::optional<std::string> current_;
  uint32_t index_ = 0;
};

}  // namespace

std::optional<StoredReply> find_stored_reply(const store::ObjectStore& store, const std::string& url,
                                             const http::fields& request, const RefreshPattern& pattern,
                                             Clock::time_point now, Seconds negative_ttl) {
  auto record = store.lookup(url);
  std::string key = url;
  if (record && record->kind == store::RecordKind::VaryMarker) {
    key = variant_key(url, record->vary_headers, request);
    record = store.lookup(key);
  }
  if (!record || record->kind != store::RecordKind::Object) return std::nullopt;
  auto header = parse_header_block(record->header_block);
  if (!header) return std::nullopt;
  StoredReply reply{key, std::move(*record), std::move(*header), {}};
  reevaluate_freshness(reply, pattern, now, negative_ttl);
  return reply;
}

void reevaluate_freshness(StoredReply& reply, const RefreshPattern& pattern, Clock::time_point now,
                          Seconds negative_ttl) {
  auto timing = timing_from_headers(reply.header, reply.record.status, from_ms(reply.record.request_time),
                                    from_ms(reply.record.response_time));
  reply.freshness = evaluate_freshness(timing, pattern, now, negative_ttl);
}

void freshen_stored_reply(store::ObjectStore& store, StoredReply& reply, const http::fields& not_modified,
                          Clock::time_point request_time, Clock::time_point response_time) {
  apply_not_modified(reply.header, not_modified);
  reply.record.request_time = epoch_ms(request_time);
  reply.record.response_time = epoch_ms(response_time);
  std::ostringstream text;
  text << reply.header.base();
  reply.record.header_block = text.str();
  store.commit_object(reply.key, reply.record);
}

HitShape shape_for(const http::request<http::empty_body>& request, const StoredReply& reply, bool* matched_etag) {
  HitShape shape;
  shape.head = request.method() == http::verb::head;
  auto condition = evaluate_client_conditionals(request, reply.header, from_ms(reply.record.response_time));
  if (condition == ClientConditional::NotModified) {
    shape.not_modified = true;
    if (matched_etag) *matched_etag = request.count(http::field::if_none_match) > 0;
    return shape;
  }
  if (request.method() == http::verb::get && reply.record.status == 200 && request.count(http::field::range) &&
      if_range_permits(request, reply.header)) {
    auto range = request[http::field::range];
    shape.ranges = resolve_ranges({range.data(), range.size()}, reply.record.body_length);
  }
  return shape;
}

awaitable<HitOutcome> serve_stored_reply(ClientSide& client, const store::ObjectStore& store, StoredReply& reply,
                                         const HitShape& shape, bool keep_alive, const ActiveConfig& active,
                                         uint16_t port) {
  HitOutcome out;
  const auto& record = reply.record;
  const uint64_t length = record.body_length;
  auto& res = reply.header;
  out.content_type = std::string(media_type(res[http::field::content_type]));

  // The reply's body as segments, and the header changes that go with it.
  std::vector<BodySegment> body;
  if (shape.not_modified) {
    http::response<http::empty_body> not_modified{http::status::not_modified, 11};
    for (const auto& f : not_modified_fields(res)) not_modified.insert(f.name_string(), f.value());
    res = std::move(not_modified);
  } else if (shape.ranges.outcome == RangeOutcome::Unsatisfiable) {
    http::response<http::empty_body> refused{http::status::range_not_satisfiable, 11};
    for (const auto& f : not_modified_fields(res)) refused.insert(f.name_string(), f.value());
    refused.set(http::field::content_range, "bytes */" + std::to_string(length));
    refused.content_length(0);
    res = std::move(refused);
  } else if (shape.ranges.outcome == RangeOutcome::Satisfiable && shape.ranges.ranges.size() == 1) {
    const auto& r = shape.ranges.ranges.front();
    res.result(http::status::partial_content);
    res.set(http::field::content_range, content_range(r, length));
    res.content_length(r.size());
    body.push_back({{}, r.first, r.size()});
  } else if (shape.ranges.outcome == RangeOutcome::Satisfiable) {
    // multipart/byteranges (RFC 9110 §14.6): each part with its own type and range.
    const std::string boundary = multipart_boundary();
    const std::string type(res[http::field::content_type]);
    uint64_t total = 0;
    for (const auto& r : shape.ranges.ranges) {
      std::string part = "\r\n--" + boundary + "\r\n";
      if (!type.empty()) part += "Content-Type: " + type + "\r\n";
      part += "Content-Range: " + content_range(r, length) + "\r\n\r\n";
      total += part.size() + r.size();
      body.push_back({std::move(part), 0, 0});
      body.push_back({{}, r.first, r.size()});
    }
    std::string closing = "\r\n--" + boundary + "--\r\n";
    total += closing.size();
    body.push_back({std::move(closing), 0, 0});
    res.result(http::status::partial_content);
    res.set(http::field::content_type, "multipart/byteranges; boundary=" + boundary);
    res.content_length(total);
  } else if (length > 0) {
    body.push_back({{}, 0, length});
  }
  const bool send_body = !shape.head && !shape.not_modified;
  if (!send_body) body.clear();

  // Read (and verify) the first stored bytes before committing to a HIT.
  ChunkCursor cursor(store, record);
  std::string_view first_piece;
  size_t first_stored = 0;
  while (first_stored < body.size() && body[first_stored].length == 0) ++first_stored;
  if (first_stored < body.size()) {
    first_piece = cursor.at(body[first_stored].offset, body[first_stored].length);
    if (first_piece.empty()) {
      out.swap_failed = out.damaged = true;
      co_return out;
    }
  }

  res.version(11);
  res.set(http::field::age, std::to_string(reply.freshness.age.count()));
  if (active.config->via) append_via(res, 11, active.hostname);
  res.set("X-Cache", "HIT from " + active.hostname);
  res.set("X-Cache-Lookup", "HIT from " + active.hostname + ":" + std::to_string(port));
  res.set("Cache-Status", active.hostname + "; hit");
  res.keep_alive(keep_alive);
  std::ostringstream text;
  text << res;
  std::string pending = text.str();  // header and leading framing go out with the first body bytes
  out.status = res.result_int();

  const auto timeout = active.config->read_timeout;
  auto send = [&](std::string_view extra) -> awaitable<bool> {
    std::array<asio::const_buffer, 2> buffers{asio::buffer(pending), asio::buffer(extra.data(), extra.size())};
    client.stream.expires_after(timeout);
    auto [ec, n] = co_await asio::async_write(client.stream, buffers, use_nothrow);
    out.reply_bytes += n;
    pending.clear();
    if (ec) out.aborted = true;
    co_return !ec;
  };

  for (size_t i = 0; i < body.size(); ++i) {
    const auto& segment = body[i];
    if (segment.length == 0) {
      pending += segment.text;
      continue;
    }
    uint64_t offset = segment.offset, left = segment.length;
    while (left > 0) {
      auto piece = (i == first_stored && offset == segment.offset) ? first_piece : cursor.at(offset, left);
      if (piece.empty()) {
        out.aborted = out.damaged = true;  // never send damaged bytes: cut the reply short instead
        co_return out;
      }
      if (!co_await send(piece)) co_return out;
      offset += piece.size();
      left -= piece.size();
    }
  }
  if (!pending.empty() || out.reply_bytes == 0) co_await send({});
  co_return out;
}

}  // namespace cuttle
