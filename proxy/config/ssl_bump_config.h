// ssl_bump rules: what SslBump does with a TLS connection at each step.
#pragma once

#include "proxy/config/acl/access_rules.h"

#include <vector>

namespace cuttle {

// squid's actions cuttle performs. bump decrypts: at SslBump1 before the
// server is contacted (squid's client-first), at SslBump2 after connecting to
// the server (server-first, its certificate mimicked). `none` (the old "do not
// bump") tunnels at SslBump1 and is skipped at later steps, as squid bans it
// there. stare, client-first and server-first are refused at file:line.
enum class SslBumpAction { Splice, Peek, Terminate, Bump, None };

struct SslBumpRule {
  SslBumpAction action = SslBumpAction::Splice;
  AccessRule acls;  // all must match (fast ACLs; one that needs a helper or credentials does not)
};

}  // namespace cuttle
