// Open TCP connections to each cache_peer, counted across workers, for
// `max-conn=N` (Squid's CachePeer::stats.conn_open). A Slot stands for one
// connection from the moment cuttle starts connecting until it closes, idle in a
// pool or busy: Squid's limit covers "already opened idle and standby connections".
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cuttle::peers {

class PeerConnections {
 public:
  class Slot {
   public:
    Slot() = default;
    explicit Slot(std::shared_ptr<std::atomic<size_t>> count) : count_(std::move(count)) { ++*count_; }
    Slot(Slot&&) noexcept = default;
    Slot& operator=(Slot&& other) noexcept {
      release();
      count_ = std::move(other.count_);
      return *this;
    }
    ~Slot() { release(); }

   private:
    void release() {
      if (count_) --*count_;
      count_.reset();
    }
    std::shared_ptr<std::atomic<size_t>> count_;  // shared: a slot may outlive its PeerConnections
  };

  Slot open(const std::string& peer);  // one more connection to `peer`, until the slot goes
  size_t count(const std::string& peer) const;

 private:
  std::shared_ptr<std::atomic<size_t>> counter(const std::string& peer) const;

  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<std::atomic<size_t>>> counts_;
};

// Squid's peerHTTPOkay() first test: a peer at max-conn is passed over unless a
// connection to it can be had without opening one (peerHasConnAvailable; cuttle
// counts an idle pooled connection, which Squid 5.7 leaves as an XXX).
inline bool may_use_connection(size_t open, int max_conn, bool idle_available) {
  return max_conn <= 0 || open < static_cast<size_t>(max_conn) || idle_available;
}

}  // namespace cuttle::peers
