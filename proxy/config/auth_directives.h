// The authentication directives: auth_param (the basic scheme; the others are
// refused until implemented) and the credentials-cache timings.
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void auth_param(DirectiveArgs& args, ParseContext& ctx);
void authenticate_ttl(DirectiveArgs& args, ParseContext& ctx);
void authenticate_ip_ttl(DirectiveArgs& args, ParseContext& ctx);
void authenticate_cache_garbage_interval(DirectiveArgs& args, ParseContext& ctx);
void helper_timeout(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
