// url_rewrite_program and store_id_program, differentially against squid 5.7:
// the same rewriter (tests/helpers/url_map_helper.py, which answers by the URL's
// last path segment) behind both proxies gives the same statuses, Location
// headers, access.log codes and URLs, the same requests at the origin, and the
// same helper request lines. Squid's own storeid_file_rewrite makes two mirror
// URLs one stored object in both.
#include "proxy/http/http_date.h"
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/helper_files.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>

namespace cuttle::testing {
namespace url_rewrite_test {

namespace fs = std::filesystem;

struct Seen {
  unsigned status = 0;
  std::string location;
  std::string logged;  // code, method and URL of the access.log line
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  return out << s.status << " [" << s.location << "] " << s.logged;
}

std::string code_method_url(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> f;
  for (std::string w; in >> w;) f.push_back(w);
  return f.size() > 6 ? f[3] + " " + f[5] + " " + f[6] : line;
}

// Each path through `proxy`, one at a time; the log lines come in the same order.
template <class Proxy>
std::vector<Seen> fetch_all(Proxy& proxy, const OriginServer& origin, const std::vector<std::string>& paths) {
  std::vector<Seen> seen;
  for (const auto& path : paths) {
    auto res = proxy_get(proxy.port(), origin.url(path));
    seen.push_back({res.result_int(), std::string(res[http::field::location]), ""});
  }
  // Squid logs the fixture's readiness probe (a connection without a request) first.
  std::vector<std::string> lines;
  for (size_t wanted = paths.size(); lines.size() < paths.size() && wanted <= paths.size() + 2; ++wanted) {
    lines = proxy.access_log_lines(wanted);
    std::erase_if(lines, [](const std::string& l) { return l.find("transaction-end-before-headers") != l.npos; });
  }
  for (size_t i = 0; i < seen.size() && i < lines.size(); ++i) seen[i].logged = code_method_url(lines[i]);
  return seen;
}

std::vector<std::string> origin_paths(const OriginServer& origin) {
  std::vector<std::string> paths;
  for (const auto& r : origin.requests()) paths.push_back(r.target + " Host:" + r.header("Host"));
  return paths;
}

class UrlRewrite : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed (scripts/install-deps.sh)";
  }
};

TEST_F(UrlRewrite, RedirectsRewritesAndOldReplyFormsAreSquids) {
  const std::vector<std::string> paths = {"/a/redirect-301", "/a/redirect", "/a/redirect-307", "/a/redirect-200",
                                          "/a/rewrite",      "/a/legacy-302", "/a/legacy-bare", "/a/invalid",
                                          "/a/err",          "/a/bh",        "/a/plain"};
  HelperFiles files;
  const auto rewriter = files.script("url_map_helper.py");
  const std::string common = "url_rewrite_children 2\nurl_rewrite_extras \"%>a %un %>rm myip=%la myport=%lp\"\n";
  OriginServer squid_origin([](const RecordedRequest&) { return OriginReply{}; });
  OriginServer cuttle_origin([](const RecordedRequest&) { return OriginReply{}; });
  std::vector<Seen> by_squid, by_cuttle;
  std::vector<std::string> squid_lines, cuttle_lines;
  {
    SquidProcess squid("url_rewrite_program " + files.recorded("squid.log", rewriter) + "\n" + common);
    by_squid = fetch_all(squid, squid_origin, paths);
    squid_lines = files.asked("squid.log", squid.port());
  }
  {
    CuttleProcess cuttle("url_rewrite_program " + files.recorded("cuttle.log", rewriter) + "\n" + common);
    by_cuttle = fetch_all(cuttle, cuttle_origin, paths);
    cuttle_lines = files.asked("cuttle.log", cuttle.port());
  }
  const std::regex origin_port(":" + std::to_string(squid_origin.port()) + "|:" + std::to_string(cuttle_origin.port()));
  for (size_t i = 0; i < paths.size(); ++i) {
    auto normalize = [&](Seen s) {
      s.location = std::regex_replace(s.location, origin_port, ":ORIGIN");
      s.logged = std::regex_replace(s.logged, origin_port, ":ORIGIN");
      return s;
    };
    EXPECT_EQ(normalize(by_cuttle[i]), normalize(by_squid[i])) << paths[i];
    if (std::getenv("CUTTLE_TEST_VERBOSE")) std::cerr << paths[i] << ": " << normalize(by_squid[i]) << "\n";
  }
  auto normalize_lines = [&](std::vector<std::string> lines) {
    for (auto& l : lines) l = std::regex_replace(l, origin_port, ":ORIGIN");
    return lines;
  };
  EXPECT_EQ(normalize_lines(cuttle_lines), normalize_lines(squid_lines));
  EXPECT_EQ(origin_paths(cuttle_origin).size(), origin_paths(squid_origin).size());
  auto strip = [&](std::vector<std::string> v) {
    for (auto& s : v) s = std::regex_replace(s, origin_port, ":ORIGIN");
    return v;
  };
  EXPECT_EQ(strip(origin_paths(cuttle_origin)), strip(origin_paths(squid_origin)));
}

