// RFC 9111 §5.1 and §4.2.3: an Age field that cannot be trusted (not one valid
// non-negative integer) never extends a stored response's life: the response is
// revalidated before it is reused. In both modes, through cuttle, and through
// squid 5.7 to record where it differs (docs/caching.md).
#include "proxy/http/http_date.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/proxy_modes.h"
#include "tests/support/squid_process.h"

#include <gtest/gtest.h>

namespace cuttle::testing {
namespace age_validity_test {

struct AgeCase {
  std::string name;
  std::vector<std::string> lines;  // the Age field lines of the stored response
};

// max-age=3600 on every reply: a trusted Age below it leaves the response fresh.
const std::vector<AgeCase> kCases = {
    {"0", {"0"}},
    {"1800", {"1800"}},
    {"abc", {"abc"}},
    {"-5", {"-5"}},
    {"12abc", {"12abc"}},
    {"0, 0", {"0, 0"}},
    {"0 then 3600", {"0", "3600"}},
    {"3600 twice", {"3600", "3600"}},
};

// /age/N answers with kCases[N]'s Age lines, and 304 to its own ETag.
OriginReply aged_reply(const RecordedRequest& req) {
  OriginReply r;
  const auto index = std::stoul(req.target.substr(req.target.rfind('/') + 1));
  const std::string etag = "\"age-" + std::to_string(index) + "\"";
  r.headers = {{"Cache-Control", "max-age=3600"}, {"Date", http_date(std::chrono::system_clock::now())}, {"ETag", etag}};
  if (req.header("If-None-Match") == etag) {
    r.status = 304;
    return r;
  }
  for (const auto& line : kCases.at(index).lines) r.headers.push_back({"Age", line});
  r.body = "aged " + std::to_string(index);
  return r;
}

// What the second of two GETs of `path` was: "reused" from the store, a
// conditional request ("revalidated"), or a plain one ("fetched again").
std::string second_get(const OriginServer& origin, const std::string& path) {
  std::vector<RecordedRequest> seen;
  for (const auto& r : origin.requests())
    if (r.target.ends_with(path)) seen.push_back(r);
  if (seen.size() == 1) return "reused";
  if (seen.size() == 2) return seen[1].has_header("If-None-Match") ? "revalidated" : "fetched again";
  return std::to_string(seen.size()) + " requests";
}

template <class Proxy>
std::vector<std::string> reuse_by_age(Proxy& proxy, ProxyMode mode, const OriginServer& origin) {
  std::vector<std::string> seen;
  for (size_t i = 0; i < kCases.size(); ++i) {
    const auto path = "/age/" + std::to_string(i);
    EXPECT_EQ(mode_request(proxy.port(), mode, origin, "GET", path).body(), "aged " + std::to_string(i));
    EXPECT_EQ(mode_request(proxy.port(), mode, origin, "GET", path).body(), "aged " + std::to_string(i));
    seen.push_back("Age " + kCases[i].name + ": " + second_get(origin, path));
  }
  return seen;
}

class AgeValidity : public ::testing::TestWithParam<ProxyMode> {};

TEST_P(AgeValidity, AnAgeThatCannotBeTrustedMakesTheStoredResponseStale) {
  OriginServer origin(aged_reply);
  ProxyInMode<CuttleProcess> cuttle(GetParam(), origin);
  EXPECT_EQ(reuse_by_age(cuttle.proxy, GetParam(), origin), (std::vector<std::string>{
                                                     "Age 0: reused",
                                                     "Age 1800: reused",
                                                     "Age abc: revalidated",
                                                     "Age -5: revalidated",
                                                     "Age 12abc: revalidated",
                                                     "Age 0, 0: revalidated",
                                                     "Age 0 then 3600: revalidated",
                                                     "Age 3600 twice: revalidated",
                                                 }));
}

// Squid 5.7 reads the first Age line's leading number and ignores what it cannot
// read: of these, only two lines of 3600 make the response stale.
TEST_P(AgeValidity, Squid57ReusesMostOfThem) {
  if (!SquidProcess::available()) GTEST_SKIP() << "squid is not installed";
  OriginServer origin(aged_reply);
  ProxyInMode<SquidProcess> squid(GetParam(), origin);
  EXPECT_EQ(reuse_by_age(squid.proxy, GetParam(), origin), (std::vector<std::string>{
                                                               "Age 0: reused",
                                                               "Age 1800: reused",
                                                               "Age abc: reused",
                                                               "Age -5: reused",
                                                               "Age 12abc: reused",
                                                               "Age 0, 0: reused",
                                                               "Age 0 then 3600: reused",
                                                               "Age 3600 twice: revalidated",
                                                           }));
}

INSTANTIATE_TEST_SUITE_P(Modes, AgeValidity, ::testing::Values(ProxyMode::Forward, ProxyMode::Accelerator),
                         [](const auto& info) { return mode_name(info.param); });

}  // namespace age_validity_test
}  // namespace cuttle::testing
