// Asking an external ACL's helper, when an access check stopped at it: the line
// the helper is sent (the type's format expanded for this transaction, Squid's
// makeExternalAclKey), then the remembered answer or the helper's, recorded in
// the facts so that the check can go on.
#pragma once

#include "proxy/config/acl/external_acls.h"
#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// The line `acl`'s helper is sent about this transaction; `facts` are the ones
// being checked (their reply, for %<h codes; what helpers said before).
std::string external_acl_key(ClientConnection& conn, const Transaction& tx, const RequestFacts& facts,
                             const Acl& acl);

// Looks up the answer `acl` (an external ACL) needs and records it in `facts`
// (facts.external.take). The access.log user is the helper's user= when no
// authenticated user is known, as Squid's %un.
awaitable<void> look_up_external(ClientConnection& conn, Transaction& tx, RequestFacts& facts, const Acl& acl);

}  // namespace cuttle
