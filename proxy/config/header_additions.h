// request_header_add / reply_header_add NAME VALUE [[!]ACL…], read as squid
// 5.7's parse_HeaderWithAclList reads them: a quoted VALUE is a logformat
// specification (its %codes filled in per message), a bare one a literal.
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void request_header_add(DirectiveArgs& args, ParseContext& ctx);
void reply_header_add(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
