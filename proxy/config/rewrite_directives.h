// url_rewrite_* (old names redirect_*) and store_id_* (old names storeurl_rewrite_*).
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void url_rewrite_program(DirectiveArgs& args, ParseContext& ctx);
void url_rewrite_children(DirectiveArgs& args, ParseContext& ctx);
void url_rewrite_concurrency(DirectiveArgs& args, ParseContext& ctx);
void url_rewrite_access(DirectiveArgs& args, ParseContext& ctx);
void url_rewrite_bypass(DirectiveArgs& args, ParseContext& ctx);
void url_rewrite_extras(DirectiveArgs& args, ParseContext& ctx);
void url_rewrite_host_header(DirectiveArgs& args, ParseContext& ctx);
void url_rewrite_timeout(DirectiveArgs& args, ParseContext& ctx);
void store_id_program(DirectiveArgs& args, ParseContext& ctx);
void store_id_children(DirectiveArgs& args, ParseContext& ctx);
void store_id_access(DirectiveArgs& args, ParseContext& ctx);
void store_id_bypass(DirectiveArgs& args, ParseContext& ctx);
void store_id_extras(DirectiveArgs& args, ParseContext& ctx);
// After the whole file: queue sizes that depend on the bypass setting.
void finish_rewrite_helpers(Config& config);

}  // namespace cuttle
