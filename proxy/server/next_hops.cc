#include "proxy/server/next_hops.h"

#include "icp/query_timeout.h"
#include "proxy/http/header_rules.h"
#include "proxy/peers/icp_replies.h"
#include "proxy/peers/peer_requests.h"
#include "proxy/peers/peer_selection.h"
#include "proxy/server/icp_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace cuttle {
namespace {

using SteadyClock = std::chrono::steady_clock;

bool is_parent(const CachePeerConfig& peer) { return peer.type == "parent"; }
std::string kind_of(const CachePeerConfig& peer) { return is_parent(peer) ? "Parent" : "Sibling"; }

bool allows(const std::vector<AccessRule>& rules, const RequestFacts& facts) {
  return !rules.empty() && check_access(rules, facts) == AccessDecision::Allow;
}

// Squid's peerAllowedToUse(): cache_peer_access, and no sibling for a request
// that insists on a fresh copy (a sibling would only answer from its cache).
bool peer_allowed(const CachePeerConfig& peer, const RequestFacts& facts, bool client_no_cache) {
  if (peer.originserver || peer.type == "multicast") return false;
  if (!is_parent(peer) && client_no_cache) return false;
  return peer.access.empty() || check_access(peer.access, facts) == AccessDecision::Allow;
}

UpstreamSpec peer_upstream(const CachePeerConfig& peer) {
  return UpstreamSpec{peer.host, peer.http_port, peer.tls, peer.tls_cafiles, peer.connect_timeout};
}

bool asks_no_cache(const http::request_header<>& request) {
  auto cc = joined_values(request, "Cache-Control");
  auto pragma = joined_values(request, "Pragma");
  return cc.find("no-cache") != std::string::npos || pragma.find("no-cache") != std::string::npos;
}

// Pings dead peers without anyone waiting; an answer revives the peer. (A free
// function, not a capturing lambda: a coroutine's parameters are copied into its
// frame, a lambda's captures are not.)
awaitable<void> ping_dead_peers(IcpService* icp, peers::PeerHealth& health, std::string url,
                                std::vector<icp::udp::endpoint> endpoints,
                                std::vector<std::pair<std::string, std::string>> peers, Milliseconds timeout) {
  std::vector<icp::PeerReply> replies;
  try {
    replies = co_await icp->query(url, endpoints, timeout);
  } catch (const std::invalid_argument&) {
    co_return;
  }
  for (size_t k = 0; k < replies.size() && k < peers.size(); ++k)
    if (replies[k].reply)
      health.icp_replied(peers[k].first, peers[k].second,
                         std::chrono::duration_cast<std::chrono::milliseconds>(replies[k].rtt));
}

peers::IcpAnswer answer_of(icp::Opcode op) {
  switch (op) {
    case icp::Opcode::Hit:
    case icp::Opcode::HitObj:
      return peers::IcpAnswer::Hit;
    case icp::Opcode::Miss:
    case icp::Opcode::Decho:  // Squid reads a DECHO like a MISS (handleIcpReply)
      return peers::IcpAnswer::Miss;
    default:
      return peers::IcpAnswer::Other;
  }
}

// The ICP endpoints of the peers to ask, with the indexes of those that resolved.
struct IcpTargets {
  std::vector<icp::udp::endpoint> endpoints;
  std::vector<size_t> peers;  // indexes into config.cache_peers
};

awaitable<IcpTargets> resolve_icp_targets(const Config& config, const std::vector<size_t>& targets,
                                          WorkerServices& services) {
  IcpTargets resolved;
  for (size_t i : targets) {
    const auto& peer = config.cache_peers[i];
    auto found = co_await services.resolver.resolve(peer.host, config.dns);
    if (found.addresses.empty()) continue;
    resolved.endpoints.emplace_back(found.addresses.front(), peer.icp_port);
    resolved.peers.push_back(i);
  }
  co_return resolved;
}

// Dead peers are pinged (so that an answer revives them) but, as in Squid, not
// waited for: their query runs on its own. Returns the live ones, to wait for.
awaitable<IcpTargets> ping_dead_and_keep_alive(const Config& config, const IcpTargets& asked,
                                               const peers::SelectionInput& in, const std::string& url,
                                               Milliseconds timeout, WorkerServices& services) {
  IcpTargets alive, dead;
  std::vector<std::pair<std::string, std::string>> dead_names;  // name, kind
  for (size_t k = 0; k < asked.peers.size(); ++k) {
    const size_t i = asked.peers[k];
    auto& side = in.peers[i].alive ? alive : dead;
    side.peers.push_back(i);
    side.endpoints.push_back(asked.endpoints[k]);
    if (!in.peers[i].alive) dead_names.emplace_back(config.cache_peers[i].name, kind_of(config.cache_peers[i]));
  }
  if (!dead.peers.empty())
    asio::co_spawn(co_await asio::this_coro::executor,
                   ping_dead_peers(services.runtime.icp(), services.runtime.peer_health(), url, dead.endpoints,
                                   dead_names, timeout),
                   asio::detached);
  co_return alive;
}

// Too late to choose, not too late to show the peer is alive (Squid's
// neighborsUdpAck calls neighborAlive before dropping a late reply).
icp::QueryOptions query_options(const Config& config, const std::vector<size_t>& awaited, peers::PeerHealth& health) {
  icp::QueryOptions options;
  // Squid's neighborsUdpPing asks for the origin RTT only with query_icmp on.
  if (config.icp.query_icmp) options.flags = icp::kFlagSrcRtt;
  options.stop_at_hit = true;
  std::vector<std::pair<std::string, std::string>> names;  // name, kind
  for (size_t i : awaited) names.emplace_back(config.cache_peers[i].name, kind_of(config.cache_peers[i]));
  options.late_reply = [&health, names](size_t k, const icp::PeerReply& reply) {
    if (k < names.size())
      health.icp_replied(names[k].first, names[k].second,
                         std::chrono::duration_cast<std::chrono::milliseconds>(reply.rtt));
  };
  return options;
}

// The replies as peer selection reads them; each answer also shows its peer alive.
std::vector<peers::IcpReplyView> reply_views(const Config& config, const std::vector<size_t>& asked,
                                             const std::vector<icp::PeerReply>& replies, peers::SelectionInput& in,
                                             peers::PeerHealth& health) {
  std::vector<peers::IcpReplyView> views;
  for (size_t k = 0; k < replies.size() && k < asked.size(); ++k) {
    const size_t i = asked[k];
    const auto& peer = config.cache_peers[i];
    const auto& reply = replies[k];
    peers::IcpReplyView view;
    view.peer = i;
    view.parent = is_parent(peer);
    view.weight = peer.weight;
    view.closest_only = peer.closest_only;
    if (reply.reply) {
      health.icp_replied(peer.name, kind_of(peer), std::chrono::duration_cast<std::chrono::milliseconds>(reply.rtt));
      in.peers[i].alive = health.tcp_usable(peer.name, SteadyClock::now(), config.icp.dead_peer_timeout);
      view.elapsed = reply.rtt;
      view.answer = answer_of(*reply.reply);
      if (reply.options & icp::kFlagSrcRtt) view.src_rtt = static_cast<uint16_t>(reply.option_data & 0xFFFF);
    }
    views.push_back(view);
  }
  return views;
}

// Sends the ICP query and reads the replies into `in.icp`; updates peer health.
awaitable<void> ask_peers(const ActiveConfig& active, const std::string& url, const std::vector<size_t>& targets,
                          peers::SelectionInput& in, WorkerServices& services) {
  const Config& config = *active.config;
  auto& health = services.runtime.peer_health();
  IcpService* icp = services.runtime.icp();
  if (!icp || targets.empty()) co_return;
  const auto asked = co_await resolve_icp_targets(config, targets, services);
  if (asked.peers.empty()) co_return;
  std::vector<std::chrono::milliseconds> rtts;
  for (size_t i : asked.peers)
    if (in.peers[i].alive) rtts.push_back(health.icp_rtt(config.cache_peers[i].name));
  const auto timeout = icp::query_timeout(rtts, config.icp.query_timeout, config.icp.minimum_query_timeout,
                                          config.icp.maximum_query_timeout);
  const auto now = SteadyClock::now();
  for (size_t i : asked.peers)
    health.icp_queried(config.cache_peers[i].name, kind_of(config.cache_peers[i]), now, config.icp.dead_peer_timeout);
  const auto awaited = co_await ping_dead_and_keep_alive(config, asked, in, url, timeout, services);
  if (awaited.peers.empty()) co_return;
  std::vector<icp::PeerReply> replies;
  try {
    replies = co_await icp->query(url, awaited.endpoints, timeout, query_options(config, awaited.peers, health));
  } catch (const std::invalid_argument&) {
    co_return;  // a URL no ICP message can carry: select without ICP
  }
  in.icp = peers::read_icp_replies(reply_views(config, awaited.peers, replies, in, health), config.icp.query_icmp);
}

}  // namespace

