// The `note` directive against squid 5.7: the same `note` lines and requests
// through squid and cuttle give the same %note / %{KEY}note values and the same
// access_log selection by a `note` ACL. What the lines exercise: a key's first
// matching line wins, keys in the order first written, the annotations after an
// external ACL helper's (same key: both values), reply ACLs (http_status) seen
// as the transaction is logged, a later line's `note` ACL seeing an earlier
// key's annotation, and a quoted value with %codes kept as written.
#include "tests/support/differential.h"
#include "tests/support/helper_files.h"
#include "tests/support/log_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace cuttle::testing {
namespace note_directive_test {

namespace fs = std::filesystem;

OriginReply reply_for(const RecordedRequest& req) {
  OriginReply reply;
  reply.status = req.target == "/missing" ? 404 : 200;
  reply.headers = {{"Content-Type", "text/plain"}, {"Cache-Control", "no-store"}};
  reply.body = "hello";
  return reply;
}

// The lines of `path` for the requests (paths start with '/'): squid also logs
// the fixture's port probe, which has no request.
std::vector<std::string> request_lines(const std::string& path, size_t count) {
  std::vector<std::string> lines;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    lines.clear();
    for (const auto& line : wait_for_lines(path, 0, std::chrono::milliseconds(0)))
      if (line.starts_with("/")) lines.push_back(line);
    if (lines.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return lines;
}

TEST(NoteDirective, AnnotationsAreSquids) {
  if (!SquidProcess::available()) GTEST_FAIL() << "squid 5.7 is not installed (scripts/install-deps.sh)";
  OriginServer origin(reply_for);
  HelperFiles files("cuttle-note-directive");
  const auto rules = files.write("rules", "alice\tOK user=alice k=v1 k=v2\n");
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  auto config = [&](const std::string& who) {
    return "external_acl_type t %>{X-User} " + files.script("rules_helper.py") + " " + rules + "\n"
           "acl ext external t\n"
           "acl denied urlpath_regex /denied\n"
           "acl st404 http_status 404\n"
           "acl st4xx http_status 400-499\n"
           "acl first_a note first a\n"
           "acl helper_k note k v1\n"
           "acl class_4xx note class 4xx\n"
           "http_access deny denied\n"
           "http_access allow ext\n"
           "note first a\n"
           "note first b\n"
           "note k mine\n"
           "note class 4xx st4xx\n"
           "note class other\n"
           "note dep yes first_a\n"
           "note from_helper yes helper_k\n"
           "note quoted \"x %>a y\"\n"
           "note first c\n"
           "note not_404 yes !st404\n"
           "logformat notes %rp all=[%note] first=%{first}note k=%{k}note k_semicolon=%{k:;}note "
           "class=%{class}note dep=%{dep}note from_helper=%{from_helper}note quoted=%{quoted}note "
           "not_404=%{not_404}note\n"
           "access_log stdio:" + dir.file(who + ".log") + " notes\n"
           "access_log stdio:" + dir.file(who + "-4xx.log") + " notes class_4xx\n";
  };
  const std::vector<std::pair<std::string, std::string>> requests = {
      {"/page", "X-User: alice\r\n"}, {"/page", ""}, {"/missing", "X-User: alice\r\n"}, {"/denied", ""}};
  int runs = 0;
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    const std::string who = runs++ == 0 ? "squid" : "cuttle";
    for (const auto& [path, headers] : requests) {
      RawConnection conn(proxy.port());
      conn.send(request_text("GET", origin.url(path), headers));
      conn.read_response();
    }
    auto lines = request_lines(dir.file(who + ".log"), requests.size());
    for (const auto& line : request_lines(dir.file(who + "-4xx.log"), 2)) lines.push_back("4xx: " + line);
    return lines;
  });
  ASSERT_EQ(by_squid.size(), requests.size() + 2) << ::testing::PrintToString(by_squid);
  for (size_t i = 0; i < by_squid.size(); ++i) EXPECT_EQ(by_cuttle.at(i), by_squid[i]);
  // What squid showed, so the comparison above covers what it should.
  EXPECT_NE(by_squid[0].find("k=v1,v2,mine "), std::string::npos) << by_squid[0];
  EXPECT_NE(by_squid[0].find("first=a "), std::string::npos) << by_squid[0];
  EXPECT_NE(by_squid[0].find("from_helper=yes "), std::string::npos) << by_squid[0];
  EXPECT_NE(by_squid[1].find("from_helper=- "), std::string::npos) << by_squid[1];
  EXPECT_NE(by_squid[2].find("class=4xx "), std::string::npos) << by_squid[2];
  EXPECT_NE(by_squid[3].find("class=4xx "), std::string::npos) << "the 403 is a 4xx too: " << by_squid[3];
}

}  // namespace note_directive_test
}  // namespace cuttle::testing
