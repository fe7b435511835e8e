// Paces one transfer by the buckets it draws from (a delay pool's, the
// client's write bucket): before each read the transfer asks how much it may
// read, and sleeps while every byte is spoken for, until the buckets have
// refilled enough (no timer runs while nobody waits).
#pragma once

#include "proxy/server/asio_types.h"
#include "proxy/server/bucket_ticket.h"

#include <vector>

namespace cuttle {

class BandwidthThrottle {
 public:
  void add(BucketTicket ticket) {
    if (ticket.limits()) tickets_.push_back(std::move(ticket));
  }
  bool limits() const { return !tickets_.empty(); }

  // How many of `want` bytes (at least one) the transfer may move now; waits
  // while the buckets are empty. The bytes are taken: what is not moved goes
  // back with give_back.
  awaitable<size_t> acquire(size_t want);
  void give_back(size_t unused);
  // Bytes already moved: taken from every bucket, as far as each has them.
  void charge(size_t moved);

 private:
  size_t take(size_t want);

  std::vector<BucketTicket> tickets_;
};

}  // namespace cuttle
