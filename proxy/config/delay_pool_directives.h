// delay_pools, delay_class, delay_parameters, delay_access,
// delay_initial_bucket_level and their client_delay_* counterparts, read as
// squid 5.7's DelayConfig / DelaySpec / ClientDelayConfig read them: a pool
// number outside 1..delay_pools is a warning and the line is ignored, as squid
// ignores it; a malformed rate stops the parse.
#pragma once

#include "proxy/config/directives.h"

#include <string_view>

namespace cuttle {

void delay_pools(DirectiveArgs& args, ParseContext& ctx);
void delay_class(DirectiveArgs& args, ParseContext& ctx);
void delay_parameters(DirectiveArgs& args, ParseContext& ctx);
void delay_access(DirectiveArgs& args, ParseContext& ctx);
void delay_initial_bucket_level(DirectiveArgs& args, ParseContext& ctx);
void client_delay_pools(DirectiveArgs& args, ParseContext& ctx);
void client_delay_parameters(DirectiveArgs& args, ParseContext& ctx);
void client_delay_access(DirectiveArgs& args, ParseContext& ctx);
void client_delay_initial_bucket_level(DirectiveArgs& args, ParseContext& ctx);

// One `restore/max` or `none` word (DelaySpec::parse); throws DirectiveError.
DelayRate parse_delay_rate(std::string_view word);

}  // namespace cuttle
