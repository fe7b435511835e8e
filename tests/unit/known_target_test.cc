// known_absolute_target() remembers parses per thread; what it returns must be
// exactly what parsing the same bytes gives, hit or miss of the memo.
#include "proxy/server/known_target.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace known_target_test {

void expect_same_as_parsing(std::string_view text) {
  auto fresh = parse_absolute_target(text);
  for (int pass = 0; pass < 2; ++pass) {  // the second from the memo
    auto known = known_absolute_target(text);
    ASSERT_TRUE(known);
    ASSERT_EQ(known->parsed.target.has_value(), fresh.target.has_value()) << text;
    if (!fresh.target) {
      EXPECT_EQ(known->parsed.problem, fresh.problem) << text;
      EXPECT_EQ(known->url, "") << text;
      continue;
    }
    EXPECT_EQ(known->parsed.target->scheme, fresh.target->scheme);
    EXPECT_EQ(known->parsed.target->host, fresh.target->host);
    EXPECT_EQ(known->parsed.target->port, fresh.target->port);
    EXPECT_EQ(known->parsed.target->path, fresh.target->path);
    EXPECT_EQ(known->url, fresh.target->url()) << text;
  }
}

TEST(KnownTarget, MemoizedParsesEqualFreshOnes) {
  for (const char* t : {"http://Example.COM:8080/a?b", "http://example.com/a?b", "http://example.com:80/A",
                        "https://[::1]/x", "ftp://example.com/", "http://[::1]:80x/y", "not a url", ""})
    expect_same_as_parsing(t);
}

TEST(KnownTarget, TargetsDifferingOnlyInCaseOfThePathStayApart) {
  EXPECT_EQ(known_absolute_target("http://h/Path")->url, "http://h/Path");
  EXPECT_EQ(known_absolute_target("http://h/path")->url, "http://h/path");
  EXPECT_EQ(known_absolute_target("http://H/path")->url, "http://h/path");
}

TEST(KnownTarget, ManyDistinctTargetsStayCorrectWhenTheMemoEmptiesItself) {
  for (int i = 0; i < 10000; ++i) {
    const std::string t = "http://host" + std::to_string(i % 5000) + ".example/p" + std::to_string(i);
    ASSERT_EQ(known_absolute_target(t)->url, t);
  }
}

}  // namespace known_target_test
}  // namespace cuttle
