// external_acl_type and the ACLs around it, differentially against squid 5.7:
// the same helper (tests/helpers/rules_helper.py, which answers by regex rules)
// behind both proxies gives the same statuses, access.log codes and users, and is
// asked the same lines equally often (answers are remembered for ttl seconds).
// Then what squid cannot be compared on: a helper that hangs, answers that
// several requests wait for together, and the background refresh in the grace
// period.
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/helper_files.h"
#include "tests/support/http_client.h"
#include "tests/support/log_and_credentials.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>

namespace cuttle::testing {
namespace external_acl_test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Probe {
  std::string name;
  std::string path;
  Headers headers;
};

struct Seen {
  unsigned status = 0;
  std::string challenge;  // Proxy-Authenticate
  std::string logged;     // "TCP_MISS/200 alice"
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  return out << s.status << " [" << s.challenge << "] " << s.logged;
}


template <class Proxy>
std::vector<Seen> send_all(Proxy& proxy, const OriginServer& origin, const std::vector<Probe>& probes) {
  std::vector<Seen> seen;
  for (const auto& probe : probes) {
    auto res = proxy_request(proxy.port(), "GET", origin.url(probe.path), "", probe.headers);
    seen.push_back({res.result_int(), std::string(res["Proxy-Authenticate"]),
                    code_and_user(proxy.access_log_line_with(probe.path))});
  }
  return seen;
}

template <class Proxy>
void expect_same(const std::vector<Seen>& by_cuttle, const std::vector<Seen>& by_squid, const std::vector<Probe>& probes) {
  for (size_t i = 0; i < probes.size(); ++i) {
    EXPECT_EQ(by_cuttle[i], by_squid[i]) << probes[i].name;
    if (std::getenv("CUTTLE_TEST_VERBOSE")) std::cerr << probes[i].name << ": " << by_squid[i] << "\n";
  }
}

Headers user(const std::string& name) { return {{"X-User", name}}; }


OriginReply typed_reply(const RecordedRequest& req) {
  OriginReply r;
  r.headers.emplace_back("Content-Type", req.target.find(".png") != std::string::npos ? "image/png" : "text/html");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

class ExternalAcl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed (scripts/install-deps.sh)";
  }

  // The helper over `rules` ("REGEX\tREPLY" lines), recorded into `log_name`.
  std::string helper(const std::string& log_name, const std::string& rules, const std::string& options = "") {
    return files_.recorded(log_name, files_.script("rules_helper.py") + " " + files_.write("rules", rules) + options);
  }

  // Runs `probes` through squid, then cuttle, configured by `config(helper)`.
  template <class MakeConfig>
  void compare(const std::string& rules, MakeConfig config, const std::vector<Probe>& probes) {
    OriginServer origin(typed_reply);
    std::vector<Seen> by_squid, by_cuttle;
    {
      SquidProcess squid(config(helper("squid.log", rules)));
      by_squid = send_all(squid, origin, probes);
    }
    {
      CuttleProcess cuttle(config(helper("cuttle.log", rules)));
      by_cuttle = send_all(cuttle, origin, probes);
    }
    expect_same<void>(by_cuttle, by_squid, probes);
    EXPECT_EQ(files_.asked("cuttle.log"), files_.asked("squid.log")) << "the helper was asked differently";
    EXPECT_FALSE(files_.asked("cuttle.log").empty());
  }

  HelperFiles files_{"cuttle-external-acl"};
};

