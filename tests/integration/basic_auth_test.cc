// Basic authentication with Squid's own helper (/usr/lib/squid/basic_ncsa_auth
// and an htpasswd file), differentially against squid 5.7: the same rules and
// credentials through both give the same status, the same challenge header and
// the same access.log code and user; both ask the helper the same lines equally
// often (the credentials cache), and neither forwards Proxy-Authorization.
#include "tests/support/child_process.h"
#include "tests/support/config_rewrite.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/helper_files.h"
#include "tests/support/http_client.h"
#include "tests/support/log_and_credentials.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace basic_auth_test {

namespace fs = std::filesystem;
constexpr const char* kNcsaHelper = "/usr/lib/squid/basic_ncsa_auth";


// An htpasswd file for Squid's NCSA helper, and the auth_param lines, in a
// directory squid's helpers (run as `proxy`) can use.
class AuthFiles {
 public:
  AuthFiles() : files_("cuttle-auth") {
    std::string passwd;
    for (auto [user, password] : {std::pair{"alice", "wonder land"}, {"bob", "builder"}, {"j.doe", "p@ss:word%"}})
      passwd += std::string(user) + ":" + hash(password) + "\n";
    passwd_ = files_.write("passwd", passwd);
  }
  // Squid's NCSA helper over the htpasswd file.
  std::string ncsa() const { return std::string(kNcsaHelper) + " " + passwd_; }
  // The test helper that does what the credentials say (user "reply", password "OK").
  std::string scripted(const std::string& options = "") {
    return files_.script("scripted_helper.py") + " --unescape" + options;
  }
  // The auth_param lines for `helper`; its requests go to `log_name`.
  std::string auth_param(const std::string& log_name, const std::string& helper, const std::string& children = "2") {
    return "auth_param basic program " + files_.recorded(log_name, helper) + "\nauth_param basic children " +
           children + "\nauth_param basic realm Test Realm\nauth_param basic credentialsttl 1 hour\n";
  }
  std::vector<std::string> asked(const std::string& log_name) const { return files_.asked(log_name); }

 private:
  static std::string hash(const std::string& password) {
    auto result = run_command({"openssl", "passwd", "-apr1", password});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output.substr(0, result.output.find('\n'));
  }
  HelperFiles files_;
  std::string passwd_;
};

struct Seen {
  unsigned status = 0;
  std::string challenge;  // Proxy-Authenticate
  std::string logged;     // "TCP_DENIED/407 alice"
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  return out << s.status << " [" << s.challenge << "] " << s.logged;
}


struct Probe {
  std::string name;
  std::string authorization;  // the Proxy-Authorization value; "" sends none
  std::vector<std::pair<std::string, std::string>> more_headers = {};
};

template <class Proxy>
std::vector<Seen> send_all(Proxy& proxy, const OriginServer& origin, const std::vector<Probe>& probes) {
  std::vector<Seen> seen;
  for (size_t i = 0; i < probes.size(); ++i) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!probes[i].authorization.empty()) headers.emplace_back("Proxy-Authorization", probes[i].authorization);
    headers.insert(headers.end(), probes[i].more_headers.begin(), probes[i].more_headers.end());
    auto res = proxy_request(proxy.port(), "GET", origin.url("/page" + std::to_string(i)), "", headers);
    auto line = proxy.access_log_line_with("/page" + std::to_string(i));
    seen.push_back({res.result_int(), std::string(res["Proxy-Authenticate"]), code_and_user(line)});
  }
  return seen;
}

const std::vector<Probe> kProbes = {
    {"no credentials", ""},
    {"not base64", "Basic !!!notbase64"},
    {"another scheme", "Digest username=\"alice\""},
    {"wrong password", basic("alice:wrong")},
    {"right password", basic("alice:wonder land")},
    {"user name in upper case", basic("ALICE:wonder land")},
    {"right password again (cached)", basic("alice:wonder land")},
    {"second user", basic("bob:builder")},
    {"escaped characters", basic("j.doe:p@ss:word%")},
    {"no colon", basic("alice")},
    {"empty password", basic("alice:")},
    {"scheme in lower case", "basic " + basic("bob:builder").substr(6)},
    {"a name the log must quote", basic("w\xc3\xa9ird%[us\\er]:x")},
};

