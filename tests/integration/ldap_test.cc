// Squid's own LDAP helpers against a real slapd on loopback, behind squid 5.7 and
// cuttle: basic_ldap_auth checks passwords by binding as the user, and
// ext_ldap_group_acl (an external_acl_type with %LOGIN) checks group
// membership. The same requests give the same statuses, challenges and logged
// users through both, and both ask the helpers the same lines.
#include "tests/support/cuttle_process.h"
#include "tests/support/helper_files.h"
#include "tests/support/http_client.h"
#include "tests/support/log_and_credentials.h"
#include "tests/support/origin_server.h"
#include "tests/support/slapd_process.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace cuttle::testing {
namespace ldap_test {

constexpr const char* kLdapAuth = "/usr/lib/squid/basic_ldap_auth";
constexpr const char* kLdapGroup = "/usr/lib/squid/ext_ldap_group_acl";


struct Seen {
  unsigned status = 0;
  std::string challenge;
  std::string logged;  // result code and user of the access.log line
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  return out << s.status << " [" << s.challenge << "] " << s.logged;
}


struct Probe {
  std::string name, credentials;  // "" sends none
};

template <class Proxy>
std::vector<Seen> send_all(Proxy& proxy, const OriginServer& origin, const std::vector<Probe>& probes) {
  std::vector<Seen> seen;
  for (size_t i = 0; i < probes.size(); ++i) {
    const auto path = "/p" + std::to_string(i);
    std::vector<std::pair<std::string, std::string>> headers;
    if (!probes[i].credentials.empty()) headers.emplace_back("Proxy-Authorization", basic(probes[i].credentials));
    auto res = proxy_request(proxy.port(), "GET", origin.url(path), "", headers);
    seen.push_back({res.result_int(), std::string(res["Proxy-Authenticate"]),
                    code_and_user(proxy.access_log_line_with(path))});
  }
  return seen;
}

TEST(Ldap, BasicLdapAuthAndExtLdapGroupAclAsSquid) {
  if (!SquidProcess::available() || !SlapdProcess::available() || !std::filesystem::exists(kLdapAuth))
    GTEST_FAIL() << "squid 5.7, its LDAP helpers and slapd are needed (scripts/install-deps.sh)";
  SlapdProcess slapd({{"alice", "wonder land", {"staff", "web"}}, {"bob", "builder", {"web"}}, {"carol", "c4rol", {}}});
  const auto server = "-h 127.0.0.1 -p " + std::to_string(slapd.port()) + " -v 3";
  const auto auth = std::string(kLdapAuth) + " -b " + SlapdProcess::kPeople + " -f (uid=%s) " + server;
  const auto group = std::string(kLdapGroup) + " -b " + SlapdProcess::kGroups + " -f (&(cn=%g)(member=uid=%u," +
                     SlapdProcess::kPeople + ")) " + server;
  HelperFiles files("cuttle-ldap");
  auto config = [&](const std::string& who) {
    return "auth_param basic program " + files.recorded(who + "-auth.log", auth) +
           "\nauth_param basic realm Directory\nexternal_acl_type ldap_group ttl=60 %LOGIN " +
           files.recorded(who + "-group.log", group) +
           "\nacl staff external ldap_group staff\nacl web external ldap_group web\n"
           "http_access allow staff\nhttp_access deny !web\nhttp_access allow web\n";
  };
  const std::vector<Probe> probes = {
      {"no credentials", ""},
      {"a wrong password", "alice:wonderland"},
      {"staff", "alice:wonder land"},
      {"web, not staff", "bob:builder"},
      {"in no group", "carol:c4rol"},
      {"no such user", "mallory:x"},
      {"staff again (remembered)", "alice:wonder land"},
  };
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  std::vector<Seen> by_squid, by_cuttle;
  {
    SquidProcess squid(config("squid"));
    by_squid = send_all(squid, origin, probes);
  }
  {
    CuttleProcess cuttle(config("cuttle"));
    by_cuttle = send_all(cuttle, origin, probes);
  }
  for (size_t i = 0; i < probes.size(); ++i) {
    EXPECT_EQ(by_cuttle[i], by_squid[i]) << probes[i].name;
    if (std::getenv("CUTTLE_TEST_VERBOSE")) std::cerr << probes[i].name << ": " << by_squid[i] << "\n";
  }
  EXPECT_EQ(by_cuttle[2].status, 200u);
  // Denied by `!web`, an ACL that needs a login: a challenge, as in Squid.
  EXPECT_EQ(by_cuttle[4].status, 407u);
  EXPECT_EQ(files.asked("cuttle-auth.log"), files.asked("squid-auth.log"));
  EXPECT_EQ(files.asked("cuttle-group.log"), files.asked("squid-group.log"));
}

}  // namespace ldap_test
}  // namespace cuttle::testing
