// The shape of a differential test: the same scenario through squid 5.7 and
// through cuttle, started one after the other with the same configuration lines,
// and what each saw.
#pragma once

#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/log_and_credentials.h"
#include "tests/support/origin_server.h"
#include "tests/support/squid_process.h"

#include <chrono>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace cuttle::testing {

// `scenario(proxy)` through squid, then through cuttle: {squid's, cuttle's}.
// `config` is the configuration lines, or a function of "squid" / "cuttle" giving
// each its own (helper logs of their own, for instance).
template <class Config, class Scenario>
auto through_squid_then_cuttle(const Config& config, Scenario scenario) {
  auto config_for = [&](const char* who) -> std::string {
    if constexpr (std::is_invocable_v<const Config&, std::string>) return config(who);
    else return config;
  };
  decltype(scenario(std::declval<SquidProcess&>())) by_squid;
  {
    SquidProcess squid(config_for("squid"));
    by_squid = scenario(squid);
  }
  CuttleProcess cuttle(config_for("cuttle"));
  return std::pair{std::move(by_squid), scenario(cuttle)};
}

// One GET per source address (each on a connection of its own, with `headers`,
// raw lines ending in CRLF): its status, then the result code and user its
// access.log line shows ("200 TCP_MISS/200 alice").
template <class Proxy>
std::vector<std::string> status_and_log_from(Proxy& proxy, const OriginServer& origin,
                                             const std::vector<std::string>& sources, const std::string& headers = "") {
  std::vector<std::string> seen;
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto path = "/from" + std::to_string(i);
    RawConnection conn(proxy.port(), sources[i]);
    conn.send(request_text("GET", origin.url(path), headers));
    const auto status = conn.read_response().result_int();
    seen.push_back(std::to_string(status) + " " + code_and_user(proxy.access_log_line_with(path)));
  }
  return seen;
}

// The access.log lines containing `text`, once there are `count` of them (or 5 s
// have passed): squid also logs the fixture's port probe, so waiting for a
// number of lines in all could return before the last one is written.
template <class Proxy>
std::vector<std::string> lines_containing(const Proxy& proxy, const std::string& text, size_t count) {
  std::vector<std::string> found;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    found.clear();
    for (const auto& line : proxy.access_log_lines(0, std::chrono::milliseconds(0)))
      if (line.find(text) != std::string::npos) found.push_back(line);
    if (found.size() >= count || std::chrono::steady_clock::now() > deadline) return found;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace cuttle::testing
