// Per-worker recycling of the 64 KiB buffers bodies stream through. A request
// borrows one while it relays; reuse saves a malloc/free pair (and glibc's heap
// trimming syscalls) per request. Single-threaded, like its worker.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace cuttle {

class RelayBufferPool {
 public:
  static constexpr size_t kBufferSize = 64 * 1024;

  class Lease {
   public:
    Lease(RelayBufferPool& pool, std::unique_ptr<char[]> buffer) : pool_(&pool), buffer_(std::move(buffer)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (buffer_) pool_->give_back(std::move(buffer_));
    }
    std::span<char> span() { return {buffer_.get(), kBufferSize}; }

   private:
    RelayBufferPool* pool_;
    std::unique_ptr<char[]> buffer_;
  };

  Lease borrow() {
    if (free_.empty()) return Lease(*this, std::make_unique_for_overwrite<char[]>(kBufferSize));
    auto buffer = std::move(free_.back());
    free_.pop_back();
    return Lease(*this, std::move(buffer));
  }

 private:
  // Enough for the requests one worker relays at once in the common case; more
  // are allocated on demand and freed when returned.
  static constexpr size_t kKeep = 64;

  void give_back(std::unique_ptr<char[]> buffer) {
    if (free_.size() < kKeep) free_.push_back(std::move(buffer));
  }

  std::vector<std::unique_ptr<char[]>> free_;
};

}  // namespace cuttle
