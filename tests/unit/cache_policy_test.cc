// may_store: which replies a shared cache may keep (RFC 9111 §3), with Squid's
// negative caching of errors.
#include "proxy/cache/cache_policy.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace cache_policy_test {

const RefreshPattern& plain() {
  static RefreshPattern p = make_refresh_pattern({".", "0", "20%", "4320"});
  return p;
}

http::fields fields(std::initializer_list<std::pair<http::field, const char*>> list) {
  http::fields f;
  for (auto& [name, value] : list) f.insert(name, value);
  return f;
}

TEST(MayStore, RequestNoStoreKeepsTheReplyOutOfTheCache) {
  auto reply = fields({{http::field::cache_control, "max-age=60"}});
  EXPECT_TRUE(may_store("GET", fields({}), 200, reply, plain()).store);
  EXPECT_FALSE(may_store("GET", fields({{http::field::cache_control, "no-store"}}), 200, reply, plain()).store);
  auto ignoring = make_refresh_pattern({".", "0", "20%", "4320", "ignore-no-store"});
  EXPECT_TRUE(may_store("GET", fields({{http::field::cache_control, "no-store"}}), 200, reply, ignoring).store);
}

TEST(MayStore, ErrorsNeedAnExplicitLifetimeOrNegativeTtl) {
  EXPECT_FALSE(may_store("GET", fields({}), 404, fields({}), plain()).store);
  EXPECT_TRUE(may_store("GET", fields({}), 404, fields({}), plain(), Seconds(30)).store);
  EXPECT_TRUE(may_store("GET", fields({}), 503, fields({{http::field::cache_control, "max-age=5"}}), plain()).store);
}

TEST(MayStore, TemporaryRedirectsOnlyWithAnExplicitLifetime) {
  EXPECT_FALSE(may_store("GET", fields({}), 302, fields({}), plain()).store);
  EXPECT_TRUE(may_store("GET", fields({}), 302, fields({{http::field::cache_control, "max-age=60"}}), plain()).store);
}

TEST(MayStore, PartialContentAndUnsafeMethodsAreNotStored) {
  auto reply = fields({{http::field::cache_control, "max-age=60"}});
  EXPECT_FALSE(may_store("GET", fields({}), 206, reply, plain()).store);
  EXPECT_FALSE(may_store("POST", fields({}), 200, reply, plain()).store);
}

TEST(MayStore, AuthorizationNeedsPublicMustRevalidateOrSMaxAge) {
  auto auth = fields({{http::field::authorization, "Basic eDp5"}});
  EXPECT_FALSE(may_store("GET", auth, 200, fields({{http::field::cache_control, "max-age=60"}}), plain()).store);
  EXPECT_TRUE(may_store("GET", auth, 200, fields({{http::field::cache_control, "public, max-age=60"}}), plain()).store);
  EXPECT_TRUE(may_store("GET", auth, 200, fields({{http::field::cache_control, "s-maxage=60"}}), plain()).store);
}

}  // namespace cache_policy_test
}  // namespace cuttle
