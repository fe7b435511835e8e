// ClientSession's cache path: decide with the pure policy (proxy/cache/) whether
// a GET/HEAD is a hit, a revalidation or a miss, and carry it out.
#include "proxy/server/client_session.h"

#include "proxy/cache/cache_policy.h"
#include "proxy/cache/cache_use.h"
#include "proxy/cache/client_conditionals.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/request_target.h"
#include "proxy/server/background_refresh.h"
#include "proxy/server/cache_fill.h"
#include "proxy/server/forward_reports.h"
#include "proxy/server/upstream_request.h"

#include <boost/url.hpp>


namespace cuttle {
namespace {

std::optional<StoredState> state_of(const std::optional<StoredReply>& stored) {
  if (!stored) return std::nullopt;
  StoredState state;
  state.freshness = stored->freshness;
  state.cache_control = stored->parsed->timing.cache_control;
  state.has_validator = stored->parsed->has_validator;
  return state;
}

ResultCode hit_code(const StoredReply& stored) {
  return negatively_cached(stored.record.status) ? ResultCode::TcpNegativeHit : ResultCode::TcpHit;
}

}  // namespace

awaitable<bool> ClientSession::through_cache(store::ObjectCache& store, const RequestTarget& target,
                                             http::request_parser<http::empty_body>& parser,
                                             const RequestFacts& facts, bool has_body, Transaction& tx) {
  const ActiveConfig& active = *tx.active;
  const Config& config = *active.config;
  auto& req = parser.get();
  const bool is_get = req.method() == http::verb::get;
  // target.url(), built once per request by handle(); a copy, as log() may strip
  // its query while this request's fill or revalidation still needs the whole URL.
  const std::string url = tx.entry.url;
  const auto& pattern = match_refresh_pattern(config.refresh_patterns, url);
  const auto negative_ttl = std::chrono::duration_cast<Seconds>(config.negative_ttl);
  const auto client = client_directives(req);
  // Where the request goes when it goes upstream, chosen only then.
  auto next_hop = [&]() -> awaitable<std::optional<ForwardPlan>> {
    auto plan = co_await plan_forwarding(target, req.base(), facts, tx);
    // Squid's X-Cache-Lookup: what the cache held before this request went upstream.
    if (plan) plan->cache_lookup = "MISS from " + active.hostname + ":" + std::to_string(port_.port);
    co_return plan;
  };

  auto stored = find_stored_reply(store, url, req, pattern, Clock::now(), negative_ttl);
  auto decision = choose_cache_use(state_of(stored), client, pattern);
  // If-Match and If-Unmodified-Since are the origin's to evaluate.
  if (stored && (decision.use == CacheUse::Hit || decision.use == CacheUse::HitWhileRevalidating) &&
      evaluate_client_conditionals(req, stored->header(), {}) == ClientConditional::ForOrigin)
    decision.use = CacheUse::Miss;

  switch (decision.use) {
    case CacheUse::OnlyIfCachedMiss:
      tx.entry.result = ResultCode::TcpMiss;
      co_return co_await reply_error(ErrorKind::OnlyIfCachedMiss, tx, !has_body);
    case CacheUse::HitWhileRevalidating:
      if (is_get)
        if (auto plan = co_await next_hop())
          start_background_refresh(stream_.get_executor(), services_, tx.active, url, *plan, req.base(),
                                   client_ip_, *stored, pattern);
      [[fallthrough]];
    case CacheUse::Hit:
      if (auto served = co_await serve_hit(store, *stored, req, has_body, tx, hit_code(*stored))) co_return *served;
      break;  // the stored body was damaged: fetch it
    case CacheUse::Revalidate:
      if (is_get) {
        // A 304 is answered with this body, so it must outlive the round trip:
        // pinned first, then found still current (an eviction or replacement
        // between the lookup and the pin may already have deleted it).
        auto pin = store.pin(stored->record.object_id);
        auto current = store.lookup(stored->key);
        if (!current || current->object_id != stored->record.object_id) {
          decision.use = CacheUse::Miss;  // gone meanwhile: fetch it whole
          break;
        }
        auto plan = co_await next_hop();
        if (!plan) co_return co_await reply_error(ErrorKind::CannotForward, tx, !has_body);
        co_return co_await revalidate(store, url, pattern, parser, std::move(*plan), std::move(*stored),
                                      std::move(pin), has_body, tx);
      }
      break;  // a HEAD is forwarded as it is
    case CacheUse::ClientRefresh:
      tx.entry.result = ResultCode::TcpClientRefreshMiss;
      break;
    case CacheUse::Miss:
      break;
  }

  // Fetched whole; concurrent misses for the URL wait for one fetch (collapsed forwarding).
  std::optional<CollapsedForwarding::Lead> lead;  // held until this request is answered
  if (decision.use == CacheUse::Miss && is_get && config.collapsed_forwarding) {
    lead = co_await services_.runtime.collapsed().lead_or_wait(url, config.read_timeout);
    if (!lead) {
      // Woken by the leader: its reply is in the store if it could be stored.
      auto again = find_stored_reply(store, url, req, pattern, Clock::now(), negative_ttl);
      if (again && choose_cache_use(state_of(again), client, pattern).use == CacheUse::Hit)
        if (auto served = co_await serve_hit(store, *again, req, has_body, tx, hit_code(*again))) co_return *served;
    }
  }
  auto plan = co_await next_hop();
  if (!plan) co_return co_await reply_error(ErrorKind::CannotForward, tx, !has_body);
  std::optional<CacheFill> fill;
  if (is_get)
    fill.emplace(store, url, tx.entry.method, http::fields(req.base()), pattern, config.maximum_object_size,
                 negative_ttl);
  plan->fill = fill ? &*fill : nullptr;
  co_return co_await forward(parser, *plan, target, tx);
}

namespace {
constexpr size_t kKeptSendBuffer = 64 * 1024;
}  // namespace

awaitable<std::optional<bool>> ClientSession::serve_hit(store::ObjectCache& store, StoredReply& stored,
                                                        const http::request<http::empty_body>& request,
                                                        bool has_body, Transaction& tx, ResultCode result) {
  bool matched_etag = false;
  auto shape = shape_for(request, stored, &matched_etag);
  const bool keep_alive = request.keep_alive() && !has_body && !services_.runtime.shutting_down();
  ClientSide client{stream_, buffer_, client_ip_};
  auto hit = co_await serve_stored_reply(client, send_buffer_, store, stored, shape, keep_alive, *tx.active, port_.port);
  // Small leftovers are kept for the next reply; a big one is not worth holding
  // for a connection that may now sit idle for minutes.
  if (send_buffer_.capacity() > kKeptSendBuffer) std::string().swap(send_buffer_);
  if (hit.damaged) store.remove(stored.key);
  if (hit.swap_failed) {
    tx.entry.result = ResultCode::TcpSwapfailMiss;
    co_return std::nullopt;
  }
  store.touch(stored.key, stored.record.last_access, epoch_ms(Clock::now()));
  tx.entry.result = result;
  // Squid names a 304 answered from a fresh copy after the condition that matched.
  if (shape.not_modified && result == ResultCode::TcpHit)
    tx.entry.result = matched_etag ? ResultCode::TcpInmHit : ResultCode::TcpImsHit;
  tx.entry.status = hit.status;
  tx.entry.reply_bytes = hit.reply_bytes;
  tx.entry.content_type = hit.content_type.empty() ? "-" : hit.content_type;
  if (hit.aborted) tx.entry.result_suffix = ResultSuffix::Aborted;
  log(tx);
  co_return keep_alive && !hit.aborted;
}

awaitable<bool> ClientSession::revalidate(store::ObjectCache& store, const std::string& url,
                                          const RefreshPattern& pattern,
                                          http::request_parser<http::empty_body>& parser, ForwardPlan plan,
                                          StoredReply stored, store::ObjectCache::Pin pin, bool has_body,
                                          Transaction& tx) {
  const Config& config = *tx.active->config;
  const auto negative_ttl = std::chrono::duration_cast<Seconds>(config.negative_ttl);
  auto& req = parser.get();
  const auto client = client_directives(req);

  // Concurrent requests for a stale object wait for one revalidation.
  std::optional<CollapsedForwarding::Lead> lead;
  if (config.collapsed_forwarding) {
    lead = co_await services_.runtime.collapsed().lead_or_wait(url, config.read_timeout);
    if (!lead) {
      auto again = find_stored_reply(store, url, req, pattern, Clock::now(), negative_ttl);
      if (again && choose_cache_use(state_of(again), client, pattern).use == CacheUse::Hit)
        if (auto served = co_await serve_hit(store, *again, req, has_body, tx, hit_code(*again))) co_return *served;
    }
  }

  // The request as the client sent it: its own conditions and Range are answered
  // from the refreshed copy after a 304, and it selects the Vary variant.
  const http::request<http::empty_body> original = req;
  ask_with_stored_validators(req, stored.header());

  CacheFill fill(store, url, tx.entry.method, http::fields(original.base()), pattern, config.maximum_object_size,
                 negative_ttl);
  const auto state = *state_of(stored);
  plan.fill = &fill;
  plan.intercept_not_modified = true;
  plan.intercept_server_errors = may_serve_stale_on_error(state, client, pattern);
  const auto request_time = Clock::now();
  ClientSide side{stream_, buffer_, client_ip_};
  auto outcome = co_await forward_request(&side, client_ip_, parser, plan, *tx.active, services_);
  report_hop_attempt(services_.runtime, plan, outcome);
  report_forwarding_result(services_.runtime, outcome);
  tx.entry.hierarchy = plan.hierarchy;
  tx.entry.peer = outcome.server_address;

  if (outcome.intercepted && outcome.status == 304) {
    // Still current: freshen the stored header (§3.2), keep the body.
    freshen_stored_reply(store, stored, *outcome.intercepted, request_time, Clock::now());
    reevaluate_freshness(stored, pattern, Clock::now(), negative_ttl);
    if (auto served = co_await serve_hit(store, stored, original, has_body, tx, ResultCode::TcpRefreshUnmodified))
      co_return *served;
    co_return co_await reply_error(ErrorKind::ReadError, tx, false, "the stored body was lost during revalidation");
  }
  const bool failed = outcome.intercepted || outcome.error;  // an intercepted non-304 is a 5xx
  if (failed && may_serve_stale_on_error(state, client, pattern)) {
    if (auto served = co_await serve_hit(store, stored, original, has_body, tx, ResultCode::TcpRefreshFailOld))
      co_return *served;
    co_return co_await reply_error(ErrorKind::ReadError, tx, false, "the stored body was lost during revalidation");
  }
  tx.entry.result =
      (outcome.error || outcome.status >= 500) ? ResultCode::TcpRefreshFailErr : ResultCode::TcpRefreshModified;
  co_return co_await finish_forwarded(outcome, plan, tx);
}

void ClientSession::invalidate_after_unsafe_method(const RequestTarget& target, const ForwardOutcome& outcome) {
  auto* store = services_.runtime.store();
  if (!store || outcome.status < 200 || outcome.status >= 400) return;
  const std::string url = target.url();  // the URL views below point into it
  store->remove_with_variants(url);
  // Location and Content-Location only within the same origin (§4.4): another
  // origin must not be able to evict what it does not own.
  for (const auto& reference : {outcome.location, outcome.content_location}) {
    if (reference.empty()) continue;
    auto base = boost::urls::parse_uri(url);
    auto ref = boost::urls::parse_uri_reference(reference);
    if (!base || !ref) continue;
    boost::urls::url resolved;
    if (!boost::urls::resolve(*base, *ref, resolved)) continue;
    auto parsed = parse_absolute_target(resolved.buffer());
    if (!parsed.target) continue;
    const auto& other = *parsed.target;
    if (other.scheme == target.scheme && other.host == target.host && other.port == target.port)
      store->remove_with_variants(other.url());
  }
}

}  // namespace cuttle
