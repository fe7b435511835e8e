// An Age field a cache cannot trust never extends a stored response's life
// (RFC 9111 §5.1, §4.2.3): how the field is read, and what freshness and the
// cache-use decision make of an untrusted one.
#include "proxy/cache/age_field.h"
#include "proxy/cache/cache_policy.h"
#include "proxy/cache/cache_use.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace age_field_test {

using std::chrono::seconds;

TEST(AgeField, AbsentIsTrustedAndHasNoValue) {
  const auto age = read_age_field({});
  EXPECT_TRUE(age.trusted);
  EXPECT_FALSE(age.value);
}

TEST(AgeField, OneNonNegativeIntegerIsTrusted) {
  for (auto [line, value] : {std::pair{"0", 0}, {"1800", 1800}, {" 42 ", 42}, {"007", 7}}) {
    const auto age = read_age_field({line});
    EXPECT_TRUE(age.trusted) << line;
    EXPECT_EQ(age.value, seconds(value)) << line;
  }
}

TEST(AgeField, TextSignsFractionsAndEmptyValuesAreNotTrusted) {
  for (const char* line : {"abc", "-5", "+5", "12abc", "1.5", "", "0x10", "1 2"}) {
    EXPECT_FALSE(read_age_field({line}).trusted) << line;
  }
  EXPECT_EQ(read_age_field({"-5"}).value, std::nullopt);
}

TEST(AgeField, AListOrSeveralLinesAreNotTrustedAndTheLargestValueCounts) {
  auto list = read_age_field({"0, 0"});
  EXPECT_FALSE(list.trusted);
  EXPECT_EQ(list.value, seconds(0));
  auto lines = read_age_field({"0", "3600"});
  EXPECT_FALSE(lines.trusted);
  EXPECT_EQ(lines.value, seconds(3600));
  auto twice = read_age_field({"3600", "3600"});
  EXPECT_FALSE(twice.trusted);
  EXPECT_EQ(twice.value, seconds(3600));
  EXPECT_EQ(read_age_field({"10, abc, 20"}).value, seconds(20));
  EXPECT_FALSE(read_age_field({"7,"}).trusted);
}

TEST(AgeField, ValuesTooLargeSaturateAt2To31) {
  EXPECT_EQ(read_age_field({"2147483648"}).value, seconds(2147483648));
  EXPECT_EQ(read_age_field({"99999999999999999999999"}).value, seconds(2147483648));
  EXPECT_TRUE(read_age_field({"99999999999999999999999"}).trusted);
}

const Clock::time_point T0 = Clock::from_time_t(1700000000);

ResponseTiming timing(std::initializer_list<const char*> age_lines) {
  http::fields response;
  response.set(http::field::cache_control, "max-age=3600");
  for (const char* line : age_lines) response.insert(http::field::age, line);
  return timing_from_headers(response, 200, T0, T0);
}

const RefreshPattern& plain() {
  static RefreshPattern p = make_refresh_pattern({".", "0", "20%", "4320"});
  return p;
}

TEST(Freshness, EveryAgeLineIsReadAndAnUntrustedOneMakesTheResponseStale) {
  EXPECT_TRUE(evaluate_freshness(timing({"0"}), plain(), T0).fresh);
  EXPECT_TRUE(evaluate_freshness(timing({"1800"}), plain(), T0).fresh);
  for (auto lines : {timing({"abc"}), timing({"-5"}), timing({"0, 0"}), timing({"0", "3600"}), timing({"0", "0"})}) {
    const auto d = evaluate_freshness(lines, plain(), T0);
    EXPECT_FALSE(d.fresh);
    EXPECT_EQ(d.rule, FreshnessRule::StaleUntrustedAge);
  }
  const auto two = timing({"0", "3600"});
  EXPECT_EQ(two.age_header, seconds(3600));
  EXPECT_EQ(evaluate_freshness(two, plain(), T0).age, seconds(3600)) << "the larger value counts";
}

TEST(CacheUse, AnUntrustedAgeIsRevalidatedEvenWithinMaxStaleOrStaleWhileRevalidate) {
  http::fields response;
  response.set(http::field::cache_control, "max-age=3600, stale-while-revalidate=600");
  response.set(http::field::age, "abc");
  StoredState s;
  s.freshness = evaluate_freshness(timing_from_headers(response, 200, T0, T0), plain(), T0);
  s.cache_control = parse_cache_control(response[http::field::cache_control]);
  s.has_validator = true;
  http::fields max_stale;
  max_stale.set(http::field::cache_control, "max-stale");
  EXPECT_EQ(choose_cache_use(s, client_directives(max_stale), plain()).use, CacheUse::Revalidate);
  EXPECT_EQ(choose_cache_use(s, client_directives({}), plain()).use, CacheUse::Revalidate);
}

}  // namespace age_field_test
}  // namespace cuttle
