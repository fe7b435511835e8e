// ACL facts a set of rules needs before it is checked: the destination's
// addresses, resolved only when a `dst` ACL in the rules asks for them (a slow
// ACL in Squid's terms: the step suspends for DNS, the worker goes on).
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

awaitable<void> resolve_destinations_for(ClientConnection& conn, Transaction& tx,
                                         const std::vector<AccessRule>& rules);

}  // namespace cuttle
