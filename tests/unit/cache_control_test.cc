#include "proxy/cache/cache_control.h"
#include "proxy/http/http_date.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace cache_control_test {

TEST(CacheControl, ReadsDirectivesCaseInsensitivelyWithArguments) {
  auto cc = parse_cache_control("Public, MAX-AGE=60, s-maxage=\"120\", must-revalidate, x-unknown=1");
  EXPECT_TRUE(cc.is_public);
  EXPECT_EQ(cc.max_age, 60);
  EXPECT_EQ(cc.s_maxage, 120);
  EXPECT_TRUE(cc.must_revalidate);
  EXPECT_FALSE(cc.no_store);
}

TEST(CacheControl, QualifiedNoCacheAndPrivateCountAsUnqualified) {
  auto cc = parse_cache_control("private=\"set-cookie, x-a\", no-cache=\"x-b\"");
  EXPECT_TRUE(cc.is_private);
  EXPECT_TRUE(cc.no_cache);
  EXPECT_FALSE(cc.max_age);  // the comma inside quotes did not start a directive
}

TEST(CacheControl, InvalidMaxAgeMeansStale) {
  EXPECT_EQ(parse_cache_control("max-age=soon").max_age, 0);
  EXPECT_EQ(parse_cache_control("max-age=-5").max_age, 0);
}

TEST(CacheControl, HugeDeltaSecondsSaturate) {
  EXPECT_EQ(parse_cache_control("max-age=99999999999999999999").max_age, 2147483648);
}

TEST(CacheControl, MaxStaleWithAndWithoutValue) {
  auto any = parse_cache_control("max-stale");
  EXPECT_TRUE(any.max_stale);
  EXPECT_FALSE(any.max_stale_value);
  auto bounded = parse_cache_control("max-stale=30, min-fresh=5, only-if-cached");
  EXPECT_EQ(bounded.max_stale_value, 30);
  EXPECT_EQ(bounded.min_fresh, 5);
  EXPECT_TRUE(bounded.only_if_cached);
}

TEST(HttpDate, ParsesTheThreeFormsToTheSameInstant) {
  auto imf = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  auto rfc850 = parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT");
  auto asctime = parse_http_date("Sun Nov  6 08:49:37 1994");
  ASSERT_TRUE(imf);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*imf), 784111777);
  EXPECT_EQ(rfc850, imf);
  EXPECT_EQ(asctime, imf);
}

TEST(HttpDate, RoundTripsWithTheFormatter) {
  auto t = std::chrono::system_clock::from_time_t(1795607811);
  EXPECT_EQ(parse_http_date(http_date(t)), t);
}

TEST(HttpDate, FixdatesRoundTripAcrossCenturiesAndLeapDays) {
  // Every ~37 days and an odd number of seconds from 1970 to 2100.
  for (int64_t t = 0; t < 4102444800; t += 37 * 86400 + 3671) {
    auto when = std::chrono::system_clock::from_time_t(t);
    ASSERT_EQ(parse_http_date(http_date(when)), when) << http_date(when);
  }
  auto leap = parse_http_date("Thu, 29 Feb 1996 12:00:00 GMT");
  ASSERT_TRUE(leap);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*leap), 825595200);
}

TEST(HttpDate, DatesBeyondTheClockReadAsItsLatestSafeInstant) {
  // system_clock ends in 2262: "never expires" dates must not wrap into the past.
  auto latest = parse_http_date("Wed, 01 Jan 2200 00:00:00 GMT");
  ASSERT_TRUE(latest);
  for (auto text : {"Fri, 31 Dec 9999 23:59:59 GMT", "Fri Dec 31 23:59:59 9999", "Sat, 31 Dec 2271 23:59:59 GMT"})
    EXPECT_EQ(parse_http_date(text), latest) << text;
  EXPECT_LT(*parse_http_date("Tue, 31 Dec 2199 23:59:59 GMT"), *latest);
}

TEST(HttpDate, RejectsGarbageAndImpossibleDates) {
  EXPECT_FALSE(parse_http_date(""));
  EXPECT_FALSE(parse_http_date("0"));
  EXPECT_FALSE(parse_http_date("-1"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:4x:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 0x Nov 1994 08:49:37 GMT"));
}

}  // namespace cache_control_test
}  // namespace cuttle
