// ssl_bump ACTION [[!]ACL…], read into Config::ssl_bump.
#pragma once

#include "proxy/config/directives.h"

namespace cuttle {

void ssl_bump(DirectiveArgs& args, ParseContext& ctx);

}  // namespace cuttle