class BasicAuth : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!SquidProcess::available() || !fs::exists(kNcsaHelper)) GTEST_FAIL() << "squid 5.7 and its helpers are needed";
  }
};

TEST_P(BasicAuth, StatusesChallengesLogLinesAndHelperRequestsAreSquids) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = req.has_header("Proxy-Authorization") ? "credentials leaked" : "ok";
    return r;
  });
  AuthFiles files;
  const std::string rules = GetParam();
  SquidProcess squid(files.auth_param("squid.log", files.ncsa()) + rules);
  CuttleProcess cuttle(files.auth_param("cuttle.log", files.ncsa()) + rules);
  auto by_squid = send_all(squid, origin, kProbes);
  auto by_cuttle = send_all(cuttle, origin, kProbes);
  for (size_t i = 0; i < kProbes.size(); ++i) {
    EXPECT_EQ(by_cuttle[i], by_squid[i]) << kProbes[i].name;
    if (std::getenv("CUTTLE_TEST_VERBOSE")) std::cerr << kProbes[i].name << ": " << by_squid[i] << "\n";
  }
  EXPECT_EQ(files.asked("cuttle.log"), files.asked("squid.log")) << "the helper was asked differently";
  for (const auto& req : origin.requests()) EXPECT_FALSE(req.has_header("Proxy-Authorization"));
}

// What a helper that fails gets the client: squid's answer for each failure (a
// refusal, BH asked three times, a helper that dies mid-request and is replaced).
TEST_F(BasicAuth, HelperFailuresGetSquidsAnswers) {
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  AuthFiles files;
  const std::string rules = "acl login proxy_auth REQUIRED\nhttp_access deny !login\n";
  SquidProcess squid(files.auth_param("squid.log", files.scripted(), "1") + rules);
  CuttleProcess cuttle(files.auth_param("cuttle.log", files.scripted(), "1") + rules);
  const std::vector<Probe> probes = {
      {"OK", basic("reply:OK")},
      {"ERR with a message", basic("reply:ERR message=\"no such user\"")},
      {"BH", basic("reply:BH database down")},
      {"crash", basic("crash:now")},
      {"OK after the crash", basic("reply:OK user=x")},
      {"an answer that is not a result code", basic("reply:maybe")},
  };
  auto by_squid = send_all(squid, origin, probes);
  auto by_cuttle = send_all(cuttle, origin, probes);
  for (size_t i = 0; i < probes.size(); ++i) {
    EXPECT_EQ(by_cuttle[i], by_squid[i]) << probes[i].name;
    if (std::getenv("CUTTLE_TEST_VERBOSE")) std::cerr << probes[i].name << ": " << by_squid[i] << "\n";
  }
  EXPECT_EQ(by_cuttle[0].status, 200u);
  EXPECT_EQ(by_cuttle[3].status, 407u);
  EXPECT_EQ(by_cuttle[4].status, 200u) << "the crashed helper was replaced";
  EXPECT_EQ(files.asked("cuttle.log"), files.asked("squid.log"));
}

