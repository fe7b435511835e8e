// Peer selection as Squid 5.7 does it (src/peer_select.cc, src/neighbors.cc):
// which next hops a miss may go to, in which order, and the access.log hierarchy
// code each would be logged with. Pure: the caller evaluates ACLs, measures peer
// health and runs ICP, and passes the results in as values.
//
//   auto order = peers::select(input);   // e.g. {CARP p2, CARP p1, HIER_DIRECT}
//   try order[0]; if nothing was sent to the client, try order[1]; ...
#pragma once

#include "proxy/log/log_codes.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle::peers {

enum class PeerType { Parent, Sibling };

// One cache_peer as selection sees it for this request.
struct PeerView {
  PeerType type = PeerType::Parent;
  bool alive = true;     // not marked dead (TCP connect failures, ICP silence)
  bool allowed = true;   // cache_peer_access allows this request to it
  bool can_connect = true;  // below max-conn, or an idle connection to it is at hand
  bool is_default = false;
  bool round_robin = false;
  bool carp = false;
  uint64_t round_robin_count = 0;  // requests given to it as ROUNDROBIN_PARENT so far
};

// What ICP said, as indices into SelectionInput::peers.
struct IcpOutcome {
  std::optional<size_t> hit;                  // the first peer that answered HIT
  std::optional<size_t> first_parent_miss;    // the first parent that answered MISS (by RTT / weight)
  std::optional<size_t> closest_parent_miss;  // the parent with the lowest origin RTT (SRC_RTT)
  bool timed_out = false;                     // the wait ran out with a peer unanswered and no HIT
};

struct SelectionInput {
  bool hierarchical = true;   // see is_hierarchical()
  bool always_direct = false; // an always_direct rule allowed this request
  bool never_direct = false;  // a never_direct rule allowed this request
  bool prefer_direct = false;
  bool nonhierarchical_direct = true;
  std::vector<PeerView> peers;            // configuration order
  std::vector<size_t> carp_order;         // carp members (indices into peers), best first for this URL
  IcpOutcome icp;
};

struct Candidate {
  std::optional<size_t> peer;  // index into peers; none: DIRECT to the origin
  HierarchyCode hierarchy;     // CARP, TIMEOUT_FIRST_PARENT_MISS, HIER_DIRECT, ...
  bool operator==(const Candidate&) const = default;
};

// Squid's clientHierarchical(): only GET (and TRACE) requests without credentials
// for the origin go through the hierarchy; HEAD, POST etc. are non-hierarchical.
bool is_hierarchical(std::string_view method, bool has_authorization);

// Whether ICP is worth asking at all (Squid: not when going DIRECT anyway, and not
// for non-hierarchical requests unless never_direct forces a peer).
bool should_query_icp(const SelectionInput& input);

// Which peers an ICP query for this request goes to: those with an ICP port and
// without no-query, allowed for the request, siblings only for hierarchical
// requests, and alive (or `due_for_ping`: dead for ICP long enough to try again).
struct IcpEligibility {
  bool has_icp_port = false;
  bool no_query = false;
  bool due_for_ping = false;
};
std::vector<size_t> icp_targets(const SelectionInput& input, const std::vector<IcpEligibility>& eligibility);

// The ordered next hops. Each peer appears at most once, with the first code
// that chose it (Squid's addSelection). Empty: nowhere to go (never_direct and no
// usable parent): answer with an error.
std::vector<Candidate> select(const SelectionInput& input);

}  // namespace cuttle::peers
