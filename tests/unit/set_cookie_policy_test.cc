// Set-Cookie in the shared cache: kept out unless cache_set_cookie is on, and
// then never kept where Cache-Control names it in no-cache="…" or private="…".
#include "proxy/cache/cache_control.h"
#include "proxy/cache/cache_policy.h"
#include "proxy/config/config_parser.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace set_cookie_policy_test {

const RefreshPattern& plain() {
  static RefreshPattern p = make_refresh_pattern({".", "0", "20%", "4320"});
  return p;
}

http::fields reply_with_cookie(const char* cache_control) {
  http::fields f;
  f.set(http::field::cache_control, cache_control);
  f.set(http::field::set_cookie, "s=1");
  return f;
}

TEST(MayStore, SetCookieIsStoredOnlyWithCacheSetCookie) {
  const auto reply = reply_with_cookie("max-age=60");
  EXPECT_FALSE(may_store("GET", {}, 200, reply, plain()).store);
  EXPECT_TRUE(may_store("GET", {}, 200, reply, plain(), Seconds(0), true).store);
  EXPECT_FALSE(may_store("GET", {}, 200, reply_with_cookie("max-age=60, private"), plain(), Seconds(0), true).store);
}

TEST(CacheControl, QualifiedNoCacheAndPrivateListTheirFieldNames) {
  auto cc = parse_cache_control("no-cache=\"Set-Cookie, X-Other\", private=\"SET-COOKIE\", max-age=5");
  EXPECT_TRUE(cc.no_cache);
  EXPECT_TRUE(cc.is_private);
  EXPECT_EQ(cc.no_cache_fields, (std::vector<std::string>{"set-cookie", "x-other"}));
  EXPECT_EQ(cc.private_fields, (std::vector<std::string>{"set-cookie"}));
  EXPECT_EQ(cc.max_age, 5);
  EXPECT_TRUE(parse_cache_control("no-cache").no_cache_fields.empty());
}

TEST(DropFieldsNotToKeep, ASetCookieNamedByNoCacheOrPrivateIsNotKept) {
  for (const char* cc : {"max-age=60, no-cache=\"Set-Cookie\"", "max-age=60, private=\"set-cookie\""}) {
    auto reply = reply_with_cookie(cc);
    drop_fields_not_to_keep(reply);
    EXPECT_EQ(reply.count(http::field::set_cookie), 0u) << cc;
  }
  auto reply = reply_with_cookie("max-age=60, no-cache=\"X-Other\"");
  drop_fields_not_to_keep(reply);
  EXPECT_EQ(reply[http::field::set_cookie], "s=1");
}

TEST(ConfigParser, CacheSetCookieIsOffUnlessTurnedOn) {
  EXPECT_FALSE(load_config_text("http_port 3128\n", "test.conf").config->cache_set_cookie);
  EXPECT_TRUE(load_config_text("http_port 3128\ncache_set_cookie on\n", "test.conf").config->cache_set_cookie);
  EXPECT_THROW(load_config_text("http_port 3128\ncache_set_cookie maybe\n", "test.conf"), std::exception);
}

}  // namespace set_cookie_policy_test
}  // namespace cuttle