// On an accelerator port the credentials come in Authorization and the challenge
// is a 401 with WWW-Authenticate, as squid 5.7 answers; what reaches the origin
// server peer is compared too.
TEST_F(BasicAuth, AcceleratorPortsAnswer401AndReadAuthorizationAsSquid) {
  AuthFiles files;
  OriginServer origin([](const RecordedRequest& r) {
    OriginReply reply;
    reply.body = r.has_header("Authorization") ? "authorization forwarded" : "ok";
    return reply;
  });
  const auto origin_port = std::to_string(origin.port());
  auto config = [&](const std::string& log_name) {
    const auto port = free_port();
    return WholeConfig{"http_port 127.0.0.1:" + std::to_string(port) + " accel defaultsite=127.0.0.1:" +
                           origin_port + "\ncache_peer 127.0.0.1 parent " + origin_port +
                           " 0 no-query originserver\n" + files.auth_param(log_name, files.ncsa()) +
                           "acl login proxy_auth REQUIRED\nhttp_access deny !login\nhttp_access allow all\n",
                       port};
  };
  const std::vector<std::pair<std::string, std::string>> probes = {
      {"", ""},
      {"Authorization", basic("alice:wrong")},
      {"Authorization", basic("alice:wonder land")},
      {"Proxy-Authorization", basic("alice:wonder land")},
  };
  auto send = [&](auto& proxy) {
    std::vector<std::string> seen;
    for (size_t i = 0; i < probes.size(); ++i) {
      RawConnection conn(proxy.port());
      const std::string path = "/accel" + std::to_string(i);
      const auto& [name, value] = probes[i];
      conn.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + origin_port + "\r\n" +
                (name.empty() ? "" : name + ": " + value + "\r\n") + "\r\n");
      auto res = conn.read_response();
      seen.push_back(std::to_string(res.result_int()) + " [" + std::string(res[http::field::www_authenticate]) +
                     "] " + res.body().substr(0, res.result_int() == 200 ? std::string::npos : 0) + " " +
                     code_and_user(proxy.access_log_line_with(path)));
    }
    return seen;
  };
  std::vector<std::string> by_squid, by_cuttle;
  {
    SquidProcess squid(config("squid.log"));
    by_squid = send(squid);
  }
  {
    CuttleProcess cuttle(config("cuttle.log"));
    by_cuttle = send(cuttle);
  }
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_cuttle[0].substr(0, 3), "401");
  EXPECT_EQ(by_cuttle[2].substr(0, 3), "200");
}

// Squid 5.7 waits for a hung authenticator forever; cuttle answers as for a
// helper that died once helper_timeout has passed, and replaces the helper.
TEST_F(BasicAuth, AHungHelperCostsHelperTimeoutThenA407) {
  AuthFiles files;
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  CuttleProcess cuttle(files.auth_param("cuttle.log", files.scripted(), "1") + "helper_timeout 3 seconds\n" +
                       "acl login proxy_auth REQUIRED\nhttp_access deny !login\n");
  const auto start = std::chrono::steady_clock::now();
  auto hung = proxy_request(cuttle.port(), "GET", origin.url("/a"), "", {{"Proxy-Authorization", basic("hang:x")}});
  EXPECT_EQ(hung.result_int(), 407);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  auto next = proxy_request(cuttle.port(), "GET", origin.url("/b"), "", {{"Proxy-Authorization", basic("reply:OK")}});
  EXPECT_EQ(next.result_int(), 200);
}

// With concurrency, one helper process checks several users at once (channel
// IDs; the answers come back in another order than the requests went out).
TEST_F(BasicAuth, AConcurrentHelperChecksSeveralCredentialsAtOnce) {
  AuthFiles files;
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  CuttleProcess cuttle(files.auth_param("cuttle.log", files.scripted(" --concurrent"), "1 concurrency=8") +
                       "acl login proxy_auth REQUIRED\nhttp_access deny !login\n");
  std::vector<std::thread> clients;
  std::vector<unsigned> statuses(4);
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < statuses.size(); ++i)
    clients.emplace_back([&, i] {
      // A different password each (no credentials cache); the first sleeps longest.
      auto credentials = "sleep:" + std::to_string(2.0 - 0.2 * static_cast<double>(i)) + " reply OK";
      auto res = proxy_request(cuttle.port(), "GET", origin.url("/c" + std::to_string(i)), "",
                               {{"Proxy-Authorization", basic(credentials)}});
      statuses[i] = res.result_int();
    });
  for (auto& c : clients) c.join();
  EXPECT_EQ(statuses, (std::vector<unsigned>{200, 200, 200, 200}));
  // One after another they would take 2 + 1.8 + 1.6 + 1.4 = 6.8 s.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(5000));
}