TEST_F(ExternalAcl, DecisionsUsersTagsAndHelperLinesAreSquids) {
  const std::string rules =
      "^alice .* staff $\tOK user=alice tag=gold\n"
      "^bob .* staff $\tERR message=\"not staff\"\n"
      "^bob .* guest $\tOK user=bob\n"
      "^carol .* staff $\tOK tag=silver\n"
      "^dave .* staff $\tOK user=dave tag=gold\n"
      "^broken \tBH database down\n"
      "^j%20doe .* staff $\tOK user=j.doe\n";
  auto config = [](const std::string& helper) {
    return "external_acl_type groups ttl=60 negative_ttl=30 children-max=2 %>{X-User} %METHOD %DST %PATH %DATA " +
           helper +
           "\nacl staff external groups staff\nacl guests external groups guest\n"
           "acl named ext_user -i ALICE carol j.doe\nacl gold tag gold\n"
           "http_access allow staff named\nhttp_access deny gold\nhttp_access allow guests\n"
           "http_access deny all\n";
  };
  const std::vector<Probe> probes = {
      {"no user header", "/none", {}},
      {"staff with a user name", "/alice", user("alice")},
      {"the same question again (remembered)", "/alice", user("alice")},
      {"not staff, a guest", "/bob", user("bob")},
      {"staff without a user name, named by ext_user? no", "/carol", user("carol")},
      {"staff, but tagged gold and not named", "/dave", user("dave")},
      {"the helper fails (BH)", "/broken", user("broken")},
      {"a value the line must escape", "/j%20doe", user("j doe")},
  };
  compare(rules, config, probes);
}

TEST_F(ExternalAcl, LoginCodeAuthenticatesFirstAsSquid) {
  const auto hashed = run_command({"openssl", "passwd", "-apr1", "secret"});
  ASSERT_EQ(hashed.exit_code, 0) << hashed.output;
  const auto passwd = files_.write("passwd", "alice:" + hashed.output.substr(0, hashed.output.find('\n')) + "\n");
  const std::string rules = "^alice staff $\tOK\n";
  auto config = [&](const std::string& helper) {
    return "auth_param basic program /usr/lib/squid/basic_ncsa_auth " + passwd +
           "\nauth_param basic realm Test\nexternal_acl_type groups %LOGIN %DATA " + helper +
           "\nacl staff external groups staff\nhttp_access allow staff\nhttp_access deny all\n";
  };
  const std::vector<Probe> probes = {
      {"no credentials: a challenge", "/a", {}},
      {"wrong password: a challenge", "/b", {{"Proxy-Authorization", basic("alice:wrong")}}},
      {"authenticated and in the group", "/c", {{"Proxy-Authorization", basic("alice:secret")}}},
  };
  compare(rules, config, probes);
}

TEST_F(ExternalAcl, HttpReplyAccessAsksWithTheReplysHeaders) {
  const std::string rules = "^image/png -$\tOK\n";
  auto config = [](const std::string& helper) {
    return "external_acl_type ctype %<{Content-Type} " + helper +
           "\nacl images external ctype\nhttp_reply_access deny images\nhttp_reply_access allow all\n";
  };
  const std::vector<Probe> probes = {
      {"a page", "/page.html", {}},
      {"an image is refused", "/picture.png", {}},
      {"another page", "/other.html", {}},
  };
  compare(rules, config, probes);
}

// The ACL's arguments are %-encoded, or with protocol=2.5 quoted; the format's
// codes are written the same way under both (Squid's parser resets the quoting).
TEST_F(ExternalAcl, ArgumentsAreQuotedByProtocolAsSquid) {
  const auto groups = files_.write("groups", "a b\nc\"d\n");
  const std::string rules = "^a%2[02]b a%20b c%22d$\tOK\n^a%2[02]b \"a b\" c\\\\\"d$\tOK\n";
  for (auto protocol : {"", "protocol=2.5 "}) {
    auto config = [&](const std::string& helper) {
      return std::string("external_acl_type t ") + protocol + "%>{X-User} " + helper +
             "\nacl ok external t \"" + groups + "\"\nhttp_access allow ok\nhttp_access deny all\n";
    };
    compare(rules, config, {{"a blank", "/x", user("a b")}, {"a quote", "/y", user("a\"b")}});
  }
}

