// Header serialization without streams: byte for byte what Beast's ostream writes.
#include "proxy/http/header_text.h"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/write.hpp>  // the ostream operator compared against

#include <gtest/gtest.h>

#include <sstream>

namespace cuttle {
namespace header_text_test {

template <class Header>
std::string beast_text(const Header& header) {
  std::ostringstream out;
  out << header;
  return out.str();
}

TEST(HeaderText, ResponseMatchesBeastsSerialization) {
  http::response<http::empty_body> res{http::status::ok, 11};
  res.set(http::field::content_type, "text/html");
  res.insert("X-Custom", "a");
  res.insert("X-Custom", "b");  // repeated fields stay separate lines, in order
  res.set(http::field::content_length, "1024");
  EXPECT_EQ(header_text(res), beast_text(res.base()));
  EXPECT_EQ(header_text(res).substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_TRUE(header_text(res).ends_with("\r\n\r\n"));
}

TEST(HeaderText, KeepsAnOriginsOwnReasonAndVersion) {
  http::response<http::empty_body> res{http::status::not_found, 10};
  res.reason("Nothing Here");
  EXPECT_EQ(header_text(res), "HTTP/1.0 404 Nothing Here\r\n\r\n");
  EXPECT_EQ(header_text(res), beast_text(res.base()));
}

TEST(HeaderText, UnknownStatusCodesKeepTheirNumber) {
  http::response<http::empty_body> res;
  res.result(599);
  res.version(11);
  EXPECT_EQ(header_text(res).substr(0, 13), "HTTP/1.1 599 ");
  EXPECT_EQ(header_text(res), beast_text(res.base()));
}

TEST(HeaderText, StatusIsAlwaysThreeDigits) {
  // Beast parses "HTTP/1.1 020 X" as status 20; written back it must stay readable.
  http::response<http::empty_body> res;
  res.result(20);
  res.version(11);
  EXPECT_EQ(header_text(res).substr(0, 13), "HTTP/1.1 020 ");
  EXPECT_EQ(header_text(res), beast_text(res.base()));
}

TEST(HeaderText, RequestMatchesBeastsSerialization) {
  http::request<http::empty_body> req{http::verb::get, "http://example.com/a?b", 11};
  req.set(http::field::host, "example.com");
  req.set("X-Forwarded-For", "127.0.0.1");
  EXPECT_EQ(header_text(req), beast_text(req.base()));
  EXPECT_TRUE(header_text(req).starts_with("GET http://example.com/a?b HTTP/1.1\r\n"));
}

}  // namespace header_text_test
}  // namespace cuttle
