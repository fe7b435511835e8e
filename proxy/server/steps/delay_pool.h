// Which delay pool a transaction's reply is read through (delay_access, as
// squid's DelayId::DelayClient: once the reply header is there, or for a
// CONNECT when the tunnel opens), and which client delay pool a new
// connection's writes go through (client_delay_access, at accept).
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// The forwarder's hook (ClientSide::reply_delay), set only when pools exist.
void hook_delay_pool(ClientSide& client, const ClientConnection& conn, const Transaction& tx);

// The connection's write bucket; none when no client delay pool takes it.
BucketTicket client_write_limit(const ClientConnection& conn, const ActiveConfig& active);

}  // namespace cuttle
