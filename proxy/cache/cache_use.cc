#include "proxy/cache/cache_use.h"

#include "proxy/http/header_rules.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

namespace cuttle {
namespace {

int64_t staleness(const FreshnessDecision& f) { return (f.age - f.lifetime).count(); }

}  // namespace

ClientDirectives client_directives(const http::fields& request) {
  ClientDirectives d;
  auto cc = parse_cache_control(joined_values(request, "Cache-Control"));
  d.no_cache = cc.no_cache;
  d.no_store = cc.no_store;
  d.only_if_cached = cc.only_if_cached;
  d.max_age = cc.max_age;
  d.min_fresh = cc.min_fresh;
  d.max_stale = cc.max_stale;
  d.max_stale_value = cc.max_stale_value;
  d.stale_if_error = cc.stale_if_error;
  d.if_modified_since = request.count(http::field::if_modified_since) > 0;
  if (!request.count(http::field::cache_control))
    for (auto token : http::token_list(request[http::field::pragma]))
      if (boost::beast::iequals(token, "no-cache")) d.no_cache = true;
  return d;
}

bool forbids_stale(const CacheControl& response) {
  // RFC 9111 §5.2.2.10: s-maxage also implies proxy-revalidate for a shared cache.
  return response.must_revalidate || response.proxy_revalidate || response.s_maxage.has_value() || response.no_cache;
}

CacheUseDecision choose_cache_use(const std::optional<StoredState>& stored, const ClientDirectives& client,
                                  const RefreshPattern& pattern) {
  if (!stored) {
    if (client.only_if_cached) return {CacheUse::OnlyIfCachedMiss, "only-if-cached and nothing stored"};
    return {CacheUse::Miss, "nothing stored"};
  }
  const auto& f = stored->freshness;
  const auto& response = stored->cache_control;
  const bool forced_reload = client.no_cache && !pattern.ignore_reload;
  if (forced_reload && !client.only_if_cached) {
    // reload-into-ims: the admin turns a browser's reload into a cheap revalidation.
    if (pattern.reload_into_ims && stored->has_validator) return {CacheUse::Revalidate, "reload-into-ims"};
    return {CacheUse::ClientRefresh, "client no-cache"};
  }
  // refresh-ims: a client's If-Modified-Since is passed on as a revalidation.
  if (pattern.refresh_ims && client.if_modified_since && stored->has_validator && !client.only_if_cached)
    return {CacheUse::Revalidate, "refresh-ims"};
  // A response stored with no-cache must be validated before every use (§5.2.2.4).
  const bool needs_validation = response.no_cache;
  // As Squid: max-age=0 (a browser's reload) always revalidates, and an
  // immutable response ignores the client's max-age (RFC 8246).
  const bool within_client_age = !client.max_age || response.immutable ||
                                 (*client.max_age > 0 && f.age.count() <= *client.max_age);
  if (f.fresh && !needs_validation && within_client_age) {
    if (!client.min_fresh || (f.lifetime - f.age).count() >= *client.min_fresh)
      return {CacheUse::Hit, "fresh"};
  }
  // Stale, or fresh but not fresh enough for this client.
  // An untrusted Age leaves no way to tell how stale it is: revalidated first.
  const bool staleness_known = f.rule != FreshnessRule::StaleUntrustedAge;
  if (!f.fresh && !needs_validation && !forbids_stale(response) && within_client_age && staleness_known) {
    if (client.max_stale && (!client.max_stale_value || staleness(f) <= *client.max_stale_value))
      return {CacheUse::Hit, "stale within the client's max-stale"};
    if (response.stale_while_revalidate && staleness(f) <= *response.stale_while_revalidate &&
        stored->has_validator && !client.only_if_cached)
      return {CacheUse::HitWhileRevalidating, "within stale-while-revalidate"};
  }
  if (client.only_if_cached) return {CacheUse::OnlyIfCachedMiss, "only-if-cached and the stored copy is not usable"};
  if (stored->has_validator) return {CacheUse::Revalidate, "stale with a validator"};
  return {CacheUse::Miss, "stale without a validator"};
}

bool may_serve_stale_on_error(const StoredState& stored, const ClientDirectives& client, const RefreshPattern& pattern) {
  if (forbids_stale(stored.cache_control)) return false;
  const int64_t late = staleness(stored.freshness);
  if (stored.cache_control.stale_if_error && late <= *stored.cache_control.stale_if_error) return true;
  if (client.stale_if_error && late <= *client.stale_if_error) return true;
  if (pattern.max_stale && late <= pattern.max_stale->count()) return true;
  return false;
}

}  // namespace cuttle
