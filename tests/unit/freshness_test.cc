// Freshness decisions, table by table: RFC 9111 §4.2 for explicit lifetimes and
// age, Squid's refresh_pattern heuristic otherwise.
#include "proxy/cache/freshness.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace freshness_test {

using std::chrono::hours;
using std::chrono::minutes;

const Clock::time_point T0 = Clock::from_time_t(1700000000);

// A response fetched at T0 in no time, Date = T0, no other headers.
ResponseTiming fetched_at_t0() {
  ResponseTiming r;
  r.request_time = T0;
  r.response_time = T0;
  r.date = T0;
  return r;
}

RefreshPattern pattern(const std::vector<std::string>& words) { return make_refresh_pattern(words); }

TEST(Freshness, AgeIsResidentTimeForAFreshFetch) {
  EXPECT_EQ(current_age(fetched_at_t0(), T0 + Seconds(42)), Seconds(42));
}

TEST(Freshness, AgeAddsAgeHeaderAndResponseDelay) {
  auto r = fetched_at_t0();
  r.request_time = T0 - Seconds(3);  // the origin took 3 s
  r.age_header = Seconds(100);       // an upstream cache held it 100 s
  EXPECT_EQ(current_age(r, T0 + Seconds(10)), Seconds(113));
}

TEST(Freshness, ApparentAgeFromAnOldDateWins) {
  auto r = fetched_at_t0();
  r.date = T0 - Seconds(500);  // generated 500 s before it arrived
  r.age_header = Seconds(20);
  EXPECT_EQ(current_age(r, T0), Seconds(500));
}

TEST(Freshness, ClockSkewNeverMakesAgeNegative) {
  auto r = fetched_at_t0();
  r.date = T0 + hours(1);  // origin clock ahead
  EXPECT_EQ(current_age(r, T0), Seconds(0));
}

TEST(Freshness, SMaxAgeBeatsMaxAgeBeatsExpires) {
  auto r = fetched_at_t0();
  r.has_expires = true;
  r.expires = T0 + Seconds(10);
  EXPECT_EQ(explicit_lifetime(r), Seconds(10));
  r.cache_control.max_age = 20;
  EXPECT_EQ(explicit_lifetime(r), Seconds(20));
  r.cache_control.s_maxage = 30;
  EXPECT_EQ(explicit_lifetime(r), Seconds(30));
}

TEST(Freshness, InvalidExpiresMeansAlreadyStale) {
  auto r = fetched_at_t0();
  r.has_expires = true;  // present but unparseable
  auto d = evaluate_freshness(r, pattern({".", "60", "20%", "4320"}), T0);
  EXPECT_FALSE(d.fresh);
  EXPECT_EQ(d.rule, FreshnessRule::StaleExpires);
}

TEST(Freshness, ExplicitLifetimeDecidesBeforeAnyPattern) {
  auto r = fetched_at_t0();
  r.cache_control.max_age = 60;
  auto p = pattern({".", "0", "20%", "0"});  // MAX 0 would make anything heuristic stale
  EXPECT_TRUE(evaluate_freshness(r, p, T0 + Seconds(59)).fresh);
  auto later = evaluate_freshness(r, p, T0 + Seconds(60));
  EXPECT_FALSE(later.fresh);
  EXPECT_EQ(later.rule, FreshnessRule::StaleExpires);
}

TEST(Freshness, HeuristicIsPercentOfTheTimeSinceLastModified) {
  auto r = fetched_at_t0();
  r.last_modified = T0 - hours(10);  // 20% of 10 h = 2 h
  auto p = pattern({".", "0", "20%", "4320"});
  auto fresh = evaluate_freshness(r, p, T0 + minutes(119));
  EXPECT_TRUE(fresh.fresh);
  EXPECT_EQ(fresh.rule, FreshnessRule::FreshLmFactor);
  EXPECT_EQ(fresh.lifetime, hours(2));
  auto stale = evaluate_freshness(r, p, T0 + minutes(120));
  EXPECT_FALSE(stale.fresh);
  EXPECT_EQ(stale.rule, FreshnessRule::StaleLmFactor);
}

TEST(Freshness, MaxCapsTheHeuristic) {
  auto r = fetched_at_t0();
  r.last_modified = T0 - hours(24 * 365);  // 20% would be 73 days
  auto d = evaluate_freshness(r, pattern({".", "0", "20%", "60"}), T0 + minutes(61));
  EXPECT_FALSE(d.fresh);
  EXPECT_EQ(d.rule, FreshnessRule::StaleMax);
}

TEST(Freshness, WithoutLastModifiedMinDecides) {
  auto r = fetched_at_t0();
  auto p = pattern({".", "10", "20%", "4320"});
  auto fresh = evaluate_freshness(r, p, T0 + minutes(10));
  EXPECT_TRUE(fresh.fresh);
  EXPECT_EQ(fresh.rule, FreshnessRule::FreshMin);
  auto stale = evaluate_freshness(r, p, T0 + minutes(10) + Seconds(1));
  EXPECT_FALSE(stale.fresh);
  EXPECT_EQ(stale.rule, FreshnessRule::StaleDefault);
}

TEST(Freshness, LastModifiedFactorDecidesEvenWhenMinIsLarger) {
  // Squid: once Last-Modified is usable its factor decides; MIN is not consulted.
  auto r = fetched_at_t0();
  r.last_modified = T0 - minutes(10);  // 20% = 2 min
  auto d = evaluate_freshness(r, pattern({".", "60", "20%", "4320"}), T0 + minutes(5));
  EXPECT_FALSE(d.fresh);
  EXPECT_EQ(d.rule, FreshnessRule::StaleLmFactor);
}

