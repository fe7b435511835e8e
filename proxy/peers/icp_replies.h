// How Squid 5.7 reads the ICP replies to one query when choosing a next hop
// (src/peer_select.cc: PeerSelector::handleIcpReply, handleIcpParentMiss). Pure:
// the shell (proxy/server/next_hops.cc) turns wire replies into these views.
//
//  - the first HIT to arrive wins (SIBLING_HIT / PARENT_HIT);
//  - with query_icmp on, a parent MISS that carries the responder's RTT to the
//    origin (ICP_FLAG_SRC_RTT, low 16 bits of the option data, non-zero) competes
//    for CLOSEST_PARENT_MISS: the lowest such RTT wins;
//  - otherwise each parent MISS (not `closest-only`) competes for
//    FIRST_PARENT_MISS by its reply time in whole milliseconds divided by its
//    `weight` (at least 1): the lowest wins, an earlier reply keeps a tie. Once a
//    CLOSEST_PARENT_MISS candidate exists, later MISSes no longer compete.
//  - MISS_NOFETCH, DENIED, ERR count as answers but choose nothing.
#pragma once

#include "proxy/peers/peer_selection.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace cuttle::peers {

enum class IcpAnswer { None, Hit, Miss, Other };  // None: no reply before the wait ended

struct IcpReplyView {
  size_t peer = 0;  // index into SelectionInput::peers
  bool parent = false;
  IcpAnswer answer = IcpAnswer::None;
  std::chrono::microseconds elapsed{0};  // from sending the query to this reply
  std::optional<uint16_t> src_rtt;       // a MISS's ICP_FLAG_SRC_RTT value (ms; 0: unknown)
  int weight = 1;                        // cache_peer weight=
  bool closest_only = false;             // cache_peer closest-only
};

// `replies` in any order (they are read in arrival order). The outcome's
// timed_out is set when some peer did not answer and no HIT ended the wait.
IcpOutcome read_icp_replies(std::vector<IcpReplyView> replies, bool query_icmp);

}  // namespace cuttle::peers
