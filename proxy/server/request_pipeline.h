// The request pipeline: the steps every request goes through, in Squid's order
// (its src/client_side_request.cc): frame → the proxy's own resources → target
// → http_access → loop and Max-Forwards checks → PURGE / CONNECT → cache →
// upstream. Each step is a function over the transaction in a file of its own
// under steps/; it passes the transaction on or answers it. The list itself is in
// request_pipeline.cc: adding a step is one file and one line there.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

#include <optional>

namespace cuttle {

// A step's result: kNextStep passes the transaction to the next step; a value
// means the step answered it, and says whether the connection may carry another
// request.
using StepResult = std::optional<bool>;
inline constexpr StepResult kNextStep = std::nullopt;
using Step = awaitable<StepResult> (*)(ClientConnection&, Transaction&);

// Runs `tx` (its header read into tx.parser) through the steps until one answers
// it; returns whether the connection may carry another request.
awaitable<bool> run_request_pipeline(ClientConnection& conn, Transaction& tx);

}  // namespace cuttle
