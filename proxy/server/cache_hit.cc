#include "proxy/server/cache_hit.h"

#include "proxy/cache/cache_policy.h"
#include "proxy/cache/client_conditionals.h"
#include "proxy/cache/not_modified_update.h"
#include "proxy/http/header_rules.h"
#include "proxy/server/bandwidth_throttle.h"
#include "proxy/server/hit_header.h"
#include "proxy/server/reply_sender.h"


namespace cuttle {
namespace {

Clock::time_point from_ms(int64_t ms) { return Clock::time_point(std::chrono::milliseconds(ms)); }

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

bool freshen_stored_reply(store::ObjectCache& store, StoredReply& reply, const http::fields& not_modified,
                          Clock::time_point request_time, Clock::time_point response_time) {
  if (!not_modified_selects(reply.header(), not_modified)) return false;
  auto updated = reply.header();
  apply_not_modified(updated, not_modified);
  reply.parsed = stored_header_of(std::move(updated));
  reply.record.request_time = epoch_ms(request_time);
  reply.record.response_time = epoch_ms(response_time);
  reply.record.header_block = reply.parsed->block;
  store.commit_object(reply.key, reply.record);
  return true;
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

namespace {

// Chunks are read one at a time with sends in between: a body of several must stay
// while this reply streams it, even if the object is replaced or evicted
// meanwhile. Pinned, it is still current or it is not served at all (false).
bool pin_if_streamed(const store::ObjectCache& store, const StoredReply& reply, bool send_body,
                     store::ObjectCache::Pin& pin) {
  if (!send_body || reply.record.chunk_count <= 1) return true;
  pin = store.pin(reply.record.object_id);
  auto current = store.lookup(reply.key);
  return current && current->object_id == reply.record.object_id;
}

// A segment in pieces no larger than the client's write bucket allows
// (client_delay_pools: squid paces every byte written to the client, hits too).
awaitable<ReplySender::Result> send_paced(ReplySender& sender, const store::ObjectCache& store,
                                          const store::ObjectRecord& record, const BodySegment& segment,
                                          BandwidthThrottle* throttle) {
  if (!throttle) co_return co_await sender.send_stored(store, record, segment.offset, segment.length);
  for (uint64_t done = 0; done < segment.length;) {
    const auto piece = co_await throttle->acquire(std::min<uint64_t>(segment.length - done, 64 * 1024));
    const auto result = co_await sender.send_stored(store, record, segment.offset + done, piece);
    if (result != ReplySender::Result::Sent) co_return result;
    done += piece;
  }
  co_return ReplySender::Result::Sent;
}

// The body's segments after the header text already added to `sender`.
awaitable<void> send_body(ReplySender& sender, const store::ObjectCache& store, const store::ObjectRecord& record,
                          const std::vector<BodySegment>& body, HitOutcome& out, BandwidthThrottle* throttle) {
  for (const auto& segment : body) {
    if (segment.length == 0) {
      sender.add_text(segment.text);
      continue;
    }
    auto result = co_await send_paced(sender, store, record, segment, throttle);
    out.reply_bytes = sender.bytes_sent();
    if (result == ReplySender::Result::Damaged && out.reply_bytes == 0) {
      out.swap_failed = out.damaged = true;
      co_return;
    }
    if (result != ReplySender::Result::Sent) {
      // Never send damaged bytes: cut the reply short instead (the client sees the
      // truncation because the connection closes before Content-Length is reached).
      out.aborted = true;
      out.damaged = result == ReplySender::Result::Damaged;
      co_return;
    }
  }
  bool finished = sender.finish_without_waiting();
  if (!finished) finished = co_await sender.drain();
  out.reply_bytes = sender.bytes_sent();
  if (!finished) out.aborted = true;
}

}  // namespace

awaitable<HitOutcome> serve_stored_reply(ClientSide& client, std::string& send_buffer,
                                         const store::ObjectCache& store, StoredReply& reply, const HitShape& shape,
                                         bool keep_alive, const ActiveConfig& active, uint16_t port,
                                         std::function<void(http::response_header<>&)> mangle) {
  HitOutcome out;
  const auto& stored = reply.header();
  out.content_type = std::string(media_type(stored[http::field::content_type]));
  const HitReply shaped = hit_reply_for(stored, reply.record.body_length, shape);
  const auto& res = shaped.edited ? *shaped.edited : stored;
  out.status = res.result_int();
  store::ObjectCache::Pin pin;
  if (!pin_if_streamed(store, reply, !shaped.body.empty(), pin)) {
    out.swap_failed = true;
    co_return out;
  }
  std::string via_entry;
  if (active.config->via)
    via_entry.append("1.1 ").append(active.hostname).append(" (").append(active.product()).append(")");
  // The header goes out with the first body bytes, which are read (and checked)
  // first: a damaged first chunk sends nothing and the request becomes a miss.
  ReplySender sender(client, send_buffer, active.config->read_timeout);
  const HitAnnotations annotations{reply.freshness.age.count(), via_entry, active.hostname, port, keep_alive,
                                   std::move(mangle)};
  const auto& prefix = reply.parsed->hit_prefix[!via_entry.empty()];
  const auto head = !shaped.edited && prefix && !annotations.mangle ? hit_header_text(*prefix, annotations)
                                                                   : hit_header_text(res, annotations);
  sender.add_text(head);
  if (active.config->logs_reply_head()) out.reply_head = head;
  BandwidthThrottle throttle;
  if (client.write_limit) throttle.add(*client.write_limit);
  co_await send_body(sender, store, reply.record, shaped.body, out, throttle.limits() ? &throttle : nullptr);
  co_return out;
}

}  // namespace cuttle
