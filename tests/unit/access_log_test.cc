// Squid's native access.log line and the log file writer.
#include "proxy/log/access_log.h"
#include "proxy/log/log_format.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

namespace cuttle {
namespace access_log_test {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::chrono::system_clock::time_point at_millis(long long ms) {
  return std::chrono::system_clock::time_point(milliseconds(ms));
}

AccessLogEntry miss() {
  AccessLogEntry e;
  e.end_time = at_millis(1700000000123);
  e.elapsed = milliseconds(12);
  e.client_ip = "10.0.0.5";
  e.result = ResultCode::TcpMiss;
  e.status = 200;
  e.reply_bytes = 5120;
  e.method = "GET";
  e.url = "http://example.com/a";
  e.hierarchy = {Hierarchy::Direct};
  e.peer = "93.184.216.34";
  e.content_type = "text/html";
  return e;
}

TEST(AccessLogFormat, SquidNativeLine) {
  EXPECT_EQ(format_squid_native(miss()),
            "1700000000.123     12 10.0.0.5 TCP_MISS/200 5120 GET http://example.com/a - HIER_DIRECT/93.184.216.34 "
            "text/html");
}

TEST(AccessLogFormat, UserNamesAreQuotedAsSquidQuotesThem) {
  std::string line;
  append_mime_quoted(line, "j doe\\x%[y]\r\n\x01\xc3\xa9");
  EXPECT_EQ(line, "j doe\\\\x%25%5by%5d\\r\\n%01%c3%a9");
}

TEST(AccessLogFormat, MillisecondsAreThreeDigits) {
  auto e = miss();
  e.end_time = at_millis(1700000000007);
  EXPECT_TRUE(format_squid_native(e).starts_with("1700000000.007 "));
  e.end_time = at_millis(1700000000000);
  EXPECT_TRUE(format_squid_native(e).starts_with("1700000000.000 "));
}

TEST(AccessLogFormat, ElapsedIsRightAlignedInSixColumnsAndNeverCut) {
  auto e = miss();
  e.elapsed = milliseconds(0);
  EXPECT_TRUE(format_squid_native(e).starts_with("1700000000.123      0 10.0.0.5 "));
  e.elapsed = milliseconds(123456);
  EXPECT_TRUE(format_squid_native(e).starts_with("1700000000.123 123456 10.0.0.5 "));
  e.elapsed = milliseconds(1234567);
  EXPECT_TRUE(format_squid_native(e).starts_with("1700000000.123 1234567 10.0.0.5 "));
}

TEST(AccessLogFormat, TimeIsPaddedToNineColumns) {
  auto e = miss();
  e.end_time = at_millis(12345);
  EXPECT_TRUE(format_squid_native(e).starts_with("       12.345     12 ")) << format_squid_native(e);
}

TEST(AccessLogFormat, StatusIsThreeDigitsEvenWithoutAReply) {
  AccessLogEntry e;
  e.end_time = at_millis(1700000000123);
  e.client_ip = "10.0.0.5";
  e.method = "GET";
  e.url = "http://example.com/";
  EXPECT_EQ(format_squid_native(e), "1700000000.123      0 10.0.0.5 NONE_NONE/000 0 GET http://example.com/ - HIER_NONE/- -");
}

TEST(AccessLogFormat, SuffixFollowsTheResultCode) {
  auto e = miss();
  e.result_suffix = ResultSuffix::Aborted;
  EXPECT_NE(format_squid_native(e).find(" TCP_MISS_ABORTED/200 "), std::string::npos);
}

TEST(LogCodes, EveryCodeHasSquidsNameAndIsReadBackFromIt) {
  for (auto i = 0; i <= static_cast<int>(ResultCode::UdpInvalid); ++i) {
    auto code = static_cast<ResultCode>(i);
    EXPECT_EQ(result_code_named(squid_name(code)), code) << squid_name(code);
  }
  EXPECT_EQ(squid_name(ResultCode::TcpRefreshFailOld), "TCP_REFRESH_FAIL_OLD");
  EXPECT_EQ(squid_name(HierarchyCode{Hierarchy::FirstParentMiss, true}), "TIMEOUT_FIRST_PARENT_MISS");
  EXPECT_EQ(hierarchy_named("TIMEOUT_CARP"), (HierarchyCode{Hierarchy::Carp, true}));
  EXPECT_EQ(hierarchy_named("HIER_DIRECT"), (HierarchyCode{Hierarchy::Direct, false}));
  EXPECT_FALSE(result_code_named("TCP_NOPE"));
  EXPECT_FALSE(hierarchy_named("TIMEOUT_"));
}

TEST(LogCodes, MetricsClassesAsSquidsCodesMean) {
  EXPECT_EQ(result_class(ResultCode::TcpRefreshUnmodified, 200), ResultClass::Hit);
  EXPECT_EQ(result_class(ResultCode::TcpNegativeHit, 404), ResultClass::Hit);
  EXPECT_EQ(result_class(ResultCode::TcpMiss, 200), ResultClass::Miss);
  EXPECT_EQ(result_class(ResultCode::TcpMiss, 502), ResultClass::Error);
  EXPECT_EQ(result_class(ResultCode::TcpRefreshFailErr, 0), ResultClass::Error);
  EXPECT_EQ(result_class(ResultCode::TcpDenied, 403), ResultClass::Denied);
  EXPECT_EQ(result_class(ResultCode::TcpTunnel, 200), ResultClass::Tunnel);
  EXPECT_EQ(result_class(ResultCode::None, 400), ResultClass::Error);
}

TEST(AccessLogFormat, PingTimeoutPrefixesTheHierarchyCode) {
  auto e = miss();
  e.hierarchy = {Hierarchy::FirstParentMiss};
  e.peer = "10.0.0.9";
  e.hierarchy.ping_timed_out = true;
  EXPECT_NE(format_squid_native(e).find(" - TIMEOUT_FIRST_PARENT_MISS/10.0.0.9 text/html"), std::string::npos);
}

TEST(AccessLogFormat, DeniedConnect) {
  AccessLogEntry e;
  e.end_time = at_millis(1700000000500);
  e.elapsed = milliseconds(1);
  e.client_ip = "192.0.2.7";
  e.result = ResultCode::TcpDenied;
  e.status = 403;
  e.reply_bytes = 3950;
  e.method = "CONNECT";
  e.url = "secure.example:22";
  e.content_type = "text/html";
  EXPECT_EQ(format_squid_native(e),
            "1700000000.500      1 192.0.2.7 TCP_DENIED/403 3950 CONNECT secure.example:22 - HIER_NONE/- text/html");
}

TEST(AccessLogFormat, EmptyFieldsAreWrittenAsDash) {
  // An empty field would shift every later column for log parsers.
  auto e = miss();
  e.user = "";
  e.peer = "";
  e.content_type = "";
  e.client_ip = "";
  EXPECT_EQ(format_squid_native(e),
            "1700000000.123     12 - TCP_MISS/200 5120 GET http://example.com/a - HIER_DIRECT/- -");
}

TEST(AccessLogFormat, StripQueryDropsEverythingFromTheQuestionMark) {
  EXPECT_EQ(strip_query("http://example.com/a?b=c&d"), "http://example.com/a?");
  EXPECT_EQ(strip_query("http://example.com/a"), "http://example.com/a");
  EXPECT_EQ(strip_query("http://example.com/?"), "http://example.com/?");
  EXPECT_EQ(strip_query("secure.example:443"), "secure.example:443");
}

AccessLogEntry with_headers() {
  auto e = miss();
  e.request_headers = {{"User-Agent", "T/1 [x]"}, {"Host", "example.com"}};
  e.reply_head = "HTTP/1.1 200 OK\r\nX-A: 50%\r\n\r\n";
  return e;
}

// FormatSquidNative.cc: " [%s] [%s]" of QuoteMimeBlob'd request fields and reply header.
TEST(AccessLogFormat, LogMimeHdrsAppendsBothHeadersQuoted) {
  EXPECT_EQ(format_squid_native(with_headers(), {.mime_headers = true}),
            format_squid_native(with_headers()) +
                " [User-Agent: T/1 %5bx%5d\\r\\nHost: example.com\\r\\n] [HTTP/1.1 200 OK\\r\\nX-A: 50%25\\r\\n\\r\\n]");
  EXPECT_EQ(format_squid_native(miss(), {.mime_headers = true}), format_squid_native(miss()) + " [] []");
}

// logfilePrintf keeps 8192 bytes, the last the newline: the headers part is cut.
TEST(AccessLogFormat, MimeHeadersPartIsCutAsSquidsPrintfCutsIt) {
  auto e = miss();
  e.request_headers = {{"X-Big", std::string(10000, 'a')}};
  const auto line = format_squid_native(e, {.mime_headers = true});
  EXPECT_EQ(line.size(), format_squid_native(e).size() + 8191);
  EXPECT_TRUE(line.ends_with(std::string(100, 'a')));
}

class TempFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / ("cuttle-log-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(TempFiles, WritesOneLinePerEntryCreatingDirectories) {
  auto path = dir_ / "logs" / "access.log";
  AccessLog log;
  log.open({path.string()});
  log.write(miss());
  auto e = miss();
  e.url = "http://example.com/b";
  log.write(e);
  log.flush();
  EXPECT_EQ(read(path), format_squid_native(miss()) + "\n" + format_squid_native(e) + "\n");
}

TEST_F(TempFiles, WritesToEveryLog) {
  auto a = dir_ / "a.log", b = dir_ / "b.log";
  AccessLog log;
  log.open({a.string(), b.string()});
  log.write(miss());
  log.flush();
  EXPECT_EQ(read(a), format_squid_native(miss()) + "\n");
  EXPECT_EQ(read(b), read(a));
}

TEST_F(TempFiles, AppendsToAnExistingFile) {
  fs::create_directories(dir_);
  auto path = dir_ / "access.log";
  std::ofstream(path) << "old line\n";
  AccessLog log;
  log.open({path.string()});
  log.write(miss());
  log.flush();
  EXPECT_EQ(read(path), "old line\n" + format_squid_native(miss()) + "\n");
}

TEST_F(TempFiles, ReopenStartsANewFileAfterRotation) {
  auto path = dir_ / "access.log";
  auto rotated = dir_ / "access.log.0";
  AccessLog log;
  log.open({path.string()});
  log.write(miss());
  fs::rename(path, rotated);
  log.reopen();
  auto e = miss();
  e.url = "http://example.com/after";
  log.write(e);
  log.flush();
  EXPECT_EQ(read(rotated), format_squid_native(miss()) + "\n");
  EXPECT_EQ(read(path), format_squid_native(e) + "\n");
}

// buffered_logs off: as Squid's stdio module, the line is in the file when the
// transaction's logging returns.
TEST_F(TempFiles, UnbufferedLinesAreInTheFileAtOnce) {
  auto path = dir_ / "access.log";
  AccessLog log;
  log.open({path.string()}, {}, {.batch_delay = std::chrono::seconds(10)});
  log.write(miss());
  EXPECT_EQ(read(path), format_squid_native(miss()) + "\n");
}

// buffered_logs on: the writer thread writes a batch its delay after its first
// line; a loaded machine gets far more than 5 ms, but bounded.
TEST_F(TempFiles, BufferedLinesAreWrittenSoonWithoutAFlush) {
  auto path = dir_ / "access.log";
  AccessLog log;
  log.open({path.string()}, {}, {.buffered = true});
  log.write(miss());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (read(path).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(read(path), format_squid_native(miss()) + "\n");
}

// buffered_logs on: lines wait for the batch's delay (or a flush).
TEST_F(TempFiles, BufferedLinesWaitForTheirBatch) {
  auto path = dir_ / "access.log";
  AccessLog log;
  log.open({path.string()}, {}, {.buffered = true, .batch_delay = std::chrono::seconds(10)});
  log.write(miss());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(read(path), "");
  log.flush();
  EXPECT_EQ(read(path), format_squid_native(miss()) + "\n");
}

// %sn: each file numbers the lines written to it from 0 (a numbered format is
// not shared between files); a rotation's reopen goes on counting, a new open
// (reconfiguration) starts again, as Squid's Logfile::sequence_number.
TEST_F(TempFiles, EachFileNumbersItsOwnLines) {
  auto a = dir_ / "a.log", b = dir_ / "b.log";
  auto numbered = std::make_shared<const LogFormat>(custom_log_format("n", "%sn %rp"));
  AccessLog log;
  log.open({a.string(), b.string()}, {numbered, numbered});
  auto e = miss();
  log.write(e);
  e.url = "http://example.com/only-a";
  log.write(e, 1);
  e.url = "http://example.com/both";
  log.write(e);
  log.flush();
  EXPECT_EQ(read(a), "0 /a\n1 /only-a\n2 /both\n");
  EXPECT_EQ(read(b), "0 /a\n1 /both\n");
  log.reopen();
  log.write(e, 1);
  log.flush();
  EXPECT_EQ(read(a), "0 /a\n1 /only-a\n2 /both\n3 /both\n");
  log.open({a.string()}, {numbered});
  log.write(e);
  log.flush();
  EXPECT_TRUE(read(a).ends_with("3 /both\n0 /both\n"));
}

TEST_F(TempFiles, DestroyingTheLogWritesWhatIsQueued) {
  auto path = dir_ / "access.log";
  {
    AccessLog log;
    log.open({path.string()});
    log.write(miss());
  }
  EXPECT_EQ(read(path), format_squid_native(miss()) + "\n");
}

// Written by the workers themselves (buffered_logs off) or in batches (on).
class ManyThreads : public TempFiles, public ::testing::WithParamInterface<bool> {};

TEST_P(ManyThreads, LinesAreWholeAndInOrderPerThread) {
  auto path = dir_ / "access.log";
  constexpr int kThreads = 4, kLines = 5000;  // well past kBatchBytes: big batches too
  {
    AccessLog log;
    log.open({path.string()}, {}, {.buffered = GetParam()});
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t)
      writers.emplace_back([&log, t] {
        auto e = miss();
        for (int i = 0; i < kLines; ++i) {
          e.url = "http://example.com/" + std::to_string(t) + "/" + std::to_string(i);
          log.write(e);
          if (i % 997 == 0) log.flush();  // flushes racing the flusher must not reorder
        }
      });
    for (auto& w : writers) w.join();
  }
  std::ifstream in(path);
  std::vector<int> next(kThreads, 0);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    auto at = line.find("http://example.com/");
    ASSERT_NE(at, std::string::npos) << line;
    int t = 0, i = 0;
    ASSERT_EQ(std::sscanf(line.c_str() + at, "http://example.com/%d/%d ", &t, &i), 2) << line;
    ASSERT_TRUE(t >= 0 && t < kThreads) << line;
    EXPECT_EQ(i, next[t]) << line;
    next[t] = i + 1;
  }
  EXPECT_EQ(lines, kThreads * kLines);
}

INSTANTIATE_TEST_SUITE_P(BufferedLogs, ManyThreads, ::testing::Bool());

TEST_F(TempFiles, NoPathsMeansNoLogging) {
  AccessLog log;
  log.open(std::vector<AccessLogOutput>{});
  log.write(miss());  // must not crash or write anywhere
  EXPECT_FALSE(fs::exists(dir_));
}

TEST_F(TempFiles, UnopenableFileIsAnErrorNamingIt) {
  fs::create_directories(dir_ / "a-directory");
  auto bad = (dir_ / "a-directory").string();
  AccessLog log;
  try {
    log.open({(dir_ / "fine.log").string(), bad});
    FAIL() << "open should have thrown";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open access_log " + bad), std::string::npos) << e.what();
  }
}

}  // namespace access_log_test
}  // namespace cuttle
