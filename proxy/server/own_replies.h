// Replies this proxy makes itself (error pages, its own resources) and the
// access.log line that ends every transaction.
#pragma once

#include "proxy/http/error_page.h"
#include "proxy/server/client_connection.h"
#include "proxy/server/transaction.h"

#include <string>

namespace cuttle {

// Sends Squid's error page for `kind` and logs the transaction; returns whether
// the connection may carry another request.
// The page is cuttle's own, or Squid's template when the configuration asks for them.
awaitable<bool> reply_error(ClientConnection& conn, ErrorKind kind, Transaction& tx, bool keep_alive,
                            ErrorDetail detail = {}, std::vector<std::string> challenges = {});
// Sends an error page made elsewhere (deny_info's) as reply_error sends its own.
awaitable<bool> send_error_reply(ClientConnection& conn, http::response<http::string_body>& response, Transaction& tx,
                                 bool keep_alive);
// Sends `res` (a PAC file, a manager report) and logs it as Squid logs its internal objects.
awaitable<bool> send_own_reply(ClientConnection& conn, http::response<http::string_body>& res, Transaction& tx,
                               bool keep_alive);
// What %<h and log_mime_hdrs show of a reply this proxy sends, kept only when
// a log shows it; call with the header as it goes out.
void keep_reply_head_for_log(const http::response_header<>& header, Transaction& tx);
// Writes tx's access.log line and counts it in the metrics.
void log_transaction(ClientConnection& conn, Transaction& tx);
// squid's access.log line for a connection that ended before a request (a
// refused PROXY header, a failed TLS handshake): NONE_NONE/000 … error:transaction-end-before-headers.
void log_connection_end(ClientConnection& conn);

}  // namespace cuttle
