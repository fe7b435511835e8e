// Client conditionals evaluated against a stored response (RFC 9110 §13,
// RFC 9111 §4.3.2), entity-tag comparison, and the 304 header update (§3.2).
#include "proxy/cache/client_conditionals.h"
#include "proxy/cache/not_modified_update.h"
#include "proxy/http/entity_tag.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace client_conditionals_test {

const Clock::time_point Received = Clock::from_time_t(1700000000);

http::fields stored_response() {
  http::fields f;
  f.set(http::field::etag, "\"v1\"");
  f.set(http::field::last_modified, "Tue, 14 Nov 2023 22:00:00 GMT");
  f.set(http::field::date, "Tue, 14 Nov 2023 22:13:20 GMT");
  f.set(http::field::content_length, "5");
  f.set(http::field::cache_control, "max-age=60");
  return f;
}

http::fields req(std::initializer_list<std::pair<http::field, const char*>> fields) {
  http::fields f;
  for (auto& [name, value] : fields) f.set(name, value);
  return f;
}

TEST(EntityTag, WeakComparisonIgnoresTheWeakFlagStrongDoesNot) {
  EXPECT_TRUE(weak_etag_match("W/\"a\"", "\"a\""));
  EXPECT_FALSE(strong_etag_match("W/\"a\"", "\"a\""));
  EXPECT_TRUE(strong_etag_match("\"a\"", "\"a\""));
  EXPECT_FALSE(weak_etag_match("\"a\"", "\"b\""));
  EXPECT_TRUE(etag_list_matches("\"x\", W/\"a\"", "\"a\"", true));
  EXPECT_FALSE(etag_list_matches("\"x\", W/\"a\"", "\"a\"", false));
  EXPECT_TRUE(etag_list_matches("*", "\"a\"", true));
  EXPECT_TRUE(etag_list_matches("\"a,b\"", "\"a,b\"", true));  // a comma inside the tag
}

TEST(ClientConditionals, IfNoneMatchWithTheStoredTagIs304) {
  EXPECT_EQ(evaluate_client_conditionals(req({{http::field::if_none_match, "W/\"v1\""}}), stored_response(), Received),
            ClientConditional::NotModified);
  EXPECT_EQ(evaluate_client_conditionals(req({{http::field::if_none_match, "\"v0\""}}), stored_response(), Received),
            ClientConditional::Modified);
}

TEST(ClientConditionals, IfNoneMatchOverridesIfModifiedSince) {
  auto r = req({{http::field::if_none_match, "\"v0\""}, {http::field::if_modified_since, "Wed, 15 Nov 2023 00:00:00 GMT"}});
  EXPECT_EQ(evaluate_client_conditionals(r, stored_response(), Received), ClientConditional::Modified);
}

TEST(ClientConditionals, IfModifiedSinceComparesWithLastModified) {
  EXPECT_EQ(evaluate_client_conditionals(req({{http::field::if_modified_since, "Tue, 14 Nov 2023 22:00:00 GMT"}}),
                                         stored_response(), Received),
            ClientConditional::NotModified);
  EXPECT_EQ(evaluate_client_conditionals(req({{http::field::if_modified_since, "Tue, 14 Nov 2023 21:59:59 GMT"}}),
                                         stored_response(), Received),
            ClientConditional::Modified);
}

TEST(ClientConditionals, IfModifiedSinceFallsBackToDateWithoutLastModified) {
  auto stored = stored_response();
  stored.erase(http::field::last_modified);
  EXPECT_EQ(evaluate_client_conditionals(req({{http::field::if_modified_since, "Tue, 14 Nov 2023 22:13:20 GMT"}}),
                                         stored, Received),
            ClientConditional::NotModified);
}

TEST(ClientConditionals, InvalidDateIsIgnoredAndIfMatchIsLeftToTheOrigin) {
  EXPECT_EQ(evaluate_client_conditionals(req({{http::field::if_modified_since, "yesterday"}}), stored_response(), Received),
            ClientConditional::None);
  EXPECT_EQ(evaluate_client_conditionals(req({{http::field::if_match, "\"v1\""}}), stored_response(), Received),
            ClientConditional::ForOrigin);
}

TEST(ClientConditionals, IfRangeNeedsAStrongMatch) {
  EXPECT_TRUE(if_range_permits(req({}), stored_response()));
  EXPECT_TRUE(if_range_permits(req({{http::field::if_range, "\"v1\""}}), stored_response()));
  EXPECT_FALSE(if_range_permits(req({{http::field::if_range, "W/\"v1\""}}), stored_response()));
  EXPECT_FALSE(if_range_permits(req({{http::field::if_range, "\"v2\""}}), stored_response()));
  EXPECT_TRUE(if_range_permits(req({{http::field::if_range, "Tue, 14 Nov 2023 22:00:00 GMT"}}), stored_response()));
  EXPECT_FALSE(if_range_permits(req({{http::field::if_range, "Tue, 14 Nov 2023 22:00:01 GMT"}}), stored_response()));
}

TEST(ClientConditionals, NotModifiedCarriesValidatorsAndCachingFieldsOnly) {
  auto f = not_modified_fields(stored_response());
  EXPECT_EQ(f[http::field::etag], "\"v1\"");
  EXPECT_EQ(f[http::field::cache_control], "max-age=60");
  EXPECT_EQ(f.count(http::field::content_length), 0u);
}

TEST(NotModifiedUpdate, ReplacesFieldsButNeverTheBodyDescription) {
  auto stored = stored_response();
  stored.insert(http::field::cache_control, "public");
  http::fields nm;
  nm.set(http::field::cache_control, "max-age=600");
  nm.set(http::field::date, "Wed, 15 Nov 2023 00:00:00 GMT");
  nm.set(http::field::content_length, "0");
  nm.set("X-New", "1");
  apply_not_modified(stored, nm);
  EXPECT_EQ(stored.count(http::field::cache_control), 1u);
  EXPECT_EQ(stored[http::field::cache_control], "max-age=600");
  EXPECT_EQ(stored[http::field::date], "Wed, 15 Nov 2023 00:00:00 GMT");
  EXPECT_EQ(stored[http::field::content_length], "5");
  EXPECT_EQ(stored["X-New"], "1");
  EXPECT_EQ(stored[http::field::etag], "\"v1\"");
}

}  // namespace client_conditionals_test
}  // namespace cuttle
