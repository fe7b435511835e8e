// Squid's format specifications: % codes read as src/format/Token.cc reads them,
// and expanded as Format::assemble writes them.
#include "proxy/log/format_expand.h"
#include "proxy/log/format_tokens.h"

#include <gtest/gtest.h>

#include <map>

namespace cuttle::logformat {
namespace format_tokens_test {

std::vector<std::string> codes(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens) out.push_back(t.is_literal() ? "'" + t.literal + "'" : t.space + "%" + t.code);
  return out;
}

TEST(FormatTokens, SquidsDefaultRewriterExtras) {
  EXPECT_EQ(codes(parse_format("%>a/%>A %un %>rm myip=%la myport=%lp")),
            (std::vector<std::string>{"%>a", "'/'", "%>A", "' '", "%un", "' '", "%>rm", "' '", "'myip='", "%la",
                                      "' '", "'myport='", "%lp"}));
}

TEST(FormatTokens, LongerNamesWinOverTheirPrefixes) {
  EXPECT_EQ(codes(parse_format("%>la %la %SRCPORT %SRC %>Hs %Hs %<st %st")),
            (std::vector<std::string>{"%>la", "' '", "%la", "' '", "%SRCPORT", "' '", "%SRC", "' '", "%>Hs", "' '",
                                      "%Hs", "' '", "%<st", "' '", "%st"}));
}

TEST(FormatTokens, EncodingAlignmentWidthAndArguments) {
  auto t = parse_format("%\"-010.20{User-Agent}>h")[0];
  EXPECT_EQ(t.quoting, Quoting::Quotes);
  EXPECT_TRUE(t.left_aligned);
  EXPECT_TRUE(t.zero_padded);
  EXPECT_EQ(t.width_min, 10u);
  EXPECT_EQ(t.width_max, 20u);
  EXPECT_EQ(t.arg, "User-Agent");
  EXPECT_EQ(t.code, ">h");
  auto after = parse_format("%>h{Referer}")[0];  // the old external_acl_type order
  EXPECT_EQ(after.arg, "Referer");
  EXPECT_EQ(parse_format("%#ru")[0].quoting, Quoting::Url);
  EXPECT_EQ(parse_format("%'ru")[0].quoting, Quoting::Raw);
  EXPECT_EQ(parse_format("%[un")[0].quoting, Quoting::MimeBlob);
  EXPECT_EQ(parse_format("%/un")[0].quoting, Quoting::Shell);
}

TEST(FormatTokens, NamespacesAndTheOptionalHttpPrefix) {
  auto sni = parse_format("%ssl::>sni %tls::bump_mode %http::>a")[0];
  EXPECT_EQ(sni.space, "ssl");
  EXPECT_EQ(sni.code, ">sni");
  EXPECT_EQ(codes(parse_format("%tls::bump_mode %http::>a")),
            (std::vector<std::string>{"tls%bump_mode", "' '", "%>a"}));
}

TEST(FormatTokens, QuotesAndBracketsInTextSetTheDefaultEncoding) {
  auto tokens = parse_format("\"%un\" [%un] %un");
  EXPECT_EQ(tokens[1].quoting, Quoting::Quotes);
  EXPECT_EQ(tokens[3].quoting, Quoting::MimeBlob);
  EXPECT_EQ(tokens[5].quoting, Quoting::None);
}

// The codes of issue 20: the long names before the two-character ones they
// start with (%err_code is not %e…), arguments before or after the name.
TEST(FormatTokens, ErrorNoteAndHeaderCodes) {
  EXPECT_EQ(codes(parse_format("%err_code%err_detail %note %{k:;}note %>h %<h %<Hs %>st %sn %ue %<p %>p")),
            (std::vector<std::string>{"%err_code", "%err_detail", "' '", "%note", "' '", "%note", "' '", "%>h",
                                      "' '", "%<h", "' '", "%<Hs", "' '", "%>st", "' '", "%sn", "' '", "%ue", "' '",
                                      "%<p", "' '", "%>p"}));
  EXPECT_EQ(parse_format("%{k:;}note")[0].arg, "k:;");
  EXPECT_EQ(parse_format("%note{k}")[0].arg, "k");
  EXPECT_EQ(parse_format("%<h")[0].arg, std::nullopt);
}

// Squid's Token::parse: "Name", "Name:member", "Name:Dmember" (D one of ",;:").
TEST(FormatTokens, HeaderArgumentsSplitAsSquid) {
  const auto plain = header_argument("Cookie");
  EXPECT_EQ(plain.name, "Cookie");
  EXPECT_EQ(plain.member, std::nullopt);
  const auto member = header_argument("Cookie:sid");
  EXPECT_EQ(member.member, "sid");
  EXPECT_EQ(member.separator, ',');
  const auto custom = header_argument("Cookie:;sid");
  EXPECT_EQ(custom.member, "sid");
  EXPECT_EQ(custom.separator, ';');
  EXPECT_EQ(header_argument("X:").member, "");
  EXPECT_EQ(header_argument(":authority:x").name, ":authority");
}

TEST(FormatTokens, HeaderArgumentsSquidRefuses) {
  EXPECT_THROW(parse_format("%{}>h"), std::invalid_argument);
  EXPECT_THROW(parse_format("%{:x}<h"), std::invalid_argument);
  EXPECT_THROW(parse_format("%{:x}note"), std::invalid_argument);
  EXPECT_THROW(parse_format("%{:val}>ha"), std::invalid_argument);
  try {
    parse_format("%{}>h end");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "Can't parse configuration token: '%{}>h end': missing header name");
  }
  EXPECT_NO_THROW(parse_format("%{:x}proxy_protocol::>h"));
  EXPECT_NO_THROW(parse_format("%{:x}tl"));  // not a header code
}

