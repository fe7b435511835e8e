// http_reply_access for a reply a client waits for: a slow check (as Squid's
// clientReplyContext::processReplyAccess), so external ACLs ask their helpers.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

awaitable<AccessVerdict> check_reply_slow(ClientConnection& conn, Transaction& tx,
                                          const http::response_header<>& reply, std::string_view hierarchy);

// The forwarder's hook for the same check (ClientSide::check_reply), set only when
// there are rules to check.
void hook_reply_check(ClientSide& client, ClientConnection& conn, Transaction& tx);

}  // namespace cuttle
