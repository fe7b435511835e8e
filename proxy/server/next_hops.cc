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
  return UpstreamSpec{peer.host, peer.http_port, peer.tls, peer.tls_cafile, peer.connect_timeout};
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

// Sends the ICP query and reads the replies into `in.icp`; updates peer health.
awaitable<void> ask_peers(const ActiveConfig& active, const std::string& url, const std::vector<size_t>& targets,
                          peers::SelectionInput& in, WorkerServices& services) {
  const Config& config = *active.config;
  auto& health = services.runtime.peer_health();
  IcpService* icp = services.runtime.icp();
  if (!icp || targets.empty()) co_return;
  const auto dead_after = config.icp.dead_peer_timeout;
  std::vector<icp::udp::endpoint> endpoints;
  std::vector<size_t> asked;
  std::vector<std::chrono::milliseconds> rtts;
  for (size_t i : targets) {
    const auto& peer = config.cache_peers[i];
    auto resolved = co_await services.resolver.resolve(peer.host, config.dns_timeout, config.positive_dns_ttl);
    if (resolved.addresses.empty()) continue;
    endpoints.emplace_back(resolved.addresses.front(), peer.icp_port);
    asked.push_back(i);
    if (in.peers[i].alive) rtts.push_back(health.icp_rtt(peer.name));
  }
  if (asked.empty()) co_return;
  const auto timeout = icp::query_timeout(rtts, config.icp.query_timeout, config.icp.minimum_query_timeout,
                                          config.icp.maximum_query_timeout);
  const auto now = SteadyClock::now();
  for (size_t i : asked) health.icp_queried(config.cache_peers[i].name, kind_of(config.cache_peers[i]), now, dead_after);

  // Dead peers are pinged (so that an answer revives them) but, as in Squid, not
  // waited for: their query runs on its own.
  std::vector<icp::udp::endpoint> awaited_endpoints, ping_endpoints;
  std::vector<size_t> awaited;
  std::vector<std::pair<std::string, std::string>> pinged;  // name, kind
  for (size_t k = 0; k < asked.size(); ++k) {
    const auto& peer = config.cache_peers[asked[k]];
    if (in.peers[asked[k]].alive) {
      awaited.push_back(asked[k]);
      awaited_endpoints.push_back(endpoints[k]);
    } else {
      ping_endpoints.push_back(endpoints[k]);
      pinged.emplace_back(peer.name, kind_of(peer));
    }
  }
  if (!ping_endpoints.empty()) {
    asio::co_spawn(co_await asio::this_coro::executor, ping_dead_peers(icp, health, url, ping_endpoints, pinged, timeout),
                   asio::detached);
  }
  asked = std::move(awaited);
  if (asked.empty()) co_return;
  icp::QueryOptions options;
  // Squid's neighborsUdpPing asks for the origin RTT only with query_icmp on.
  if (config.icp.query_icmp) options.flags = icp::kFlagSrcRtt;
  options.stop_at_hit = true;
  std::vector<std::pair<std::string, std::string>> awaited_names;  // name, kind
  for (size_t i : asked) awaited_names.emplace_back(config.cache_peers[i].name, kind_of(config.cache_peers[i]));
  options.late_reply = [&health, awaited_names](size_t k, const icp::PeerReply& reply) {
    // Too late to choose, not too late to show the peer is alive (Squid's
    // neighborsUdpAck calls neighborAlive before dropping a late reply).
    if (k < awaited_names.size())
      health.icp_replied(awaited_names[k].first, awaited_names[k].second,
                         std::chrono::duration_cast<std::chrono::milliseconds>(reply.rtt));
  };
  std::vector<icp::PeerReply> replies;
  try {
    replies = co_await icp->query(url, awaited_endpoints, timeout, std::move(options));
  } catch (const std::invalid_argument&) {
    co_return;  // a URL no ICP message can carry: select without ICP
  }

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
      in.peers[i].alive = health.tcp_usable(peer.name, SteadyClock::now(), dead_after);
      view.elapsed = reply.rtt;
      view.answer = answer_of(*reply.reply);
      if (reply.options & icp::kFlagSrcRtt) view.src_rtt = static_cast<uint16_t>(reply.option_data & 0xFFFF);
    }
    views.push_back(view);
  }
  in.icp = peers::read_icp_replies(std::move(views), config.icp.query_icmp);
}

}  // namespace

awaitable<std::vector<ForwardPlan>> choose_next_hops(const ActiveConfig& active, const RequestTarget& target,
                                                     const http::request_header<>& request, const RequestFacts& facts,
                                                     WorkerServices& services) {
  const Config& config = *active.config;
  auto& health = services.runtime.peer_health();
  const auto now = SteadyClock::now();
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
    peers::PeerView view;
    view.type = is_parent(peer) ? peers::PeerType::Parent : peers::PeerType::Sibling;
    const bool queried = icp_on && peer.icp_port != 0 && !peer.no_query;
    view.alive = health.tcp_usable(peer.name, now, dead_after) &&
                 (!queried || health.icp_alive(peer.name, now, dead_after));
    view.allowed = peer_allowed(peer, facts, no_cache);
    view.can_connect = peers::may_use_connection(services.runtime.peer_connections().count(peer.name), peer.max_conn,
                                                 services.pool.has_idle(peer_upstream(peer).key()));
    view.is_default = peer.is_default;
    view.round_robin = peer.round_robin;
    view.carp = peer.carp;
    view.round_robin_count = health.round_robin_count(peer.name);
    in.peers.push_back(view);
    eligibility.push_back({icp_on && peer.icp_port != 0, peer.no_query, health.due_for_ping(peer.name, now, dead_after)});
  }
  if (active.carp_array) {
    carp::Uri uri{target.scheme, target.host, target.port, target.path};
    for (size_t member : active.carp_array->select(uri)) in.carp_order.push_back(active.carp_peers[member]);
  }
  co_await ask_peers(active, target.url(), peers::icp_targets(in, eligibility), in, services);

  std::vector<ForwardPlan> plans;
  const auto client_credentials = std::string(request[http::field::proxy_authorization]);
  for (const auto& candidate : peers::select(in)) {
    ForwardPlan plan;
    plan.hierarchy = candidate.hierarchy;
    plan.host_header = target.authority();
    if (!candidate.peer) {
      plan.upstream = UpstreamSpec{target.host, target.port, target.scheme == "https", config.tls_outgoing_cafile, std::nullopt};
      plan.request_target = target.path;
    } else {
      const auto& peer = config.cache_peers[*candidate.peer];
      plan.upstream = peer_upstream(peer);
      plan.request_target = target.url();  // a proxy is asked with the absolute URI
      plan.peer_name = peer.name;
      plan.peer_kind = kind_of(peer);
      plan.proxy_authorization = peer_credentials(peer, client_credentials);
      plan.only_if_cached = !is_parent(peer);
      plan.proxy_only = peer.proxy_only;
    }
    plans.push_back(std::move(plan));
  }
  // Squid counts a round-robin parent as used when it chooses it.
  if (!plans.empty() && plans.front().hierarchy.code == Hierarchy::RoundrobinParent)
    health.count_round_robin(plans.front().peer_name);
  co_return plans;
}

}  // namespace cuttle
