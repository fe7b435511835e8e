// deny_info, differentially against squid 5.7: a denial answered with a redirect
// (%-codes in the URL, 302, 307 for a POST, a named 3xx), a page from a template
// in error_directory (with its status or a named one), a TCP reset, and a reply
// denied by http_reply_access redirected; same statuses, headers, bodies and
// access.log codes from both.
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace cuttle::testing {
namespace deny_info_test {

namespace fs = std::filesystem;

std::string rules(const std::string& error_directory) {
  return "error_directory " + error_directory + "\n" +
         "acl redirected dstdomain .redirected.example\n"
         "acl redirected307 dstdomain .named.example\n"
         "acl reset_site dstdomain .reset.example\n"
         "acl custom_page dstdomain .custom.example\n"
         "acl status_page dstdomain .status.example\n"
         "acl video rep_mime_type ^video/\n"
         "deny_info http://portal.example/blocked?url=%u&client=%i&m=%M&who=%a&h=%H redirected\n"
         "deny_info 307:http://portal.example/named?p=%P&path=%R redirected307\n"
         "deny_info TCP_RESET reset_site\n"
         "deny_info ERR_CUSTOM custom_page\n"
         "deny_info 404:ERR_CUSTOM status_page\n"
         "deny_info http://portal.example/video?u=%u video\n"
         "http_access deny redirected\n"
         "http_access deny redirected307\n"
         "http_access deny reset_site\n"
         "http_access deny custom_page\n"
         "http_access deny status_page\n"
         "http_reply_access deny video\n"
         "http_reply_access allow all\n";
}

// squid reads every page of error_directory: its templates, and ours.
std::string error_directory(const TempDir& dir) {
  const fs::path pages = dir.file("errors");
  fs::create_directories(pages);
  for (const auto& entry : fs::directory_iterator("/usr/share/squid/errors/templates"))
    fs::copy_file(entry.path(), pages / entry.path().filename());
  dir.write("errors/ERR_CUSTOM", "<p>%U is blocked for %i (%M, code %c); ask %w.</p>\n");
  // squid runs as its own user: it must be able to read them.
  for (const auto& path : {fs::path(dir.path()), pages}) fs::permissions(path, fs::perms::all);
  for (const auto& entry : fs::directory_iterator(pages))
    fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  return pages.string();
}

struct Seen {
  std::vector<std::string> answers;  // status, Location, X-Squid-Error, body
  std::vector<std::string> logged;   // access.log codes
};

std::string answer(const Response& r) {
  return std::to_string(r.result_int()) + " | " + std::string(r["Location"]) + " | " +
         std::string(r["X-Squid-Error"]) + " | " + r.body();
}

// What a client sees when the proxy resets the connection instead of answering.
std::string reset_or_answer(unsigned short port, const std::string& url) {
  try {
    return answer(proxy_get(port, url));
  } catch (const std::exception&) {
    return "no answer";
  }
}

template <class Proxy>
Seen run(Proxy& proxy, const OriginServer& origin) {
  Seen seen;
  seen.answers.push_back(answer(proxy_get(proxy.port(), "http://www.redirected.example/a%20b?q=1&r='x'")));
  seen.answers.push_back(answer(proxy_request(proxy.port(), "POST", "http://redirected.example/form", "a=b")));
  seen.answers.push_back(answer(proxy_get(proxy.port(), "http://named.example/some/path")));
  seen.answers.push_back(answer(proxy_get(proxy.port(), "http://custom.example/x?'quoted'&y")));
  seen.answers.push_back(answer(proxy_get(proxy.port(), "http://status.example/y")));
  seen.answers.push_back(reset_or_answer(proxy.port(), "http://reset.example/"));
  seen.answers.push_back(answer(proxy_get(proxy.port(), origin.url("/movie"))));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    seen.logged.clear();
    for (const auto& line : proxy.access_log_lines(7)) {
      if (line.find(".example") == std::string::npos && line.find("/movie") == std::string::npos) continue;
      std::istringstream fields(line);
      std::string field;
      for (int i = 0; i < 4; ++i) fields >> field;
      seen.logged.push_back(field);
    }
  } while (seen.logged.size() < 7 && std::chrono::steady_clock::now() < deadline);
  return seen;
}

TEST(DenyInfo, RedirectsPagesAndResetsAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Content-Type", "video/mp4"}};
    r.body = "frames";
    return r;
  });
  TempDir dir;
  const auto config = rules(error_directory(dir));
  Seen by_squid, by_cuttle;
  {
    SquidProcess squid(config);
    by_squid = run(squid, origin);
  }
  {
    CuttleProcess cuttle(config);
    by_cuttle = run(cuttle, origin);
  }
  ASSERT_EQ(by_squid.answers.size(), 7u);
  for (size_t i = 0; i < by_squid.answers.size(); ++i)
    EXPECT_EQ(by_cuttle.answers[i], by_squid.answers[i]) << "request " << i;
  EXPECT_EQ(by_cuttle.logged, by_squid.logged);
  EXPECT_TRUE(by_squid.answers[0].starts_with("302 | http://portal.example/blocked?url=")) << by_squid.answers[0];
  EXPECT_EQ(by_squid.answers[5], "no answer");
}

}  // namespace deny_info_test
}  // namespace cuttle::testing
