// Whether a request may be answered from what the cache holds, must be
// revalidated with the origin, or must go to the origin whole (RFC 9111 §4,
// §4.2.4, §5.2.1; RFC 5861), with Squid's refresh_pattern reload options.
// Plain values in, a decision out: no I/O, no clock reads.
#pragma once

#include "proxy/cache/cache_control.h"
#include "proxy/cache/freshness.h"
#include "proxy/cache/refresh_pattern.h"

#include <boost/beast/http/fields.hpp>

#include <optional>

namespace cuttle {

namespace http = boost::beast::http;

// The request's own caching directives (Cache-Control, and Pragma: no-cache when
// the request has no Cache-Control, as RFC 9111 §5.4 says).
struct ClientDirectives {
  bool no_cache = false;
  bool no_store = false;
  bool only_if_cached = false;
  std::optional<int64_t> max_age;
  std::optional<int64_t> min_fresh;
  bool max_stale = false;  // present: any staleness, unless max_stale_value limits it
  std::optional<int64_t> max_stale_value;
  std::optional<int64_t> stale_if_error;
  bool if_modified_since = false;  // the client revalidates its own copy (refresh-ims acts on it)
};

ClientDirectives client_directives(const http::fields& request);

// What the cache knows about the stored response it found.
struct StoredState {
  FreshnessDecision freshness;  // fresh, age, lifetime
  CacheControl cache_control;   // the stored response's directives
  bool has_validator = false;   // ETag or Last-Modified: a conditional request is possible
};

enum class CacheUse {
  Hit,                   // answer from the store
  HitWhileRevalidating,  // answer stale from the store, refresh in the background (stale-while-revalidate)
  Revalidate,            // ask the origin with If-None-Match / If-Modified-Since
  ClientRefresh,         // the client demanded a reload: fetch whole (TCP_CLIENT_REFRESH_MISS)
  Miss,                  // fetch whole
  OnlyIfCachedMiss,      // only-if-cached and nothing usable: 504
};

struct CacheUseDecision {
  CacheUse use = CacheUse::Miss;
  const char* reason = "";  // for tests and debugging
};

CacheUseDecision choose_cache_use(const std::optional<StoredState>& stored, const ClientDirectives& client,
                                  const RefreshPattern& pattern);

// Whether the stored response forbids being served stale at all (must-revalidate,
// proxy-revalidate, s-maxage for a shared cache, no-cache).
bool forbids_stale(const CacheControl& response);

// After revalidation failed (origin unreachable, or answered 5xx): whether the
// stale copy may be served instead (TCP_REFRESH_FAIL_OLD). Allowed within the
// response's or request's stale-if-error window (RFC 5861 §4) or the admin's
// refresh_pattern max-stale=; never when the response forbids stale.
bool may_serve_stale_on_error(const StoredState& stored, const ClientDirectives& client,
                              const RefreshPattern& pattern);

}  // namespace cuttle