namespace {

// What peer selection knows of one peer now: alive, allowed, with a connection to spare.
peers::PeerView peer_view(const CachePeerConfig& peer, const RequestFacts& facts, bool no_cache, bool icp_on,
                          Milliseconds dead_after, WorkerServices& services) {
  auto& health = services.runtime.peer_health();
  const auto now = SteadyClock::now();
  peers::PeerView view;
  view.type = is_parent(peer) ? peers::PeerType::Parent : peers::PeerType::Sibling;
  const bool queried = icp_on && peer.icp_port != 0 && !peer.no_query;
  view.alive = health.tcp_usable(peer.name, now, dead_after) && (!queried || health.icp_alive(peer.name, now, dead_after));
  view.allowed = peer_allowed(peer, facts, no_cache);
  view.can_connect = peers::may_use_connection(services.runtime.peer_connections().count(peer.name), peer.max_conn,
                                               services.pool.has_idle(peer_upstream(peer).key()));
  view.is_default = peer.is_default;
  view.round_robin = peer.round_robin;
  view.carp = peer.carp;
  view.round_robin_count = health.round_robin_count(peer.name);
  return view;
}

// One candidate of peer selection as a ForwardPlan: the origin itself, or a peer
// asked with the absolute URI and its login= credentials.
ForwardPlan plan_for(const peers::Candidate& candidate, const Config& config, const RequestTarget& target,
                     const std::string& client_credentials) {
  ForwardPlan plan;
  plan.hierarchy = candidate.hierarchy;
  plan.host_header = target.authority();
  if (!candidate.peer) {
    plan.upstream =
        UpstreamSpec{target.host, target.port, target.scheme == "https", config.tls_outgoing_cafiles, std::nullopt};
    plan.request_target = target.path;
    return plan;
  }
  const auto& peer = config.cache_peers[*candidate.peer];
  plan.upstream = peer_upstream(peer);
  // squid's peerConnectTimeout: the peer's connect-timeout=, else peer_connect_timeout.
  plan.upstream.connect_timeout = peer.connect_timeout.value_or(config.connections.peer_connect_timeout);
  plan.request_target = target.url();
  plan.peer_name = peer.name;
  plan.peer_kind = kind_of(peer);
  plan.proxy_authorization = peer_credentials(peer, client_credentials);
  plan.only_if_cached = !is_parent(peer);
  plan.proxy_only = peer.proxy_only;
  plan.no_delay = peer.no_delay;
  plan.no_tproxy = peer.no_tproxy;
  plan.drop_authorization = !passes_authorization(peer);
  return plan;
}

}  // namespace