// Header codes in url_rewrite_extras: a field as squid's getByName gives it
// (a list's or an unknown header's fields joined, the first of the other known
// ones) and one member of a list (%{Name:member}>h, %{Name:Dmember}>h).
TEST_F(UrlRewrite, ExtrasHeaderCodesAreSquids) {
  HelperFiles files;
  const auto rewriter = files.script("url_map_helper.py");
  const std::string common =
      "url_rewrite_extras \"c=%{Cookie}>h sid=%{Cookie:;sid}>h x=%{X-L}>h b=%{X-L:;b}>h d=%>h{X-L:d} ua=%{User-Agent}>h\"\n";
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  auto ask = [&](auto& proxy) {
    for (const auto* headers : {"Cookie: a=1; sid=\"s;1\"\r\nCookie: sid=2\r\nX-L: a=1; b=2\r\nX-L: d=4\r\n"
                                "User-Agent: one\r\nUser-Agent: two\r\n",
                                ""}) {
      RawConnection conn(proxy.port());
      conn.send(request_text("GET", origin.url("/plain"), headers));
      conn.read_response();
    }
  };
  std::vector<std::string> squid_lines, cuttle_lines;
  {
    SquidProcess squid("url_rewrite_program " + files.recorded("squid.log", rewriter) + "\n" + common);
    ask(squid);
    squid_lines = files.asked("squid.log", squid.port());
  }
  {
    CuttleProcess cuttle("url_rewrite_program " + files.recorded("cuttle.log", rewriter) + "\n" + common);
    ask(cuttle);
    cuttle_lines = files.asked("cuttle.log", cuttle.port());
  }
  const std::regex origin_port(":" + std::to_string(origin.port()));
  for (auto* lines : {&squid_lines, &cuttle_lines})
    for (auto& line : *lines) line = std::regex_replace(line, origin_port, ":ORIGIN");
  EXPECT_EQ(cuttle_lines, squid_lines);
  ASSERT_EQ(squid_lines.size(), 2u);
  EXPECT_NE(squid_lines[0].find("sid=%22s;1%22 x=a=1;%20b=2,%20d=4 b=2 d=4 ua=one"), std::string::npos)
      << squid_lines[0];
}

