// reply_header_access and reply_header_replace against squid 5.7: the same rules
// remove or replace the same fields of forwarded replies, of hits and of the
// proxy's own error pages, this proxy's own Via included; reply ACLs
// (http_status) see the reply.
#include "proxy/http/http_date.h"
#include "tests/support/differential.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace reply_header_access_test {

// The fields the rules are about, as the client got them.
std::string seen(const Response& res) {
  std::string text;
  for (const char* name : {"Server", "X-Secret", "X-Debug", "X-Keep", "Via"}) {
    const auto it = res.find(name);
    text += std::string(name) + "=" + (it == res.end() ? "<none>" : std::string(it->value())) + " ";
  }
  return std::to_string(res.result_int()) + " " + text;
}

TEST(ReplyHeaderAccess, RemovesAndReplacesWhatSquidDoes) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply reply;
    reply.status = req.target == "/missing" ? 404 : 200;
    reply.headers = {{"Server", "origin/1"},      {"X-Secret", "s3cret"}, {"X-Debug", "trace"},
                     {"X-Keep", "kept"},          {"Cache-Control", "max-age=600"},
                     {"Date", http_date(std::chrono::system_clock::now())}};
    reply.body = "body";
    return reply;
  });
  TempDir dir;
  auto config = [&](const std::string& who) {
    return std::string(who == "cuttle" ? "cache_dir lmdb " + dir.file("cache") + " 16\n" : "") +
           "acl blocked urlpath_regex ^/blocked\n"
           "http_access deny blocked\n"
           "acl not_found http_status 404\n"
           "reply_header_access Server deny all\n"
           "reply_header_access X-Secret deny all\n"
           "reply_header_replace X-Secret hidden\n"
           "reply_header_access X-Debug deny not_found\n"
           "reply_header_access Via deny all\n";
  };
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    std::vector<std::string> replies;
    for (const char* path : {"/page", "/page", "/missing", "/blocked"})
      replies.push_back(seen(proxy_get(proxy.port(), origin.url(path))));
    return replies;
  });
  EXPECT_EQ(by_cuttle, by_squid);
  // A miss, then the same reply as a hit; the 404 loses X-Debug; the error page
  // (made by the proxy) loses its Server and Via too.
  EXPECT_EQ(by_squid.at(0), "200 Server=<none> X-Secret=hidden X-Debug=trace X-Keep=kept Via=<none> ");
  EXPECT_EQ(by_squid.at(1), by_squid.at(0));
  EXPECT_EQ(by_squid.at(2), "404 Server=<none> X-Secret=hidden X-Debug=<none> X-Keep=kept Via=<none> ");
  EXPECT_EQ(by_squid.at(3), "403 Server=<none> X-Secret=<none> X-Debug=<none> X-Keep=<none> Via=<none> ");
}

}  // namespace reply_header_access_test
}  // namespace cuttle::testing
