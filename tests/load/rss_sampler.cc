#include "tests/load/rss_sampler.h"

#include <fstream>
#include <sstream>
#include <string>

namespace cuttle::load {

std::optional<RssSample> read_rss(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return std::nullopt;
  RssSample sample;
  bool vm = false, anon = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string name;
    uint64_t kib = 0;
    fields >> name >> kib;
    if (name == "VmRSS:") vm = true, sample.vm_rss_kib = kib;
    if (name == "RssAnon:") anon = true, sample.rss_anon_kib = kib;
  }
  if (!vm || !anon) return std::nullopt;  // a zombie has neither
  return sample;
}

RssSampler::RssSampler(pid_t pid, std::chrono::milliseconds interval) : pid_(pid), interval_(interval) {
  thread_ = std::thread([this] {
    auto next = std::chrono::steady_clock::now();
    while (!stopping_) {
      if (auto sample = read_rss(pid_)) {
        std::lock_guard lock(mutex_);
        samples_.push_back(*sample);
      }
      next += interval_;
      // Short sleeps so stop() is never kept waiting for a whole interval.
      while (!stopping_ && std::chrono::steady_clock::now() < next)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

RssSampler::~RssSampler() { stop(); }

void RssSampler::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<RssSample> RssSampler::samples() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

}  // namespace cuttle::load
