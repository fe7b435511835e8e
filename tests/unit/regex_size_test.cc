// expanded_regex_size() bounds what glibc's regcomp would build, so that a
// pathological pattern is refused with a clear error instead of taking gigabytes.
#include "proxy/config/posix_regex.h"
#include "proxy/config/regex_size.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace cuttle {
namespace regex_size_test {

TEST(RegexSize, EverydayPatternsAreSmall) {
  for (const char* p : {"^ftp:", "(/cgi-bin/|\\?)", ".", "\\.(jpg|png|gif)$", "[a-z]{2,5}\\.example\\.com",
                        "^https?://[^/]+/[0-9]{1,3}(\\.[0-9]{1,3}){3}", "[]a-]+x", "[[:alpha:]]+", "a{2,}"})
    EXPECT_LT(expanded_regex_size(p), 200u) << p;
}

TEST(RegexSize, RepetitionsMultiplyWhatTheyRepeat) {
  EXPECT_GT(expanded_regex_size("(ab){100}"), 100u * 3);
  EXPECT_GT(expanded_regex_size("((ab){10}){10}"), 100u * 3);
  EXPECT_GT(expanded_regex_size("a{1000,2000}"), 2000u);
  EXPECT_GT(expanded_regex_size("a{5,}"), 5u);
  // Each '+' doubles: 70 of them would be 2^70 copies; the estimate saturates.
  EXPECT_GT(expanded_regex_size("/cgi-bin/" + std::string(70, '+')), kMaxRegexSize);
  // '{' that does not open an interval is a literal, not a repetition.
  EXPECT_EQ(expanded_regex_size("a{b}c{,}d{"), expanded_regex_size("abcdefghij"));
}

TEST(RegexSize, PathologicalPatternsAreRefusedBeforeRegcomp) {
  // Found by the config_parser fuzzer: glibc's regcomp took over 2 GB for this.
  const std::string fuzzed = "(/cgi-bin/" + std::string(70, '+') + "|\\?)";
  for (const std::string& p : {fuzzed, std::string("(a*){20000}"), std::string("((a*){140}){140}")}) {
    try {
      PosixRegex r(p, false);
      ADD_FAILURE() << "accepted " << p;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("too complex"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(PosixRegex("(a*){1000}", false));  // large but bounded: still compiled
}

TEST(RegexSize, DeepNestingIsRefusedBeforeRegcompOverflowsItsStack) {
  // 20,000 levels crashed regcomp; 200,000 would overflow a recursive estimate too.
  const std::string deep = std::string(200000, '(') + "a" + std::string(200000, ')');
  EXPECT_GT(expanded_regex_size(deep), kMaxRegexSize);
  EXPECT_THROW(PosixRegex(deep, false), std::invalid_argument);
  const std::string shallow = std::string(50, '(') + "a" + std::string(50, ')');
  EXPECT_LT(expanded_regex_size(shallow), kMaxRegexSize);
  EXPECT_NO_THROW(PosixRegex(shallow, false));
}

}  // namespace regex_size_test
}  // namespace cuttle
