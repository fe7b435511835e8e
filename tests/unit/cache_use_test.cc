// choose_cache_use and may_serve_stale_on_error, case by case: RFC 9111 §4 and
// §5.2.1 request directives, RFC 5861 stale extensions, Squid's reload options.
#include "proxy/cache/cache_use.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace cache_use_test {

// A stored response `age` seconds old that is fresh for `lifetime` seconds.
StoredState stored(int64_t age, int64_t lifetime, bool validator = true) {
  StoredState s;
  s.freshness.age = Seconds(age);
  s.freshness.lifetime = Seconds(lifetime);
  s.freshness.fresh = age < lifetime;
  s.has_validator = validator;
  return s;
}

ClientDirectives request(const std::string& cache_control) {
  http::fields f;
  if (!cache_control.empty()) f.set(http::field::cache_control, cache_control);
  return client_directives(f);
}

const RefreshPattern& plain() {
  static RefreshPattern p = make_refresh_pattern({".", "0", "20%", "4320"});
  return p;
}

CacheUse use(std::optional<StoredState> s, const ClientDirectives& c, const RefreshPattern& p = plain()) {
  return choose_cache_use(s, c, p).use;
}

TEST(CacheUse, NothingStoredIsAMissOrA504ForOnlyIfCached) {
  EXPECT_EQ(use(std::nullopt, request("")), CacheUse::Miss);
  EXPECT_EQ(use(std::nullopt, request("only-if-cached")), CacheUse::OnlyIfCachedMiss);
}

TEST(CacheUse, FreshIsAHitStaleWithValidatorIsRevalidatedWithoutIsRefetched) {
  EXPECT_EQ(use(stored(10, 60), request("")), CacheUse::Hit);
  EXPECT_EQ(use(stored(60, 60), request("")), CacheUse::Revalidate);
  EXPECT_EQ(use(stored(60, 60, false), request("")), CacheUse::Miss);
}

TEST(CacheUse, ClientNoCacheAndPragmaForceAReload) {
  EXPECT_EQ(use(stored(10, 60), request("no-cache")), CacheUse::ClientRefresh);
  http::fields pragma;
  pragma.set(http::field::pragma, "no-cache");
  EXPECT_EQ(use(stored(10, 60), client_directives(pragma)), CacheUse::ClientRefresh);
  // Cache-Control present: Pragma is ignored (RFC 9111 §5.4).
  pragma.set(http::field::cache_control, "max-age=100");
  EXPECT_EQ(use(stored(10, 60), client_directives(pragma)), CacheUse::Hit);
}

TEST(CacheUse, ReloadIntoImsTurnsAReloadIntoARevalidation) {
  auto p = make_refresh_pattern({".", "0", "20%", "4320", "reload-into-ims"});
  EXPECT_EQ(use(stored(10, 60), request("no-cache"), p), CacheUse::Revalidate);
  EXPECT_EQ(use(stored(10, 60, false), request("no-cache"), p), CacheUse::ClientRefresh);
}

TEST(CacheUse, IgnoreReloadServesTheFreshCopyDespiteNoCache) {
  auto p = make_refresh_pattern({".", "0", "20%", "4320", "ignore-reload"});
  EXPECT_EQ(use(stored(10, 60), request("no-cache"), p), CacheUse::Hit);
}

TEST(CacheUse, RefreshImsRevalidatesAFreshCopyWhenTheClientSendsIfModifiedSince) {
  auto p = make_refresh_pattern({".", "0", "20%", "4320", "refresh-ims"});
  http::fields ims;
  ims.set(http::field::if_modified_since, "Tue, 14 Nov 2023 22:00:00 GMT");
  EXPECT_EQ(use(stored(10, 60), client_directives(ims), p), CacheUse::Revalidate);
  EXPECT_EQ(use(stored(10, 60), client_directives(ims)), CacheUse::Hit);  // without the option
  EXPECT_EQ(use(stored(10, 60), request(""), p), CacheUse::Hit);
}

TEST(CacheUse, ClientMaxAgeRejectsOlderCopies) {
  EXPECT_EQ(use(stored(30, 60), request("max-age=40")), CacheUse::Hit);
  EXPECT_EQ(use(stored(30, 60), request("max-age=20")), CacheUse::Revalidate);
  EXPECT_EQ(use(stored(0, 60), request("max-age=0")), CacheUse::Revalidate);  // Squid: zero always revalidates
  auto immutable = stored(30, 60);
  immutable.cache_control.immutable = true;
  EXPECT_EQ(use(immutable, request("max-age=0")), CacheUse::Hit);
}