// Helper statistics: mgr:basicauthenticator (Squid's report) and Prometheus.
TEST_F(BasicAuth, HelperStatisticsInTheCacheManagerAndPrometheus) {
  AuthFiles files;
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  const auto metrics_port = free_port();
  CuttleProcess cuttle(files.auth_param("cuttle.log", files.ncsa()) + "prometheus_port 127.0.0.1:" +
                       std::to_string(metrics_port) +
                       "\nacl login proxy_auth REQUIRED\nhttp_access allow manager localhost\n"
                       "http_access deny !login\n");
  for (auto credentials : {"alice:wonder land", "alice:wonder land", "bob:wrong"})
    proxy_request(cuttle.port(), "GET", origin.url("/"), "", {{"Proxy-Authorization", basic(credentials)}});
  auto menu = proxy_get(cuttle.port(), "cache_object://127.0.0.1/menu").body();
  EXPECT_NE(menu.find("basicauthenticator"), std::string::npos) << menu;
  auto report = proxy_get(cuttle.port(), "cache_object://127.0.0.1/basicauthenticator").body();
  EXPECT_NE(report.find("Basic Authenticator Statistics:"), std::string::npos) << report;
  EXPECT_NE(report.find("program: "), std::string::npos) << report;
  // The second alice came from the credentials cache.
  EXPECT_NE(report.find("requests sent: 2\n"), std::string::npos) << report;
  EXPECT_NE(report.find("replies received: 2\n"), std::string::npos) << report;
  RawConnection scrape(metrics_port);
  scrape.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto text = scrape.read_response().body();
  EXPECT_NE(text.find("cuttle_helper_requests_total{helper=\"basicauthenticator\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("cuttle_helper_processes{helper=\"basicauthenticator\"} 1"), std::string::npos) << text;
}

// What the authenticator answers besides OK (group=, tag=, any key=value) stays
// with the user and annotates its requests, for `note` ACLs: group and tag
// accumulate over answers, other keys are replaced, as in squid 5.7.
TEST_F(BasicAuth, HelperNotesAnnotateTheUsersRequestsAsSquid) {
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  AuthFiles files;
  const std::string rules =
      "acl login proxy_auth REQUIRED\nacl admins note group admins\nacl ops note group ops\n"
      "acl blue note colour blue\nhttp_access deny !login\nhttp_access allow admins ops\n"
      "http_access allow blue\nhttp_access deny all\n";
  SquidProcess squid(files.auth_param("squid.log", files.scripted(), "1") + rules);
  CuttleProcess cuttle(files.auth_param("cuttle.log", files.scripted(), "1") + rules);
  const std::vector<Probe> probes = {
      {"group=admins", basic("reply:OK group=admins colour=red")},
      {"then group=ops: both groups now", basic("reply:OK group=ops colour=green")},
      {"the same password again (cached): the notes stay", basic("reply:OK group=ops colour=green")},
      {"colour replaced", basic("reply:OK colour=blue")},
  };
  auto by_squid = send_all(squid, origin, probes);
  auto by_cuttle = send_all(cuttle, origin, probes);
  for (size_t i = 0; i < probes.size(); ++i) {
    EXPECT_EQ(by_cuttle[i], by_squid[i]) << probes[i].name;
    if (std::getenv("CUTTLE_TEST_VERBOSE")) std::cerr << probes[i].name << ": " << by_squid[i] << "\n";
  }
  EXPECT_EQ(files.asked("cuttle.log"), files.asked("squid.log"));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, BasicAuth,
    ::testing::Values(
        // Everyone must log in.
        "acl login proxy_auth REQUIRED\nhttp_access deny !login\n",
        // Only alice: bob is challenged again (the last ACL looked at is an auth ACL).
        "acl alice proxy_auth alice\nhttp_access deny !alice\n",
        // Only alice; a denial whose last ACL is not about users is a 403 for bob.
        "acl alice proxy_auth alice\nacl login proxy_auth REQUIRED\nhttp_access allow alice\n"
        "http_access deny login all\n",
        // A regular expression over the names, and a list read with -i.
        "acl dotted proxy_auth_regex \\.\nacl named proxy_auth -i ALICE Bob\nhttp_access allow dotted\n"
        "http_access deny !named\n"),
    [](const auto& info) { return "Rules" + std::to_string(info.index); });

// The same probes through squid and through cuttle, each with `lines` after Squid's
// basic_fake_auth (which accepts everyone), its requests recorded in `files`.
std::pair<std::vector<Seen>, std::vector<Seen>> through_fake_auth(HelperFiles& files, const std::string& lines,
                                                                  const std::vector<Probe>& probes) {
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  auto config = [&](const std::string& who) {
    return "auth_param basic program " + files.recorded(who + ".log", "/usr/lib/squid/basic_fake_auth") + "\n" +
           lines + "acl login proxy_auth REQUIRED\nhttp_access deny !login\n";
  };
  SquidProcess squid(config("squid"));
  CuttleProcess cuttle(config("cuttle"));
  return {send_all(squid, origin, probes), send_all(cuttle, origin, probes)};
}

// `auth_param basic utf8 on`: the challenge names UTF-8, and credentials in a
// legacy character set reach the helper converted as squid converts them
// (Latin-1, or Windows-1251 when Accept-Language is Cyrillic; UTF-8 untouched).
TEST_F(BasicAuth, Utf8OnConvertsLegacyCredentialsAsSquid) {
  HelperFiles files("cuttle-utf8");
  const std::vector<Probe> probes = {
      {"no credentials", ""},
      {"Latin-1", basic("j\xFCrgen:p\xE4ss"), {{"Accept-Language", "de"}}},
      {"Windows-1251", basic("\xC8\xE2\xE0\xED:x"), {{"Accept-Language", "ru-RU, en;q=0.5"}}},
      {"the same bytes as Latin-1", basic("\xC0\xED\xED\xE0:x"), {{"Accept-Language", "de"}}},
      {"UTF-8 already", basic("j\xC3\xBCrgen:x"), {{"Accept-Language", "ru"}}},
  };
  auto [by_squid, by_cuttle] = through_fake_auth(files, "auth_param basic utf8 on\nauth_param basic realm Utf8\n", probes);
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_cuttle[0].challenge, "Basic realm=\"Utf8\", charset=\"UTF-8\"");
  EXPECT_EQ(files.asked("cuttle.log"), files.asked("squid.log"));
  ASSERT_EQ(files.asked("cuttle.log").size(), 4u);
  EXPECT_EQ(files.asked("cuttle.log")[0], "j%C3%BCrgen p%C3%A4ss");
}

// `auth_param basic key_extras`: the expanded format follows the credentials on
// the helper's line, and the credentials cache keys users by name and extras: the
// same password from another User-Agent is asked again, as in squid.
TEST_F(BasicAuth, KeyExtrasFollowTheCredentialsAndKeyTheCacheAsSquid) {
  HelperFiles files("cuttle-key-extras");
  std::vector<Probe> probes;
  for (const char* agent : {"one", "one", "two two", "one"})
    probes.push_back({agent, basic("alice:x"), {{"User-Agent", agent}}});
  auto [by_squid, by_cuttle] =
      through_fake_auth(files, "auth_param basic key_extras \"ua=%{User-Agent}>h from=%>a\"\n", probes);
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(files.asked("cuttle.log"), files.asked("squid.log"));
  EXPECT_EQ(files.asked("cuttle.log"),
            (std::vector<std::string>{"alice x ua=one from=127.0.0.1", "alice x ua=two%20two from=127.0.0.1"}));
}

}  // namespace basic_auth_test
}  // namespace cuttle::testing
