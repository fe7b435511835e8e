// tcp_outgoing_address ADDRESS [[!]ACL…], tcp_outgoing_tos VALUE [[!]ACL…],
// tcp_outgoing_mark VALUE [[!]ACL…], read into Config::outgoing.
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void tcp_outgoing_address(DirectiveArgs& args, ParseContext& ctx);
void tcp_outgoing_tos(DirectiveArgs& args, ParseContext& ctx);
void tcp_outgoing_mark(DirectiveArgs& args, ParseContext& ctx);
void clientside_tos(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
