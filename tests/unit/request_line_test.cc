// The request rules applied before forwarding: the version of a refused request
// line (505 or 400), Expect (417 unless only 100-continue), Max-Forwards.
#include "proxy/http/request_line.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace request_line_test {

TEST(RequestLineVersion, TheMajorVersionOfAWellFormedLineIsRead) {
  EXPECT_EQ(request_line_major_version("GET http://h/ HTTP/2.0\r\nHost: h\r\n\r\n"), 2);
  EXPECT_EQ(request_line_major_version("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 2);
  EXPECT_EQ(request_line_major_version("GET / HTTP/0.9\n"), 0);
  EXPECT_EQ(request_line_major_version("GET / HTTP/1.2\r\n"), 1);
  EXPECT_EQ(request_line_major_version("GET / HTTP/3.1"), 3);
}

TEST(RequestLineVersion, AnythingElseIsNotAVersion) {
  EXPECT_EQ(request_line_major_version("GET / HTTP/10.0\r\n"), std::nullopt);
  EXPECT_EQ(request_line_major_version("GET / http/2.0\r\n"), std::nullopt);
  EXPECT_EQ(request_line_major_version("GET / HTTP/2\r\n"), std::nullopt);
  EXPECT_EQ(request_line_major_version("GET /\r\n"), std::nullopt);
  EXPECT_EQ(request_line_major_version(""), std::nullopt);
  EXPECT_EQ(request_line_major_version("GET / HTTP/x.0\r\n"), std::nullopt);
}

http::fields with(std::initializer_list<std::pair<const char*, const char*>> list) {
  http::fields f;
  for (auto& [name, value] : list) f.insert(name, value);
  return f;
}

TEST(Expectations, OnlyOneHundredContinueIsSupported) {
  EXPECT_FALSE(has_unsupported_expectation(with({})));
  EXPECT_FALSE(has_unsupported_expectation(with({{"Expect", "100-continue"}})));
  EXPECT_FALSE(has_unsupported_expectation(with({{"Expect", " 100-Continue "}})));
  EXPECT_TRUE(has_unsupported_expectation(with({{"Expect", "foo"}})));
  EXPECT_TRUE(has_unsupported_expectation(with({{"Expect", "100-continue, foo"}})));
  EXPECT_TRUE(has_unsupported_expectation(with({{"Expect", "100-continue"}, {"Expect", "bar=1"}})));
  EXPECT_TRUE(has_unsupported_expectation(with({{"Expect", ""}})));
  EXPECT_TRUE(has_unsupported_expectation(with({{"Expect", "100-continue;x=1"}})));
}

TEST(MaxForwards, CountsOnlyForTraceAndOptions) {
  auto zero = with({{"Max-Forwards", "0"}});
  EXPECT_EQ(max_forwards(http::verb::trace, zero), 0u);
  EXPECT_EQ(max_forwards(http::verb::options, zero), 0u);
  EXPECT_EQ(max_forwards(http::verb::get, zero), std::nullopt);
  EXPECT_EQ(max_forwards(http::verb::options, with({{"Max-Forwards", " 7 "}})), 7u);
  EXPECT_EQ(max_forwards(http::verb::options, with({})), std::nullopt);
  EXPECT_EQ(max_forwards(http::verb::trace, with({{"Max-Forwards", "-1"}})), std::nullopt);
  EXPECT_EQ(max_forwards(http::verb::trace, with({{"Max-Forwards", "1x"}})), std::nullopt);
  EXPECT_EQ(max_forwards(http::verb::trace, with({{"Max-Forwards", ""}})), std::nullopt);
  EXPECT_EQ(max_forwards(http::verb::trace, with({{"Max-Forwards", "99999999999999999999999"}})), std::nullopt);
}

}  // namespace request_line_test
}  // namespace cuttle
