// `access_log` (old name cache_access_log) and `logformat`, read as squid 5.7's
// parse_access_log and Log::LogConfig::parseFormats read them.
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void access_log(DirectiveArgs& args, ParseContext& ctx);
void logformat_directive(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
