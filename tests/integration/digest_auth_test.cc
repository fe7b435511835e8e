// Digest authentication with Squid's own helper (/usr/lib/squid/digest_file_auth
// over a password file), differentially against squid 5.7: challenges of the
// same shape (a fresh 32-hex-digit nonce each), curl's --proxy-digest through
// both, nonce counts, replays, unknown nonces and malformed credentials giving
// the same statuses, stale= flags and logged users, and the helper asked the
// same lines equally often.
#include "proxy/auth/digest_credentials.h"
#include "tests/support/child_process.h"
#include "tests/support/differential.h"
#include "tests/support/helper_files.h"
#include "tests/support/http_client.h"
#include "tests/support/log_and_credentials.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>

namespace cuttle::testing {
namespace digest_auth_test {

constexpr const char* kDigestHelper = "/usr/lib/squid/digest_file_auth";
constexpr const char* kRealm = "Digest Test";

struct Seen {
  unsigned status = 0;
  std::vector<std::string> challenges;  // nonces as N
  std::string logged;                   // code and user
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  out << s.status << " [";
  for (const auto& c : s.challenges) out << c << "; ";
  return out << "] " << s.logged;
}


std::string nonce_of(const std::string& challenge) {
  std::smatch m;
  return std::regex_search(challenge, m, std::regex("nonce=\"([^\"]*)\"")) ? m[1].str() : "";
}

// The Digest header a client computes for `path` with `nonce`.
std::string digest_header(const std::string& user, const std::string& password, const std::string& nonce,
                          const std::string& uri, const std::string& nc, const std::string& method = "GET") {
  auth::DigestCredentials c;
  c.user = user, c.realm = kRealm, c.nonce = nonce, c.uri = uri, c.qop = "auth", c.nc = nc, c.cnonce = "c0ffee";
  const auto response = auth::expected_response(c, auth::digest_ha1(user, kRealm, password), method);
  return "Digest username=\"" + user + "\", realm=\"" + kRealm + "\", nonce=\"" + nonce + "\", uri=\"" + uri +
         "\", qop=auth, nc=" + nc + ", cnonce=\"c0ffee\", response=\"" + response + "\"";
}

// One proxy's run through the scenario; `seen` in order, the last nonce issued kept.
template <class Proxy>
class Client {
 public:
  Client(Proxy& proxy, const OriginServer& origin) : proxy_(proxy), origin_(origin) {}

  // Sends `authorization` ("" none; "{nonce}" and "{uri}" are filled in).
  Seen send(const std::string& path, const std::string& authorization) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!authorization.empty()) headers.emplace_back("Proxy-Authorization", authorization);
    auto res = proxy_request(proxy_.port(), "GET", origin_.url(path), "", headers);
    Seen s{res.result_int(), {}, code_and_user(proxy_.access_log_line_with(path))};
    auto [first, last] = res.base().equal_range(http::field::proxy_authenticate);
    for (auto it = first; it != last; ++it) {
      std::string c(it->value());
      if (auto n = nonce_of(c); !n.empty()) {
        last_nonce = n;
        EXPECT_TRUE(std::regex_match(n, std::regex("[0-9a-f]{32}"))) << n;
        c = std::regex_replace(c, std::regex(n), "N");
      }
      s.challenges.push_back(c);
    }
    return s;
  }
  std::string url(const std::string& path) const { return origin_.url(path); }

  std::string last_nonce;

 private:
  Proxy& proxy_;
  const OriginServer& origin_;
};

// curl's own Digest exchange (a 407, then the answer) through the proxy.
template <class Proxy>
std::string curl_through(Proxy& proxy, const std::string& url, const std::string& credentials) {
  auto r = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--proxy-digest", "--proxy-user",
                        credentials, "-x", "http://127.0.0.1:" + std::to_string(proxy.port()), url});
  return r.output;
}

template <class Proxy>
std::vector<Seen> scenario(Proxy& proxy, const OriginServer& origin) {
  Client<Proxy> client(proxy, origin);
  std::vector<Seen> seen;
  seen.push_back(client.send("/none", ""));
  const auto nonce = client.last_nonce;
  const auto uri = client.url("/ok1");
  seen.push_back(client.send("/ok1", digest_header("alice", "wonder land", nonce, uri, "00000001")));
  seen.push_back(client.send("/ok2", digest_header("alice", "wonder land", nonce, client.url("/ok2"), "00000002")));
  // The same count again: a replay.
  seen.push_back(client.send("/replay", digest_header("alice", "wonder land", nonce, client.url("/replay"), "00000002")));
  seen.push_back(client.send("/after", digest_header("alice", "wonder land", nonce, client.url("/after"), "00000003")));
  seen.push_back(client.send("/unknown", digest_header("alice", "wonder land", std::string(32, 'a'), client.url("/unknown"), "00000001")));
  seen.push_back(client.send("/fresh", ""));
  const auto fresh = client.last_nonce;
  seen.push_back(client.send("/wrong", digest_header("alice", "wrong", fresh, client.url("/wrong"), "00000001")));
  seen.push_back(client.send("/bob", digest_header("bob", "builder", fresh, client.url("/bob"), "00000002")));
  seen.push_back(client.send("/broken", "Digest username=\"carol\", realm=\"" + std::string(kRealm) + "\", nonce=\"" +
                                            fresh + "\", response=\"0123456789abcdef0123456789abcdef\""));
  seen.push_back(client.send("/nobody", digest_header("mallory", "x", fresh, client.url("/nobody"), "00000003")));
  seen.push_back({static_cast<unsigned>(std::atoi(curl_through(proxy, origin.url("/curl"), "bob:builder").c_str())), {},
                  code_and_user(proxy.access_log_line_with("/curl"))});
  return seen;
}

