// The facts access checks see (proxy/config/acl/facts.h), taken from the
// transaction: built once per request, completed with what a set of rules asks
// for before it is checked (the destination's addresses only when a `dst` ACL
// needs them: a slow ACL in Squid's terms, the step suspends for DNS).
#pragma once

#include "proxy/http/request_target.h"
#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// The request's target and method, the client and the connection it came on,
// the time, and the request fields some ACL of the configuration names. The
// client is the one follow_x_forwarded_for finds (walked once per request, on
// the first call) when acl_uses_indirect_client is on.
RequestFacts transaction_facts(const ClientConnection& conn, Transaction& tx, const RequestTarget& target);

// What the rules need looked up before they are checked: the destination's
// addresses (`dst`), the client's name (`srcdomain`, `srcdom_regex`).
awaitable<void> resolve_destinations_for(ClientConnection& conn, Transaction& tx,
                                         const std::vector<AccessRule>& rules);
// The same, said directly: the client's name, the destination's addresses.
awaitable<void> resolve_facts(ClientConnection& conn, Transaction& tx, bool client_name, bool destinations);

}  // namespace cuttle
