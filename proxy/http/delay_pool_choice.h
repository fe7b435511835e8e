// Which pool a transfer falls in: delay_access (squid's DelayId::DelayClient)
// and client_delay_access (squid's ConnStateData, at accept). Fast checks, pool
// 1 first; a pool without access lines is never chosen, as in squid.
#pragma once

#include "proxy/config/delay_pool_config.h"

#include <cstddef>

namespace cuttle {

// 1-based; 0: no pool (the transfer is not delayed). `facts.client` is the
// address squid checks (the indirect client with delay_pool_uses_indirect_client).
size_t choose_delay_pool(const DelayPoolsConfig& config, const RequestFacts& facts);
// 1-based; 0: none. The facts of the connection only (no request yet).
size_t choose_client_delay_pool(const DelayPoolsConfig& config, const RequestFacts& facts);

}  // namespace cuttle
