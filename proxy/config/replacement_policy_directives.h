// cache_replacement_policy and memory_replacement_policy: `lru`, or `heap` with
// the key type GDSF, LFUDA or LRU, read as squid 5.7 reads them.
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void cache_replacement_policy(DirectiveArgs& args, ParseContext& ctx);
void memory_replacement_policy(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
