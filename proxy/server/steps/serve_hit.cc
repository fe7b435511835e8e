// A stored reply sent to the client (cache_hit.h does the sending), and the
// hit's access.log line: Squid's code for what was served and why.
#include "proxy/cache/not_modified_update.h"
#include "proxy/http/header_mangling.h"
#include "proxy/http/reply_access.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/cache_path.h"
#include "proxy/server/steps/deny_answer.h"
#include "proxy/server/steps/reply_check.h"

namespace cuttle {
namespace {

// Small leftovers are kept for the next reply; a big one is not worth holding for
// a connection that may now sit idle for minutes.
constexpr size_t kKeptSendBuffer = 64 * 1024;

}  // namespace

awaitable<std::optional<bool>> serve_hit(ClientConnection& conn, store::ObjectCache& store, StoredReply& stored,
                                         const http::request<http::empty_body>& request, Transaction& tx,
                                         ResultCode result, const http::fields* for_this_client) {
  bool matched_etag = false;
  auto shape = shape_for(request, stored, &matched_etag);
  const bool keep_alive =
      request.keep_alive() && tx.persistent_allowed && !tx.has_body && !conn.runtime().shutting_down();
  // A 304 made from the stored copy is always allowed, as Squid's alwaysAllowResponse.
  if (!shape.not_modified) {
    const auto& header = stored.header().base();
    if (reply_body_too_large(tx.config(), tx.facts, header, reply_body_limit(tx.config(), tx.facts, header))) {
      tx.entry.result = ResultCode::TcpDeniedReply;
      co_return co_await reply_error(conn, ErrorKind::ReplyTooLarge, tx, true);
    }
    const auto verdict =
        co_await check_reply_slow(conn, tx, stored.header().base(), squid_name(tx.entry.hierarchy.code));
    if (verdict.decision == AccessDecision::Deny) {
      tx.entry.result = ResultCode::TcpDeniedReply;
      co_return co_await answer_denial(conn, tx, verdict.last_acl, true, "http_reply_access denied the reply");
    }
  }
  auto client = conn.side();
  std::function<void(http::response_header<>&)> mangle;
  const bool mangles = !tx.config().reply_header_manglers.empty();
  if (for_this_client && for_this_client->begin() == for_this_client->end()) for_this_client = nullptr;
  if (mangles || for_this_client)
    mangle = [&tx, mangles, for_this_client](http::response_header<>& reply) {
      if (for_this_client) replace_named_fields(reply, *for_this_client);
      if (mangles) mangle_reply_headers(reply, tx.config(), tx.facts, &tx.entry);
    };
  auto hit = co_await serve_stored_reply(client, conn.send_buffer, store, stored, shape, keep_alive, *tx.active,
                                         conn.port.port, std::move(mangle));
  if (conn.send_buffer.capacity() > kKeptSendBuffer) std::string().swap(conn.send_buffer);
  if (hit.damaged) store.remove(stored.key);
  if (hit.swap_failed) {
    tx.entry.result = ResultCode::TcpSwapfailMiss;
    co_return std::nullopt;
  }
  store.touch(stored.key, stored.record.last_access, epoch_ms(Clock::now()));
  tx.entry.result = result;
  // Squid names a 304 answered from a fresh copy after the condition that matched.
  if (shape.not_modified && (result == ResultCode::TcpHit || result == ResultCode::TcpMemHit))
    tx.entry.result = matched_etag ? ResultCode::TcpInmHit : ResultCode::TcpImsHit;
  tx.entry.status = hit.status;
  tx.entry.reply_bytes = hit.reply_bytes;
  tx.entry.content_type = hit.content_type.empty() ? "-" : hit.content_type;
  tx.entry.reply_head = std::move(hit.reply_head);
  if (hit.aborted) tx.entry.result_suffix = ResultSuffix::Aborted;
  log_transaction(conn, tx);
  co_return keep_alive && !hit.aborted;
}

awaitable<std::optional<bool>> serve_if_now_fresh(ClientConnection& conn, const CacheRequest& cache, Transaction& tx) {
  auto& req = tx.request();
  auto again = find_stored_reply(cache.store, cache.url, req, cache.pattern, Clock::now(), cache.negative_ttl);
  if (!again || choose_cache_use(state_of(again), cache.client, cache.pattern).use != CacheUse::Hit)
    co_return std::nullopt;
  co_return co_await serve_hit(conn, cache.store, *again, req, tx, hit_code(*again, conn.runtime().store_in_memory()));
}

}  // namespace cuttle
