#include "proxy/peers/peer_selection.h"

#include <algorithm>

namespace cuttle::peers {
namespace {

enum class Direct { Yes, No, Maybe };

Direct direct_decision(const SelectionInput& in) {
  // Squid checks always_direct first; never_direct only when it did not match.
  if (in.always_direct) return Direct::Yes;
  if (in.never_direct) return Direct::No;
  return Direct::Maybe;
}

// Squid's peerHTTPOkay() for a parent: below max-conn, allowed and up.
bool usable_parent(const PeerView& p) {
  return p.type == PeerType::Parent && p.can_connect && p.allowed && p.alive;
}

class Builder {
 public:
  explicit Builder(const SelectionInput& in) : in_(in) {}

  void add(std::optional<size_t> peer, Hierarchy code) {
    for (const auto& c : out_)
      if (c.peer == peer) return;  // the first code that chose a next hop is the one logged
    out_.push_back({peer, {code}});
  }

  // selectSomeParent(): one parent by the first method that applies.
  void some_parent() {
    bool any_carp = false;
    for (size_t i : in_.carp_order) {
      if (!usable_parent(in_.peers[i])) continue;
      add(i, Hierarchy::Carp);
      any_carp = true;
    }
    if (any_carp) return;
    if (auto rr = round_robin_parent()) return add(*rr, Hierarchy::RoundrobinParent);
    for (size_t i = 0; i < in_.peers.size(); ++i)
      if (usable_parent(in_.peers[i])) return add(i, Hierarchy::FirstupParent);
    if (auto d = default_parent()) add(*d, Hierarchy::DefaultParent);
  }

  // selectAllParents(): every usable parent, then the default one.
  void all_parents() {
    for (size_t i = 0; i < in_.peers.size(); ++i)
      if (usable_parent(in_.peers[i])) add(i, Hierarchy::AnyOldParent);
    if (auto d = default_parent()) add(*d, Hierarchy::DefaultParent);
  }

  // Squid would not try a dead CARP member at all; cuttle keeps them as a last
  // resort in the URL's order, so a member marked dead by one refused connect
  // still gets the request when nothing else can take it.
  void dead_carp_members() {
    for (size_t i : in_.carp_order)
      if (in_.peers[i].allowed && !in_.peers[i].alive) add(i, Hierarchy::Carp);
  }

  void direct() { add(std::nullopt, Hierarchy::Direct); }

  void icp_replies() {
    const auto& icp = in_.icp;
    if (icp.hit) {
      add(*icp.hit, in_.peers[*icp.hit].type == PeerType::Parent ? Hierarchy::ParentHit : Hierarchy::SiblingHit);
    } else if (icp.closest_parent_miss) {
      add(*icp.closest_parent_miss, Hierarchy::ClosestParentMiss);
    } else if (icp.first_parent_miss) {
      add(*icp.first_parent_miss, Hierarchy::FirstParentMiss);
    }
  }

  std::vector<Candidate> result() {
    if (in_.icp.timed_out)
      for (auto& c : out_) c.hierarchy.ping_timed_out = true;
    return std::move(out_);
  }

 private:
  // getRoundRobinParent(): the usable round-robin parent used least so far.
  std::optional<size_t> round_robin_parent() const {
    std::optional<size_t> best;
    for (size_t i = 0; i < in_.peers.size(); ++i) {
      const auto& p = in_.peers[i];
      if (!p.round_robin || !usable_parent(p)) continue;
      if (!best || p.round_robin_count < in_.peers[*best].round_robin_count) best = i;
    }
    return best;
  }

  std::optional<size_t> default_parent() const {
    for (size_t i = 0; i < in_.peers.size(); ++i)
      if (in_.peers[i].is_default && usable_parent(in_.peers[i])) return i;
    return std::nullopt;
  }

  const SelectionInput& in_;
  std::vector<Candidate> out_;
};

}  // namespace

bool is_hierarchical(std::string_view method, bool has_authorization) {
  if (has_authorization) return false;
  return method == "GET" || method == "TRACE";
}

bool should_query_icp(const SelectionInput& in) {
  const auto direct = direct_decision(in);
  if (direct == Direct::Yes) return false;
  return in.hierarchical || direct == Direct::No;
}

std::vector<size_t> icp_targets(const SelectionInput& in, const std::vector<IcpEligibility>& eligibility) {
  std::vector<size_t> targets;
  if (!should_query_icp(in)) return targets;
  for (size_t i = 0; i < in.peers.size() && i < eligibility.size(); ++i) {
    const auto& p = in.peers[i];
    const auto& e = eligibility[i];
    if (!e.has_icp_port || e.no_query || !p.allowed) continue;
    if (p.type == PeerType::Sibling && !in.hierarchical) continue;
    if (!p.alive && !e.due_for_ping) continue;
    targets.push_back(i);
  }
  return targets;
}

std::vector<Candidate> select(const SelectionInput& in) {
  Builder b(in);
  const auto direct = direct_decision(in);
  if (direct == Direct::Yes) {
    b.direct();
    return b.result();
  }
  b.icp_replies();
  if (direct == Direct::No) {
    b.some_parent();
    b.all_parents();
    b.dead_carp_members();
    return b.result();
  }
  const bool parents = in.hierarchical || !in.nonhierarchical_direct;
  if (in.prefer_direct) b.direct();
  if (parents) {
    b.some_parent();
    b.all_parents();
  }
  if (!in.prefer_direct) b.direct();
  if (parents) b.dead_carp_members();
  return b.result();
}

}  // namespace cuttle::peers
