// SIGHUP under load: wrk keeps 20 keep-alive connections busy through cuttle
// (cached and uncached URLs of a loopback origin) for 8 s while cuttle is told to
// reconfigure six times, once with a broken file. No request may fail and no
// connection may break; the broken file is rejected, logged, and the running
// configuration keeps serving (had it been applied, its `deny all` would show).
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/origin_server.h"

#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <thread>

namespace cuttle::testing {
namespace reload_test {

using namespace std::chrono_literals;

// Requests alternate between 20 URLs the origin lets cuttle cache and 20 it does
// not; every reply whose status is not 2xx is counted and reported by done().
std::string wrk_script(const OriginServer& origin) {
  return R"lua(
local paths = {}
for i = 1, 20 do
  paths[#paths + 1] = ")lua" + origin.url("/cached/") + R"lua(" .. i
  paths[#paths + 1] = ")lua" + origin.url("/uncached/") + R"lua(" .. i
end
local n = 0
not2xx = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1])
end
response = function(status, headers, body)
  if status < 200 or status > 299 then not2xx = not2xx + 1 end
end
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("not2xx") end
  io.write(string.format("not-2xx replies: %d\n", total))
end
)lua";
}

// The first number after `label` in wrk's report, or -1 when the line is absent.
long report_number(const std::string& report, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(report, m, std::regex(label + R"(\s*([0-9]+))"))) return -1;
  return std::stol(m[1]);
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Reload, SighupUnderLoadFailsNoRequestAndABrokenFileKeepsTheRunningConfig) {
  OriginServer origin([](const RecordedRequest& req) {
    OriginReply r;
    r.body = std::string(512, 'x');
    r.headers = {{"Cache-Control", req.target.starts_with("/cached/") ? "max-age=3600" : "no-store"}};
    return r;
  });
  TempDir dir;
  CuttleProcess cuttle("cache_dir lmdb " + dir.file("cache") + " 32\n");
  const std::string good_config = read_file(cuttle.config_file());
  ASSERT_EQ(proxy_get(cuttle.port(), origin.url("/cached/1")).result_int(), 200);

  TempDir work;
  work.write("load.lua", wrk_script(origin));
  ChildProcess wrk({"timeout", "30", "wrk", "-t", "2", "-c", "20", "-d", "8s", "--timeout", "5s", "-s",
                    work.file("load.lua"), "http://127.0.0.1:" + std::to_string(cuttle.port()) + "/"},
                   work.file("wrk.out"));

  std::string output;
  for (int reload = 1; reload <= 6; ++reload) {
    std::this_thread::sleep_for(1s);
    if (reload == 3) {
      // Denies everything, and cannot be loaded: an unknown directive is an error.
      cuttle.dir().write("cuttle.conf", "http_access deny all\nno_such_directive on\n" + good_config);
    }
    ASSERT_EQ(::kill(cuttle.pid(), SIGHUP), 0);
    const std::string expected = reload == 3 ? "reconfigure failed" : "cuttle: reconfigured";
    const size_t times = reload < 3 ? reload : reload == 3 ? 1 : reload - 1;
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         count_of(output = cuttle.output(), expected) < times && std::chrono::steady_clock::now() < deadline;)
      std::this_thread::sleep_for(20ms);
    ASSERT_EQ(count_of(output, expected), times) << "reload " << reload << ":\n" << output;
    if (reload == 3) {
      EXPECT_NE(output.find("no_such_directive"), std::string::npos) << output;
      // Served by the running configuration while the broken file is in place.
      EXPECT_EQ(proxy_get(cuttle.port(), origin.url("/uncached/during")).result_int(), 200);
      cuttle.dir().write("cuttle.conf", good_config);
    }
  }
  EXPECT_TRUE(wrk.running()) << "every reload should have come while the load ran";

  ASSERT_EQ(wrk.wait(20s), 0) << wrk.output();
  const std::string report = wrk.output();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(report, m, std::regex(R"(([0-9]+) requests in)"))) << report;
  EXPECT_GT(std::stol(m[1]), 1000) << "the load should have kept cuttle busy:\n" << report;
  EXPECT_EQ(report.find("Socket errors"), std::string::npos) << report;
  EXPECT_EQ(report.find("Non-2xx"), std::string::npos) << report;
  EXPECT_EQ(report_number(report, "not-2xx replies:"), 0) << report;
  EXPECT_EQ(count_of(cuttle.output(), "cuttle: reconfigured"), 5u);
  EXPECT_EQ(count_of(cuttle.output(), "reconfigure failed"), 1u);
}

}  // namespace reload_test
}  // namespace cuttle::testing
