#include "proxy/http/delay_pool_choice.h"

namespace cuttle {

size_t choose_delay_pool(const DelayPoolsConfig& config, const RequestFacts& facts) {
  for (size_t i = 0; i < config.pools.size(); ++i) {
    const auto& pool = config.pools[i];
    if (pool.pool_class == 0 || pool.access.empty()) continue;
    if (check_access(pool.access, facts) == AccessDecision::Allow) return i + 1;
  }
  return 0;
}

size_t choose_client_delay_pool(const DelayPoolsConfig& config, const RequestFacts& facts) {
  for (size_t i = 0; i < config.client_pools.size(); ++i) {
    const auto& pool = config.client_pools[i];
    if (!pool.access.empty() && check_access(pool.access, facts) == AccessDecision::Allow) return i + 1;
  }
  return 0;
}

}  // namespace cuttle
