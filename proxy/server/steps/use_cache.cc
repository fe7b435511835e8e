// The cache step: GET and HEAD, when there is a cache, are answered from it (a
// hit), after asking the origin whether the stored copy is current (a
// revalidation), or fetched and stored while relayed (a miss). Which one is
// proxy/cache/'s choice (choose_cache_use); this file carries it out.
#include "proxy/cache/client_conditionals.h"
#include "proxy/http/range_prefetch.h"
#include "proxy/server/background_refresh.h"
#include "proxy/server/cache_fill.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/access_check.h"
#include "proxy/server/steps/cache_path.h"
#include "proxy/server/steps/forwarding.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {
namespace {

// The choice for this request, with what is stored for it.
CacheUseDecision choose(const CacheRequest& cache, const std::optional<StoredReply>& stored,
                        const http::request<http::empty_body>& req) {
  auto decision = choose_cache_use(state_of(stored), cache.client, cache.pattern);
  // If-Match and If-Unmodified-Since are the origin's to evaluate.
  if (stored && (decision.use == CacheUse::Hit || decision.use == CacheUse::HitWhileRevalidating) &&
      evaluate_client_conditionals(req, stored->header(), {}) == ClientConditional::ForOrigin)
    decision.use = CacheUse::Miss;
  return decision;
}

// range_offset_limit: a Range miss within the limit asks for the whole object,
// which is stored; the client gets its range of it. (With If-Range, or on a
// connection-authenticated request, the Range goes upstream as asked.)
void plan_whole_object_for_range(ForwardPlan& plan, const Transaction& tx) {
  const auto& req = tx.request();
  const auto range = req[http::field::range];
  if (range.empty() || req.count(http::field::if_range) || tx.uses_connection_auth) return;
  const auto fetch = range_fetch(tx.config(), tx.facts, range);
  if (fetch == RangeFetch::AsAsked) return;
  plan.whole_for_range = std::string(range);
  plan.finish_whole = fetch == RangeFetch::WholeObjectAlways;
}

// Fetched whole and stored while relayed; concurrent misses for the URL wait for
// one fetch (collapsed forwarding).
awaitable<bool> fetch_and_store(ClientConnection& conn, const CacheRequest& cache, Transaction& tx, bool collapse) {
  const Config& config = tx.config();
  auto& req = tx.request();
  std::optional<CollapsedForwarding::Lead> lead;  // held until this request is answered
  if (collapse) {
    lead = co_await conn.runtime().collapsed().lead_or_wait(cache.url, config.read_timeout);
    if (!lead)
      if (auto served = co_await serve_if_now_fresh(conn, cache, tx)) co_return *served;
  }
  auto plan = co_await cache_next_hop(conn, tx);
  if (!plan) co_return co_await reply_error(conn, ErrorKind::CannotForward, tx, tx.reusable_after_own_reply());
  std::optional<CacheFill> fill;
  if (req.method() == http::verb::get) {
    fill.emplace(cache.store, cache.url, tx.entry.method, http::fields(req.base()), cache.pattern,
                 cache.negative_ttl, config.cache_set_cookie);
    plan_whole_object_for_range(*plan, tx);
  }
  co_return co_await forward(conn, tx, *plan, fill ? &*fill : nullptr);
}

// Every request the cache cannot answer is a miss, and a miss of a request
// with only-if-cached is Squid's 504 (clientReplyContext::processMiss), even
// with no store, for other methods than GET, or under `cache deny`.
awaitable<StepResult> miss_unless_only_if_cached(ClientConnection& conn, Transaction& tx) {
  if (!client_directives(tx.request()).only_if_cached) co_return kNextStep;
  tx.entry.result = ResultCode::TcpMiss;
  co_return co_await reply_error(conn, ErrorKind::OnlyIfCachedMiss, tx, tx.reusable_after_own_reply());
}

}  // namespace

