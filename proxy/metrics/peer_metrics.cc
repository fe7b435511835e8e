#include "proxy/metrics/peer_metrics.h"

#include "proxy/metrics/exposition.h"

namespace cuttle {

PeerMetrics::PeerMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("cuttle_peer_requests_total")
                    .Help("Requests forwarded to each cache_peer (every attempt, failed-over ones too)")
                    .Register(registry)),
      failures_(prometheus::BuildCounter()
                    .Name("cuttle_peer_failures_total")
                    .Help("Requests to each cache_peer that got no usable reply (connect, TLS, timeout, read error)")
                    .Register(registry)),
      carp_(prometheus::BuildCounter()
                .Name("cuttle_carp_requests_total")
                .Help("Requests sent to each CARP array member as the URL's CARP choice")
                .Register(registry)) {}

void PeerMetrics::attempt(const std::string& peer, HierarchyCode hierarchy, bool failed) {
  std::lock_guard lock(mutex_);
  auto& s = series_[peer];
  if (!s.requests) {
    s.requests = &requests_.Add({{"peer", peer}});
    s.failures = &failures_.Add({{"peer", peer}});
  }
  s.requests->Increment();
  if (failed) s.failures->Increment();
  if (hierarchy.code == Hierarchy::Carp) {
    if (!s.carp) s.carp = &carp_.Add({{"member", peer}});
    s.carp->Increment();
  }
}

std::vector<PeerUp> peers_up(const Config& config, const peers::PeerHealth& health, bool icp_on,
                             peers::PeerHealth::Clock::time_point now) {
  const auto dead_after = config.icp.dead_peer_timeout;
  std::vector<PeerUp> out;
  for (const auto& peer : config.cache_peers) {
    if (peer.originserver) continue;  // an accelerator's origin, not a cache
    const bool queried = icp_on && peer.icp_port != 0 && !peer.no_query;
    // No retry allowance: a peer whose last connect failed stays down until one succeeds.
    const bool tcp_up = health.tcp_usable(peer.name, now, peers::PeerHealth::Duration::max());
    out.push_back({peer.name, tcp_up && (!queried || health.icp_alive(peer.name, now, dead_after))});
  }
  return out;
}

void add_peer_up_family(const std::vector<PeerUp>& peers, std::vector<prometheus::MetricFamily>& out) {
  auto f = make_family("cuttle_peer_up", "Whether each cache_peer is up (1) or detected dead (0)",
                       prometheus::MetricType::Gauge);
  for (const auto& p : peers) add_value(f, p.up ? 1 : 0, {{"peer", p.name}});
  out.push_back(std::move(f));
}

}  // namespace cuttle