TEST(Freshness, OverrideLastmodKeepsRecentlyModifiedObjectsForMin) {
  auto r = fetched_at_t0();
  r.last_modified = T0 - minutes(10);
  auto d = evaluate_freshness(r, pattern({".", "60", "20%", "4320", "override-lastmod"}), T0 + minutes(5));
  EXPECT_TRUE(d.fresh);
  EXPECT_EQ(d.rule, FreshnessRule::FreshOverrideLastmod);
}

TEST(Freshness, OverrideExpireKeepsShortLivedObjectsForMin) {
  auto r = fetched_at_t0();
  r.cache_control.max_age = 0;
  auto p = pattern({".", "30", "20%", "4320", "override-expire"});
  auto d = evaluate_freshness(r, p, T0 + minutes(29));
  EXPECT_TRUE(d.fresh);
  EXPECT_EQ(d.rule, FreshnessRule::FreshOverrideExpires);
  EXPECT_FALSE(evaluate_freshness(r, p, T0 + minutes(31)).fresh);
}

TEST(Freshness, NoHeuristicForStatusesNotCacheableByDefault) {
  auto r = fetched_at_t0();
  r.status = 302;
  r.last_modified = T0 - hours(10);
  auto d = evaluate_freshness(r, pattern({".", "60", "20%", "4320"}), T0 + Seconds(1));
  EXPECT_FALSE(d.fresh);
  EXPECT_EQ(d.rule, FreshnessRule::StaleNoHeuristic);
  r.cache_control.is_public = true;  // `public` allows it
  EXPECT_TRUE(evaluate_freshness(r, pattern({".", "60", "20%", "4320"}), T0 + Seconds(1)).fresh);
}

TEST(RefreshPattern, SquidDefaultsMatchInOrder) {
  EXPECT_EQ(match_refresh_pattern({}, "ftp://example.test/file").pattern, "^ftp:");
  const auto& cgi = match_refresh_pattern({}, "http://example.test/CGI-BIN/run");
  EXPECT_EQ(cgi.pattern, "(/cgi-bin/|\\?)");
  EXPECT_EQ(cgi.max, Seconds(0));
  EXPECT_EQ(match_refresh_pattern({}, "http://example.test/page?q=1").max, Seconds(0));
  const auto& dot = match_refresh_pattern({}, "http://example.test/page");
  EXPECT_EQ(dot.pattern, ".");
  EXPECT_EQ(dot.max, minutes(4320));
  EXPECT_DOUBLE_EQ(dot.percent, 0.2);
}

TEST(RefreshPattern, FirstConfiguredMatchWins) {
  std::vector<RefreshPattern> configured = {pattern({"-i", "\\.jpg$", "1440", "50%", "10080"}),
                                            pattern({".", "0", "20%", "60"})};
  EXPECT_EQ(match_refresh_pattern(configured, "http://e.test/A.JPG").min, minutes(1440));
  EXPECT_EQ(match_refresh_pattern(configured, "http://e.test/a.png").max, minutes(60));
}

TEST(RefreshPattern, ReadsOptions) {
  auto p = pattern({".", "0", "20%", "10", "ignore-reload", "reload-into-ims", "max-stale=300", "ignore-no-store"});
  EXPECT_TRUE(p.ignore_reload);
  EXPECT_TRUE(p.reload_into_ims);
  EXPECT_TRUE(p.ignore_no_store);
  EXPECT_EQ(p.max_stale, Seconds(300));
}

TEST(RefreshPattern, RejectsMalformedLines) {
  EXPECT_THROW(pattern({".", "0", "20%"}), std::invalid_argument);
  EXPECT_THROW(pattern({".", "x", "20%", "10"}), std::invalid_argument);
  EXPECT_THROW(pattern({".", "0", "twenty", "10"}), std::invalid_argument);
  EXPECT_THROW(pattern({"(", "0", "20%", "10"}), std::invalid_argument);
}

// squid 5.7 logs an option it does not know (or no longer uses) and reads the line.
TEST(RefreshPattern, UnknownAndObsoleteOptionsAreDroppedWithAWarningAsInSquid) {
  std::vector<std::string> warnings;
  auto p = make_refresh_pattern({".", "0", "20%", "10", "ignore-everything", "ignore-no-cache", "override-expire"},
                                &warnings);
  EXPECT_TRUE(p.override_expire);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0], "refresh_pattern: unknown option 'ignore-everything' ignored, as squid 5.7 ignores it");
}

}  // namespace freshness_test
}  // namespace cuttle

namespace cuttle {
namespace freshness_test {

TEST(NegativeCaching, ErrorsWithoutExplicitLifetimeLiveForNegativeTtlOnly) {
  auto r = fetched_at_t0();
  r.status = 404;
  r.last_modified = T0 - hours(10);  // no heuristic for errors, Last-Modified or not
  auto p = pattern({".", "60", "20%", "4320"});
  EXPECT_FALSE(evaluate_freshness(r, p, T0 + Seconds(1)).fresh);
  auto kept = evaluate_freshness(r, p, T0 + Seconds(29), Seconds(30));
  EXPECT_TRUE(kept.fresh);
  EXPECT_EQ(kept.rule, FreshnessRule::FreshNegativeTtl);
  EXPECT_FALSE(evaluate_freshness(r, p, T0 + Seconds(30), Seconds(30)).fresh);
}

TEST(NegativeCaching, ExplicitLifetimeOnAnErrorIsHonoured) {
  auto r = fetched_at_t0();
  r.status = 404;
  r.cache_control.max_age = 300;
  EXPECT_TRUE(evaluate_freshness(r, pattern({".", "0", "20%", "4320"}), T0 + Seconds(299)).fresh);
}

}  // namespace freshness_test
}  // namespace cuttle
