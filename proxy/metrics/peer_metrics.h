// Per cache_peer figures: requests forwarded to each peer and how many failed,
// requests each CARP member was sent, and whether each peer is up. The labels are
// cache_peer names (name=, else the host): a short list the configuration fixes.
#pragma once

#include "proxy/log/log_codes.h"

#include "proxy/config/config.h"
#include "proxy/peers/peer_health.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cuttle {

class PeerMetrics {
 public:
  explicit PeerMetrics(prometheus::Registry& registry);

  // One attempt to forward a request to cache_peer `peer`, with the hierarchy code
  // access.log gives it ("CARP" counts for the CARP member too). `failed`: no
  // usable reply came from the peer (connect, TLS, timeout or read error). Any thread.
  void attempt(const std::string& peer, HierarchyCode hierarchy, bool failed);

 private:
  struct Series {
    prometheus::Counter* requests = nullptr;
    prometheus::Counter* failures = nullptr;
    prometheus::Counter* carp = nullptr;  // made at the peer's first CARP request
  };

  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Family<prometheus::Counter>& carp_;
  std::mutex mutex_;
  std::unordered_map<std::string, Series> series_;  // Family::Add hashes every label each call
};

struct PeerUp {
  std::string name;
  bool up = true;
};

// Each configured peer, up unless its TCP connects fail or, when it is asked over
// ICP, it has not answered for dead_peer_timeout (the rule peer selection uses).
std::vector<PeerUp> peers_up(const Config& config, const peers::PeerHealth& health, bool icp_on,
                             peers::PeerHealth::Clock::time_point now);

// cuttle_peer_up{peer}: 1 or 0 for each peer in `peers`.
void add_peer_up_family(const std::vector<PeerUp>& peers, std::vector<prometheus::MetricFamily>& out);

}  // namespace cuttle
