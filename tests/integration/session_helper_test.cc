// A session helper of Squid's own, differentially against squid 5.7:
// ext_sql_session_acl (concurrency, channel IDs) over an SQLite session table
// keyed by client address, as a captive portal or splash page fills it. A client
// with an enabled session passes as its user with its tag; one without, or with a
// disabled session, gets the deny_info page. (Debian 12's ext_session_acl cannot
// open its database at all: its TDB is opened without O_RDWR.)
#include "tests/support/child_process.h"
#include "tests/support/differential.h"
#include "tests/support/helper_files.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cuttle::testing {
namespace session_helper_test {

constexpr const char* kSessionHelper = "/usr/lib/squid/ext_sql_session_acl";

TEST(SessionHelper, SqlSessionsDecideAsInSquid) {
  if (!SquidProcess::available() || !std::filesystem::exists(kSessionHelper))
    GTEST_FAIL() << "squid 5.7 and its helpers are needed";
  HelperFiles files("cuttle-sessions");
  // Squid sends "%SRC -" (the format, then "-" for the ACL's absent arguments),
  // and the helper looks the whole line up.
  const auto db = files.file("sessions.db");
  auto created = run_command(
      {"python3", "-c",
       "import sqlite3, sys\n"
       "db = sqlite3.connect(sys.argv[1])\n"
       "db.execute('create table sessions (ip text, user text, tag text, enabled int)')\n"
       "db.executemany('insert into sessions values (?, ?, ?, ?)', "
       "[('127.0.0.1 -', 'alice', 'staff', 1), ('127.0.0.3 -', 'bob', 'guest', 0)])\n"
       "db.commit()\n",
       db});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  std::filesystem::permissions(db, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  const std::string config = std::string("external_acl_type session ttl=0 negative_ttl=0 concurrency=4 %SRC ") +
                             kSessionHelper + " --dsn DBI:SQLite:dbname=" + db +
                             " --table sessions --uidcol ip --usercol user --tagcol tag\n"
                             "acl session external session\nacl staff tag staff\n"
                             "deny_info 302:http://portal.example/login?url=%u session\n"
                             "http_access deny !session\nhttp_access allow staff\nhttp_access deny all\n";
  OriginServer origin;
  const std::vector<std::string> sources = {"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1"};
  const auto [by_squid, by_cuttle] =
      through_squid_then_cuttle(config, [&](auto& proxy) { return status_and_log_from(proxy, origin, sources); });
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_cuttle, (std::vector<std::string>{"200 TCP_MISS/200 alice", "302 TCP_DENIED/302 -",
                                                 "302 TCP_DENIED/302 -", "200 TCP_MISS/200 alice"}));
}

}  // namespace session_helper_test
}  // namespace cuttle::testing
