// ssl_bump rules: what SslBump does with a TLS connection at each step.
#pragma once

#include "proxy/config/acl/access_rules.h"

#include <vector>

namespace cuttle {

// squid's actions cuttle performs; `none` is read as splice. bump, stare,
// client-first and server-first (which decrypt) are refused at file:line.
enum class SslBumpAction { Splice, Peek, Terminate };

struct SslBumpRule {
  SslBumpAction action = SslBumpAction::Splice;
  AccessRule acls;  // all must match (fast ACLs; one that needs a helper or credentials does not)
};

}  // namespace cuttle
