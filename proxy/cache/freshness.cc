#include "proxy/cache/freshness.h"

#include <algorithm>

namespace cuttle {
namespace {

Seconds non_negative(Clock::duration d) {
  return std::max(Seconds(0), std::chrono::duration_cast<Seconds>(d));
}

// The time the response was generated: Date, or when it arrived if it had none.
Clock::time_point date_or_arrival(const ResponseTiming& r) { return r.date.value_or(r.response_time); }

}  // namespace

Seconds current_age(const ResponseTiming& r, Clock::time_point now) {
  Seconds apparent_age = non_negative(r.response_time - date_or_arrival(r));
  Seconds response_delay = non_negative(r.response_time - r.request_time);
  Seconds corrected_age_value = r.age_header.value_or(Seconds(0)) + response_delay;
  Seconds corrected_initial_age = std::max(apparent_age, corrected_age_value);
  Seconds resident_time = non_negative(now - r.response_time);
  return corrected_initial_age + resident_time;
}

std::optional<Seconds> explicit_lifetime(const ResponseTiming& r) {
  const auto& cc = r.cache_control;
  if (cc.s_maxage) return Seconds(*cc.s_maxage);
  if (cc.max_age) return Seconds(*cc.max_age);
  if (r.has_expires) {
    if (!r.expires) return Seconds(0);  // invalid Expires: already expired (RFC 9111 §5.3)
    return non_negative(*r.expires - date_or_arrival(r));
  }
  return std::nullopt;
}

bool heuristically_cacheable(unsigned status) {
  static constexpr unsigned kCodes[] = {200, 203, 206, 300, 301, 308, 410};
  return std::find(std::begin(kCodes), std::end(kCodes), status) != std::end(kCodes);
}

bool negatively_cached(unsigned status) {
  static constexpr unsigned kCodes[] = {204, 305, 400, 403, 404, 405, 414, 421, 500, 501, 502, 503, 504};
  return std::find(std::begin(kCodes), std::end(kCodes), status) != std::end(kCodes);
}

FreshnessDecision evaluate_freshness(const ResponseTiming& r, const RefreshPattern& p, Clock::time_point now,
                                     Seconds negative_ttl) {
  FreshnessDecision d;
  d.age = current_age(r, now);
  auto decide = [&](bool fresh, FreshnessRule rule, Seconds lifetime) {
    d.fresh = fresh;
    d.rule = rule;
    d.lifetime = lifetime;
    return d;
  };
  // An Age that cannot be trusted must never extend a response's life: with no
  // lifetime left it is stale, and no stale window counts from a guessed age.
  if (!r.age_trusted) return decide(false, FreshnessRule::StaleUntrustedAge, Seconds(0));

  if (auto lifetime = explicit_lifetime(r)) {
    if (d.age < *lifetime) return decide(true, FreshnessRule::FreshExpires, *lifetime);
    // override-expire (an admin's deliberate RFC violation): MIN still applies.
    if (p.override_expire && d.age < p.min) return decide(true, FreshnessRule::FreshOverrideExpires, p.min);
    return decide(false, FreshnessRule::StaleExpires, *lifetime);
  }
  if (negatively_cached(r.status)) {
    if (d.age < negative_ttl) return decide(true, FreshnessRule::FreshNegativeTtl, negative_ttl);
    return decide(false, FreshnessRule::StaleNegativeTtl, negative_ttl);
  }
  if (!heuristically_cacheable(r.status) && !r.cache_control.is_public)
    return decide(false, FreshnessRule::StaleNoHeuristic, Seconds(0));

  // Squid's order: MAX, then override-lastmod's MIN, then the Last-Modified
  // factor (which decides either way), then MIN.
  if (d.age > p.max) return decide(false, FreshnessRule::StaleMax, p.max);
  if (p.override_lastmod && d.age < p.min) return decide(true, FreshnessRule::FreshOverrideLastmod, p.min);
  auto generated = date_or_arrival(r);
  if (r.last_modified && generated > *r.last_modified) {
    auto window = std::chrono::duration_cast<Seconds>((generated - *r.last_modified) * p.percent);
    if (d.age < window) return decide(true, FreshnessRule::FreshLmFactor, window);
    return decide(false, FreshnessRule::StaleLmFactor, window);
  }
  if (d.age <= p.min) return decide(true, FreshnessRule::FreshMin, p.min);
  return decide(false, FreshnessRule::StaleDefault, p.min);
}

}  // namespace cuttle
