// access_log formats other than the native one: squid 5.7's built-in common,
// combined, referrer and useragent layouts, and logformat specifications.
#include "proxy/log/log_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace cuttle {
namespace log_format_test {

using std::chrono::milliseconds;

// The tests' lines are in UTC whatever the machine's zone.
class LogFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
};

AccessLogEntry entry() {
  AccessLogEntry e;
  e.end_time = std::chrono::system_clock::time_point(milliseconds(1700000000123));  // 2023-11-14 22:13:20 UTC
  e.elapsed = milliseconds(12);
  e.client_ip = "10.0.0.5";
  e.result = ResultCode::TcpMiss;
  e.status = 200;
  e.reply_bytes = 5120;
  e.method = "GET";
  e.url = "http://example.com/a b?q";
  e.user = "al ice";
  e.hierarchy = {Hierarchy::Direct, true};
  e.peer = "93.184.216.34";
  e.content_type = "text/html";
  e.version_major = 1;
  e.version_minor = 0;
  e.request_headers = {{"Referer", "http://r/"}, {"user-agent", "UA/1"}, {"X-Two", "a"}, {"x-two", "b"}};
  return e;
}

std::string line(const LogFormat& format, const AccessLogEntry& e = entry()) {
  std::string text;
  append_formatted(text, format, e);
  return text;
}

TEST_F(LogFormatTest, CommonAndCombinedAreSquidsLayouts) {
  EXPECT_EQ(line(*builtin_log_format("common")),
            "10.0.0.5 - al ice [14/Nov/2023:22:13:20 +0000] \"GET http://example.com/a b?q HTTP/1.0\" 200 5120 "
            "TCP_MISS:HIER_DIRECT");
  EXPECT_EQ(line(*builtin_log_format("combined")),
            "10.0.0.5 - al ice [14/Nov/2023:22:13:20 +0000] \"GET http://example.com/a b?q HTTP/1.0\" 200 5120 "
            "\"http://r/\" \"UA/1\" TCP_MISS:HIER_DIRECT");
}

TEST_F(LogFormatTest, ReferrerAndUserAgentAreSquidsLayouts) {
  EXPECT_EQ(line(*builtin_log_format("referrer")), "1700000000.123 10.0.0.5 http://r/ http://example.com/a b?q");
  EXPECT_EQ(line(*builtin_log_format("useragent")), "10.0.0.5 [14/Nov/2023:22:13:20 +0000] \"UA/1\"");
  auto bare = entry();
  bare.request_headers.clear();
  EXPECT_EQ(line(*builtin_log_format("useragent"), bare), "10.0.0.5 [14/Nov/2023:22:13:20 +0000] \"-\"");
}

// Request headers are %-encoded by default, as Squid's rfc1738_escape_unescaped.
TEST_F(LogFormatTest, CustomFormatsExpandSquidsCodes) {
  auto format = custom_log_format(
      "mine", "%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %rp %rv [%un] %Sh/%<a %mt %{X-Two}>h %{Missing}>h %tg");
  EXPECT_EQ(line(format), "1700000000.123     12 10.0.0.5 TCP_MISS/200 5120 GET http://example.com/a b?q "
                          "/a%20b?q 1.0 [al ice] TIMEOUT_HIER_DIRECT/93.184.216.34 text/html a,%20b - "
                          "14/Nov/2023:22:13:20");
  EXPECT_EQ(format.request_headers, (std::vector<std::string>{"X-Two", "Missing"}));
}

TEST_F(LogFormatTest, CodesCuttleCannotFillInAreRefusedByName) {
  EXPECT_THROW(custom_log_format("x", "%>a %nosuchcode"), std::invalid_argument);
  try {
    custom_log_format("x", "%>a %sn");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "logformat x: cuttle cannot fill in the code '%sn' yet (docs/configuration.md lists the codes it can)");
  }
}

}  // namespace log_format_test
}  // namespace cuttle