// One code as @Squid{…} holds it: its blank kept, the rest left.
TEST(FormatTokens, OneCodeAtATime) {
  size_t consumed = 0;
  EXPECT_EQ(codes(parse_one_code("%>a}rest", consumed)), (std::vector<std::string>{"%>a"}));
  EXPECT_EQ(consumed, 3u);
  EXPECT_EQ(codes(parse_one_code("%\"{X}>h }", consumed)), (std::vector<std::string>{"%>h", "' '"}));
  EXPECT_EQ(consumed, 8u);
  EXPECT_EQ(parse_one_code("%-5rm}", consumed)[0].width_min, 5u);
  EXPECT_THROW(parse_one_code("%foo}", consumed), std::invalid_argument);
  EXPECT_THROW(parse_one_code(">a}", consumed), std::invalid_argument);
}

TEST(FormatTokens, UnknownCodesAreRefused) {
  EXPECT_THROW(parse_format("%zz"), std::invalid_argument);
  EXPECT_THROW(parse_format("%"), std::invalid_argument);
  // As in Squid: an unknown name in a namespace falls back to the plain codes.
  EXPECT_EQ(codes(parse_format("%tls::nonsense")), (std::vector<std::string>{"%tl", "'s::nonsense'"}));
}

TEST(FormatExpand, ValuesDashesEncodingsAndWidths) {
  std::map<std::string, Value> values = {
      {">a", {"10.0.0.1"}},
      {"un", {std::nullopt}},
      {">ru", {"http://e.com/a b%41\"", true}},
      {"rm", {"GET"}},
  };
  auto lookup = [&](const Token& t) { return values.at(t.code); };
  EXPECT_EQ(expand(parse_format("%>a %un %>ru"), lookup), "10.0.0.1 - http://e.com/a%20b%41%22");
  EXPECT_EQ(expand(parse_format("%#>ru"), lookup), "http://e.com/a%20b%2541%22");
  EXPECT_EQ(expand(parse_format("%'>ru"), lookup), "http://e.com/a b%41\"");
  EXPECT_EQ(expand(parse_format("%\">ru"), lookup), "http://e.com/a b%41\\\"");
  EXPECT_EQ(expand(parse_format("[%6rm][%-6rm][%06rm][%.2rm]%%"), lookup), "[   GET][GET   ][000GET][GE]%");
}

}  // namespace format_tokens_test
}  // namespace cuttle::logformat
