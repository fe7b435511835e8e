// A per-thread memo of pure functions of a string (a parse): string key to a
// shared value, emptied when full. Emptying costs the hot entries one more
// computation each, which is cheaper than tracking recency on every lookup.
// Not thread-safe: keep one per thread (thread_local).
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace cuttle {

template <typename Value>
class BoundedMemo {
 public:
  explicit BoundedMemo(size_t max_entries) : max_entries_(max_entries) {}

  // The value remembered under `key`; nullptr when none.
  std::shared_ptr<const Value> find(std::string_view key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : it->second;
  }

  void remember(std::string_view key, std::shared_ptr<const Value> value) {
    if (map_.size() >= max_entries_) map_.clear();
    map_.insert_or_assign(std::string(key), std::move(value));
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  size_t max_entries_;
  boost::unordered_flat_map<std::string, std::shared_ptr<const Value>, Hash, Equal> map_;
};

}  // namespace cuttle
