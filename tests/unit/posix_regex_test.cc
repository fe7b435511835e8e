// POSIX extended regular expressions as Squid compiles them (REG_EXTENDED | REG_NOSUB).
#include "proxy/config/posix_regex.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace cuttle {
namespace posix_regex_test {

TEST(PosixRegex, SearchesAnywhereUnlessAnchored) {
  PosixRegex cgi("(/cgi-bin/|\\?)", false);
  EXPECT_TRUE(cgi.search("http://example.com/cgi-bin/x"));
  EXPECT_TRUE(cgi.search("http://example.com/a?b=1"));
  EXPECT_FALSE(cgi.search("http://example.com/a"));
  PosixRegex ftp("^ftp:", false);
  EXPECT_TRUE(ftp.search("ftp://example.com/"));
  EXPECT_FALSE(ftp.search("http://example.com/ftp:"));
}

TEST(PosixRegex, CaseInsensitiveOnlyWhenAsked) {
  EXPECT_FALSE(PosixRegex("\\.GIF$", false).search("http://e.com/a.gif"));
  EXPECT_TRUE(PosixRegex("\\.GIF$", true).search("http://e.com/a.gif"));
}

TEST(PosixRegex, BracketClassesArePosixOnes) {
  EXPECT_TRUE(PosixRegex("/v[[:digit:]]+/", false).search("http://e.com/v12/x"));
  EXPECT_FALSE(PosixRegex("/v[[:digit:]]+/", false).search("http://e.com/vx/x"));
}

TEST(PosixRegex, InvalidPatternIsAnErrorWithTheLibrarysWords) {
  try {
    PosixRegex bad("(unclosed", false);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_FALSE(std::string(e.what()).empty());
  }
}

}  // namespace posix_regex_test
}  // namespace cuttle
