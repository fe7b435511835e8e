#include "proxy/server/steps/deny_answer.h"

#include "proxy/http/deny_page.h"
#include "proxy/server/error_page_facts.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/mark_client.h"


namespace cuttle {
namespace {

// Squid's comm_reset_close: an RST instead of an answer.
bool reset_connection(ClientConnection& conn, Transaction& tx) {
  error_code ignored;
  conn.stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
  conn.stream.socket().close(ignored);
  tx.entry.status = 0;  // nothing was answered: squid logs TCP_DENIED/000
  tx.entry.error_name = "TCP_RESET";
  log_transaction(conn, tx);
  return false;
}

awaitable<bool> send_deny_page(ClientConnection& conn, Transaction& tx, const DenyInfo& info) {
  const auto& text = info.kind == DenyInfo::Kind::Redirect ? info.target : info.template_text;
  auto res = deny_info_response(info, 403, error_page_facts(conn, tx, info.token, text), tx.config().error_pages);
  res.set("X-Cache", "MISS from " + tx.active->hostname);
  if (tx.entry.error_name.empty()) tx.entry.error_name = info.token;  // Squid's name of a deny_info page
  co_return co_await send_error_reply(conn, res, tx, tx.reusable_after_own_reply());
}

}  // namespace

awaitable<bool> answer_denial(ClientConnection& conn, Transaction& tx, const Acl* last_acl, bool redirect_allowed,
                              std::string detail) {
  mark_client_connection(conn, tx);  // squid marks a denied request's connection too
  const auto* info = last_acl ? find_deny_info(tx.config().deny_info, last_acl->name(), redirect_allowed) : nullptr;
  if (!info || (info->kind == DenyInfo::Kind::Page && info->template_text.empty()))
    co_return co_await reply_error(conn, ErrorKind::AccessDenied, tx, tx.reusable_after_own_reply(), detail);
  // Squid resets only a denial it decides before answering anything: http_access.
  if (info->kind == DenyInfo::Kind::Reset && tx.entry.result == ResultCode::TcpDenied)
    co_return reset_connection(conn, tx);
  if (info->kind == DenyInfo::Kind::Reset) {
    DenyInfo reset_page = *info;  // Squid's built-in TCP_RESET page: 403 and the text "reset"
    reset_page.target = reset_page.token = "TCP_RESET";
    reset_page.template_text = "reset";
    co_return co_await send_deny_page(conn, tx, reset_page);
  }
  co_return co_await send_deny_page(conn, tx, *info);
}

}  // namespace cuttle
