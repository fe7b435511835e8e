// RFC 9111 §4.3.4 and §3.2, what a 304 may change in a stored response: one whose
// ETag names another representation selects nothing (the stored response is not
// freshened, the object is fetched again); a matching one freshens the stored
// header but never the fields its body depends on (length, coding, range,
// digests, the ETag). In both modes; squid 5.7 is run to record where it differs.
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/proxy_modes.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

namespace cuttle::testing {
namespace not_modified_fields_test {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Every reply has a Date (without one squid 5.7 revalidates whatever the lifetime).
OriginReply reply(unsigned status, Fields headers, std::string body = "") {
  OriginReply r;
  headers.push_back({"Date", http_date(std::chrono::system_clock::now())});
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

// The stored copy ("one", ETag "v1") is stale at once; the origin's 304 to it
// names "v2" and brings a long lifetime; later plain GETs get "two" ("v2").
OriginServer::Handler changed_etag() {
  auto plain_gets = std::make_shared<std::atomic<int>>(0);
  return [plain_gets](const RecordedRequest& req) {
    if (req.header("If-None-Match") == "\"v1\"")
      return reply(304, {{"ETag", "\"v2\""}, {"Cache-Control", "max-age=3600"}, {"X-Version", "304"}});
    if ((*plain_gets)++ == 0) return reply(200, {{"ETag", "\"v1\""}, {"Cache-Control", "max-age=0"}, {"X-Version", "1"}}, "one");
    return reply(200, {{"ETag", "\"v2\""}, {"Cache-Control", "max-age=3600"}, {"X-Version", "2"}}, "two");
  };
}

struct Seen {
  std::string body, version;
  size_t origin_requests = 0;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  return out << "body=" << s.body << " X-Version=" << s.version << " origin requests=" << s.origin_requests;
}

// Stored, then asked for again: what the client gets, and how often the origin was asked.
template <class Proxy>
Seen after_a_304_naming_another_etag(Proxy& proxy, ProxyMode mode, const OriginServer& origin) {
  mode_request(proxy.port(), mode, origin, "GET", "/first");
  auto res = mode_request(proxy.port(), mode, origin, "GET", "/first");
  return {res.body(), std::string(res["X-Version"]), origin.requests().size()};
}

class NotModifiedFields : public ::testing::TestWithParam<ProxyMode> {};

TEST_P(NotModifiedFields, A304NamingAnotherETagNeitherFreshensNorChangesTheStoredResponse) {
  OriginServer origin(changed_etag());
  ProxyInMode<CuttleProcess> cuttle(GetParam(), origin);
  const auto seen = after_a_304_naming_another_etag(cuttle.proxy, GetParam(), origin);
  // The 304 selected nothing: the object is fetched again, unconditionally.
  EXPECT_EQ(seen, (Seen{"two", "2", 3})) << "the 304 freshened the stored response";
  const auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].header("If-None-Match"), "\"v1\"");
  EXPECT_FALSE(requests[2].has_header("If-None-Match"));
  EXPECT_FALSE(cuttle.proxy.access_log_line_with("TCP_REFRESH_MODIFIED/200").empty());
}

// Stored: a body described by its length, coding, digests and ETag; the 304 (a
// weak ETag matching it) brings other values for all of them.
OriginReply body_fields(const RecordedRequest& req) {
  if (req.header("If-None-Match") == "\"v1\"")
    return reply(304, {{"ETag", "W/\"v1\""},
                       {"Cache-Control", "max-age=3600"},
                       {"X-Version", "304"},
                       {"Content-Length", "999"},
                       {"Content-Encoding", "x-other"},
                       {"Content-MD5", "md5-of-another-body"},
                       {"Digest", "sha-256=another"},
                       {"Repr-Digest", "sha-256=:another:"},
                       {"Content-Digest", "sha-256=:another:"}});
  return reply(200,
               {{"ETag", "\"v1\""},
                {"Cache-Control", "max-age=0"},
                {"X-Version", "1"},
                {"Content-Encoding", "x-stored"},
                {"Content-MD5", "md5-of-the-body"},
                {"Digest", "sha-256=stored"},
                {"Repr-Digest", "sha-256=:stored:"},
                {"Content-Digest", "sha-256=:stored:"}},
               "stored body");
}

// The body-describing fields the client gets after a 304 and on the next hit.
template <class Proxy>
std::vector<std::string> fields_after_304(Proxy& proxy, ProxyMode mode, const OriginServer& origin) {
  std::vector<std::string> seen;
  mode_request(proxy.port(), mode, origin, "GET", "/page");
  for (const char* when : {"after the 304", "next hit"}) {
    auto res = mode_request(proxy.port(), mode, origin, "GET", "/page");
    std::string line = std::string(when) + ": " + res.body() + ";";
    for (const char* name : {"X-Version", "Content-Length", "Content-Encoding", "Content-MD5", "Digest", "Repr-Digest",
                             "Content-Digest", "ETag"})
      line += std::string(" ") + name + "=" + std::string(res[name]);
    seen.push_back(line);
  }
  seen.push_back("origin requests: " + std::to_string(origin.requests().size()));
  return seen;
}

TEST_P(NotModifiedFields, AMatching304NeverReplacesTheFieldsTheStoredBodyDependsOn) {
  OriginServer origin(body_fields);
  ProxyInMode<CuttleProcess> cuttle(GetParam(), origin);
  const std::string stored_fields =
      " stored body; X-Version=304 Content-Length=11 Content-Encoding=x-stored Content-MD5=md5-of-the-body "
      "Digest=sha-256=stored Repr-Digest=sha-256=:stored: Content-Digest=sha-256=:stored: ETag=\"v1\"";
  EXPECT_EQ(fields_after_304(cuttle.proxy, GetParam(), origin), (std::vector<std::string>{
                                                        "after the 304:" + stored_fields,
                                                        "next hit:" + stored_fields,
                                                        "origin requests: 2",
                                                    }));
}

// Squid 5.7 freshens the stored response with a 304 naming another ETag, and
// takes every field of a matching one: its Content-Length then cuts the reply
// short, and the body's coding, digests and ETag are the 304's.
TEST_P(NotModifiedFields, Squid57TakesBothAndEveryField) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  const auto mode = GetParam();
  {
    OriginServer origin(changed_etag());
    ProxyInMode<SquidProcess> squid(mode, origin);
    const auto seen = after_a_304_naming_another_etag(squid.proxy, mode, origin);
    EXPECT_EQ(seen.body + " " + seen.version, "one 304");
  }
  // With the 304's Content-Length squid's reply is cut short; without it, the
  // other fields show.
  for (bool with_length : {true, false}) {
    OriginServer origin([with_length](const RecordedRequest& req) {
      auto r = body_fields(req);
      if (!with_length) std::erase_if(r.headers, [](const auto& f) { return f.first == "Content-Length"; });
      return r;
    });
    ProxyInMode<SquidProcess> squid(mode, origin);
    if (with_length) {
      EXPECT_ANY_THROW(fields_after_304(squid.proxy, mode, origin)) << "a reply cut short";
      continue;
    }
    EXPECT_EQ(fields_after_304(squid.proxy, mode, origin).at(0),
              "after the 304: stored body; X-Version=304 Content-Length=11 Content-Encoding=x-other "
              "Content-MD5=md5-of-another-body Digest=sha-256=another Repr-Digest=sha-256=:another: "
              "Content-Digest=sha-256=:another: ETag=W/\"v1\"");
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, NotModifiedFields, ::testing::Values(ProxyMode::Forward, ProxyMode::Accelerator),
                         [](const auto& info) { return mode_name(info.param); });

}  // namespace not_modified_fields_test
}  // namespace cuttle::testing
