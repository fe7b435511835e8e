// `cache_dir TYPE PATH MBYTES …`: every type Squid 5.7 has, each as an LMDB store
// (config.h, CacheDirConfig), and `cache_dir null`, which adds no disk cache.
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void cache_dir(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
