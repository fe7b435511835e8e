// Freshness of a stored response (RFC 9111 §4.2) with Squid's heuristic
// (src/refresh.cc) when the origin gave no explicit lifetime. Plain values in,
// a decision out: no I/O, no clock reads.
#pragma once

#include "proxy/cache/cache_control.h"
#include "proxy/cache/refresh_pattern.h"

#include <chrono>
#include <optional>

namespace cuttle {

using Clock = std::chrono::system_clock;
using Seconds = std::chrono::seconds;

// Milliseconds since the epoch: how store records keep times.
inline int64_t epoch_ms(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// What freshness needs to know about one stored response.
struct ResponseTiming {
  Clock::time_point request_time;   // when the request that got it was sent
  Clock::time_point response_time;  // when its response was received
  std::optional<Clock::time_point> date;
  std::optional<Seconds> age_header;
  bool age_trusted = true;  // false: an Age this cache cannot trust (age_field.h), the response is stale
  bool has_expires = false;
  std::optional<Clock::time_point> expires;  // has_expires but empty: invalid, i.e. already expired
  std::optional<Clock::time_point> last_modified;
  unsigned status = 200;
  CacheControl cache_control;
};

// RFC 9111 §4.2.3: apparent age, corrected age value, resident time.
Seconds current_age(const ResponseTiming& r, Clock::time_point now);

// RFC 9111 §4.2.1 for a shared cache: s-maxage, then max-age, then Expires - Date.
std::optional<Seconds> explicit_lifetime(const ResponseTiming& r);

// Status codes a heuristic may apply to without `public` (RFC 9110 §15.1),
// less Squid's negative ones.
bool heuristically_cacheable(unsigned status);

// Errors Squid caches "negatively" (src/http.cc): only with an explicit lifetime,
// or for negative_ttl when they have none; never by a heuristic.
bool negatively_cached(unsigned status);

// The rule that decided, named as Squid's refresh statistics name them.
enum class FreshnessRule {
  FreshExpires,         // explicit lifetime not yet reached
  FreshOverrideExpires, // override-expire kept it for MIN
  FreshOverrideLastmod, // override-lastmod kept it for MIN
  FreshLmFactor,        // younger than PERCENT of (Date - Last-Modified)
  FreshMin,             // younger than MIN
  StaleExpires,
  StaleMax,             // older than MAX
  StaleLmFactor,
  StaleNoHeuristic,     // no explicit lifetime and a heuristic is not allowed
  StaleUntrustedAge,    // its Age cannot be trusted (RFC 9111 §5.1): revalidated before reuse
  FreshNegativeTtl,     // an error kept for negative_ttl
  StaleNegativeTtl,
  StaleDefault,
};

struct FreshnessDecision {
  bool fresh = false;
  FreshnessRule rule = FreshnessRule::StaleDefault;
  Seconds age{0};
  Seconds lifetime{0};  // how long it is (or was) fresh for; age < lifetime while fresh
};

// `negative_ttl`: the lifetime of a negatively cached error without an explicit one.
FreshnessDecision evaluate_freshness(const ResponseTiming& r, const RefreshPattern& pattern, Clock::time_point now,
                                     Seconds negative_ttl = Seconds(0));

}  // namespace cuttle