// The key=value pairs helpers answer annotate the transaction; `note` ACLs match
// them (values split at commas, as squid 5.7 splits them).
TEST_F(ExternalAcl, NoteAclsMatchWhatHelpersAnsweredAsSquid) {
  const std::string rules = "^alice \tOK group=staff,admins\n^bob \tOK group=staff\n^carol \tOK team=a,b\n";
  auto config = [](const std::string& helper) {
    return "external_acl_type who %>{X-User} " + helper +
           "\nacl known external who\nacl admins note group admins\nacl whole note group staff,admins\n"
           "acl grouped note group\nacl teams note -m=; team a,b\n"
           "http_access deny !known\nhttp_access allow admins\nhttp_access allow whole\n"
           "http_access allow teams\nhttp_access deny grouped\nhttp_access deny all\n";
  };
  compare(rules, config,
          {{"in admins", "/alice", user("alice")}, {"in staff only", "/bob", user("bob")},
           {"a list value with -m=;", "/carol", user("carol")}, {"unknown", "/dave", user("dave")}});
}

// --- cuttle only ------------------------------------------------------------------

// Squid 5.7 would wait for a hung external ACL helper forever; cuttle answers as
// for a helper that failed (403) after helper_timeout.
TEST_F(ExternalAcl, AHungHelperDeniesAfterTheHelperTimeout) {
  OriginServer origin(typed_reply);
  // 3 s: the replacement helper (a Python process) must start within it even
  // when the machine runs a dozen tests at once.
  CuttleProcess cuttle("helper_timeout 3 seconds\nexternal_acl_type t %>{X-User} " +
                       helper("cuttle.log", "^hang \thang\n^ok \tOK\n") +
                       "\nacl ok external t\nhttp_access allow ok\nhttp_access deny all\n");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(proxy_request(cuttle.port(), "GET", origin.url("/h"), "", user("hang")).result_int(), 403);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
  EXPECT_EQ(proxy_request(cuttle.port(), "GET", origin.url("/o"), "", user("ok")).result_int(), 200)
      << "the next request is answered by another helper process";
}

// Requests asking the same question while the helper thinks wait for one answer.
TEST_F(ExternalAcl, SimultaneousQuestionsAskTheHelperOnce) {
  OriginServer origin(typed_reply);
  CuttleProcess cuttle("external_acl_type t children-max=1 concurrency=10 %>{X-User} " +
                       helper("cuttle.log", "^slow \tsleep 0.5 OK\n", " --concurrent") +
                       "\nacl ok external t\nhttp_access allow manager localhost\nhttp_access allow ok\n"
                       "http_access deny all\n");
  std::vector<std::future<unsigned>> replies;
  for (int i = 0; i < 5; ++i)
    replies.push_back(std::async(std::launch::async, [&, i] {
      return proxy_request(cuttle.port(), "GET", origin.url("/s" + std::to_string(i)), "", user("slow")).result_int();
    }));
  for (auto& r : replies) EXPECT_EQ(r.get(), 200u);
  EXPECT_EQ(files_.asked("cuttle.log").size(), 1u);
  // Squid's mgr:external_acl report: one section per type.
  auto report = proxy_get(cuttle.port(), "cache_object://127.0.0.1/external_acl").body();
  EXPECT_NE(report.find("External ACL Statistics: t\nCache size: 1\n"), std::string::npos) << report;
  EXPECT_NE(report.find("requests sent: 1\n"), std::string::npos) << report;
}

// In the last grace% of an answer's life a request is answered from memory at
// once, and the helper is asked again in the background.
TEST_F(ExternalAcl, GracePeriodRefreshesInTheBackground) {
  OriginServer origin(typed_reply);
  CuttleProcess cuttle("external_acl_type t ttl=4 grace=75 %>{X-User} " +
                       helper("cuttle.log", "^u \tsleep 1 OK\n") +
                       "\nacl ok external t\nhttp_access allow ok\nhttp_access deny all\n");
  EXPECT_EQ(proxy_request(cuttle.port(), "GET", origin.url("/1"), "", user("u")).result_int(), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // into the grace period (after 1 s of 4)
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(proxy_request(cuttle.port(), "GET", origin.url("/2"), "", user("u")).result_int(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(800)) << "it did not wait for the helper";
  for (int i = 0; i < 50 && files_.asked("cuttle.log").size() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(files_.asked("cuttle.log").size(), 2u);
}

}  // namespace external_acl_test
}  // namespace cuttle::testing
