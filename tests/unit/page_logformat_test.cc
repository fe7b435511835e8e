// @Squid{%code} in error page templates and deny_info URLs, as squid 5.7's
// ErrorState::compile reads them: one logformat code and a closing brace, the
// value placed as it is; a bad sequence leaves the rest of the text as written
// (at run time) and is described in squid's words (when templates are checked).
#include "proxy/http/error_codes.h"
#include "proxy/http/page_logformat.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace page_logformat_test {

ErrorPageFacts facts_with_entry() {
  ErrorPageFacts facts;
  facts.url = "http://example.com/a?b";
  facts.method = "GET";
  auto entry = std::make_shared<AccessLogEntry>();
  entry->client_ip = "10.0.0.5";
  entry->request_headers = {{"X-T", "k=v1; j=<2>"}};
  entry->notes = {{"k", "a b"}};
  facts.log_entry = entry;
  return facts;
}

TEST(PageLogformat, CodesAreFilledInFromTheLogEntry) {
  const auto facts = facts_with_entry();
  EXPECT_EQ(expand_error_codes("a=@Squid{%>a} h=@Squid{%{X-T:;j}>h} q=@Squid{%'{X-T}>h} n=@Squid{%{k}note}|", facts,
                               false),
            "a=10.0.0.5 h=%3C2%3E q=k=v1; j=<2> n=a%20b|")
      << "neither HTML-quoted nor otherwise escaped beyond the code's own encoding";
  EXPECT_EQ(expand_error_codes("@Squid{%>a }|@Squid{%-6rm}|@Squid{%%}", facts, false), "10.0.0.5 |-|%")
      << "squid pads no \"-\"";
  EXPECT_EQ(expand_error_codes("http://x/?c=@Squid{%'{X-T}>h}&u=%u", facts, true),
            "http://x/?c=k=v1; j=<2>&u=http%3A%2F%2Fexample.com%2Fa%3Fb")
      << "in a URL too the value is placed as it is";
}

TEST(PageLogformat, ABadSequenceLeavesTheRestAsWritten) {
  const auto facts = facts_with_entry();
  EXPECT_EQ(expand_error_codes("%u @Squid{%>a x} %u", facts, false), "http://example.com/a?b @Squid{%>a x} %u");
  EXPECT_EQ(expand_error_codes("@Squid{>a} %u", facts, false), "@Squid{>a} %u");
  EXPECT_EQ(expand_error_codes("@squid{%>a}", facts, false), "@squid{%>a}") << "not the magic; %> is no code";
  EXPECT_EQ(expand_error_codes("@Squid{%nosuch}", facts, false), "@Squid{%nosuch}");
}

TEST(PageLogformat, BadSequencesAreDescribedInSquidsWords) {
  EXPECT_EQ(bad_page_sequence("ok @Squid{%>a} %@Squid{%nosuch}"), std::nullopt)
      << "after '%' squid skips a byte: %@ is a code of its own";
  EXPECT_EQ(bad_page_sequence("P @Squid{%-5rm|} END\n"),
            "Bad @Squid{logformat} sequence near @Squid{%-5rm|} ...\n    additional info: Missing closing brace (})");
  EXPECT_EQ(bad_page_sequence("@Squid{>a}"),
            "Bad @Squid{logformat} sequence near @Squid{>a}\n    additional info: logformat expressions that do not "
            "start with % are not supported");
  EXPECT_EQ(bad_page_sequence("@Squid{%foo} END"),
            "Bad @Squid{logformat} sequence near @Squid{%foo} EN...\n    additional info: Unsupported %code: '%foo} END'");
  EXPECT_EQ(bad_page_sequence("@Squid{%{}>h}"),
            "Bad @Squid{logformat} sequence near @Squid{%{}>h}\n    additional info: Can't parse configuration token: "
            "'%{}>h}': missing header name");
  EXPECT_NE(bad_page_sequence("@Squid{%<rm}")->find("cuttle cannot fill in the code '%<rm'"), std::string::npos);
}

}  // namespace page_logformat_test
}  // namespace cuttle
