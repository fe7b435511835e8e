// What an error page made from a Squid template may show about one
// transaction (ErrorPageFacts), taken from the connection and the transaction.
#pragma once

#include "proxy/http/error_codes.h"
#include "proxy/http/error_page.h"
#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

namespace cuttle {

// The request's Accept-Language, which chooses a page's language; from the
// snapshot once forwarding took the parsed header.
std::string accept_language_of(const Transaction& tx);
// Before forward_request consumes tx's parsed header: keeps what a page made
// from Squid's templates may show of it (nothing when the pages are cuttle's own).
void keep_request_for_error_pages(Transaction& tx);

// The facts for a page made from `text` (a template, or a deny_info URL):
// `page` names it (%c), `detail` says why the request failed. The request's
// fields are gathered only when `text` shows them (%R, %W), the log entry
// only for @Squid{%code}; `error_recorded`: squid has the error in its log
// entry before it makes this page (%err_code).
ErrorPageFacts error_page_facts(const ClientConnection& conn, const Transaction& tx, std::string page,
                                std::string_view text, const ErrorDetail& detail = {}, bool error_recorded = false);

}  // namespace cuttle
