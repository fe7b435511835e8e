#include "proxy/server/cache_hit.h"

#include "proxy/cache/cache_policy.h"
#include "proxy/cache/client_conditionals.h"
#include "proxy/cache/not_modified_update.h"
#include "proxy/http/header_rules.h"
#include "proxy/server/hit_header.h"

#include <random>
#include <sstream>

namespace cuttle {
namespace {

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

// Sends a reply's bytes: the header and framing text, and body pieces straight
// from the store's mapping. A piece goes to the socket with a non-blocking send
// while the store's read transaction keeps it mapped; only what the socket does not
// take at once is copied, into a buffer the connection keeps for its life, and
// written asynchronously before anything after it. A 1 KiB or 16 KiB hit is thus one
// send(2) with no copy of the body in user space; a large one copies at most what
// the socket buffer cannot hold yet.
class ReplySender {
 public:
  ReplySender(ClientSide& client, std::string& spill, std::chrono::milliseconds timeout)
      : client_(client), spill_(spill), timeout_(timeout) {
    spill_.clear();
  }

  // Text that goes out with the next body bytes (or at the end).
  void add_text(std::string_view text) { pending_ += text; }

  // Sends what is pending and stored bytes [offset, offset + length) of the body.
  // Result::Damaged: a chunk was missing or failed its check, nothing of it was sent.
  enum class Result { Sent, Damaged, ClientGone };
  awaitable<Result> send_stored(const store::ObjectCache& store, const store::ObjectRecord& record,
                                uint64_t offset, uint64_t length) {
    const uint64_t chunk_size = store.chunk_size();
    while (length > 0) {
      if (!spill_.empty() && !co_await drain()) co_return Result::ClientGone;
      const auto index = static_cast<uint32_t>(offset / chunk_size);
      const uint64_t within = offset - uint64_t(index) * chunk_size;
      uint64_t taken = 0;
      bool found = index < record.chunk_count && store.visit_chunk(record.object_id, index, [&](std::string_view chunk) {
        if (within >= chunk.size()) return;
        auto piece = chunk.substr(within, std::min<uint64_t>(length, chunk.size() - within));
        send_or_keep(piece);
        taken = piece.size();
      });
      if (!found || taken == 0) co_return Result::Damaged;  // shorter than the record says counts as damage
      offset += taken;
      length -= taken;
    }
    co_return Result::Sent;
  }

  // Sends whatever is still pending; true when nothing is left to wait for
  // (otherwise co_await drain()). Not a coroutine, as drain() is only called when
  // needed: each coroutine call allocates a frame, and a small hit needs none.
  bool finish_without_waiting() {
    if (!pending_.empty()) send_or_keep({});
    return spill_.empty();
  }

  awaitable<bool> drain() {
    if (spill_.empty()) co_return true;
    client_.stream.expires_after(timeout_);
    auto [ec, n] = co_await asio::async_write(client_.stream, asio::buffer(spill_), use_nothrow);
    sent_ += n;
    spill_.clear();
    co_return !ec;
  }

  uint64_t bytes_sent() const { return sent_; }

 private:
  // Without waiting: as much of pending text + piece as the socket takes now; the
  // rest is kept in spill_ (which is empty here: drain() ran first).
  void send_or_keep(std::string_view piece) {
    auto& socket = client_.stream.socket();
    error_code ec;
    if (!socket.non_blocking()) socket.non_blocking(true, ec);
    std::array<asio::const_buffer, 2> buffers{asio::buffer(pending_), asio::buffer(piece.data(), piece.size())};
    size_t n = ec ? 0 : socket.send(buffers, 0, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) n = 0;  // drain() reports it
    sent_ += n;
    if (n < pending_.size()) {
      spill_.assign(pending_, n);
      spill_.append(piece);
    } else {
      spill_.assign(piece.substr(n - pending_.size()));
    }
    pending_.clear();
  }

