// The PAC/WPAD file through real sockets: served by cuttle from its configured
// array, equal to carp::pac_script, and followed by a real headless Chromium so
// that each array member receives exactly the URLs CARP assigns to it.
#include "carp/array.h"
#include "carp/pac.h"
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <cerrno>
#include <cstring>
#include <sched.h>
#include <unistd.h>

namespace cuttle::testing {
namespace pac_test {

constexpr const char* kChromium = "/usr/bin/chromium";

Response fetch_from_proxy_itself(unsigned short port, const std::string& path, const std::string& method = "GET") {
  RawConnection conn(port);
  conn.send(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n");
  return conn.read_response(method == "HEAD");
}

std::vector<std::string> logged_urls(const CuttleProcess& member) {
  std::vector<std::string> urls;
  std::ifstream log(member.access_log_path());
  for (std::string line; std::getline(log, line);) {
    std::istringstream fields(line);
    std::string f[7];
    for (auto& x : f) fields >> x;
    urls.push_back(f[6]);
  }
  return urls;
}

TEST(PacFile, ServedAtProxyPacAndWpadDatFromThePacMembers) {
  CuttleProcess cuttle("pac_member 127.0.0.2:3128 name=a\npac_member 127.0.0.3:8080 weight=2 name=b\n"
                       "pac_direct_domain .intranet.test\n");
  carp::Array array({{"a", "127.0.0.2", 3128, 1, {}}, {"b", "127.0.0.3", 8080, 2, {}}});
  carp::PacOptions options;
  options.direct_domains = {".intranet.test"};
  const std::string expected = carp::pac_script(array, options);
  for (std::string path : {"/proxy.pac", "/wpad.dat"}) {
    auto res = fetch_from_proxy_itself(cuttle.port(), path);
    EXPECT_EQ(res.result_int(), 200) << path;
    EXPECT_EQ(res[http::field::content_type], "application/x-ns-proxy-autoconfig");
    EXPECT_EQ(res.body(), expected);
  }
  auto head = fetch_from_proxy_itself(cuttle.port(), "/proxy.pac", "HEAD");
  EXPECT_EQ(head[http::field::content_length], std::to_string(expected.size()));
  EXPECT_FALSE(cuttle.access_log_line_with("TCP_MISS/200").empty());
}

TEST(PacFile, CarpParentsAreTheArrayWhenNoPacMemberIsGivenAndNoArrayIs404) {
  CuttleProcess with_parents("cache_peer 127.0.0.5 parent 3128 0 carp name=p1\n"
                             "cache_peer 127.0.0.6 parent 3128 0 carp weight=3 name=p2\n");
  carp::Array array({{"p1", "127.0.0.5", 3128, 1, {}}, {"p2", "127.0.0.6", 3128, 3, {}}});
  EXPECT_EQ(fetch_from_proxy_itself(with_parents.port(), "/proxy.pac").body(), carp::pac_script(array));
  CuttleProcess without;
  EXPECT_EQ(fetch_from_proxy_itself(without.port(), "/proxy.pac").result_int(), 404);
}

TEST(PacFile, DeniedToClientsHttpAccessDenies) {
  CuttleProcess cuttle("pac_member 127.0.0.2:3128\nacl localhost_v4 src 127.0.0.1\nhttp_access deny localhost_v4\n");
  EXPECT_EQ(fetch_from_proxy_itself(cuttle.port(), "/proxy.pac").result_int(), 403);
}

// Chromium never asks a PAC script about loopback hosts (its implicit bypass
// rules cannot be turned off with PAC), so the origin needs an address outside
// 127/8. This test's process moves into a network namespace of its own (each
// gtest case runs in its own process under ctest) where 10.77.0.1 is on lo:
// nothing on the machine's real network is touched.
constexpr const char* kOriginAddress = "10.77.0.1";

void enter_private_network_namespace() {
  ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << "unshare(CLONE_NEWNET) needs root: " << std::strerror(errno);
  for (auto args : {std::vector<std::string>{"ip", "link", "set", "lo", "up"},
                    std::vector<std::string>{"ip", "addr", "add", std::string(kOriginAddress) + "/32", "dev", "lo"}}) {
    auto r = run_command(args, std::chrono::seconds(10));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
}

TEST(PacFile, HeadlessChromiumSendsEachUrlToItsCarpOwner) {
  ASSERT_EQ(::access(kChromium, X_OK), 0) << "chromium is not installed (scripts/install-deps.sh installs it)";
  enter_private_network_namespace();
  if (HasFatalFailure()) return;
  constexpr int kImages = 24;
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    if (req.target == "/index.html") {
      r.headers = {{"Content-Type", "text/html"}};
      r.body = "<html><body>";
      for (int i = 0; i < kImages; ++i) r.body += "<img src=\"/img/" + std::to_string(i) + ".gif\">";
      r.body += "</body></html>";
    } else {
      r.headers = {{"Content-Type", "image/gif"}};
      // A 1x1 transparent GIF.
      r.body = std::string("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\x21\xf9\x04\x01\x00\x00\x00\x00"
                           "\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b", 43);
    }
    return r;
  }, kOriginAddress);
  std::vector<std::unique_ptr<CuttleProcess>> members;
  std::vector<carp::Member> array_members;
  std::string pac_lines;
  for (int i = 0; i < 3; ++i) {
    // Members forward only to the test's origin: whatever else the browser asks
    // for (its own background requests) is refused, never sent off the machine.
    members.push_back(std::make_unique<CuttleProcess>("acl test_origin dstdomain " + std::string(kOriginAddress) + "\n"
                                                      "http_access deny !test_origin\n"));
    std::string name = "member" + std::to_string(i);
    array_members.push_back({name, "127.0.0.1", members.back()->port(), 1, {}});
    pac_lines += "pac_member 127.0.0.1:" + std::to_string(members.back()->port()) + " name=" + name + "\n";
  }
  CuttleProcess front(pac_lines);
  carp::Array array(array_members);

  TempDir profile;
  auto result = run_command({kChromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--disable-default-apps", "--disable-extensions", "--no-pings",
                             "--disable-domain-reliability", "--disable-client-side-phishing-detection",
                             "--user-data-dir=" + profile.path(),
                             "--proxy-pac-url=http://127.0.0.1:" + std::to_string(front.port()) + "/proxy.pac",
                             "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=10000", "--dump-dom",
                             origin.url("/index.html")},
                            std::chrono::seconds(60));
  ASSERT_NE(result.output.find("<img"), std::string::npos) << result.output.substr(0, 2000);

  // Every URL the origin served reached it through exactly its CARP owner.
  std::set<std::string> expected;
  expected.insert(origin.url("/index.html"));
  for (int i = 0; i < kImages; ++i) expected.insert(origin.url("/img/" + std::to_string(i) + ".gif"));
  // Members log right after answering; give the last lines a moment (bounded).
  auto logged_total = [&] {
    size_t n = 0;
    for (const auto& m : members)
      for (const auto& url : logged_urls(*m)) n += url.starts_with(origin.url("/"));
    return n;
  };
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       logged_total() < expected.size() && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::map<std::string, size_t> seen_at;
  std::set<size_t> members_used;
  for (size_t m = 0; m < members.size(); ++m) {
    for (const auto& url : logged_urls(*members[m])) {
      if (!url.starts_with(origin.url("/"))) continue;  // the browser's own traffic, refused above
      size_t owner = array.select(url).front();
      EXPECT_EQ(owner, m) << url << " went through member" << m << " but member" << owner << " owns it";
      seen_at[url] = m;
      members_used.insert(m);
    }
  }
  for (const auto& url : expected) EXPECT_TRUE(seen_at.count(url)) << url << " never went through the array";
  if (HasFailure()) {
    for (size_t m = 0; m < members.size(); ++m)
      for (const auto& url : logged_urls(*members[m])) std::cerr << "member" << m << " logged " << url << "\n";
    std::cerr << "chromium said: " << result.output.substr(0, 3000) << "\n";
  }
  EXPECT_GE(members_used.size(), 2u) << "the URLs should spread over the array";
  EXPECT_GE(origin.requests().size(), expected.size());
}

}  // namespace pac_test
}  // namespace cuttle::testing
