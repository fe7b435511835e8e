// Which ssl_bump action applies at one SslBump step, as squid 5.7 decides: every
// rule is looked at in order, rules whose action is impossible at the step are
// skipped, the first whose ACLs all match wins, and no match means splice.
#pragma once

#include "proxy/config/acl/facts.h"
#include "proxy/config/ssl_bump_config.h"

#include <vector>

namespace cuttle {

// `facts.tls.bump_step` is the step (1: the CONNECT, 2: the ClientHello seen,
// 3: before the server's hello). Peeking is impossible at step 3.
SslBumpAction ssl_bump_action(const std::vector<SslBumpRule>& rules, const RequestFacts& facts);

// What the rules' ACLs need looked up first (srcdomain's client name, dst's addresses).
AclNeeds ssl_bump_needs(const std::vector<SslBumpRule>& rules);

}  // namespace cuttle