const char* kNames[] = {"no credentials",  "right password",     "the next count",  "a replayed count",
                        "after a replay",  "a nonce never issued", "a new challenge", "a wrong password",
                        "another user, the same nonce", "no uri (broken)", "no such user", "curl --proxy-digest"};

class DigestAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SquidProcess::available() || !std::filesystem::exists(kDigestHelper))
      GTEST_FAIL() << "squid 5.7 and its digest helper are needed";
    passwd_ = files_.write("passwd", "alice:wonder land\nbob:builder\n");
  }
  std::string auth_params(const std::string& who, const std::string& before = "") {
    return before + "auth_param digest program " + files_.recorded(who + ".log", std::string(kDigestHelper) + " " + passwd_) +
           "\nauth_param digest children 2\nauth_param digest realm " + kRealm + "\n";
  }

  HelperFiles files_{"cuttle-digest"};
  std::string passwd_;
};

TEST_F(DigestAuth, ChallengesNoncesAndLogLinesAreSquids) {
  const std::string rules = "acl login proxy_auth REQUIRED\nhttp_access deny !login\n";
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = req.has_header("Proxy-Authorization") ? "credentials leaked" : "ok";
    return r;
  });
  std::vector<Seen> by_squid, by_cuttle;
  {
    SquidProcess squid(auth_params("squid") + rules);
    by_squid = scenario(squid, origin);
  }
  {
    CuttleProcess cuttle(auth_params("cuttle") + rules);
    by_cuttle = scenario(cuttle, origin);
  }
  ASSERT_EQ(by_cuttle.size(), by_squid.size());
  for (size_t i = 0; i < by_squid.size(); ++i) {
    EXPECT_EQ(by_cuttle[i], by_squid[i]) << kNames[i];
    if (std::getenv("CUTTLE_TEST_VERBOSE")) std::cerr << kNames[i] << ": " << by_squid[i] << "\n";
  }
  EXPECT_EQ(by_cuttle[1].status, 200u);
  EXPECT_EQ(files_.asked("cuttle.log"), files_.asked("squid.log"));
  for (const auto& req : origin.requests()) EXPECT_FALSE(req.has_header("Proxy-Authorization"));
}

// With Basic and Digest both configured, a 407 offers both, in the order of the
// auth_param lines, and either scheme's credentials pass.
TEST_F(DigestAuth, BothSchemesAreOfferedInTheOrderConfigured) {
  const auto basic = "auth_param basic program /usr/lib/squid/basic_ncsa_auth " +
                     files_.write("htpasswd", "bob:" + [] {
                       auto r = run_command({"openssl", "passwd", "-apr1", "builder"});
                       return r.output.substr(0, r.output.find('\n'));
                     }()) + "\nauth_param basic realm Basic Test\n";
  const std::string rules = "acl login proxy_auth REQUIRED\nhttp_access deny !login\n";
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  for (bool basic_first : {true, false}) {
    std::vector<Seen> by_squid, by_cuttle;
    auto config = [&](const std::string& who) {
      return basic_first ? basic + auth_params(who) + rules : auth_params(who) + basic + rules;
    };
    auto run = [&](auto& proxy) {
      Client client(proxy, origin);
      std::vector<Seen> seen{client.send("/" + std::to_string(basic_first) + "a", "")};
      seen.push_back(client.send("/" + std::to_string(basic_first) + "b", "Basic Ym9iOmJ1aWxkZXI="));  // bob:builder
      seen.push_back({static_cast<unsigned>(std::atoi(curl_through(proxy, origin.url("/c"), "alice:wonder land").c_str())),
                      {}, ""});
      return seen;
    };
    {
      SquidProcess squid(config("squid"));
      by_squid = run(squid);
    }
    {
      CuttleProcess cuttle(config("cuttle"));
      by_cuttle = run(cuttle);
    }
    EXPECT_EQ(by_cuttle, by_squid) << (basic_first ? "basic first" : "digest first");
    ASSERT_EQ(by_cuttle[0].challenges.size(), 2u);
    EXPECT_EQ(by_cuttle[0].challenges[0].starts_with("Basic"), basic_first);
    EXPECT_EQ(by_cuttle[1].status, 200u);
    EXPECT_EQ(by_cuttle[2].status, 200u);
  }
}

// `auth_param digest utf8 on`: a user name in Latin-1 reaches the helper as
// UTF-8, as squid converts it, followed by the key_extras; the status and logged
// user agree.
TEST_F(DigestAuth, Utf8OnConvertsTheUserNameAndKeyExtrasFollowItAsSquid) {
  const std::string rules = "auth_param digest utf8 on\nauth_param digest key_extras \"from=%>a\"\n"
                            "acl login proxy_auth REQUIRED\nhttp_access deny !login\n";
  OriginServer origin;
  const auto [by_squid, by_cuttle] = through_squid_then_cuttle(
      [&](const std::string& who) { return auth_params(who) + rules; },
      [&](auto& proxy) {
        Client client(proxy, origin);
        std::vector<Seen> seen{client.send("/u0", "")};
        seen.push_back(
            client.send("/u1", digest_header("j\xFCrgen", "x", client.last_nonce, client.url("/u1"), "00000001")));
        return seen;
      });
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(files_.asked("cuttle.log"), files_.asked("squid.log"));
  EXPECT_EQ(files_.asked("cuttle.log"), std::vector<std::string>{"\"j\xC3\xBCrgen\":\"Digest Test\" from=127.0.0.1"});
}

}  // namespace digest_auth_test
}  // namespace cuttle::testing