TEST(CacheUse, MinFreshNeedsThatMuchLifetimeLeft) {
  EXPECT_EQ(use(stored(30, 60), request("min-fresh=30")), CacheUse::Hit);
  EXPECT_EQ(use(stored(30, 60), request("min-fresh=31")), CacheUse::Revalidate);
}

TEST(CacheUse, MaxStaleAcceptsStaleCopiesUpToItsValue) {
  EXPECT_EQ(use(stored(100, 60), request("max-stale")), CacheUse::Hit);
  EXPECT_EQ(use(stored(100, 60), request("max-stale=40")), CacheUse::Hit);
  EXPECT_EQ(use(stored(100, 60), request("max-stale=39")), CacheUse::Revalidate);
}

TEST(CacheUse, MustRevalidateAndSMaxAgeForbidServingStaleEvenToMaxStale) {
  auto s = stored(100, 60);
  s.cache_control.must_revalidate = true;
  EXPECT_EQ(use(s, request("max-stale")), CacheUse::Revalidate);
  s = stored(100, 60);
  s.cache_control.s_maxage = 60;
  EXPECT_EQ(use(s, request("max-stale")), CacheUse::Revalidate);
}

TEST(CacheUse, StoredNoCacheIsRevalidatedEvenWhenFresh) {
  auto s = stored(1, 60);
  s.cache_control.no_cache = true;
  EXPECT_EQ(use(s, request("")), CacheUse::Revalidate);
}

TEST(CacheUse, StaleWhileRevalidateServesStaleInsideItsWindowOnly) {
  auto s = stored(70, 60);
  s.cache_control.stale_while_revalidate = 30;
  EXPECT_EQ(use(s, request("")), CacheUse::HitWhileRevalidating);
  s = stored(91, 60);
  s.cache_control.stale_while_revalidate = 30;
  EXPECT_EQ(use(s, request("")), CacheUse::Revalidate);
}

TEST(CacheUse, OnlyIfCachedNeverGoesToTheOrigin) {
  EXPECT_EQ(use(stored(10, 60), request("only-if-cached")), CacheUse::Hit);
  EXPECT_EQ(use(stored(100, 60), request("only-if-cached")), CacheUse::OnlyIfCachedMiss);
  EXPECT_EQ(use(stored(100, 60), request("only-if-cached, max-stale")), CacheUse::Hit);
  EXPECT_EQ(use(stored(10, 60), request("only-if-cached, no-cache")), CacheUse::Hit);
}

TEST(StaleOnError, StaleIfErrorWindowFromResponseOrRequest) {
  auto s = stored(100, 60);  // 40 s stale
  EXPECT_FALSE(may_serve_stale_on_error(s, request(""), plain()));
  s.cache_control.stale_if_error = 40;
  EXPECT_TRUE(may_serve_stale_on_error(s, request(""), plain()));
  s.cache_control.stale_if_error = 39;
  EXPECT_FALSE(may_serve_stale_on_error(s, request(""), plain()));
  EXPECT_TRUE(may_serve_stale_on_error(s, request("stale-if-error=60"), plain()));
}

TEST(StaleOnError, RefreshPatternMaxStaleIsTheAdminsPermission) {
  auto s = stored(100, 60);
  EXPECT_TRUE(may_serve_stale_on_error(s, request(""), make_refresh_pattern({".", "0", "20%", "4320", "max-stale=40"})));
  EXPECT_FALSE(may_serve_stale_on_error(s, request(""), make_refresh_pattern({".", "0", "20%", "4320", "max-stale=39"})));
}

TEST(StaleOnError, NeverPastMustRevalidate) {
  auto s = stored(100, 60);
  s.cache_control.stale_if_error = 1000;
  s.cache_control.must_revalidate = true;
  EXPECT_FALSE(may_serve_stale_on_error(s, request("stale-if-error=1000"), plain()));
  s.cache_control.must_revalidate = false;
  s.cache_control.proxy_revalidate = true;
  EXPECT_FALSE(may_serve_stale_on_error(s, request(""), plain()));
}

}  // namespace cache_use_test
}  // namespace cuttle
