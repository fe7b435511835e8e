// What this proxy has learnt about each cache_peer while running: whether TCP
// connects to it work, whether it answers ICP, its ICP round-trip time and its
// round-robin count. Shared by all workers (one mutex; a few map lookups per
// request). Keyed by peer name, so state survives a reconfigure.
//
// Transitions are written to stderr (cache_log when daemonized) in Squid's words:
// "Detected DEAD Parent: NAME" and "Detected REVIVED Parent: NAME".
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <unordered_map>

namespace cuttle::peers {

class PeerHealth {
 public:
  using Clock = std::chrono::steady_clock;
  using Duration = Clock::duration;

  explicit PeerHealth(std::ostream* log = nullptr);

  // TCP: a failed connect marks the peer dead; it is tried again (the probe) once
  // `retry_after` has passed since the failure, and a successful connect revives it.
  bool tcp_usable(const std::string& name, Clock::time_point now, Duration retry_after) const;
  void connect_failed(const std::string& name, const std::string& kind, Clock::time_point now);
  void connect_succeeded(const std::string& name, const std::string& kind);

  // ICP: a peer whose queries have gone unanswered for `dead_peer_timeout` is dead
  // (Squid's neighborUp); it is still asked once per `dead_peer_timeout`
  // (due_for_ping) so that an answer can revive it.
  bool icp_alive(const std::string& name, Clock::time_point now, Duration dead_peer_timeout) const;
  bool due_for_ping(const std::string& name, Clock::time_point now, Duration dead_peer_timeout) const;
  void icp_queried(const std::string& name, const std::string& kind, Clock::time_point now, Duration dead_peer_timeout);
  void icp_replied(const std::string& name, const std::string& kind, std::chrono::milliseconds rtt);
  std::chrono::milliseconds icp_rtt(const std::string& name) const;  // 0: never measured

  uint64_t round_robin_count(const std::string& name) const;
  void count_round_robin(const std::string& name);

 private:
  struct State {
    bool tcp_dead = false;
    Clock::time_point tcp_failed_at{};
    bool icp_dead = false;
    Clock::time_point first_unanswered{};  // zero: every query so far was answered
    Clock::time_point last_query{};
    std::chrono::milliseconds rtt{0};
    uint64_t round_robin = 0;
  };
  void note(const char* what, const std::string& kind, const std::string& name) const;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, State> states_;
  std::ostream* log_;
};

}  // namespace cuttle::peers
