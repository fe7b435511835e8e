// access.log lines cut to what two proxies must agree on: result, a size that
// is 0 or not, method, URL and hierarchy; time, elapsed time and ports left out.
#pragma once

#include <chrono>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace cuttle::testing {

inline std::string access_log_summary(const std::string& line) {
  std::istringstream in(line);
  std::string time, elapsed, client, result, size, method, url, user, hierarchy;
  in >> time >> elapsed >> client >> result >> size >> method >> url >> user >> hierarchy;
  url = std::regex_replace(url, std::regex(":[0-9]+(/|$)"), ":PORT$1");
  return result + " " + (size == "0" ? "0" : "N") + " " + method + " " + url + " " + hierarchy;
}

// Summaries of `lines`, without squid's lines for connections that sent no request.
inline std::vector<std::string> access_log_summaries(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines)
    if (l.find("error:transaction-end-before-headers") == std::string::npos) out.push_back(access_log_summary(l));
  return out;
}

// Waits for `count` request lines beyond squid's lines for probes.
template <class Proxy>
std::vector<std::string> request_log_summaries(const Proxy& proxy, size_t count) {
  for (size_t extra = 0; extra < 3; ++extra) {
    auto got = access_log_summaries(proxy.access_log_lines(count + extra, std::chrono::milliseconds(1500)));
    if (got.size() >= count) return got;
  }
  return access_log_summaries(proxy.access_log_lines(count + 3, std::chrono::milliseconds(100)));
}

}  // namespace cuttle::testing
