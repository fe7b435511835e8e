#include "proxy/peers/icp_replies.h"

#include <algorithm>

namespace cuttle::peers {

IcpOutcome read_icp_replies(std::vector<IcpReplyView> replies, bool query_icmp) {
  std::stable_sort(replies.begin(), replies.end(),
                   [](const IcpReplyView& a, const IcpReplyView& b) { return a.elapsed < b.elapsed; });
  IcpOutcome out;
  bool unanswered = false;
  uint32_t closest_rtt = 0;  // Squid's ping.p_rtt
  int64_t first_rtt = 0;     // Squid's ping.w_rtt
  for (const auto& r : replies) {
    if (r.answer == IcpAnswer::None) {
      unanswered = true;
      continue;
    }
    if (r.answer == IcpAnswer::Hit) {
      if (!out.hit) out.hit = r.peer;
      continue;
    }
    if (r.answer != IcpAnswer::Miss || !r.parent) continue;
    if (query_icmp && r.src_rtt && *r.src_rtt != 0 && (closest_rtt == 0 || *r.src_rtt < closest_rtt)) {
      out.closest_parent_miss = r.peer;
      closest_rtt = *r.src_rtt;
    }
    if (r.closest_only || out.closest_parent_miss) continue;
    const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.elapsed).count();
    const int64_t rtt = std::max<int64_t>(1, ms / std::max(1, r.weight));
    if (!out.first_parent_miss || rtt < first_rtt) {
      out.first_parent_miss = r.peer;
      first_rtt = rtt;
    }
  }
  out.timed_out = unanswered && !out.hit;
  return out;
}

}  // namespace cuttle::peers
