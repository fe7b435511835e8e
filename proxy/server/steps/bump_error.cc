// Server-first bumping connects to the server before the client's handshake.
// When that fails (an untrusted certificate, a name mismatch, no TLS), squid
// still completes the client's handshake, so the browser can show why: the
// first request gets the error page, logged NONE_NONE without a hierarchy. A
// CONNECT http_access denied is bumped for the same reason.
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/deny_answer.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {
namespace {

awaitable<StepResult> answer_denied_connect(ClientConnection& conn, Transaction& tx) {
  const auto denial = *conn.bumped->denial;
  conn.bumped->denial.reset();
  tx.active = denial.active;  // deny_info as configured when the CONNECT was denied
  tx.client_keep_alive = false;
  tx.answers_connect_denial = true;
  tx.facts = transaction_facts(conn, tx, tx.target());  // what the page may show of the request
  co_await answer_denial(conn, tx, denial.last_acl, true, "");
  co_return false;
}

}  // namespace

awaitable<StepResult> answer_bump_error(ClientConnection& conn, Transaction& tx) {
  if (!conn.bumped) co_return kNextStep;
  if (conn.bumped->denial) co_return co_await answer_denied_connect(conn, tx);
  if (!conn.bumped->server_error) co_return kNextStep;
  const auto kind = *conn.bumped->server_error;
  conn.bumped->server_error.reset();
  co_return co_await reply_error(conn, kind, tx, false, conn.bumped->server_error_detail);
}

}  // namespace cuttle
