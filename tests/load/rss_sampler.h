// Samples a process's resident memory once a second from /proc/PID/status on its
// own thread. VmRSS counts LMDB's mapped file pages too (bounded by cache_dir's
// size, and shared with the page cache); RssAnon is the heap and stacks, where a
// leak shows.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace cuttle::load {

struct RssSample {
  uint64_t vm_rss_kib = 0;
  uint64_t rss_anon_kib = 0;
};

// Reads the two figures now; nullopt when the process is gone.
std::optional<RssSample> read_rss(pid_t pid);

class RssSampler {
 public:
  explicit RssSampler(pid_t pid, std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~RssSampler();  // stops sampling
  void stop();
  std::vector<RssSample> samples() const;

 private:
  pid_t pid_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<RssSample> samples_;
  std::thread thread_;
};

}  // namespace cuttle::load