awaitable<StepResult> use_cache(ClientConnection& conn, Transaction& tx) {
  // A hit needs no next hop: peers are selected (and asked over ICP) only for
  // what goes upstream, as Squid's peer selection starts only for a miss.
  store::ObjectCache* store = conn.runtime().store();
  auto& req = tx.request();
  const bool is_get = req.method() == http::verb::get;
  if (!store || !(is_get || req.method() == http::verb::head)) co_return co_await miss_unless_only_if_cached(conn, tx);
  const Config& config = tx.config();
  // `cache deny`: not answered from the cache, not stored; logged TCP_MISS (Squid's
  // checkNoCacheDone). The rules are checked before the lookup, as Squid does.
  if (!config.cache_access.empty() &&
      (co_await check_slow(conn, tx, config.cache_access)).decision == AccessDecision::Deny)
    co_return co_await miss_unless_only_if_cached(conn, tx);
  // An intercepted request with a Host that may be forged: its reply must not be
  // stored under that Host's URL (CVE-2009-0801), nor is it answered from there.
  if (tx.unverified_interception(conn.original_destination)) co_return co_await miss_unless_only_if_cached(conn, tx);
  // The store ID, when a helper gave one, is the key and what refresh_pattern sees (as Squid).
  CacheRequest cache{*store, tx.cache_key(), match_refresh_pattern(config.refresh_patterns, tx.cache_key()),
                     std::chrono::duration_cast<Seconds>(config.negative_ttl), client_directives(req)};

  auto stored = find_stored_reply(*store, cache.url, req, cache.pattern, Clock::now(), cache.negative_ttl);
  auto decision = choose(cache, stored, req);
  switch (decision.use) {
    case CacheUse::OnlyIfCachedMiss:
      tx.entry.result = ResultCode::TcpMiss;
      co_return co_await reply_error(conn, ErrorKind::OnlyIfCachedMiss, tx, tx.reusable_after_own_reply());
    case CacheUse::HitWhileRevalidating:
      if (is_get)
        if (auto plan = co_await cache_next_hop(conn, tx))
          start_background_refresh(conn.stream.get_executor(), conn.services, tx.active, cache.url, *plan,
                                   req.base(), tx.facts, *stored, cache.pattern);
      [[fallthrough]];
    case CacheUse::Hit:
      if (auto served = co_await serve_hit(conn, *store, *stored, req, tx, hit_code(*stored, conn.runtime().store_in_memory()))) co_return *served;
      break;  // the stored body was damaged: fetch it
    case CacheUse::Revalidate:
      if (is_get) {
        // A 304 is answered with this body, so it must outlive the round trip:
        // pinned first, then found still current (an eviction or replacement
        // between the lookup and the pin may already have deleted it).
        auto pin = store->pin(stored->record.object_id);
        auto current = store->lookup(stored->key);
        if (!current || current->object_id != stored->record.object_id) {
          decision.use = CacheUse::Miss;  // gone meanwhile: fetch it whole
          break;
        }
        auto plan = co_await cache_next_hop(conn, tx);
        if (!plan) co_return co_await reply_error(conn, ErrorKind::CannotForward, tx, tx.reusable_after_own_reply());
        co_return co_await revalidate(conn, cache, tx, std::move(*plan), std::move(*stored), std::move(pin));
      }
      break;  // a HEAD is forwarded as it is
    case CacheUse::ClientRefresh:
      tx.entry.result = ResultCode::TcpClientRefreshMiss;
      break;
    case CacheUse::Miss:
      break;
  }
  co_return co_await fetch_and_store(conn, cache, tx,
                                     decision.use == CacheUse::Miss && is_get && config.collapsed_forwarding);
}

awaitable<std::optional<ForwardPlan>> cache_next_hop(ClientConnection& conn, Transaction& tx) {
  auto plan = co_await plan_forwarding(conn, tx);
  // Squid's X-Cache-Lookup: what the cache held before this request went upstream.
  if (plan) plan->cache_lookup = "MISS from " + tx.active->hostname + ":" + std::to_string(conn.port.port);
  co_return plan;
}

std::optional<StoredState> state_of(const std::optional<StoredReply>& stored) {
  if (!stored) return std::nullopt;
  StoredState state;
  state.freshness = stored->freshness;
  state.cache_control = stored->parsed->timing.cache_control;
  state.has_validator = stored->parsed->has_validator;
  return state;
}

ResultCode hit_code(const StoredReply& stored, bool from_memory) {
  if (negatively_cached(stored.record.status)) return ResultCode::TcpNegativeHit;
  return from_memory ? ResultCode::TcpMemHit : ResultCode::TcpHit;
}

}  // namespace cuttle
