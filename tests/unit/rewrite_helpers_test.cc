// URL rewriter and store-ID replies as Squid 5.7 reads them, and the directives
// that configure both helpers (old names, defaults, what cuttle refuses).
#include "proxy/config/config_parser.h"
#include "proxy/helpers/rewrite_reply.h"
#include "proxy/log/request_codes.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace rewrite_helpers_test {

using helpers::decide_rewrite;
using helpers::parse_helper_reply;
using Kind = helpers::RewriteDecision::Kind;

TEST(RewriteReply, RedirectsWithTheirStatusOrSquidsDefault302) {
  auto d = decide_rewrite(parse_helper_reply("OK status=301 url=http://e.com/new"));
  EXPECT_EQ(d.kind, Kind::Redirect);
  EXPECT_EQ(d.status, 301u);
  EXPECT_EQ(d.url, "http://e.com/new");
  EXPECT_EQ(decide_rewrite(parse_helper_reply("OK url=/relative")).status, 302u);
  // url= wins over rewrite-url=, as in Squid.
  EXPECT_EQ(decide_rewrite(parse_helper_reply("OK rewrite-url=http://a/ url=http://b/")).kind, Kind::Redirect);
}

TEST(RewriteReply, AStatusThatIsNotARedirectsChangesNothing) {
  auto d = decide_rewrite(parse_helper_reply("OK status=200 url=http://e.com/"));
  EXPECT_EQ(d.kind, Kind::Keep);
  EXPECT_NE(d.problem.find("invalid 200 redirect"), std::string::npos);
}

TEST(RewriteReply, RewritesAndWhatChangesNothing) {
  auto d = decide_rewrite(parse_helper_reply("OK rewrite-url=http://e.com/a%41b"));
  EXPECT_EQ(d.kind, Kind::Rewrite);
  EXPECT_EQ(d.url, "http://e.com/aAb");  // unquoted values are %-decoded
  for (auto line : {"OK", "ERR", "", "BH broken", "OK message=x"})
    EXPECT_EQ(decide_rewrite(parse_helper_reply(line)).kind, Kind::Keep) << line;
}

TEST(RewriteReply, OldHelpersBareUrlsAndStatusPrefixes) {
  auto bare = decide_rewrite(parse_helper_reply("http://e.com/new%41"));
  EXPECT_EQ(bare.kind, Kind::Rewrite);
  EXPECT_EQ(bare.url, "http://e.com/new%41");  // old forms are not decoded
  auto redirect = decide_rewrite(parse_helper_reply("301:http://e.com/moved"));
  EXPECT_EQ(redirect.kind, Kind::Redirect);
  EXPECT_EQ(redirect.status, 301u);
  EXPECT_EQ(decide_rewrite(parse_helper_reply("!group!http://e.com/g")).url, "http://e.com/g");
  // An echo of the whole request line: only the URL counts.
  EXPECT_EQ(decide_rewrite(parse_helper_reply("http://e.com/x 10.0.0.1/- - GET")).url, "http://e.com/x");
  EXPECT_EQ(decide_rewrite(parse_helper_reply("404")).kind, Kind::Keep);
}

TEST(StoreIdReply, OnlyOkWithAStoreIdGivesOne) {
  EXPECT_EQ(helpers::decide_store_id(parse_helper_reply("OK store-id=http://mirrors.internal/f")),
            "http://mirrors.internal/f");
  EXPECT_EQ(helpers::decide_store_id(parse_helper_reply("OK")), std::nullopt);
  EXPECT_EQ(helpers::decide_store_id(parse_helper_reply("ERR store-id=x")), std::nullopt);
  EXPECT_EQ(helpers::decide_store_id(parse_helper_reply("http://bare/")), std::nullopt);
}

std::shared_ptr<const Config> load(const std::string& text) {
  return load_config_text("http_port 3128\n" + text, "t.conf").config;
}

TEST(RewriteConfig, SquidsDefaultsAndOldNames) {
  auto c = load("redirect_program /bin/cat\nredirect_children 5\nredirector_bypass on\n");
  ASSERT_TRUE(c->url_rewrite);
  EXPECT_EQ(c->url_rewrite->program.argv, (std::vector<std::string>{"/bin/cat"}));
  EXPECT_EQ(c->url_rewrite->program.children.max, 5u);
  EXPECT_TRUE(c->url_rewrite->bypass);
  EXPECT_EQ(c->url_rewrite->program.children.queue_size, 0u) << "a bypass makes the default queue 0, as Squid";
  EXPECT_EQ(c->url_rewrite->extras, "%>a/%>A %un %>rm myip=%la myport=%lp");
  EXPECT_EQ(c->url_rewrite->extras_tokens.size(), 13u);
  EXPECT_TRUE(c->url_rewrite->rewrites_host_header);
  auto s = load("storeurl_rewrite_program /bin/cat\n");
  ASSERT_TRUE(s->store_id);
  EXPECT_TRUE(s->store_id->bypass) << "store_id_bypass is on by default";
  EXPECT_EQ(s->store_id->program.children.max, 20u);
  EXPECT_EQ(s->store_id->program.children.queue_size, 0u);
  auto q = load("store_id_program /bin/cat\nstore_id_children 4 queue-size=9\n");
  EXPECT_EQ(q->store_id->program.children.queue_size, 9u);
}

TEST(RewriteConfig, ExtrasWithCodesCuttleCannotFillInAreRefused) {
  EXPECT_NO_THROW(load("url_rewrite_program /bin/cat\nurl_rewrite_extras \"%>a %{User-Agent}>h %>ru %un\"\n"));
  EXPECT_NO_THROW(load("url_rewrite_program /bin/cat\nurl_rewrite_extras \"%{Cookie:;sid}>h %>h{X:k}\"\n"));
  EXPECT_THROW(load("url_rewrite_program /bin/cat\nurl_rewrite_extras \"%>h\"\n"), ConfigError);
  EXPECT_THROW(load("url_rewrite_program /bin/cat\nurl_rewrite_extras \"%ssl::>sni\"\n"), ConfigError);
  EXPECT_THROW(load("url_rewrite_program /bin/cat\nurl_rewrite_extras \"%<a\"\n"), ConfigError);
  EXPECT_THROW(load("url_rewrite_program /nonexistent/rewriter\n"), ConfigError);
  EXPECT_THROW(load("url_rewrite_program /bin/cat\nurl_rewrite_timeout 5 response=\"OK\"\n"), ConfigError);
}

// A request header in a helper's line as Squid's getByName gives it, whole or
// one member of its list.
TEST(RequestCodes, HeaderMembers) {
  logformat::RequestFormatFacts facts;
  facts.header = [](std::string_view name) -> std::optional<std::string> {
    if (name == "Cookie") return "a=1; sid=x";
    return std::nullopt;
  };
  const auto tokens = logformat::parse_format("%{Cookie:;sid}>h|%>h{Cookie:sid}|%{Cookie}>h|%{X:k}>h");
  const auto line =
      logformat::expand(tokens, [&](const logformat::Token& t) { return logformat::request_code_value(t, facts); });
  EXPECT_EQ(line, "x|-|a=1;%20sid=x|-");
}

}  // namespace rewrite_helpers_test
}  // namespace cuttle
