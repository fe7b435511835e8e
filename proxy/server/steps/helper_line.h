// Asking a URL rewriter or store-ID helper about a request: whether to ask at
// all (configured, its access rules, its bypass), and the line it is sent: the
// URL, a blank, then the configured extras (Squid's "%>a/%>A %un %>rm myip=%la
// myport=%lp") expanded for this transaction.
#pragma once

#include "proxy/helpers/helper_reply.h"
#include "proxy/log/request_codes.h"
#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// The request codes' values for this transaction (log/request_codes.h); the
// connection's addresses are read only when `tokens` use them.
logformat::RequestFormatFacts request_format_facts(ClientConnection& conn, const Transaction& tx,
                                                   const std::vector<logformat::Token>& tokens);

// `tokens` (checked by require_request_codes when read) expanded for this transaction.
std::string expand_request_format(ClientConnection& conn, const Transaction& tx,
                                  const std::vector<logformat::Token>& tokens);

std::string helper_line(ClientConnection& conn, const Transaction& tx, const std::vector<logformat::Token>& extras);

// The helper's reply, or nothing when it is not asked: not configured (`config`
// null or without a program), denied by
// its access rules (Squid's "as if ERR"), or bypassed while every process is busy.
awaitable<std::optional<helpers::HelperReply>> ask_rewrite_helper(ClientConnection& conn, Transaction& tx,
                                                                  const RewriteHelperConfig* config,
                                                                  HelperPool* (WorkerHelpers::*pool)());

}  // namespace cuttle
