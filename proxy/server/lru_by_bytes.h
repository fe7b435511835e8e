// A cache bounded by the bytes its values cost, the least recently used going
// first: SslBump's made certificates under dynamic_cert_mem_cache_size. One per
// worker, as squid keeps one per worker process, so no lock.
#pragma once

#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace cuttle {

template <class Value>
class LruByBytes {
 public:
  explicit LruByBytes(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The value under `key`, now the most recently used; nullptr when absent.
  const Value* find(const std::string& key) {
    auto found = index_.find(key);
    if (found == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, found->second);
    return &found->second->value;
  }

  // Keeps `value` (replacing one under the same key), then drops the least
  // recently used until the rest fit. A value bigger than the whole bound is not kept.
  void insert(const std::string& key, Value value, size_t bytes) {
    erase(key);
    if (bytes > max_bytes_) return;
    order_.push_front({key, std::move(value), bytes});
    index_[key] = order_.begin();
    bytes_ += bytes;
    while (bytes_ > max_bytes_) erase(std::string(order_.back().key));  // a copy: erase() frees the entry
  }

  size_t bytes() const { return bytes_; }
  size_t size() const { return order_.size(); }

 private:
  struct Entry {
    std::string key;
    Value value;
    size_t bytes;
  };

  void erase(const std::string& key) {
    auto found = index_.find(key);
    if (found == index_.end()) return;
    bytes_ -= found->second->bytes;
    order_.erase(found->second);
    index_.erase(found);
  }

  size_t max_bytes_;
  size_t bytes_ = 0;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace cuttle
