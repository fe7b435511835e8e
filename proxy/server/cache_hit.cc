#include "proxy/server/cache_hit.h"

#include "proxy/cache/cache_policy.h"
#include "proxy/http/header_rules.h"

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

}  // namespace

std::optional<StoredReply> find_stored_reply(const store::ObjectStore& store, const std::string& url,
                                             const http::fields& request, const RefreshPattern& pattern,
                                             Clock::time_point now) {
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
  auto timing = timing_from_headers(reply.header, reply.record.status, from_ms(reply.record.request_time),
                                    from_ms(reply.record.response_time));
  reply.freshness = evaluate_freshness(timing, pattern, now);
  return reply;
}

awaitable<HitOutcome> serve_stored_reply(ClientSide& client, const store::ObjectStore& store, StoredReply& reply,
                                         bool head, bool keep_alive, const ActiveConfig& active, uint16_t port) {
  HitOutcome out;
  const auto& record = reply.record;
  // Read (and verify) the first chunk before committing to a HIT.
  std::optional<std::string> chunk;
  if (!head && record.chunk_count > 0) {
    chunk = store.read_chunk(record.object_id, 0);
    if (!chunk) {
      out.swap_failed = out.damaged = true;
      co_return out;
    }
  }
  auto& res = reply.header;
  res.version(11);
  res.set(http::field::age, std::to_string(reply.freshness.age.count()));
  if (active.config->via) append_via(res, 11, active.hostname);
  res.set("X-Cache", "HIT from " + active.hostname);
  res.set("X-Cache-Lookup", "HIT from " + active.hostname + ":" + std::to_string(port));
  res.set("Cache-Status", active.hostname + "; hit");
  res.keep_alive(keep_alive);
  std::ostringstream text;
  text << res;
  std::string head_text = text.str();
  out.content_type = std::string(media_type(res[http::field::content_type]));
  out.status = res.result_int();

  const auto timeout = active.config->read_timeout;
  client.stream.expires_after(timeout);
  std::array<asio::const_buffer, 2> first{asio::buffer(head_text),
                                          chunk ? asio::buffer(*chunk) : asio::const_buffer()};
  auto [ec, n] = co_await asio::async_write(client.stream, first, use_nothrow);
  out.reply_bytes += n;
  if (ec) {
    out.aborted = true;
    co_return out;
  }
  if (head) co_return out;
  for (uint32_t i = 1; i < record.chunk_count; ++i) {
    chunk = store.read_chunk(record.object_id, i);
    if (!chunk) {
      out.aborted = out.damaged = true;  // never send damaged bytes: cut the reply short instead
      co_return out;
    }
    client.stream.expires_after(timeout);
    auto [wec, wn] = co_await asio::async_write(client.stream, asio::buffer(*chunk), use_nothrow);
    out.reply_bytes += wn;
    if (wec) {
      out.aborted = true;
      co_return out;
    }
  }
  co_return out;
}

}  // namespace cuttle
