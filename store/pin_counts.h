// How many replies are reading each object's body, from any thread: the store
// deletes a retired body only once nothing pins it.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace cuttle::store {

class PinCounts {
 public:
  void add(uint64_t object_id) {
    std::lock_guard lock(mutex_);
    ++counts_[object_id];
  }
  void remove(uint64_t object_id) {
    std::lock_guard lock(mutex_);
    if (auto it = counts_.find(object_id); it != counts_.end() && --it->second == 0) counts_.erase(it);
  }
  bool pinned(uint64_t object_id) const {
    std::lock_guard lock(mutex_);
    return counts_.count(object_id) > 0;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, int> counts_;  // object id -> replies reading it
};

}  // namespace cuttle::store
