// reply_body_max_size against squid 5.7: the first line whose ACLs match sets
// the limit; a reply announcing a longer body gets 403 ERR_TOO_BIG (logged
// TCP_DENIED_REPLY), from the origin or from the cache; one of unknown length is
// cut while it streams; `none` lifts the limit.
#include "proxy/http/http_date.h"
#include "tests/support/differential.h"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

namespace cuttle::testing {
namespace reply_body_limit_test {

// Replies whose body is as long as the number the path ends with; "/chunked/…"
// ones without a length.
OriginServer sized_origin() {
  return OriginServer([](const RecordedRequest& req) {
    OriginReply reply;
    reply.headers = {{"Cache-Control", "max-age=600"}, {"Date", http_date(std::chrono::system_clock::now())}};
    reply.body = std::string(std::stoul(req.target.substr(req.target.rfind('/') + 1)), 'x');
    reply.chunked = req.target.starts_with("/chunked/");
    return reply;
  });
}

// The `nth` access.log line naming `text` (a URL may be asked for twice), once written.
template <class Proxy>
std::string log_line_with(Proxy& proxy, const std::string& text, size_t nth) {
  for (int attempt = 0; attempt < 250; ++attempt) {
    size_t seen = 0;
    for (const auto& line : proxy.access_log_lines(1))
      if (line.find(text) != std::string::npos && ++seen == nth) return line;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "";
}

// Status, whether the body arrived whole, and the access.log result.
template <class Proxy>
std::string outcome(Proxy& proxy, const OriginServer& origin, const std::string& path,
                    const std::string& headers = "", size_t nth = 1) {
  RawConnection conn(proxy.port());
  conn.send(request_text("GET", origin.url(path), "Connection: close\r\n" + headers));
  const auto raw = conn.read_until_close();
  const auto status = raw.size() > 12 ? raw.substr(9, 3) : "none";
  const bool chunked = raw.find("Transfer-Encoding: chunked") != std::string::npos;
  const bool whole = chunked ? raw.ends_with("0\r\n\r\n") : raw.find(std::string(500, 'x')) != std::string::npos;
  const auto line = log_line_with(proxy, " " + origin.url(path) + " ", nth);
  // squid serves a hit from memory, cuttle from its store: both are hits here.
  return status + (whole ? " whole " : " cut ") + std::regex_replace(code_and_user(line), std::regex("_MEM_HIT"), "_HIT");
}

TEST(ReplyBodyLimit, RefusesOrCutsAsSquid) {
  auto origin = sized_origin();
  TempDir dir;
  auto config = [&](const std::string& who) {
    return std::string(who == "cuttle" ? "cache_dir lmdb " + dir.file("cache") + " 16\n" : "") +
           "acl unlimited urlpath_regex ^/unlimited/\n"
           "acl limited browser ^Limited\n"
           "reply_body_max_size none unlimited\n"
           "reply_body_max_size 10000 bytes limited\n"
           "reply_body_max_size 20000 bytes\n";
  };
  auto [by_squid, by_cuttle] = through_squid_then_cuttle(config, [&](auto& proxy) {
    std::vector<std::string> seen;
    for (const char* path : {"/small/600", "/big/50000", "/unlimited/50000", "/chunked/600", "/chunked/200000"})
      seen.push_back(outcome(proxy, origin, path));
    // Stored while no limit stood in the way, then refused as a hit over a smaller one.
    seen.push_back(outcome(proxy, origin, "/stored/15000"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // squid stores after the reply
    seen.push_back(outcome(proxy, origin, "/stored/15000", "User-Agent: Limited/1\r\n", 2));
    return seen;
  });
  EXPECT_EQ(by_cuttle, by_squid);
  EXPECT_EQ(by_squid, (std::vector<std::string>{"200 whole TCP_MISS/200 -", "403 cut TCP_DENIED_REPLY/403 -",
                                                "200 whole TCP_MISS/200 -", "200 whole TCP_MISS/200 -",
                                                "200 cut TCP_MISS/200 -", "200 whole TCP_MISS/200 -",
                                                "403 cut TCP_DENIED_REPLY/403 -"}));
}

}  // namespace reply_body_limit_test
}  // namespace cuttle::testing
