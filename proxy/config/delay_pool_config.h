// Squid's bandwidth pools as configured: delay_pools (reply bytes read from
// servers, shared by the clients delay_access puts in a pool) and
// client_delay_pools (bytes written to each client address). Plain values; the
// buckets that enforce them live in proxy/server/delay_pools.h.
#pragma once

#include "proxy/config/acl/access_rules.h"

#include <cstdint>
#include <vector>

namespace cuttle {

// One `restore/max` pair of delay_parameters: bytes added per second, and the
// most the bucket holds. Squid's DelaySpec: `none` (or a leading '-') is -1/-1,
// no limit at this level.
struct DelayRate {
  int restore = -1;
  int64_t max = -1;
  bool unlimited() const { return restore == -1; }
  friend bool operator==(const DelayRate&, const DelayRate&) = default;
};

// The bucket levels of each class, in delay_parameters order.
enum class DelayLevel { Aggregate, Network, Individual, User, Tag };

struct DelayPoolConfig {
  int pool_class = 0;  // 1..5; 0: no delay_class line (squid's "Misconfigured pool", never used)
  std::vector<DelayRate> rates;  // one per level of the class (delay_level_count)
  std::vector<AccessRule> access;  // none: the pool is never used (squid needs an explicit allow)
};

// client_delay_parameters POOL RATE MAX: one bucket per client address.
struct ClientDelayPoolConfig {
  int rate = 0;
  int64_t max = 0;  // squid's highwatermark
  std::vector<AccessRule> access;
};

struct DelayPoolsConfig {
  std::vector<DelayPoolConfig> pools;  // delay_pools N: pool N is pools[N-1]
  unsigned initial_percent = 50;       // delay_initial_bucket_level
  std::vector<ClientDelayPoolConfig> client_pools;
  unsigned client_initial_percent = 50;  // client_delay_initial_bucket_level
};

// The levels of a class, in the order delay_parameters gives their rates.
std::vector<DelayLevel> delay_levels(int pool_class);

}  // namespace cuttle
