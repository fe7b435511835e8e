// request_header_add and reply_header_add, differentially against squid 5.7:
// literal and formatted values (%codes in quotes), ACLs choosing the messages,
// fields added after the access rules (so a rule does not remove them), and
// replies of every kind (a miss, a hit, an error page).
#include "proxy/http/http_date.h"
#include "tests/support/differential.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cuttle::testing {
namespace header_add_test {

const char* kRules =
    "acl to_tag urlpath_regex ^/tag\n"
    "acl denied urlpath_regex ^/denied\n"
    "http_access deny denied\n"
    "request_header_add X-Literal plain to_tag\n"
    "request_header_add X-Client \"from %>a for %rm %ru\" to_tag\n"
    "request_header_add X-User \"%un\"\n"
    "request_header_add Accept \"text/extra\" to_tag\n"
    "request_header_access X-Literal deny all\n"
    "reply_header_add X-Static hello\n"
    "reply_header_add X-Method \"%rm %>a %ru %>Hs %Ss\"\n"
    "reply_header_access X-Static deny all\n";

struct Seen {
  std::vector<std::string> at_origin;  // the added fields as the origin got them
  std::vector<std::string> at_client;  // status and the added fields as the client got them
};

std::string fields_of(const RecordedRequest& r) {
  std::string out;
  for (const auto& [name, value] : r.headers)
    if (name == "X-Literal" || name == "X-Client" || name == "X-User" || name == "Accept")
      out += name + ": " + value + "; ";
  return out;
}

template <class Proxy>
Seen run(Proxy& proxy, const OriginServer& origin) {
  Seen seen;
  const auto before = origin.requests().size();
  for (const auto& path : {"/tag/a", "/plain", "/tag/a", "/denied"}) {
    RawConnection conn(proxy.port());
    conn.send(request_text("GET", origin.url(path), "Accept: */*\r\n"));
    auto r = conn.read_response();
    seen.at_client.push_back(std::to_string(r.result_int()) + " X-Static: " + std::string(r["X-Static"]) +
                             " X-Method: " + std::string(r["X-Method"]));
  }
  for (size_t i = before; i < origin.requests().size(); ++i) seen.at_origin.push_back(fields_of(origin.requests()[i]));
  return seen;
}

TEST(HeaderAdd, AddedFieldsAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  OriginServer origin([](const RecordedRequest&) {
    OriginReply r;
    r.headers = {{"Date", http_date(std::chrono::system_clock::now())}, {"Cache-Control", "max-age=60"}};
    r.body = "body";
    return r;
  });
  // A disk store in both: squid also caches in memory without one, cuttle does not yet.
  TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);
  auto config = [&](std::string who) {
    std::filesystem::create_directories(dir.file(who));
    std::filesystem::permissions(dir.file(who), std::filesystem::perms::all);
    return "cache_dir ufs " + dir.file(who) + " 10 16 256\n" + kRules;
  };
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) { return run(proxy, origin); });
  EXPECT_EQ(by_cuttle.at_origin, by_squid.at_origin);
  EXPECT_EQ(by_cuttle.at_client, by_squid.at_client);
  ASSERT_EQ(by_squid.at_origin.size(), 2u) << "the second /tag/a is a hit";
  EXPECT_NE(by_squid.at_origin[0].find("X-Literal: plain"), std::string::npos) << by_squid.at_origin[0];
}

}  // namespace header_add_test
}  // namespace cuttle::testing
