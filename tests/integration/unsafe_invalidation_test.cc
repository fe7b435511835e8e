// RFC 9111 §4.4: once an unsafe request (POST, or a method the cache does not
// know, such as M-SEARCH) has a successful reply, the stored responses of its
// target and of the same-origin Location / Content-Location are not reused: the
// very next request for them, from any client, goes to the origin. In both
// modes; squid 5.7 is run to record where it differs (docs/caching.md).
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/proxy_modes.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace unsafe_invalidation_test {

constexpr int kRounds = 6;  // the next GET must miss every time, not only when it comes late

// GETs are fresh for ten minutes; other methods succeed, pointing at /located/N
// (Location, relative) and /described/N (Content-Location, absolute).
OriginReply site(const RecordedRequest& req) {
  OriginReply r;
  if (req.method == "GET") {
    r.headers = {{"Cache-Control", "max-age=600"}, {"Date", http_date(std::chrono::system_clock::now())}};
    r.body = "page " + req.target;
    return r;
  }
  const auto n = req.target.substr(req.target.rfind('/') + 1);
  r.headers = {{"Location", "/located/" + n}, {"Content-Location", "http://" + req.header("Host") + "/described/" + n}};
  r.body = req.method + " done";
  return r;
}

size_t gets_of(const OriginServer& origin, const std::string& path) {
  size_t n = 0;
  for (const auto& r : origin.requests())
    if (r.method == "GET" && r.target.ends_with(path)) ++n;
  return n;
}

// For each round: the target, its Location and its Content-Location are stored
// (and a repeat is a hit), `method` succeeds on the target, then each is asked
// for again at once. "from the origin" is the RFC's answer for all three.
template <class Proxy>
std::vector<std::string> after_unsafe(Proxy& proxy, ProxyMode mode, const OriginServer& origin, const std::string& method) {
  std::vector<std::string> seen;
  for (int i = 0; i < kRounds; ++i) {
    const auto n = std::to_string(i);
    const std::vector<std::string> paths = {"/target/" + n, "/located/" + n, "/described/" + n};
    for (const auto& path : paths) {
      mode_request(proxy.port(), mode, origin, "GET", path);
      mode_request(proxy.port(), mode, origin, "GET", path);
      EXPECT_EQ(gets_of(origin, path), 1u) << path << " was not stored";
    }
    EXPECT_EQ(mode_request(proxy.port(), mode, origin, method, paths[0], "", "x=1").body(), method + " done");
    for (const auto& path : paths) {
      mode_request(proxy.port(), mode, origin, "GET", path);
      seen.push_back(method + " then GET " + path + (gets_of(origin, path) == 2 ? ": from the origin" : ": from the store"));
    }
  }
  return seen;
}

std::vector<std::string> all_from_origin(const std::string& method) {
  std::vector<std::string> expected;
  for (int i = 0; i < kRounds; ++i)
    for (const char* kind : {"/target/", "/located/", "/described/"})
      expected.push_back(method + " then GET " + kind + std::to_string(i) + ": from the origin");
  return expected;
}

class UnsafeInvalidation : public ::testing::TestWithParam<ProxyMode> {};

// Through cuttle in `mode`: each GET after `method` must come from the origin.
void expect_invalidation_by(ProxyMode mode, const std::string& method) {
  OriginServer origin(site);
  ProxyInMode<CuttleProcess> cuttle(mode, origin);
  EXPECT_EQ(after_unsafe(cuttle.proxy, mode, origin, method), all_from_origin(method));
}

TEST_P(UnsafeInvalidation, ASuccessfulPostInvalidatesBeforeTheNextRequest) { expect_invalidation_by(GetParam(), "POST"); }

TEST_P(UnsafeInvalidation, AnUnknownMethodIsUnsafeAndInvalidatesItsLocations) {
  expect_invalidation_by(GetParam(), "M-SEARCH");
}

// Squid 5.7 agrees (it invalidates when the reply header arrives, and its
// unknown methods are unsafe).
TEST_P(UnsafeInvalidation, Squid57InvalidatesAsWell) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  const auto mode = GetParam();
  for (const char* method : {"POST", "M-SEARCH"}) {
    OriginServer origin(site);
    ProxyInMode<SquidProcess> squid(mode, origin);
    EXPECT_EQ(after_unsafe(squid.proxy, mode, origin, method), all_from_origin(method));
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, UnsafeInvalidation, ::testing::Values(ProxyMode::Forward, ProxyMode::Accelerator),
                         [](const auto& info) { return mode_name(info.param); });

}  // namespace unsafe_invalidation_test
}  // namespace cuttle::testing
