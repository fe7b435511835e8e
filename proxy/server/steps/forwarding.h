// Sending a request upstream, shared by forward_upstream and the cache step's
// misses and revalidations.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

#include <optional>

namespace cuttle {

// Where the request goes first (the accelerator's origin, or peer selection,
// which fills tx.next_hops); nothing when no hop may take it.
awaitable<std::optional<ForwardPlan>> plan_forwarding(ClientConnection& conn, Transaction& tx);
// Forwards tx's request along `plan` (then tx.next_hops while attempts fail
// before the client got anything) and answers the client; `fill` (the caller's)
// stores the reply.
awaitable<bool> forward(ClientConnection& conn, Transaction& tx, const ForwardPlan& plan, CacheFill* fill = nullptr);
// What access.log shows of the exchange with the server: its status and port
// (%<Hs, %<p) and the request body bytes sent on (%>st). Once per exchange.
void note_server_side(AccessLogEntry& entry, const ForwardOutcome& outcome);
// Logs a forwarded reply, or answers the error it ended with.
awaitable<bool> finish_forwarded(ClientConnection& conn, const ForwardOutcome& outcome, const ForwardPlan& plan,
                                 Transaction& tx);

}  // namespace cuttle
