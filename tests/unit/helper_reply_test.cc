// Helper replies read as Squid 5.7 reads them (src/helper/Reply.cc), and the
// %-escaping Squid applies to helper requests (lib/rfc1738.c).
#include "proxy/helpers/helper_reply.h"
#include "proxy/log/url_escape.h"

#include <gtest/gtest.h>

namespace cuttle::helpers {
namespace helper_reply_test {

using Notes = std::vector<std::pair<std::string, std::string>>;

TEST(HelperReply, ResultCodesStandAloneOrBeforeABlank) {
  EXPECT_EQ(parse_helper_reply("OK").result, HelperResult::Ok);
  EXPECT_EQ(parse_helper_reply("ERR").result, HelperResult::Error);
  EXPECT_EQ(parse_helper_reply("BH").result, HelperResult::BrokenHelper);
  EXPECT_EQ(parse_helper_reply("OK user=a").result, HelperResult::Ok);
  // A word that only starts with a code is not one.
  auto okay = parse_helper_reply("OKAY");
  EXPECT_EQ(okay.result, HelperResult::Unknown);
  EXPECT_EQ(okay.other, "OKAY");
}

TEST(HelperReply, AnEmptyLineIsTheOldRewritersErr) {
  EXPECT_EQ(parse_helper_reply("").result, HelperResult::Error);
}

TEST(HelperReply, KeyValuePairsInOrderWithRepeatsUnquotedValuesPercentDecoded) {
  auto reply = parse_helper_reply("OK user=J%20Doe tag=a tag=b message=\"two words \\\"quoted\\\"\"");
  EXPECT_EQ(reply.notes, (Notes{{"user", "J Doe"}, {"tag", "a"}, {"tag", "b"}, {"message", "two words \"quoted\""}}));
  EXPECT_EQ(reply.note("tag"), "a");
  EXPECT_EQ(reply.note("log"), std::nullopt);
  EXPECT_EQ(reply.other, "");
}

TEST(HelperReply, QuotedValuesAreNotPercentDecodedAndKnowNewlineEscapes) {
  auto reply = parse_helper_reply(R"(ERR message="50%25 off\nnow")");
  EXPECT_EQ(reply.note("message"), "50%25 off\nnow");
}

TEST(HelperReply, TextThatIsNotAKeyValuePairEndsThemAndIsKeptAsOther) {
  auto reply = parse_helper_reply("OK a=1 not a pair b=2");
  EXPECT_EQ(reply.notes, (Notes{{"a", "1"}}));
  EXPECT_EQ(reply.other, "not a pair b=2");
  // A blank after '=' is not allowed; key names are letters, digits, - and _.
  EXPECT_EQ(parse_helper_reply("OK a= 1").other, "a= 1");
  EXPECT_EQ(parse_helper_reply("OK a.b=1").other, "a.b=1");
  EXPECT_EQ(parse_helper_reply("OK empty=").notes, (Notes{{"empty", ""}}));
}

TEST(HelperReply, OldRewriterRepliesAreUnknownWithTheUrlAsOther) {
  auto bare = parse_helper_reply("http://example.com/a?b=c");
  EXPECT_EQ(bare.result, HelperResult::Unknown);
  EXPECT_EQ(bare.other, "http://example.com/a?b=c");
  auto redirect = parse_helper_reply("301:http://example.com/");
  EXPECT_EQ(redirect.result, HelperResult::Unknown);
  EXPECT_EQ(redirect.other, "301:http://example.com/");
}

TEST(HelperReply, BrokenHelperTextIsItsMessage) {
  auto reply = parse_helper_reply("BH cannot reach the LDAP server");
  EXPECT_EQ(reply.result, HelperResult::BrokenHelper);
  EXPECT_EQ(reply.note("message"), "cannot reach the LDAP server");
  EXPECT_EQ(reply.other, "");
}

TEST(HelperReply, NtlmAndNegotiateForms) {
  auto tt = parse_helper_reply("TT YWJj");
  EXPECT_EQ(tt.result, HelperResult::TT);
  EXPECT_EQ(tt.note("token"), "YWJj");
  EXPECT_EQ(parse_helper_reply("TT ").result, HelperResult::BrokenHelper);
  auto negotiate = parse_helper_reply("AF token123 alice@EXAMPLE");
  EXPECT_EQ(negotiate.result, HelperResult::Ok);
  EXPECT_EQ(negotiate.notes, (Notes{{"token", "token123"}, {"user", "alice@EXAMPLE"}}));
  EXPECT_EQ(parse_helper_reply("AF bob").notes, (Notes{{"user", "bob"}}));
  auto na = parse_helper_reply("NA user=x is not a pair here");
  EXPECT_EQ(na.result, HelperResult::Error);
  EXPECT_EQ(na.note("message"), "user=x is not a pair here");
}

TEST(HelperReply, ChannelIdsLeadConcurrentReplies) {
  auto reply = split_channel("17 OK user=a");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->channel, 17u);
  EXPECT_EQ(reply->rest, "OK user=a");
  EXPECT_EQ(split_channel("3")->rest, "");
  EXPECT_FALSE(split_channel("OK"));
  EXPECT_FALSE(split_channel("17OK"));
  EXPECT_FALSE(split_channel("1234567890123456789012 OK"));
}

TEST(HelperReply, WordsSplitOnBlanksAndQuotesGroupThem) {
  std::string_view text = R"(  one "two words" th"re"e)";
  EXPECT_EQ(next_word(text), "one");
  EXPECT_EQ(next_word(text), "two words");
  EXPECT_EQ(next_word(text), "three");
  EXPECT_EQ(next_word(text), std::nullopt);
  std::string_view unquoted = R"(a\b)";
  EXPECT_EQ(next_word(unquoted), R"(a\b)");  // a backslash escapes only inside quotes
}

TEST(SquidEscape, EscapesWhatSquidsRfc1738EscapeDoes) {
  EXPECT_EQ(squid_escape("alice"), "alice");
  EXPECT_EQ(squid_escape("J Doe"), "J%20Doe");
  EXPECT_EQ(squid_escape("p@ss:w/rd?=&;"), "p@ss:w/rd?=&;");  // reserved characters stay
  EXPECT_EQ(squid_escape("50%\"#<>{}|\\^~[]`'"), "50%25%22%23%3C%3E%7B%7D%7C%5C%5E%7E%5B%5D%60%27");
  EXPECT_EQ(squid_escape("\x01\x7f\xc3\xa9"), "%01%7F%C3%A9");
}

TEST(SquidEscape, UnescapeLeavesWhatIsNotAnEscapeAlone) {
  EXPECT_EQ(squid_unescape("J%20Doe"), "J Doe");
  EXPECT_EQ(squid_unescape("100%%"), "100%");
  EXPECT_EQ(squid_unescape("%zz%4"), "%zz%4");
  EXPECT_EQ(squid_unescape("a%00b"), "a%00b");  // never a NUL
  EXPECT_EQ(squid_unescape("%c3%A9"), "\xc3\xa9");
}

}  // namespace helper_reply_test
}  // namespace cuttle::helpers
