// The buckets of squid's delay pools (DelayPools.cc, DelayVector, DelayUser,
// DelayTagged), made from one configuration and shared by every worker: each
// pool's aggregate bucket, and the network, host, user and tag buckets made on
// first sight. A reconfigure makes a new set, as squid frees and remakes its
// pools. mgr:delay is its report.
#pragma once

#include "proxy/config/delay_pool_config.h"
#include "proxy/server/bucket_ticket.h"

#include <boost/asio/ip/address.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

class DelayPools : public BucketOwner, public std::enable_shared_from_this<DelayPools> {
 public:
  using Clock = TokenBucket::Clock;

  DelayPools(const DelayPoolsConfig& config, Clock::time_point now);

  // Who a transfer is, as the buckets key it.
  struct Client {
    boost::asio::ip::address address;
    std::string_view user;  // the authenticated user name (class 4); empty: none
    std::string_view tag;   // an external ACL's tag= (class 5); empty: none
  };

  // The buckets of pool `number` (1-based) this client draws from, made on
  // first sight; none when every level it falls in is unlimited.
  BucketTicket ticket(size_t number, const Client& client, Clock::time_point now);

  // Squid's "Delay Pool Levels" report (DelayPools::Stats).
  std::string report(Clock::time_point now);

  struct Pool;  // one pool's buckets (delay_pools.cc)
  ~DelayPools() override;

 private:
  std::vector<std::unique_ptr<Pool>> pools_;
  unsigned initial_percent_;
};

}  // namespace cuttle
