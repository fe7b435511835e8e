// How much of a reply is fetched and passed on: quick_abort_min,
// quick_abort_max, quick_abort_pct (a fill's client left), range_offset_limit
// (a Range request fetches the whole object) and reply_body_max_size, read as
// squid 5.7's cache_cf.cc reads their types (kb_int64_t, int, acl_b_size_t).
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void quick_abort_min(DirectiveArgs& args, ParseContext& ctx);
void quick_abort_max(DirectiveArgs& args, ParseContext& ctx);
void quick_abort_pct(DirectiveArgs& args, ParseContext& ctx);
void range_offset_limit(DirectiveArgs& args, ParseContext& ctx);
void reply_body_max_size(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
