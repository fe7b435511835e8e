// Request targets with bytes RFC 3986 does not allow in a path or query ('|',
// '{', '"', '<', '^', a stray '%', 8-bit bytes), differentially against squid
// 5.7: its relaxed parser (relaxed_header_parser on, the default) serves them,
// and so does cuttle; the origin gets the same request-target from both, and
// access.log shows the same URL.
#include "tests/support/differential.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cuttle::testing {
namespace relaxed_targets_test {

struct Seen {
  std::vector<std::string> statuses, targets, logged_urls;
};

TEST(RelaxedTargets, VisibleBytesInPathsAndQueriesAreServedAsBySquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.body = "ok";
    return r;
  });
  const std::vector<std::string> paths = {"/a|b/{c}", "/q?json={\"a\":[1,2]}&x=<y>", "/caret^back`tick%zz",
                                          "/caf\xC3\xA9?s=\\"};
  auto [by_squid, by_cuttle] = through_squid_then_cuttle("strip_query_terms off\n", [&](auto& proxy) {
    Seen seen;
    const size_t before = origin.requests().size();
    for (const auto& path : paths) {
      RawConnection conn(proxy.port());
      conn.send(request_text("GET", origin.url(path)));
      seen.statuses.push_back(std::to_string(conn.read_response().result_int()));
    }
    for (size_t i = before; i < origin.requests().size(); ++i) seen.targets.push_back(origin.requests()[i].target);
    proxy.access_log_line_with("/caf");  // the last request's line is written
    for (const auto& line : proxy.access_log_lines(paths.size())) {
      std::istringstream fields(line);
      std::string field;
      for (int i = 0; i < 7; ++i) fields >> field;
      if (field.find(origin.url("/").substr(0, 16)) == 0) seen.logged_urls.push_back(field);
    }
    return seen;
  });
  EXPECT_EQ(by_squid.statuses, std::vector<std::string>(paths.size(), "200"));
  EXPECT_EQ(by_cuttle.statuses, by_squid.statuses);
  EXPECT_EQ(by_cuttle.targets, by_squid.targets);
  EXPECT_EQ(by_cuttle.logged_urls, by_squid.logged_urls);
  EXPECT_EQ(by_squid.logged_urls.size(), paths.size());
}

}  // namespace relaxed_targets_test
}  // namespace cuttle::testing
