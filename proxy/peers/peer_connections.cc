#include "proxy/peers/peer_connections.h"

namespace cuttle::peers {

std::shared_ptr<std::atomic<size_t>> PeerConnections::counter(const std::string& peer) const {
  std::lock_guard lock(mutex_);
  auto& c = counts_[peer];
  if (!c) c = std::make_shared<std::atomic<size_t>>(0);
  return c;
}

PeerConnections::Slot PeerConnections::open(const std::string& peer) { return Slot(counter(peer)); }

size_t PeerConnections::count(const std::string& peer) const { return counter(peer)->load(); }

}  // namespace cuttle::peers
