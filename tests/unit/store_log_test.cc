// cache_store_log lines as squid 5.7 prints them (the expected lines and keys
// are copied from squid's own store.log for the same URLs).
#include "proxy/cache/store_log_reply.h"
#include "proxy/log/store_log_line.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>

namespace cuttle {
namespace store_log_test {

std::chrono::system_clock::time_point at_ms(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

TEST(StoreLogLine, SwapoutIsSquidsLine) {
  StoreLogRecord record;
  record.time = at_ms(1796635887007);
  record.tag = StoreLogTag::Swapout;
  record.dir = 0;
  record.file = 0;
  record.key = public_store_key("GET", "http://127.0.0.1:18080/a");
  record.reply = StoreLogReply{200, 1796635887, 1796632287, 1796635947, "text/plain", 12, 12, "GET",
                               "http://127.0.0.1:18080/a"};
  EXPECT_EQ(format_store_log_line(record),
            "1796635887.007 SWAPOUT 00 00000000 A2D7C535D32AF06858202E2F67195E98  200 1796635887 1796632287 "
            "1796635947 text/plain 12/12 GET http://127.0.0.1:18080/a\n");
}

TEST(StoreLogLine, AReleaseWithoutTheReplyShowsQuestionMarks) {
  StoreLogRecord record;
  record.time = at_ms(1796635887007);
  record.dir = 0;
  record.file = 10;
  record.key = public_store_key("GET", "http://127.0.0.1:18080/a");
  EXPECT_EQ(format_store_log_line(record),
            "1796635887.007 RELEASE 00 0000000A A2D7C535D32AF06858202E2F67195E98   ?         ?         ?         ? "
            "?/? ?/? ? ?\n");
}

TEST(StoreLogLine, NotOnDiskIsMinusOneAndNoTypeIsUnknown) {
  StoreLogRecord record;
  record.time = at_ms(1796635930601);
  record.key = public_store_key("GET", "http://x/");
  record.reply = StoreLogReply{200, 1796635930, 0, -1, "", 0, 0, "PURGE", "http://127.0.0.1:18080/b"};
  const auto line = format_store_log_line(record);
  EXPECT_NE(line.find(" RELEASE -1 FFFFFFFF "), std::string::npos) << line;
  EXPECT_NE(line.find("  200 1796635930         0        -1 unknown 0/0 PURGE http://127.0.0.1:18080/b\n"),
            std::string::npos)
      << line;
}

TEST(StoreLogLine, ABrokenFieldCannotStartAnotherLine) {
  StoreLogRecord record;
  record.reply = StoreLogReply{200, -1, -1, -1, "text/plain\r\nRELEASE", -1, 0, "GET", "http://x/\n"};
  const auto line = format_store_log_line(record);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(StoreLogKeys, PublicKeysAreSquids) {
  EXPECT_EQ(public_store_key("GET", "http://127.0.0.1:18080/a"),
            public_store_key("GET", "http://127.0.0.1:18080/a", ""));
  // squid's store.log for a variant whose request had no Accept-Encoding.
  StoreLogRecord record;
  record.key = public_store_key("GET", "http://127.0.0.1:18080/vary", "accept-encoding");
  EXPECT_NE(format_store_log_line(record).find(" A4726B0BD8ACA4A52D7B22F262144851 "), std::string::npos);
  EXPECT_NE(public_store_key("HEAD", "http://127.0.0.1:18080/a"), public_store_key("GET", "http://127.0.0.1:18080/a"));
}

TEST(StoreLogKeys, PrivateKeysCountAndNameTheProcess) {
  const auto first = private_store_key(), second = private_store_key();
  uint64_t a = 0, b = 0;
  std::memcpy(&a, first.data(), 8);
  std::memcpy(&b, second.data(), 8);
  EXPECT_EQ(b, a + 1);
  int32_t pid = 0;
  std::memcpy(&pid, first.data() + 8, 4);
  EXPECT_EQ(pid, ::getpid());
}

TEST(StoreLogKeys, MethodNumbersAreSquids) {
  EXPECT_EQ(squid_method_number("GET"), 1u);
  EXPECT_EQ(squid_method_number("HEAD"), 4u);
  EXPECT_EQ(squid_method_number("PROPFIND"), 20u);
  EXPECT_EQ(squid_method_number("PURGE"), 29u);
  EXPECT_EQ(squid_method_number("BREW"), 30u);  // METHOD_OTHER
}

TEST(StoreLogVaryMark, NamesAndEscapedValuesAsSquid) {
  EXPECT_EQ(squid_vary_mark("http://a/"), "");
  EXPECT_EQ(squid_vary_mark("http://a/\naccept-encoding:gzip"), "accept-encoding=\"gzip\"");
  EXPECT_EQ(squid_vary_mark("http://a/\naccept-encoding:gzip, br\nuser-agent:"),
            "accept-encoding=\"gzip,%20br\", user-agent");
}

TEST(StoreLogReplyFields, ReadFromTheHeaderAsSquidsHttpReply) {
  const std::string block =
      "HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 09:00:00 GMT\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
      "Cache-Control: public, max-age=600\r\nExpires: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
      "Content-Type: text/html; charset=utf-8\r\nContent-Length: 42\r\n\r\n";
  const auto reply = store_log_reply(block, "GET", "http://a/", 42);
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.date, 1796634000);
  EXPECT_EQ(reply.last_modified, 1704067200);
  EXPECT_EQ(reply.expires, 1796634000 + 600);  // max-age wins over Expires
  EXPECT_EQ(reply.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(reply.content_length, 42);
}

TEST(StoreLogReplyFields, ExpiresAloneAndMissingFields) {
  const auto reply = store_log_reply("HTTP/1.1 404 Not Found\r\nExpires: Mon, 07 Dec 2026 09:00:00 GMT\r\n\r\n", "GET",
                                     "http://a/", 0);
  EXPECT_EQ(reply.status, 404u);
  EXPECT_EQ(reply.date, -1);
  EXPECT_EQ(reply.last_modified, -1);
  EXPECT_EQ(reply.expires, 1796634000);
  EXPECT_EQ(reply.content_type, "");
  EXPECT_EQ(reply.content_length, -1);
  const auto none = store_log_reply("HTTP/1.1 200 OK\r\n\r\n", "GET", "http://a/", 0);
  EXPECT_EQ(none.expires, -1);
}

}  // namespace store_log_test
}  // namespace cuttle
