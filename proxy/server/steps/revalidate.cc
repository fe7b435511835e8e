// Revalidation of a stale stored reply: a conditional request to the next hop;
// a 304 freshens the stored header (RFC 9111 §4.3.4) and is answered from the
// stored body, an error may be answered by the stale copy (stale-if-error), a new
// reply is relayed and stored in its place.
#include "proxy/cache/cache_policy.h"
#include "proxy/cache/not_modified_update.h"
#include "proxy/http/header_text.h"
#include "proxy/server/cache_fill.h"
#include "proxy/server/error_page_facts.h"
#include "proxy/server/forward_reports.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/cache_path.h"
#include "proxy/server/steps/delay_pool.h"
#include "proxy/server/steps/forwarding.h"
#include "proxy/server/steps/reply_check.h"
#include "proxy/server/upstream_request.h"

namespace cuttle {
namespace {

// The stored copy answers in place of the origin: after a 304, or instead of an error.
awaitable<bool> answer_from_stored(ClientConnection& conn, const CacheRequest& cache, Transaction& tx,
                                   StoredReply& stored, const http::request<http::empty_body>& original,
                                   ResultCode result, const http::fields* for_this_client = nullptr) {
  if (auto served = co_await serve_hit(conn, cache.store, stored, original, tx, result, for_this_client))
    co_return *served;
  co_return co_await reply_error(conn, ErrorKind::ReadError, tx, false, "the stored body was lost during revalidation");
}

// A 304 that selected nothing (RFC 9111 §4.3.4: its ETag names a representation
// this cache does not hold): the client's request goes again as it came, and its
// reply is relayed and stored in place of the stale copy.
awaitable<bool> fetch_again(ClientConnection& conn, const CacheRequest& cache, Transaction& tx, ForwardPlan plan,
                            const http::request<http::empty_body>& original) {
  // The request's body, if it had one, went with the conditional request.
  http::request_parser<http::empty_body> again;
  if (tx.has_body || !parse_request_header(header_text(original), again))
    co_return co_await reply_error(conn, ErrorKind::InvalidResponse, tx, false,
                                   "a 304 naming another representation, and the request cannot be sent again");
  tx.parser = &again;  // what forward() sends; it outlives the call
  CacheFill fill(cache.store, cache.url, tx.entry.method, http::fields(original.base()), cache.pattern,
                 cache.negative_ttl, tx.config().cache_set_cookie);
  fill.replaces_revalidated();
  plan.intercept_not_modified = plan.intercept_server_errors = false;
  tx.entry.result = ResultCode::TcpRefreshModified;
  co_return co_await forward(conn, tx, plan, &fill);
}

}  // namespace

awaitable<bool> revalidate(ClientConnection& conn, const CacheRequest& cache, Transaction& tx, ForwardPlan plan,
                           StoredReply stored, [[maybe_unused]] store::ObjectCache::Pin pin) {
  const Config& config = tx.config();
  auto& req = tx.request();
  // Concurrent requests for a stale object wait for one revalidation.
  std::optional<CollapsedForwarding::Lead> lead;
  if (config.collapsed_forwarding) {
    lead = co_await conn.runtime().collapsed().lead_or_wait(cache.url, config.read_timeout);
    if (!lead)
      if (auto served = co_await serve_if_now_fresh(conn, cache, tx)) co_return *served;
  }
  // The request as the client sent it: its own conditions and Range are answered
  // from the refreshed copy after a 304, and it selects the Vary variant.
  const http::request<http::empty_body> original = req;
  ask_with_stored_validators(req, stored.header());

  CacheFill fill(cache.store, cache.url, tx.entry.method, http::fields(original.base()), cache.pattern,
                 cache.negative_ttl, config.cache_set_cookie);
  fill.replaces_revalidated();
  const auto state = *state_of(stored);
  plan.intercept_not_modified = true;
  plan.intercept_server_errors = may_serve_stale_on_error(state, cache.client, cache.pattern);
  const auto request_time = Clock::now();
  auto client = conn.side();
  client.entry = &tx.entry;
  hook_reply_check(client, conn, tx);
  hook_delay_pool(client, conn, tx);
  keep_request_for_error_pages(tx);
  auto outcome = co_await forward_request(&client, tx.facts, *tx.parser, plan, &fill, *tx.active, conn.services);
  report_hop_attempt(conn.runtime(), plan, outcome);
  report_forwarding_result(conn.runtime(), outcome);
  tx.entry.hierarchy = plan.hierarchy;
  tx.entry.peer = outcome.server_address;

  if (outcome.intercepted && outcome.status == 304) {
    note_server_side(tx.entry, outcome);
    if (conn.runtime().store_log().enabled()) tx.released_reply_head = header_text(*outcome.intercepted);
    // Still current: freshen the stored header (§3.2), keep the body.
    if (!freshen_stored_reply(cache.store, stored, *outcome.intercepted, request_time, Clock::now()))
      co_return co_await fetch_again(conn, cache, tx, std::move(plan), original);
    reevaluate_freshness(stored, cache.pattern, Clock::now(), cache.negative_ttl);
    const auto own = fields_for_this_client_only(*outcome.intercepted);
    co_return co_await answer_from_stored(conn, cache, tx, stored, original, ResultCode::TcpRefreshUnmodified, &own);
  }
  const bool failed = outcome.intercepted || outcome.error;  // an intercepted non-304 is a 5xx
  if (failed && plan.intercept_server_errors) {
    note_server_side(tx.entry, outcome);
    co_return co_await answer_from_stored(conn, cache, tx, stored, original, ResultCode::TcpRefreshFailOld);
  }
  tx.entry.result =
      (outcome.error || outcome.status >= 500) ? ResultCode::TcpRefreshFailErr : ResultCode::TcpRefreshModified;
  tx.reply_stored = fill.stored();
  co_return co_await finish_forwarded(conn, outcome, plan, tx);
}

}  // namespace cuttle
