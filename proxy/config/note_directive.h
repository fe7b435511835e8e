// `note KEY VALUE [[!]ACL…]`, read as squid 5.7's Notes::parse reads it.
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void note_directive(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