awaitable<std::vector<ForwardPlan>> choose_next_hops(const ActiveConfig& active, const RequestTarget& target,
                                                     const http::request_header<>& request, const RequestFacts& facts,
                                                     WorkerServices& services) {
  const Config& config = *active.config;
  auto& health = services.runtime.peer_health();
  const auto dead_after = config.icp.dead_peer_timeout;
  const bool icp_on = services.runtime.icp() != nullptr;
  const bool no_cache = asks_no_cache(request);

  peers::SelectionInput in;
  in.hierarchical = peers::is_hierarchical(facts.method, request.count(http::field::authorization) > 0);
  in.always_direct = allows(config.always_direct, facts);
  in.never_direct = !in.always_direct && allows(config.never_direct, facts);
  in.prefer_direct = config.prefer_direct;
  in.nonhierarchical_direct = config.nonhierarchical_direct;
  std::vector<peers::IcpEligibility> eligibility;
  for (const auto& peer : config.cache_peers) {
    in.peers.push_back(peer_view(peer, facts, no_cache, icp_on, dead_after, services));
    eligibility.push_back({icp_on && peer.icp_port != 0, peer.no_query,
                           health.due_for_ping(peer.name, SteadyClock::now(), dead_after)});
  }
  if (active.carp_array) {
    carp::Uri uri{target.scheme, target.host, target.port, target.path};
    for (size_t member : active.carp_array->select(uri)) in.carp_order.push_back(active.carp_peers[member]);
  }
  co_await ask_peers(active, target.url(), peers::icp_targets(in, eligibility), in, services);

  std::vector<ForwardPlan> plans;
  const auto client_credentials = std::string(request[http::field::proxy_authorization]);
  for (const auto& candidate : peers::select(in)) plans.push_back(plan_for(candidate, config, target, client_credentials));
  // Squid counts a round-robin parent as used when it chooses it.
  if (!plans.empty() && plans.front().hierarchy.code == Hierarchy::RoundrobinParent)
    health.count_round_robin(plans.front().peer_name);
  co_return plans;
}

}  // namespace cuttle
