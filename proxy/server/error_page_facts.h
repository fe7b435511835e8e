// What an error page made from a Squid template may show about one
// transaction (ErrorPageFacts), taken from the connection and the transaction.
#pragma once

#include "proxy/http/error_codes.h"
#include "proxy/http/error_page.h"
#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// What the request shows on a page; from the snapshot once forwarding took the header.
Transaction::RequestSnapshot request_snapshot(const Transaction& tx);

// `page` names the template (%c); `detail` says why the request failed.
ErrorPageFacts error_page_facts(const ClientConnection& conn, const Transaction& tx, std::string page,
                                const ErrorDetail& detail = {});

}  // namespace cuttle
