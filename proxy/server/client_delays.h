// squid's client delay pools (ClientDelayConfig, ClientInfo's write limiter):
// one bucket per client address for the bytes written to it, made at the
// initial level the first time the address connects; each later connection
// gives it the rates of the pool it falls in. Shared by every worker.
#pragma once

#include "proxy/config/delay_pool_config.h"
#include "proxy/server/bucket_ticket.h"

#include <boost/asio/ip/address.hpp>

#include <map>
#include <memory>

namespace cuttle {

class ClientDelays : public BucketOwner, public std::enable_shared_from_this<ClientDelays> {
 public:
  using Clock = TokenBucket::Clock;

  explicit ClientDelays(const DelayPoolsConfig& config) : config_(config) {}

  // The bucket of `client` in pool `number` (1-based); none when the pool's
  // rate is negative (squid's noLimit).
  BucketTicket ticket(size_t number, const boost::asio::ip::address& client, Clock::time_point now);

 private:
  DelayPoolsConfig config_;
  std::map<boost::asio::ip::address, std::unique_ptr<TokenBucket>> buckets_;
};

}  // namespace cuttle
