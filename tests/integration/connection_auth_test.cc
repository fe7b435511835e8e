// NTLM and Negotiate, differentially against squid 5.7: handshakes on one
// connection (the first token to a helper process as YR, the helper's TT token
// back in a 407, the next token as KK to the same process), an accepted
// connection needing no more credentials, failures closing the connection, a
// request without credentials ending the handshake and the connection, a
// handshake on a
// request that would close the connection. tests/helpers/handshake_helper.py
// answers what each token asks, and answers BH when a KK reaches a process that
// holds no handshake: the proxy must keep the process for its client. curl's
// real NTLM against Squid's ntlm_fake_auth closes the circle.
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
#include <memory>

namespace cuttle::testing {
namespace connection_auth_test {

constexpr const char* kNtlmFake = "/usr/lib/squid/ntlm_fake_auth";
constexpr const char* kBasicFake = "/usr/lib/squid/basic_fake_auth";

struct Seen {
  unsigned status = 0;
  std::vector<std::string> challenges;
  std::string logged;  // code and user
  bool keep_alive = false;  // the reply lets the connection carry another request (not compared)
  bool operator==(const Seen& o) const {
    return status == o.status && challenges == o.challenges && logged == o.logged;
  }
};

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  out << s.status << " [";
  for (const auto& c : s.challenges) out << c << "; ";
  return out << "] " << s.logged << (s.keep_alive ? " keep-alive" : " close");
}

// Requests on connections a scenario opens and keeps.
template <class Proxy>
class Client {
 public:
  Client(Proxy& proxy, const OriginServer& origin, std::string scheme)
      : proxy_(proxy), origin_(origin), scheme_(std::move(scheme)) {}

  void new_connection() { conn_ = std::make_unique<RawConnection>(proxy_.port()); }
  // GET `path` on the current connection with `token` ("" none) in the scheme's
  // credentials; `extra` header lines as they are.
  Seen send(const std::string& path, const std::string& token, const std::string& extra = "") {
    std::string headers = extra;
    if (!token.empty()) headers += "Proxy-Authorization: " + scheme_ + " " + token + "\r\n";
    Seen s;
    bool answered = false;
    try {
      conn_->send(request_text("GET", origin_.url(path), headers));
      auto res = conn_->read_response();
      s.status = res.result_int();
      s.keep_alive = res.keep_alive();
      auto [first, last] = res.base().equal_range(http::field::proxy_authenticate);
      for (auto it = first; it != last; ++it) s.challenges.emplace_back(it->value());
      answered = true;
    } catch (const std::exception&) {
      s.challenges.push_back("closed");  // end of stream or reset, as timing has it
    }
    s.logged = code_and_user(proxy_.access_log_line_with(path, answered ? std::chrono::seconds(5) : std::chrono::seconds(1)));
    return s;
  }

 private:
  Proxy& proxy_;
  const OriginServer& origin_;
  std::string scheme_;
  std::unique_ptr<RawConnection> conn_;
};

template <class Proxy>
std::vector<Seen> scenario(Proxy& proxy, const OriginServer& origin, const std::string& scheme) {
  Client<Proxy> client(proxy, origin, scheme);
  std::vector<Seen> seen;
  client.new_connection();
  seen.push_back(client.send("/none", ""));
  seen.push_back(client.send("/start", "hello"));
  seen.push_back(client.send("/again", "more"));
  seen.push_back(client.send("/done", "good-alice"));
  seen.push_back(client.send("/after", ""));            // the connection is alice's now
  seen.push_back(client.send("/restart", "hello2"));    // a new token on it changes nothing
  seen.push_back(client.send("/forbidden", ""));        // denied by a rule ending in an auth ACL
  client.new_connection();
  seen.push_back(client.send("/other", ""));  // another connection is nobody's
  seen.push_back(client.send("/old-start", "hi"));
  seen.push_back(client.send("/old-done", "old-bob"));
  client.new_connection();
  seen.push_back(client.send("/bad-start", "hi"));
  seen.push_back(client.send("/bad", "bad"));
  client.new_connection();
  seen.push_back(client.send("/broken-start", "hi"));
  seen.push_back(client.send("/broken", "broken"));
  client.new_connection();
  seen.push_back(client.send("/drop-start", "hi"));
  seen.push_back(client.send("/dropped", ""));  // no credentials: the handshake ends, and the connection
  seen.push_back(client.send("/drop-again", "good-carol"));
  client.new_connection();
  seen.push_back(client.send("/closing", "hi", "Connection: close\r\n"));
  client.new_connection();
  seen.push_back(client.send("/basic", "", "Proxy-Authorization: " + basic("dave:x") + "\r\n"));
  return seen;
}

class ConnectionAuthSchemes : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!SquidProcess::available() || !std::filesystem::exists(kBasicFake))
      GTEST_FAIL() << "squid 5.7 and its helpers are needed";
  }
  std::string scheme_word() const { return GetParam() == "ntlm" ? "NTLM" : "Negotiate"; }
  std::string config(const std::string& who, const std::string& rules) {
    const std::string helper = files_.script("handshake_helper.py") + (GetParam() == "negotiate" ? " --negotiate" : "");
    return "auth_param " + GetParam() + " program " + files_.recorded(who + ".log", helper) + "\nauth_param " +
           GetParam() + " children 3\nauth_param " + GetParam() + " key_extras \"from=%>a\"\nauth_param basic program " +
           kBasicFake + "\nauth_param basic realm Fake\n" +
           rules;
  }

  HelperFiles files_{"cuttle-conn-auth"};
};

