// logformat's header member codes against squid 5.7: %{Name:member}>h,
// %{Name:Dmember}>h (D one of ",;:" separates the items), the same of the
// reply sent (<h) and of the adapted request (>ha, the client's header without
// adaptation), and >ha whole under log_mime_hdrs. The same requests through
// squid and cuttle give the same lines; nothing is masked but the time.
#include "tests/support/differential.h"
#include "tests/support/log_file.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cuttle::testing {
namespace log_header_members_test {

namespace fs = std::filesystem;

OriginReply reply_for(const RecordedRequest&) {
  OriginReply reply;
  reply.headers = {{"Content-Type", "text/plain"},
                   {"Cache-Control", "no-store, max-age=60"},
                   {"X-List", "a=1; b=\"x, y\"; c=3"},
                   {"X-List", "d=4"}};
  reply.body = "hello";
  return reply;
}

TEST(LogHeaderMembers, MembersAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  OriginServer origin(reply_for);
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  auto config = [&](const std::string& who) {
    return "logformat members %rp sid=%{Cookie:;sid}>h comma=%{Cookie:sid}>h colon=%{X-C::k}>h "
           "ha=%{Cookie:;lang}>ha haq=%\"{Cookie:;sid}>ha none=%{Cookie:;nope}>h absent=%{X-None:a}>h "
           "empty=%{X-E:}>h rb=%{X-List:;b}<h rd=%{X-List:;d}<h rcomma=%{X-List:c}<h cc=%{Cache-Control:max-age}<h "
           "w=%-6{Cookie:;lang}>h| whole=%>ha\n"
           "access_log stdio:" + dir.file(who + ".log") + " members\n";
  };
  const std::vector<std::string> headers = {
      "Cookie: lang=en; sid=\"a;b\"; x=1\r\nCookie: sid=second\r\nX-C: j=1: k=v:w\r\nX-E: =e, a=b\r\n",
      "Cookie: sid=1,lang=de\r\nX-C: k=\r\n",
      ""};
  int runs = 0;
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    const std::string who = runs++ == 0 ? "squid" : "cuttle";
    for (size_t i = 0; i < headers.size(); ++i) {
      RawConnection conn(proxy.port());
      conn.send(request_text("GET", origin.url("/p" + std::to_string(i)), headers[i]));
      conn.read_response();
    }
    std::vector<std::string> lines;
    const auto all = wait_for_lines(dir.file(who + ".log"), headers.size() + (who == "squid" ? 1 : 0),
                                    std::chrono::seconds(5));
    for (const auto& line : all)
      if (line.starts_with("/p")) lines.push_back(line);
    return lines;
  });
  ASSERT_EQ(by_squid.size(), 3u);
  for (size_t i = 0; i < by_squid.size(); ++i) EXPECT_EQ(by_cuttle.at(i), by_squid[i]);
  EXPECT_NE(by_squid[0].find("sid=%22a;b%22 "), std::string::npos) << by_squid[0];
  EXPECT_NE(by_squid[0].find("cc=60 "), std::string::npos) << by_squid[0];
}

}  // namespace log_header_members_test
}  // namespace cuttle::testing
