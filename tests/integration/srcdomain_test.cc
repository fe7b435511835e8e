// srcdomain and srcdom_regex against squid 5.7: the client's name comes from
// /etc/hosts as Squid reads it (the last line naming the address), else a
// reverse lookup; a client without a name is "none". The same clients get the
// same answers through both.
#include "proxy/dns/hosts_file.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace cuttle::testing {
namespace srcdomain_test {

template <class Proxy>
std::vector<unsigned> statuses(Proxy& proxy, const OriginServer& origin, const std::vector<std::string>& sources) {
  std::vector<unsigned> seen;
  for (size_t i = 0; i < sources.size(); ++i) {
    RawConnection conn(proxy.port(), sources[i], std::chrono::seconds(20));
    conn.send(request_text("GET", origin.url("/" + std::to_string(i))));
    seen.push_back(conn.read_response().result_int());
  }
  return seen;
}

// The name /etc/hosts gives an address, as Squid reads the file.
std::string hosts_name(const std::string& address) {
  std::ifstream hosts("/etc/hosts");
  return dns::parse_hosts_file(hosts).names.at(address);
}

TEST(SrcDomain, ClientNamesDecideAsInSquid) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is needed";
  OriginServer origin([](const RecordedRequest&) { return OriginReply{}; });
  const std::string config =
      "dns_timeout 3 seconds\n"
      "acl nameless srcdomain none\nacl local_name srcdomain " + hosts_name("127.0.0.1") + " .example.org\n"
      "acl local_re srcdom_regex -i ^" + hosts_name("127.0.0.1") + "\nacl other_re srcdom_regex ^nomatch$\n"
      "http_access deny nameless\nhttp_access deny other_re\nhttp_access allow local_name local_re\n"
      "http_access deny all\n";
  const std::vector<std::string> sources = {"127.0.0.1", "127.0.0.2", "127.0.0.1"};
  std::vector<unsigned> by_squid, by_cuttle;
  {
    SquidProcess squid(config);
    by_squid = statuses(squid, origin, sources);
  }
  {
    CuttleProcess cuttle(config);
    by_cuttle = statuses(cuttle, origin, sources);
  }
  EXPECT_EQ(by_cuttle, by_squid);
  if (std::getenv("CUTTLE_TEST_VERBOSE"))
    for (size_t i = 0; i < sources.size(); ++i) std::cerr << sources[i] << ": " << by_squid[i] << "\n";
  EXPECT_EQ(by_cuttle[0], 200u) << "127.0.0.1 is " << hosts_name("127.0.0.1");
}

}  // namespace srcdomain_test
}  // namespace cuttle::testing
