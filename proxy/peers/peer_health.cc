#include "proxy/peers/peer_health.h"

#include <iostream>

namespace cuttle::peers {

PeerHealth::PeerHealth(std::ostream* log) : log_(log ? log : &std::cerr) {}

void PeerHealth::note(const char* what, const std::string& kind, const std::string& name) const {
  *log_ << "cuttle: Detected " << what << ' ' << kind << ": " << name << std::endl;
}

bool PeerHealth::tcp_usable(const std::string& name, Clock::time_point now, Duration retry_after) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(name);
  if (it == states_.end() || !it->second.tcp_dead) return true;
  return now - it->second.tcp_failed_at >= retry_after;
}

void PeerHealth::connect_failed(const std::string& name, const std::string& kind, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto& s = states_[name];
  s.tcp_failed_at = now;
  if (!s.tcp_dead) note("DEAD", kind, name);
  s.tcp_dead = true;
}

void PeerHealth::connect_succeeded(const std::string& name, const std::string& kind) {
  std::lock_guard lock(mutex_);
  auto it = states_.find(name);
  if (it == states_.end() || !it->second.tcp_dead) return;
  it->second.tcp_dead = false;
  note("REVIVED", kind, name);
}

bool PeerHealth::icp_alive(const std::string& name, Clock::time_point now, Duration dead_peer_timeout) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(name);
  if (it == states_.end()) return true;
  const auto& s = it->second;
  return s.first_unanswered == Clock::time_point{} || now - s.first_unanswered < dead_peer_timeout;
}

bool PeerHealth::due_for_ping(const std::string& name, Clock::time_point now, Duration dead_peer_timeout) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(name);
  return it == states_.end() || now - it->second.last_query >= dead_peer_timeout;
}

void PeerHealth::icp_queried(const std::string& name, const std::string& kind, Clock::time_point now,
                             Duration dead_peer_timeout) {
  std::lock_guard lock(mutex_);
  auto& s = states_[name];
  s.last_query = now;
  if (s.first_unanswered == Clock::time_point{}) s.first_unanswered = now;
  if (!s.icp_dead && now - s.first_unanswered >= dead_peer_timeout) {
    s.icp_dead = true;
    note("DEAD", kind, name);
  }
}

void PeerHealth::icp_replied(const std::string& name, const std::string& kind, std::chrono::milliseconds rtt) {
  std::lock_guard lock(mutex_);
  auto& s = states_[name];
  s.first_unanswered = {};
  // Squid keeps a running average over the last few replies (RTT_AV_FACTOR 50).
  s.rtt = s.rtt.count() == 0 ? rtt : (s.rtt * 49 + rtt) / 50;
  if (s.rtt.count() == 0) s.rtt = std::chrono::milliseconds(1);
  if (s.icp_dead) {
    s.icp_dead = false;
    note("REVIVED", kind, name);
  }
}

std::chrono::milliseconds PeerHealth::icp_rtt(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(name);
  return it == states_.end() ? std::chrono::milliseconds(0) : it->second.rtt;
}

uint64_t PeerHealth::round_robin_count(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(name);
  return it == states_.end() ? 0 : it->second.round_robin;
}

void PeerHealth::count_round_robin(const std::string& name) {
  std::lock_guard lock(mutex_);
  ++states_[name].round_robin;
}

}  // namespace cuttle::peers
