// Collapsed forwarding (Squid's collapsed_forwarding): of many concurrent misses
// for one URL, the first goes to the origin and the others wait for it, then look
// in the store again. A flash crowd for a cacheable object makes one origin
// request. Followers whose leader produced nothing storable fetch on their own
// (they do not queue behind one another). Shared by all workers.
#pragma once

#include "proxy/server/asio_types.h"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cuttle {

class CollapsedForwarding {
 public:
  // Held by the request that fetches; destroying it wakes the followers.
  class Lead {
   public:
    Lead(CollapsedForwarding& table, std::string key) : table_(&table), key_(std::move(key)) {}
    Lead(Lead&& other) noexcept : table_(std::exchange(other.table_, nullptr)), key_(std::move(other.key_)) {}
    Lead& operator=(Lead&& other) noexcept {
      if (this != &other) {
        if (table_) table_->release(key_);
        table_ = std::exchange(other.table_, nullptr);
        key_ = std::move(other.key_);
      }
      return *this;
    }
    ~Lead() {
      if (table_) table_->release(key_);
    }

   private:
    CollapsedForwarding* table_;
    std::string key_;
  };

  // Makes the caller the leader for `key`, or waits (at most `timeout`) for the
  // current leader to finish and returns nothing.
  awaitable<std::optional<Lead>> lead_or_wait(const std::string& key, std::chrono::milliseconds timeout);

  // Leadership for `key` if nobody holds it, else nothing (never waits): for
  // work that is done once or not at all, like a background refresh.
  std::optional<Lead> try_lead(const std::string& key);
  size_t in_flight() const;

 private:
  struct Waiter {
    asio::any_io_executor executor;
    std::shared_ptr<asio::steady_timer> wake;
  };
  void release(const std::string& key);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<Waiter>> leaders_;  // key -> its followers
};

}  // namespace cuttle
