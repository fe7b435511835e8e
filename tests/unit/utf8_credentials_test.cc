// `utf8 on`: legacy credentials become UTF-8 as squid 5.7 converts them
// (src/auth/toUtf.cc), and text that is UTF-8 already is left alone.
#include "proxy/auth/basic_credentials.h"
#include "proxy/auth/utf8_credentials.h"

#include <gtest/gtest.h>

namespace cuttle::auth {
namespace utf8_credentials_test {

TEST(Utf8Credentials, Latin1AndWindows1251BecomeUtf8) {
  EXPECT_EQ(latin1_to_utf8("j\xFCrgen"), "j\xC3\xBCrgen");  // jürgen
  EXPECT_EQ(cp1251_to_utf8("\xC8\xE2\xE0\xED"), "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD");  // Иван
  EXPECT_EQ(cp1251_to_utf8("\x88"), "\xE2\x82\xAC") << "0x88 is the euro sign";
  EXPECT_EQ(cp1251_to_utf8("\x98"), "\xEF\xBF\xBD") << "0x98 is undefined: U+FFFD, as squid";
}

TEST(Utf8Credentials, OnlyWellFormedUtf8IsLeftAlone) {
  EXPECT_TRUE(is_valid_utf8("alice"));
  EXPECT_TRUE(is_valid_utf8("j\xC3\xBCrgen"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("j\xFCrgen"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF")) << "overlong";
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80")) << "a surrogate";
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80")) << "beyond U+10FFFF";
  EXPECT_FALSE(is_valid_utf8("\xE2\x82")) << "cut short";
  EXPECT_EQ(credentials_as_utf8("j\xC3\xBCrgen", "ru"), "j\xC3\xBCrgen");
}

TEST(Utf8Credentials, ACyrillicFirstLanguageMeansWindows1251AsSquid) {
  EXPECT_TRUE(prefers_cp1251("ru"));
  EXPECT_TRUE(prefers_cp1251("en_US1, uk-UA;q=0.8, en;q=0.5")) << "tags with digits are skipped";
  EXPECT_TRUE(prefers_cp1251("de, en, sr-Cyrl")) << "the first Cyrillic one counts, wherever it is";
  EXPECT_FALSE(prefers_cp1251("sr-Latn"));
  EXPECT_FALSE(prefers_cp1251("rux"));
  EXPECT_FALSE(prefers_cp1251("*, ru"));
  EXPECT_FALSE(prefers_cp1251(""));
  EXPECT_EQ(credentials_as_utf8("\xC8", "bg"), "\xD0\x98");
  EXPECT_EQ(credentials_as_utf8("\xC8", "de"), "\xC3\x88");
}

TEST(Utf8Credentials, BasicConvertsTheWholeTextBeforeSplittingIt) {
  // "j\xFCrgen:p\xE4ss" in base64
  auto c = decode_basic("Basic avxyZ2VuOnDkc3M=", true, true, "de");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "j\xC3\xBCrgen");
  EXPECT_EQ(c->password, "p\xC3\xA4ss");
  EXPECT_EQ(decode_basic("Basic avxyZ2VuOnDkc3M=", true)->user, "j\xFCrgen") << "utf8 off: the bytes as sent";
}

}  // namespace utf8_credentials_test
}  // namespace cuttle::auth
