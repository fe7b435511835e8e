#include "proxy/server/own_replies.h"

#include "proxy/server/store_log_events.h"

#include "proxy/config/access_log_selection.h"
#include "proxy/config/config_notes.h"
#include "proxy/http/deny_page.h"
#include "proxy/http/header_mangling.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/header_text.h"
#include "proxy/server/error_page_facts.h"

namespace cuttle {

namespace {

// Squid's page for `kind` in the words of its template (error_directory, or the
// language the request's Accept-Language asks for).
// A failed forwarding: FwdState records it in squid 5.7's log entry before
// the page is made.
bool forwarding_failure(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::DnsFailure:
    case ErrorKind::ConnectFailed:
    case ErrorKind::TlsFailed:
    case ErrorKind::InvalidResponse:
    case ErrorKind::ReadError:
    case ErrorKind::ConnectTimeout:
    case ErrorKind::ReadTimeout:
    case ErrorKind::CannotForward:
      return true;
    default:
      return false;
  }
}

http::response<http::string_body> template_error_response(const ClientConnection& conn, ErrorKind kind,
                                                          const Transaction& tx, const ErrorDetail& detail) {
  const auto name = error_code_name(kind);
  const auto chosen = tx.active->error_templates->choose(name, accept_language_of(tx));
  auto response = template_page_response(
      static_cast<unsigned>(error_status(kind)), chosen,
      error_page_facts(conn, tx, std::string(name), chosen.text, detail, forwarding_failure(kind)));
  response.set("X-Cache", "MISS from " + tx.active->hostname);
  return response;
}

// %err_detail as squid 5.7 has it: FwdState details a failed forwarding that has
// no detail as WITH_SERVER before its page is made; other pages (a tunnel's too)
// carry their errno, if any.
std::string squid_error_detail(ErrorKind kind, const ErrorDetail& detail, const Transaction& tx) {
  if (forwarding_failure(kind) && tx.entry.result != ResultCode::TcpTunnel) return "WITH_SERVER";
  return detail.sys_errno ? "errno=" + std::to_string(detail.sys_errno) : std::string();
}

}  // namespace

awaitable<bool> reply_error(ClientConnection& conn, ErrorKind kind, Transaction& tx, bool keep_alive,
                            ErrorDetail detail, std::vector<std::string> challenges) {
  ErrorContext context{tx.entry.url, conn.client_ip, tx.active->hostname, detail.words,
                       std::move(challenges), tx.active->product(), detail.sys_errno};
  if (tx.entry.error_name.empty()) {  // the first error is the one logged, as Squid's Error::update
    tx.entry.error_name = error_code_name(kind);
    tx.entry.error_detail = squid_error_detail(kind, detail, tx);
  }
  auto response = tx.active->error_templates ? template_error_response(conn, kind, tx, detail)
                                             : make_error_response(kind, context);
  if (tx.active->error_templates) add_error_challenges(response.base(), kind, context);
  if (tx.entry.result == ResultCode::None && kind == ErrorKind::AccessDenied && !tx.answers_connect_denial)
    tx.entry.result = ResultCode::TcpDenied;
  co_return co_await send_error_reply(conn, response, tx, keep_alive);
}

awaitable<bool> send_error_reply(ClientConnection& conn, http::response<http::string_body>& response, Transaction& tx,
                                 bool keep_alive) {
  keep_alive = keep_alive && tx.may_keep_client() && !conn.runtime().shutting_down();
  if (tx.config().via) append_via(response, 11, tx.active->hostname, tx.active->product());
  mangle_reply_headers(response.base(), tx.config(), tx.facts, &tx.entry);
  response.keep_alive(keep_alive);
  keep_reply_head_for_log(response.base(), tx);
  conn.stream.expires_after(tx.config().read_timeout);
  auto [ec, n] = co_await http::async_write(conn.stream, response, use_nothrow);
  tx.entry.status = response.result_int();
  tx.entry.reply_bytes = n;
  tx.entry.content_type = "text/html";
  log_transaction(conn, tx);
  co_return keep_alive && !ec;
}

awaitable<bool> send_own_reply(ClientConnection& conn, http::response<http::string_body>& res, Transaction& tx,
                               bool keep_alive) {
  mangle_reply_headers(res.base(), tx.config(), tx.facts, &tx.entry);
  res.keep_alive(keep_alive && tx.may_keep_client() && !conn.runtime().shutting_down());
  keep_reply_head_for_log(res.base(), tx);
  conn.stream.expires_after(tx.config().read_timeout);
  auto [ec, n] = co_await http::async_write(conn.stream, res, use_nothrow);
  tx.entry.result = ResultCode::TcpMiss;  // as Squid logs its internal objects
  tx.entry.status = res.result_int();
  tx.entry.reply_bytes = n;
  tx.entry.content_type = std::string(media_type(res[http::field::content_type]));
  log_transaction(conn, tx);
  co_return res.keep_alive() && !ec;
}

namespace {

// The reply's status, for the ACLs checked as the transaction is logged. The
// transaction ends here, so its own facts take the status rather than a copy.
void take_reply_status(Transaction& tx) {
  if (!tx.facts.reply) tx.facts.reply.emplace();
  tx.facts.reply->status = tx.entry.status;
}

// access_log lines with ACLs see the request's facts (only the client's address
// when the request ended before they were taken) and the reply's status.
uint64_t access_log_files_for(const ClientConnection& conn, Transaction& tx) {
  const auto& logs = tx.config().access_logs;
  if (!access_logs_select(logs)) return AccessLog::kAllFiles;
  if (tx.facts.method.empty()) tx.facts.client = conn.client_address;
  take_reply_status(tx);
  return access_log_files(logs, tx.facts);
}

// squid 5.7 adds the `note` lines' annotations as it logs a transaction that
// has a request, before the access_log ACLs look (ClientHttpRequest::logRequest).
void annotate_as_logged(Transaction& tx) {
  const auto& notes = tx.config().notes;
  if (notes.empty() || tx.facts.method.empty()) return;
  take_reply_status(tx);
  annotate_from_config(notes, tx.facts);
}

}  // namespace

void keep_reply_head_for_log(const http::response_header<>& header, Transaction& tx) {
  if (tx.config().logs_reply_head()) tx.entry.reply_head = header_text(header);
}

void log_connection_end(ClientConnection& conn) {
  Transaction tx;
  tx.active = conn.runtime().active();
  tx.start = std::chrono::steady_clock::now();
  tx.entry.client_ip = conn.client_ip;
  tx.entry.client_port = conn.client_port;
  tx.entry.connection_local_ip = conn.local_address.to_string();
  tx.entry.connection_local_port = conn.local_port;
  tx.entry.url = "error:transaction-end-before-headers";
  log_transaction(conn, tx);
}

void log_transaction(ClientConnection& conn, Transaction& tx) {
  tx.entry.end_time = std::chrono::system_clock::now();
  tx.entry.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - tx.start);
  const Config& config = tx.config();
  if (tx.log_reply_as_unsent) {
    tx.entry.reply_bytes = 0;
    tx.entry.content_type = "-";
  }
  auto& store_log = conn.runtime().store_log();
  if (store_log.enabled() && !tx.reply_stored && releases_private_entry(tx.entry))
    store_log.write(private_release_record(tx.entry, tx.released_reply_head));
  if (config.strip_query_terms) strip_query_terms(tx.entry);
  annotate_as_logged(tx);
  if (config.log_notes) tx.entry.notes = tx.facts.annotations;
  conn.runtime().access_log().write(tx.entry, access_log_files_for(conn, tx));
  conn.runtime().metrics().record(tx.entry);
}

}  // namespace cuttle
