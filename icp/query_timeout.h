// How long to wait for ICP replies (Squid's neighborsUdpPing): a configured
// icp_query_timeout wins; otherwise twice the mean RTT of the peers expected to
// answer, kept within [minimum_icp_query_timeout, maximum_icp_query_timeout]; with
// no RTT measured yet, the maximum.
#pragma once

#include <algorithm>
#include <chrono>
#include <span>

namespace cuttle::icp {

inline std::chrono::milliseconds query_timeout(std::span<const std::chrono::milliseconds> peer_rtts,
                                               std::chrono::milliseconds configured, std::chrono::milliseconds minimum,
                                               std::chrono::milliseconds maximum) {
  if (configured.count() > 0) return configured;
  std::chrono::milliseconds sum{0};
  size_t measured = 0;
  for (auto rtt : peer_rtts)
    if (rtt.count() > 0) {
      sum += rtt;
      ++measured;
    }
  if (measured == 0) return maximum;
  auto dynamic = 2 * sum / static_cast<long>(measured);
  return std::clamp(dynamic, std::min(minimum, maximum), maximum);
}

}  // namespace cuttle::icp
