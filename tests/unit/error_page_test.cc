// Squid-style error responses and the IMF-fixdate they carry.
#include "proxy/http/error_page.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/http_date.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>

namespace cuttle {
namespace error_page_test {

using std::chrono::seconds;
using std::chrono::system_clock;

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(http_date(system_clock::time_point(seconds(784111777))), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(system_clock::time_point(seconds(0))), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(system_clock::time_point(seconds(1709164800))), "Thu, 29 Feb 2024 00:00:00 GMT");
}

TEST(HttpDate, DropsFractionsOfASecond) {
  auto t = system_clock::time_point(seconds(784111777)) + std::chrono::milliseconds(999);
  EXPECT_EQ(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(ErrorPage, StatusAndSquidCodeForEachKind) {
  struct Case {
    ErrorKind kind;
    unsigned status;
    const char* code;
  };
  for (auto c : {Case{ErrorKind::InvalidRequest, 400, "ERR_INVALID_REQ"},
                 Case{ErrorKind::InvalidUrl, 400, "ERR_INVALID_URL"},
                 Case{ErrorKind::AccessDenied, 403, "ERR_ACCESS_DENIED"},
                 Case{ErrorKind::HeadersTooLarge, 431, "ERR_TOO_BIG"},
                 Case{ErrorKind::UnsupportedRequest, 501, "ERR_UNSUP_REQ"},
                 Case{ErrorKind::DnsFailure, 503, "ERR_DNS_FAIL"},
                 Case{ErrorKind::ConnectFailed, 503, "ERR_CONNECT_FAIL"},
                 Case{ErrorKind::TlsFailed, 503, "ERR_SECURE_CONNECT_FAIL"},
                 Case{ErrorKind::InvalidResponse, 502, "ERR_INVALID_RESP"},
                 Case{ErrorKind::ReadError, 502, "ERR_READ_ERROR"},
                 Case{ErrorKind::OnlyIfCachedMiss, 504, "ERR_ONLY_IF_CACHED_MISS"},
                 Case{ErrorKind::ShuttingDown, 503, "ERR_SHUTTING_DOWN"},
                 Case{ErrorKind::ConnectTimeout, 503, "ERR_CONNECT_FAIL"},
                 Case{ErrorKind::ReadTimeout, 504, "ERR_READ_TIMEOUT"}}) {
    EXPECT_EQ(static_cast<unsigned>(error_status(c.kind)), c.status) << c.code;
    EXPECT_EQ(error_code_name(c.kind), c.code);
    auto res = make_error_response(c.kind, {});
    EXPECT_EQ(res.result_int(), c.status) << c.code;
    EXPECT_EQ(res["X-Squid-Error"], std::string(c.code) + " 0");
  }
}

TEST(ErrorPage, ResponseCarriesSquidHeadersAndExactLength) {
  ErrorContext context{"http://example.com/x", "10.0.0.5", "cache1", "Connection refused", {}};
  auto res = make_error_response(ErrorKind::ConnectFailed, context);
  EXPECT_EQ(res.version(), 11u);
  EXPECT_EQ(res[http::field::server], kProductToken);
  EXPECT_EQ(res[http::field::content_type], "text/html;charset=utf-8");
  EXPECT_EQ(res["X-Cache"], "MISS from cache1");
  EXPECT_EQ(res[http::field::content_length], std::to_string(res.body().size()));
  EXPECT_TRUE(std::regex_match(std::string(res[http::field::date]),
                               std::regex("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT")));
  const auto& body = res.body();
  EXPECT_NE(body.find("ERR_CONNECT_FAIL"), std::string::npos);
  EXPECT_NE(body.find("http://example.com/x"), std::string::npos);
  EXPECT_NE(body.find("Connection refused"), std::string::npos);
  EXPECT_NE(body.find("by cache1 (" + std::string(kProductToken) + ")"), std::string::npos);
}

TEST(ErrorPage, RequestTextIsHtmlEscaped) {
  ErrorContext context{"http://e.com/<script>alert('x')</script>&\"", "10.0.0.5", "<host>", "a<b", {}};
  auto res = make_error_response(ErrorKind::InvalidUrl, context);
  const auto& body = res.body();
  EXPECT_EQ(body.find("<script>"), std::string::npos);
  EXPECT_EQ(body.find("<host>"), std::string::npos);
  EXPECT_NE(body.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"), std::string::npos);
  EXPECT_NE(body.find("a&lt;b"), std::string::npos);
}

TEST(ErrorPage, NoSystemMessageWithoutDetail) {
  auto res = make_error_response(ErrorKind::AccessDenied, {"http://e.com/", "10.0.0.5", "cache1", "", {}});
  EXPECT_EQ(res.body().find("sysmsg"), std::string::npos);
}

}  // namespace error_page_test
}  // namespace cuttle