  ClientSide& client_;
  std::string& spill_;
  std::chrono::milliseconds timeout_;
  std::string pending_;
  uint64_t sent_ = 0;
};

}  // namespace

std::optional<StoredReply> find_stored_reply(const store::ObjectCache& store, const std::string& url,
                                             const http::fields& request, const RefreshPattern& pattern,
                                             Clock::time_point now, Seconds negative_ttl) {
  auto record = store.lookup(url);
  std::string key = url;
  if (record && record->kind == store::RecordKind::VaryMarker) {
    key = variant_key(url, record->vary_headers, request);
    record = store.lookup(key);
  }
  if (!record || record->kind != store::RecordKind::Object) return std::nullopt;
  auto parsed = parsed_stored_header(key, record->header_block);
  if (!parsed) return std::nullopt;
  StoredReply reply{key, std::move(*record), std::move(parsed), {}};
  reevaluate_freshness(reply, pattern, now, negative_ttl);
  return reply;
}

void reevaluate_freshness(StoredReply& reply, const RefreshPattern& pattern, Clock::time_point now,
                          Seconds negative_ttl) {
  auto timing = reply.parsed->timing;
  timing.status = reply.record.status;
  timing.request_time = from_ms(reply.record.request_time);
  timing.response_time = from_ms(reply.record.response_time);
  reply.freshness = evaluate_freshness(timing, pattern, now, negative_ttl);
}

void freshen_stored_reply(store::ObjectCache& store, StoredReply& reply, const http::fields& not_modified,
                          Clock::time_point request_time, Clock::time_point response_time) {
  auto updated = reply.header();
  apply_not_modified(updated, not_modified);
  reply.parsed = stored_header_of(std::move(updated));
  reply.record.request_time = epoch_ms(request_time);
  reply.record.response_time = epoch_ms(response_time);
  reply.record.header_block = reply.parsed->block;
  store.commit_object(reply.key, reply.record);
}

HitShape shape_for(const http::request<http::empty_body>& request, const StoredReply& reply, bool* matched_etag) {
  HitShape shape;
  shape.head = request.method() == http::verb::head;
  auto condition = evaluate_client_conditionals(request, reply.header(), from_ms(reply.record.response_time));
  if (condition == ClientConditional::NotModified) {
    shape.not_modified = true;
    if (matched_etag) *matched_etag = request.count(http::field::if_none_match) > 0;
    return shape;
  }
  if (request.method() == http::verb::get && reply.record.status == 200 && request.count(http::field::range) &&
      if_range_permits(request, reply.header())) {
    auto range = request[http::field::range];
    shape.ranges = resolve_ranges({range.data(), range.size()}, reply.record.body_length);
  }
  return shape;
}

awaitable<HitOutcome> serve_stored_reply(ClientSide& client, std::string& send_buffer,
                                         const store::ObjectCache& store, StoredReply& reply, const HitShape& shape,
                                         bool keep_alive, const ActiveConfig& active, uint16_t port) {
  HitOutcome out;
  const auto& record = reply.record;
  const uint64_t length = record.body_length;
  const auto& stored = reply.header();
  out.content_type = std::string(media_type(stored[http::field::content_type]));

  // The reply's body as segments, and the header changes that go with it: a 304,
  // 416 or 206 is an edited copy of the stored header, a whole reply the stored
  // header itself.
  std::vector<BodySegment> body;
  std::optional<http::response<http::empty_body>> edited;
  if (shape.not_modified) {
    auto& not_modified = edited.emplace(http::status::not_modified, 11);
    for (const auto& f : not_modified_fields(stored)) not_modified.insert(f.name_string(), f.value());
  } else if (shape.ranges.outcome == RangeOutcome::Unsatisfiable) {
    auto& refused = edited.emplace(http::status::range_not_satisfiable, 11);
    for (const auto& f : not_modified_fields(stored)) refused.insert(f.name_string(), f.value());
    refused.set(http::field::content_range, "bytes */" + std::to_string(length));
    refused.content_length(0);
  } else if (shape.ranges.outcome == RangeOutcome::Satisfiable && shape.ranges.ranges.size() == 1) {
    const auto& r = shape.ranges.ranges.front();
    auto& res = edited.emplace(stored);
    res.result(http::status::partial_content);
    res.set(http::field::content_range, content_range(r, length));
    res.content_length(r.size());
    body.push_back({{}, r.first, r.size()});
  } else if (shape.ranges.outcome == RangeOutcome::Satisfiable) {
    // multipart/byteranges (RFC 9110 §14.6): each part with its own type and range.
    const std::string boundary = multipart_boundary();
    const std::string type(stored[http::field::content_type]);
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
    auto& res = edited.emplace(stored);
    res.result(http::status::partial_content);
    res.set(http::field::content_type, "multipart/byteranges; boundary=" + boundary);
    res.content_length(total);
  } else if (length > 0) {
    body.push_back({{}, 0, length});
  }
  const bool send_body = !shape.head && !shape.not_modified;
  if (!send_body) body.clear();

  const auto& res = edited ? *edited : stored;
  std::string via_entry;
  if (active.config->via) via_entry.append("1.1 ").append(active.hostname).append(" (").append(kProductToken).append(")");
  out.status = res.result_int();

  // Chunks are read one at a time with sends in between: a body of several must
  // stay while this reply streams it, even if the object is replaced or evicted
  // meanwhile. Pinned, it is still current or it is not served at all.
  store::ObjectCache::Pin pin;
  if (send_body && record.chunk_count > 1) {
    pin = store.pin(record.object_id);
    auto current = store.lookup(reply.key);
    if (!current || current->object_id != record.object_id) {
      out.swap_failed = true;
      co_return out;
    }
  }

  // The header goes out with the first body bytes, which are read (and checked)
  // first: a damaged first chunk sends nothing and the request becomes a miss.
  ReplySender sender(client, send_buffer, active.config->read_timeout);
  const HitAnnotations annotations{reply.freshness.age.count(), via_entry, active.hostname, port, keep_alive};
  const auto& prefix = reply.parsed->hit_prefix[!via_entry.empty()];
  sender.add_text(!edited && prefix ? hit_header_text(*prefix, annotations) : hit_header_text(res, annotations));
  for (const auto& segment : body) {
    if (segment.length == 0) {
      sender.add_text(segment.text);
      continue;
    }
    auto result = co_await sender.send_stored(store, record, segment.offset, segment.length);
    out.reply_bytes = sender.bytes_sent();
    if (result == ReplySender::Result::Damaged && out.reply_bytes == 0) {
      out.swap_failed = out.damaged = true;
      co_return out;
    }
    if (result != ReplySender::Result::Sent) {
      // Never send damaged bytes: cut the reply short instead (the client sees the
      // truncation because the connection closes before Content-Length is reached).
      out.aborted = true;
      out.damaged = result == ReplySender::Result::Damaged;
      co_return out;
    }
  }
  bool finished = sender.finish_without_waiting();
  if (!finished) finished = co_await sender.drain();
  out.reply_bytes = sender.bytes_sent();
  if (!finished) out.aborted = true;
  co_return out;
}

}  // namespace cuttle
