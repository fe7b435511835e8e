// The answer to a denial (http_access, http_reply_access): the deny_info line
// naming the last ACL the rules looked at (a redirect, a page, a TCP reset), or
// Squid's 403 ERR_ACCESS_DENIED. tx.entry.result says which denial it was.
#pragma once

#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// `redirect_allowed`: false where Squid skips deny_info lines with a URL.
awaitable<bool> answer_denial(ClientConnection& conn, Transaction& tx, const Acl* last_acl, bool redirect_allowed,
                              std::string detail);

}  // namespace cuttle
