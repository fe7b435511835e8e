// hit_header_text() writes a hit's header without editing a copy of the stored
// one; these hold it to the bytes the edit-a-copy way (Beast's set(), the Via
// list append, keep_alive()) gives for the stored headers a cache meets.
#include "proxy/http/header_rules.h"
#include "proxy/http/header_text.h"
#include "proxy/server/hit_header.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace hit_header_test {

http::response<http::empty_body> parsed(const std::string& text) {
  http::response_parser<http::empty_body> parser;
  parser.eager(false);
  error_code ec;
  parser.put(asio::buffer(text), ec);
  EXPECT_TRUE(parser.is_header_done()) << ec.message();
  return parser.release();
}

// What serve_stored_reply did before hit_header_text existed.
std::string edited_with_beast(http::response<http::empty_body> res, const HitAnnotations& a) {
  res.version(11);
  res.set(http::field::age, std::to_string(a.age_seconds));
  if (!a.via_entry.empty()) {
    std::string via = joined_values(res, "Via");
    if (!via.empty()) via += ", ";
    res.set(http::field::via, via.append(a.via_entry));
  }
  const std::string host(a.hostname);
  res.set("X-Cache", "HIT from " + host);
  res.set("X-Cache-Lookup", "HIT from " + host + ":" + std::to_string(a.port));
  res.set("Cache-Status", host + "; hit");
  res.keep_alive(a.keep_alive);
  return header_text(res);
}

const std::string kVia = "1.1 cache1 (cuttle/0.1.0)";

void expect_same_bytes(const std::string& stored_text) {
  auto stored = parsed(stored_text);
  for (bool keep_alive : {true, false})
    for (std::string_view via : {std::string_view(kVia), std::string_view()})
      for (int64_t age : {0, 7, 86400}) {
        HitAnnotations a{age, via, "cache1", 3128, keep_alive};
        EXPECT_EQ(hit_header_text(stored, a), edited_with_beast(stored, a))
            << stored_text << "keep_alive=" << keep_alive << " via=" << via << " age=" << age;
        // The way a hit takes: the prefix kept with the parsed header, then the rest.
        auto prefix = hit_header_prefix(stored, !via.empty());
        EXPECT_EQ(prefix.has_value(), stored.count(http::field::connection) == 0) << stored_text;
        if (prefix) {
          EXPECT_EQ(hit_header_text(*prefix, a), edited_with_beast(stored, a)) << stored_text;
        }
      }
}

TEST(HitHeader, PlainStoredHeader) {
  expect_same_bytes(
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Tue, 01 Dec 2026 10:00:00 GMT\r\nContent-Type: text/plain\r\n"
      "Content-Length: 1024\r\nLast-Modified: Mon, 30 Nov 2026 10:00:00 GMT\r\nETag: \"abc\"\r\n"
      "Cache-Control: max-age=86400\r\n\r\n");
}

TEST(HitHeader, FieldsThisCacheSetsAreReplacedWhereverTheyStood) {
  expect_same_bytes(
      "HTTP/1.1 200 OK\r\nAge: 30\r\nX-Cache: MISS from parent\r\nContent-Length: 3\r\n"
      "x-cache-lookup: HIT from parent:3128\r\ncache-status: parent; fwd=miss\r\nX-Other: 1\r\n\r\n");
}

TEST(HitHeader, ViaFromUpstreamIsExtendedInOrder) {
  expect_same_bytes("HTTP/1.1 200 OK\r\nVia: 1.1 a\r\nContent-Length: 3\r\nvia: 1.0 b, 1.1 c\r\nVia:\r\n\r\n");
}

TEST(HitHeader, AStoredConnectionFieldIsEditedAsBeastEditsIt) {
  expect_same_bytes("HTTP/1.1 200 OK\r\nConnection: keep-alive, x-private\r\nContent-Length: 3\r\n\r\n");
  expect_same_bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\n");
}

TEST(HitHeader, StatusAndReasonAreKept) {
  expect_same_bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  expect_same_bytes("HTTP/1.1 203 Whatever The Origin Said\r\nContent-Length: 0\r\n\r\n");
  expect_same_bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
}

TEST(HitHeader, ExactBytesOfAHit) {
  auto stored = parsed("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nVia: 1.1 up\r\n\r\n");
  EXPECT_EQ(hit_header_text(stored, {12, kVia, "cache1", 3128, false}),
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nAge: 12\r\nVia: 1.1 up, 1.1 cache1 (cuttle/0.1.0)\r\n"
            "X-Cache: HIT from cache1\r\nX-Cache-Lookup: HIT from cache1:3128\r\nCache-Status: cache1; hit\r\n"
            "Connection: close\r\n\r\n");
}

}  // namespace hit_header_test
}  // namespace cuttle