TEST_P(ConnectionAuthSchemes, HandshakesChallengesAndLogLinesAreSquids) {
  const std::string rules =
      "acl login proxy_auth REQUIRED\nacl forbidden urlpath_regex ^/forbidden\nhttp_access deny forbidden login\n"
      "http_access deny !login\n";
  OriginServer origin;  // whether credentials leaked upstream is checked on what it recorded
  const auto [by_squid, by_cuttle] =
      through_squid_then_cuttle([&](const std::string& who) { return config(who, rules); },
                                [&](auto& proxy) { return scenario(proxy, origin, scheme_word()); });
  ASSERT_EQ(by_cuttle.size(), by_squid.size());
  for (size_t i = 0; i < by_squid.size(); ++i) {
    EXPECT_EQ(by_cuttle[i], by_squid[i]) << "step " << i;
    if (std::getenv("CUTTLE_TEST_VERBOSE")) std::cerr << i << ": " << by_squid[i] << "\n";
  }
  EXPECT_EQ(by_cuttle[3], (Seen{200, {}, "TCP_MISS/200 alice"}));
  EXPECT_EQ(by_cuttle[16].challenges, std::vector<std::string>{"closed"});
  // squid 5.7 says keep-alive after a failed handshake (and then keeps the
  // connection for nothing but 407s, or closes it without saying so); cuttle
  // closes it after saying so, as squid's code means to ("Auth::Failed: here it
  // makes sense to drop the connection").
  std::vector<bool> kept;
  for (const auto& s : by_cuttle) kept.push_back(s.keep_alive);
  EXPECT_EQ(kept, (std::vector<bool>{true, true, true, true, true, true, true, true, true, true, true, false, true, false,
                                     true, false, false, false, true}));
  EXPECT_EQ(files_.asked("cuttle.log"), files_.asked("squid.log"));
  for (const auto& req : origin.requests()) EXPECT_FALSE(req.has_header("Proxy-Authorization"));
}

INSTANTIATE_TEST_SUITE_P(Schemes, ConnectionAuthSchemes, ::testing::Values("ntlm", "negotiate"));

// curl's own NTLM (type 1, the proxy's type 2 challenge, type 3) against Squid's
// ntlm_fake_auth, which accepts any user: the request passes and the user is logged
// as the helper names it, through both proxies.
TEST(NtlmFakeAuth, CurlAuthenticatesThroughBothProxiesAsTheSameUser) {
  if (!SquidProcess::available() || !std::filesystem::exists(kNtlmFake)) GTEST_FAIL() << "squid 5.7 is needed";
  OriginServer origin;
  const std::string config = std::string("auth_param ntlm program ") + kNtlmFake +
                             "\nacl login proxy_auth REQUIRED\nhttp_access deny !login\n";
  auto through = [&](auto& proxy) {
    auto r = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--proxy-ntlm", "--proxy-user",
                          "WORKGROUP\\alice:secret", "-x", "http://127.0.0.1:" + std::to_string(proxy.port()),
                          origin.url("/curl")});
    return r.output + " " + code_and_user(proxy.access_log_line_with("TCP_MISS/200"));
  };
  const auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, through);
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_TRUE(by_cuttle.starts_with("200 TCP_MISS/200 ")) << by_cuttle;
}

}  // namespace connection_auth_test
}  // namespace cuttle::testing