TEST_F(UrlRewrite, TheDefaultExtrasAndAccessRulesAndTheKeptHostHeader) {
  HelperFiles files;
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  CuttleProcess cuttle("url_rewrite_program " + files.recorded("cuttle.log", files.script("url_map_helper.py")) +
                       "\nacl skip urlpath_regex ^/skip/\nurl_rewrite_access deny skip\n"
                       "url_rewrite_host_header off\n");
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/skip/redirect")).result_int(), 200);
  EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/b/rewrite")).result_int(), 200);
  auto lines = files.asked("cuttle.log", cuttle.port());
  ASSERT_EQ(lines.size(), 1u) << "url_rewrite_access kept /skip/ from the helper";
  // Squid's default extras: %>a/%>A %un %>rm myip=%la myport=%lp (%>A: the address).
  EXPECT_EQ(lines[0], origin.url("/b/rewrite") + " 127.0.0.1/127.0.0.1 - GET myip=127.0.0.1 myport=PORT");
  auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].target, "/rewritten");
  EXPECT_EQ(requests[1].header("Host"), "127.0.0.1:" + std::to_string(origin.port()))
      << "url_rewrite_host_header off keeps the client's Host";
}

// url_rewrite_timeout (with concurrency, where Squid applies it): a rewriter that
// never answers fails the request (500) or lets it go on unchanged, as in squid.
TEST_F(UrlRewrite, ATimedOutRewriterFailsOrIsBypassedAsInSquid) {
  HelperFiles files;
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  const auto rewriter = files.script("url_map_helper.py");
  for (const std::string action : {"fail", "bypass"}) {
    const std::string config = "url_rewrite_program " + rewriter +
                               "\nurl_rewrite_children 1 concurrency=4\nurl_rewrite_timeout 1 second on_timeout=" +
                               action + "\n";
    unsigned by_squid = 0, by_cuttle = 0;
    {
      SquidProcess squid(config);
      by_squid = proxy_get(squid.port(), origin.url("/a/hang")).result_int();
    }
    {
      CuttleProcess cuttle(config);
      by_cuttle = proxy_get(cuttle.port(), origin.url("/a/hang")).result_int();
    }
    EXPECT_EQ(by_squid, action == "fail" ? 500u : 200u) << action;
    EXPECT_EQ(by_cuttle, by_squid) << action;
  }
}

TEST_F(UrlRewrite, StoreIdMakesMirrorsOneStoredObjectAsInSquid) {
  const char* helper = "/usr/lib/squid/storeid_file_rewrite";
  if (!fs::exists(helper)) GTEST_FAIL() << helper << " is missing";
  HelperFiles files;
  OriginServer origin([](const RecordedRequest& r) {
    OriginReply reply;
    // With a Date: without one, squid 5.7 revalidates even a max-age=600 reply.
    reply.headers = {{"Cache-Control", "max-age=600"},
                     {"Content-Type", "application/octet-stream"},
                     {"Date", http_date(std::chrono::system_clock::now())}};
    reply.body = "the same file " + r.target.substr(r.target.rfind('/'));
    return reply;
  });
  const std::string rules =
      files.write("storeid.rules", "^http://127\\.0\\.0\\.1:\\d+/mirror\\d/(\\S+)\thttp://mirrors.squid.internal/$1\n");
  TempDir dir;
  auto config = [&](const std::string& log) {
    return "store_id_program " + files.recorded(log, std::string(helper) + " " + rules) + "\n";
  };
  auto hit_on_second_mirror = [&](auto& proxy) {
    EXPECT_EQ(proxy_get(proxy.port(), origin.url("/mirror1/pkg.deb")).result_int(), 200);
    auto second = proxy_get(proxy.port(), origin.url("/mirror2/pkg.deb"));
    EXPECT_EQ(second.body(), "the same file /pkg.deb");
    return std::string(second["X-Cache"]).starts_with("HIT");
  };
  bool squid_hit = false, cuttle_hit = false;
  {
    SquidProcess squid(config("squid.log"));
    squid_hit = hit_on_second_mirror(squid);
  }
  {
    CuttleProcess cuttle(config("cuttle.log") + "cache_dir lmdb " + dir.file("cache") + " 16\n");
    cuttle_hit = hit_on_second_mirror(cuttle);
  }
  EXPECT_TRUE(squid_hit);
  EXPECT_EQ(cuttle_hit, squid_hit) << "cuttle stores one object for both mirror URLs, as squid does";
}

}  // namespace url_rewrite_test
}  // namespace cuttle::testing
