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
  EXPECT_THROW(custom_log_format("x", "%{}>h"), std::invalid_argument);       // no name, as squid refuses
  EXPECT_THROW(custom_log_format("x", "%{:path}>h"), std::invalid_argument);  // a pseudo-header
  try {
    custom_log_format("x", "%>a %<rm");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "logformat x: cuttle cannot fill in the code '%<rm' yet (docs/configuration.md lists the codes it can)");
  }
}

AccessLogEntry with_issue_20_fields() {
  auto e = entry();
  e.client_port = 40507;
  e.local_ip = "127.0.0.1";
  e.local_port = 3128;
  e.server_port = 8080;
  e.request_bytes = 103;
  e.server_status = 304;
  e.error_name = "ERR_CONNECT_FAIL";
  e.error_detail = "WITH_SERVER";
  e.external_user = "bob";
  e.notes = {{"user", "alice"}, {"k", "v1"}, {"other", "x y"}, {"k", "v2"}};
  e.reply_head = "HTTP/1.1 200 OK\r\nX-Test: a b\r\nContent-Type: text/plain\r\nx-test: c%d\r\n\r\n";
  return e;
}

TEST_F(LogFormatTest, ConnectionServerAndSizeCodes) {
  const auto format = custom_log_format("c", "%>p %la %lp %<a:%<p %>st %<Hs/%>Hs %05>p");
  EXPECT_EQ(line(format, with_issue_20_fields()), "40507 127.0.0.1 3128 93.184.216.34:8080 103 304/200 40507");
  EXPECT_EQ(line(format, AccessLogEntry{}), "- - - -:- 0 -/0 -");  // Squid's "-" where none, 0 for sizes
}

TEST_F(LogFormatTest, ErrorUserAndSequenceCodes) {
  const auto format = custom_log_format("e", "%err_code %err_detail %ue %sn");
  EXPECT_EQ(line(format, with_issue_20_fields()), "ERR_CONNECT_FAIL WITH_SERVER bob 0");
  std::string text;
  append_formatted(text, format, AccessLogEntry{}, {.sequence = 41});
  EXPECT_EQ(text, "- - - 41");
  EXPECT_TRUE(format.sequence);
}

// NotePairs::toString and find: "key: value\r\n" each, or one key's values
// joined by ',' (or the separator after the key's colon); %-encoded by default.
TEST_F(LogFormatTest, NotesAsSquidPrintsThem) {
  const auto format = custom_log_format("n", "%note|%{k}note|%{k:;}note|%{nope}note|%'note");
  EXPECT_EQ(line(format, with_issue_20_fields()),
            "user:%20alice%0D%0Ak:%20v1%0D%0Aother:%20x%20y%0D%0Ak:%20v2%0D%0A|v1,v2|v1;v2|-|"
            "user: alice\r\nk: v1\r\nother: x y\r\nk: v2\r\n");
  EXPECT_TRUE(format.notes);
}

// %<h: the reply header sent, whole (status line to blank line) or one field's
// values joined by ", " whatever their names' case.
TEST_F(LogFormatTest, ReplyHeaderCodes) {
  const auto format = custom_log_format("r", "%{X-Test}<h %{Missing}<h %<h");
  EXPECT_EQ(line(format, with_issue_20_fields()),
            "a%20b,%20c%d - HTTP/1.1%20200%20OK%0D%0AX-Test:%20a%20b%0D%0AContent-Type:%20text/plain%0D%0A"
            "x-test:%20c%d%0D%0A%0D%0A");
  EXPECT_EQ(line(format, AccessLogEntry{}), "- - -");
  EXPECT_TRUE(format.reply_head);
  EXPECT_TRUE(format.whole_headers);
}

// %{Name:member}>h (and <h, >ha): the value after "member=" in the field's
// items, split at ',' and at the separator given after the colon (',' by
// default); only the name is kept for the line.
TEST_F(LogFormatTest, HeaderMemberCodes) {
  auto e = entry();
  e.request_headers.emplace_back("Cookie", "a=1; sid=\"x;y\"; b=2");
  e.request_headers.emplace_back("Cookie", "c=3");
  e.reply_head = "HTTP/1.1 200 OK\r\nCache-Control: max-age=60, s-maxage=5\r\n\r\n";
  const auto format = custom_log_format(
      "m", "%{Cookie:;sid}>h|%{Cookie:;c}>ha|%{Cookie:sid}>h|%{Cookie:;nope}>h|%{Cache-Control:max-age}<h|%{X-None:a}>h");
  EXPECT_EQ(line(format, e), "%22x;y%22|-|-|-|60|-") << "Cookie is no list for squid: its first field only";
  EXPECT_EQ(format.request_headers, (std::vector<std::string>{"Cookie", "Cookie", "Cookie", "Cookie", "X-None"}));
  EXPECT_FALSE(format.whole_headers);
}

// %% is a percent sign.
TEST_F(LogFormatTest, PercentSign) { EXPECT_EQ(line(custom_log_format("p", "100%% %rm")), "100% GET"); }

// %>ha: without adaptation the client's header, as %>h.
TEST_F(LogFormatTest, AdaptedRequestHeaderIsTheClients) {
  const auto format = custom_log_format("a", "%{X-Two}>ha %>ha");
  EXPECT_EQ(line(format), "a,%20b -");
  EXPECT_TRUE(format.whole_headers);
}

// %>h without a name: every request field, kept only under log_mime_hdrs.
TEST_F(LogFormatTest, WholeRequestHeaderOnlyUnderLogMimeHdrs) {
  const auto format = custom_log_format("q", "%>h");
  EXPECT_TRUE(format.whole_headers);
  EXPECT_FALSE(format.reply_head);
  EXPECT_EQ(line(format), "-");
  std::string text;
  append_formatted(text, format, entry(), {.mime_headers = true});
  EXPECT_EQ(text, "Referer:%20http://r/%0D%0Auser-agent:%20UA/1%0D%0AX-Two:%20a%0D%0Ax-two:%20b%0D%0A");
}

TEST_F(LogFormatTest, CommonAndCombinedEndWithHeadersUnderLogMimeHdrs) {
  auto e = entry();
  e.reply_head = "HTTP/1.1 200 OK\r\n\r\n";
  std::string text;
  append_formatted(text, *builtin_log_format("common"), e, {.mime_headers = true});
  EXPECT_TRUE(text.ends_with("TCP_MISS:HIER_DIRECT [Referer: http://r/\\r\\nuser-agent: UA/1\\r\\nX-Two: a\\r\\n"
                             "x-two: b\\r\\n] [HTTP/1.1 200 OK\\r\\n\\r\\n]"))
      << text;
  text.clear();
  append_formatted(text, *builtin_log_format("referrer"), e, {.mime_headers = true});
  EXPECT_EQ(text.find('['), std::string::npos);  // only the native, common and combined layouts
}

}  // namespace log_format_test
}  // namespace cuttle
