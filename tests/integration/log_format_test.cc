// access_log formats against squid 5.7: the same requests through squid and
// cuttle, each logging to one file per format (common, combined, referrer,
// useragent, a logformat of its own, and Squid's native one given by name),
// give the same lines once times, sizes (each proxy adds its own headers) and
// the proxy's own port are masked.
#include "tests/support/differential.h"
#include "tests/support/log_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

namespace cuttle::testing {
namespace log_format_test {

namespace fs = std::filesystem;

const std::vector<std::string> kFormats = {"common", "combined", "referrer", "useragent", "mine", "squid"};

std::string masked(std::string line) {
  static const std::vector<std::pair<std::regex, std::string>> masks = {
      {std::regex(R"(\[\d\d/\w\w\w/\d{4}:\d\d:\d\d:\d\d [-+]\d{4}\])"), "[TIME]"},
      {std::regex(R"(\b\d{9,10}\.\d{3}\b)"), "EPOCH"},
      {std::regex(R"(\bGMT=\S+)"), "GMT=TIME"},
      {std::regex(R"(" (\d{3}) \d+ )"), "\" $1 SIZE "},
      {std::regex(R"(\bsize=\d+)"), "size=SIZE"},
      {std::regex(R"(\belapsed=\d+)"), "elapsed=MS"},
      // Squid's native lines: the elapsed time, and the size after the status.
      {std::regex(R"(^EPOCH +\d+ )"), "EPOCH MS "},
      {std::regex(R"((/\d{3}) \d+ )"), "$1 SIZE "},
  };
  for (const auto& [pattern, replacement] : masks) line = std::regex_replace(line, pattern, replacement);
  return line;
}

TEST(LogFormats, LinesAreSquids) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply reply;
    reply.status = req.target == "/missing" ? 404 : 200;
    reply.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    reply.body = "hello";
    return reply;
  });
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  auto config = [&](const std::string& who) {
    std::string text =
        "strip_query_terms off\n"  // as the squid fixture has it
        "logformat mine %>a %rm %ru %rp %rv %>Hs %Ss %Sh %mt [%un] \"%{User-Agent}>h\" %{X-Test}>h "
        "size=%<st elapsed=%tr GMT=%tg\n";
    for (const auto& format : kFormats)
      text += "access_log stdio:" + dir.file(who + "-" + format + ".log") + " " + format + "\n";
    return text;
  };
  int runs = 0;
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    RawConnection conn(proxy.port());
    conn.send(request_text("GET", origin.url("/page?q=1"),
                           "Referer: http://example.net/from\r\nUser-Agent: Tester/1.0 (x)\r\nX-Test: one\r\n"
                           "X-Test: two\r\n"));
    conn.read_response();
    conn.send(request_text("GET", origin.url("/missing"), ""));
    conn.read_response();
    std::vector<std::string> lines;
    const std::string who = runs++ == 0 ? "squid" : "cuttle";  // squid goes first
    // squid also logs the fixture's port probe, first: the last two lines are the requests'.
    const size_t written = who == "squid" ? 3 : 2;
    for (const auto& format : kFormats) {
      const auto all = wait_for_lines(dir.file(who + "-" + format + ".log"), written, std::chrono::seconds(5));
      for (size_t i = all.size() >= 2 ? all.size() - 2 : 0; i < all.size(); ++i)
        lines.push_back(format + ": " + masked(all[i]));
    }
    return lines;
  });
  ASSERT_EQ(by_squid.size(), 2 * kFormats.size());
  for (size_t i = 0; i < by_squid.size(); ++i) EXPECT_EQ(by_cuttle.at(i), by_squid[i]);
}

}  // namespace log_format_test
}  // namespace cuttle::testing
