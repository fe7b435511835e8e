// cache_store_log against squid 5.7: the same requests through squid and cuttle
// give the same store.log lines: SWAPOUT for what reaches the disk (a Vary
// marker first), RELEASE for what leaves it (replaced: under a private key;
// purged: under its public key) and for every reply fetched or made but not
// stored (private keys). Masked are only what differs by design: the time, the
// file number in the cache_dir, the count and pid in private keys, dates
// relative to the reply's own Date, and the sizes of error pages (squid names
// itself in them). Public keys (MD5 of method and URL) are compared as they are.
#include "proxy/http/http_date.h"
#include "tests/support/differential.h"
#include "tests/support/log_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>

namespace cuttle::testing {
namespace store_log_test {

namespace fs = std::filesystem;

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

OriginReply reply_for(const RecordedRequest& req) {
  OriginReply reply;
  reply.headers = {{"Content-Type", "text/plain"}, {"Date", http_date(std::chrono::system_clock::now())},
                   {"Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"}};
  if (req.target == "/sl/nostore") reply.headers.emplace_back("Cache-Control", "no-store");
  else if (req.target == "/sl/stale") reply.headers.emplace_back("Cache-Control", "max-age=0");
  else reply.headers.emplace_back("Cache-Control", "max-age=600");
  if (req.target == "/sl/vary") reply.headers.emplace_back("Vary", "Accept-Encoding");
  if (req.target == "/sl/stale" && req.has_header("If-Modified-Since")) {
    reply.status = 304;
    return reply;
  }
  reply.body = "hello store log";
  return reply;
}

struct Request {
  std::string method, url, headers;
  size_t lines;  // store.log lines it adds, in squid as in cuttle
};

// "time TAG dir file key status date lm expires type len/stored method url" with
// the parts that differ by design replaced by names.
std::string masked(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> f;
  for (std::string word; in >> word;) f.push_back(word);
  if (f.size() != 13) return "malformed: " + line;
  f[0] = "TIME";
  f[3] = f[2] == "-1" ? (f[3] == "FFFFFFFF" ? "NOFILE" : "BAD-FILE:" + f[3]) : "FILE";
  if (std::regex_match(f[4], std::regex("[0-9A-F]{16}[0-9A-F]{8}00000000"))) f[4] = "PRIVATE";
  if (f[6] != "?" && f[6] != "-1") {
    const auto date = std::stoll(f[6]);
    for (size_t i : {7, 8})
      if (f[i] != "-1" && f[i] != "0" && std::stoll(f[i]) - date >= 0 && std::stoll(f[i]) - date < 200000)
        f[i] = "DATE+" + std::to_string(std::stoll(f[i]) - date);
    f[6] = "DATE";
  }
  if (std::stoi(f[5]) >= 400) f[10] = "ERROR-PAGE-SIZES";
  std::string out;
  for (const auto& word : f) out += (out.empty() ? "" : " ") + word;
  return out;
}

TEST(StoreLog, LinesAreSquids) {
  OriginServer origin(reply_for);
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  auto config = [&](const std::string& who) {
    const auto cache = dir.file(who + "-cache");
    fs::create_directories(cache);
    fs::permissions(cache, fs::perms::all);
    return "visible_hostname store-log-test\ncache_dir ufs " + cache + " 16 16 256\n"
           "error_directory /usr/share/squid/errors/en\n"
           "acl purge method PURGE\nhttp_access allow purge\n"
           "acl denied urlpath_regex /denied\nhttp_access deny denied\n"
           "cache_store_log " + dir.file(who + "-store.log") + "\n";
  };
  const auto future = http_date(std::chrono::system_clock::now() + std::chrono::hours(1));
  const std::vector<Request> requests = {
      {"GET", origin.url("/sl/fresh"), "", 1},                            // SWAPOUT
      {"GET", origin.url("/sl/fresh"), "", 0},                            // a hit
      {"GET", origin.url("/sl/nostore"), "", 1},                          // RELEASE, private
      {"GET", origin.url("/sl/stale"), "", 1},                            // SWAPOUT
      {"GET", origin.url("/sl/stale"), "", 1},                            // the server's 304, private
      {"GET", origin.url("/sl/fresh"), "If-Modified-Since: " + future + "\r\n", 1},  // our 304, private
      {"GET", origin.url("/sl/vary"), "Accept-Encoding: gzip\r\n", 2},    // the marker, then the variant
      {"GET", origin.url("/sl/vary"), "", 1},                             // a second variant, same marker
      {"GET", origin.url("/sl/fresh"), "Cache-Control: no-cache\r\n", 2},  // new SWAPOUT, old RELEASE
      {"PURGE", origin.url("/sl/fresh"), "", 2},                          // the object, then the answer
      {"GET", origin.url("/sl/denied"), "", 1},                           // 403
      {"GET", "http://127.0.0.1:1/sl/closed", "", 1},                     // 503
  };
  int runs = 0;
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    const std::string log = dir.file(std::string(runs++ == 0 ? "squid" : "cuttle") + "-store.log");
    auto ours = [&] {
      std::vector<std::string> lines;
      for (const auto& line : wait_for_lines(log, 0, std::chrono::milliseconds(0)))
        if (line.find("/sl/") != std::string::npos) lines.push_back(line);
      return lines;
    };
    size_t expected = 0;
    std::vector<std::string> seen;
    for (const auto& r : requests) {
      RawConnection conn(proxy.port());
      conn.send(request_text(r.method, r.url, r.headers));
      conn.read_response();
      expected += r.lines;
      // Each request's lines before the next request: SWAPOUT comes with a commit.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while ((seen = ours()).size() < expected && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // nothing more comes
    std::vector<std::string> result;
    for (const auto& line : ours()) result.push_back(masked(line));
    return result;
  });
  ASSERT_EQ(by_squid.size(), 14u) << ::testing::PrintToString(by_squid);
  EXPECT_EQ(by_cuttle, by_squid);
}

// -k rotate renames store.log as access.log (logfile_rotate), -k reconfigure
// follows a new cache_store_log line, and `none` stops it, as squid.
TEST(StoreLog, RotatesAndFollowsReconfiguration) {
  OriginServer origin(reply_for);
  TempDir dir;
  const auto config_text = [&](const std::string& store_log) {
    return "cache_dir ufs " + dir.file("cache") + " 16 16 256\nlogfile_rotate 2\ncache_store_log " + store_log + "\n";
  };
  CuttleProcess cuttle(config_text(dir.file("store.log")));
  auto get = [&](const std::string& path) {
    RawConnection conn(cuttle.port());
    conn.send(request_text("GET", origin.url(path), ""));
    conn.read_response();
  };
  get("/sl/one");
  ASSERT_EQ(wait_for_lines(dir.file("store.log"), 1, std::chrono::seconds(5)).size(), 1u);
  ASSERT_EQ(cuttle.control({"-k", "rotate"}).exit_code, 0);
  get("/sl/two");
  const auto rotated = wait_for_lines(dir.file("store.log.0"), 1, std::chrono::seconds(5));
  ASSERT_EQ(rotated.size(), 1u);
  EXPECT_NE(rotated[0].find("/sl/one"), std::string::npos);
  const auto current = wait_for_lines(dir.file("store.log"), 1, std::chrono::seconds(5));
  ASSERT_EQ(current.size(), 1u);
  EXPECT_NE(current[0].find("/sl/two"), std::string::npos);

  // A new file, then none: each read at -k reconfigure.
  auto reconfigure_to = [&, reloads = 0](const std::string& target) mutable {
    auto text = read_file(cuttle.config_file());
    const auto at = text.find("cache_store_log ");
    text.replace(at, text.find('\n', at) - at, "cache_store_log " + target);
    cuttle.dir().write("cuttle.conf", text);
    ASSERT_EQ(cuttle.control({"-k", "reconfigure"}).exit_code, 0);
    ++reloads;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
         count_of(cuttle.output(), "cuttle: reconfigured") < size_t(reloads) && std::chrono::steady_clock::now() < deadline;)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  reconfigure_to(dir.file("moved.log"));
  get("/sl/three");
  const auto moved = wait_for_lines(dir.file("moved.log"), 1, std::chrono::seconds(5));
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_NE(moved[0].find("/sl/three"), std::string::npos);

  reconfigure_to("none");
  get("/sl/four");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(wait_for_lines(dir.file("moved.log"), 2, std::chrono::milliseconds(0)).size(), 1u);
  EXPECT_EQ(wait_for_lines(dir.file("store.log"), 2, std::chrono::milliseconds(0)).size(), 1u);
}

// Any log module, as squid's logfileOpen: here squid's own log_file_daemon writes
// the lines, and -k rotate reaches it (it renames the file itself).
TEST(StoreLog, GoesThroughTheLogfileDaemon) {
  OriginServer origin(reply_for);
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  CuttleProcess cuttle("cache_dir ufs " + dir.file("cache") + " 16 16 256\nlogfile_rotate 1\n"
                       "cache_store_log daemon:" + dir.file("store.log") + "\n");
  RawConnection conn(cuttle.port());
  conn.send(request_text("GET", origin.url("/sl/daemon"), ""));
  conn.read_response();
  const auto lines = wait_for_lines(dir.file("store.log"), 1, std::chrono::seconds(5));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" SWAPOUT 00 "), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("/sl/daemon"), std::string::npos) << lines[0];
  ASSERT_EQ(cuttle.control({"-k", "rotate"}).exit_code, 0);
  EXPECT_EQ(wait_for_lines(dir.file("store.log.0"), 1, std::chrono::seconds(5)).size(), 1u);
}

}  // namespace store_log_test
}  // namespace cuttle::testing
